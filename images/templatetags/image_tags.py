from html import escape

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe

register = template.Library()


# Written here, not by a template: a list page shows a dozen pictures. Every value
# is escaped as {{ }} escapes it (_text()), the sizes localized as {{ }} localizes
# them; the markup ends with the newline its template file ended with.
def _text(value) -> str:
    """conditional_escape() without its lazy-string wrapper, which cost more than
    the escaping: safe strings (a template's literal arguments) as they are."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


@register.simple_tag
def picture(image, kind="width", sizes="100vw", loading="lazy", css_class=""):
    """{% picture image "card" sizes="(min-width: 60em) 33vw, 100vw" %}: a
    <picture> from stored renditions, WebP first, with width/height; loading
    "eager" for the image above the fold. Nothing for a missing image."""
    if image is None or not image.file:
        return mark_safe("\n")
    found = image.picture(kind, sizes)
    sizes = _text(found["sizes"])
    sources = "".join(
        f'<source type="{_text(source["type"])}" '
        f'srcset="{_text(source["srcset"])}" sizes="{sizes}">'
        for source in found["sources"]
    )
    size = ""
    if found["width"]:
        width, height = localize(found["width"]), localize(found["height"])
        size = f' width="{_text(width)}" height="{_text(height)}"'
    loading = f' loading="{_text(loading)}"' if loading else ""
    css_class = f' class="{_text(css_class)}"' if css_class else ""
    return mark_safe(
        f'<picture>{sources}<img src="{_text(found["src"])}"{size} '
        f'alt="{_text(found["alt"])}"{loading}{css_class}></picture>\n'
    )
