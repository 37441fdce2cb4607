from django import template

register = template.Library()


@register.inclusion_tag("images/_picture.html")
def picture(image, kind="width", sizes="100vw", loading="lazy", css_class=""):
    """{% picture image "card" sizes="(min-width: 60em) 33vw, 100vw" %}: a
    <picture> from stored renditions, WebP first, with width/height; loading
    "eager" for the image above the fold. Nothing for a missing image."""
    if image is None or not image.file:
        return {"picture": None}
    return {
        "picture": image.picture(kind, sizes),
        "loading": loading,
        "css_class": css_class,
    }
