"""A form renderer that writes Django's plain input and textarea widgets in Python.

The template engine is slow for a widget this simple, and the comment form under
every story has nine (figures: docs/architecture.md, "The speed code"). The markup
is exactly that of Django's own templates (tests/newsroom/test_formrender.py compares the
two); any other widget still goes through its template.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "url", "hidden", "checkbox", "number")
}
_TEXTAREA = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class DirectWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in _INPUTS:
            value = widget["value"]
            value = (
                "" if value is None else f' value="{conditional_escape(str(value))}"'
            )
            return (
                f'<input type="{conditional_escape(widget["type"])}" '
                f'name="{conditional_escape(widget["name"])}"{value}'
                f"{_attrs(widget['attrs'])}>"
            )
        if template_name == _TEXTAREA:
            value = widget["value"]
            return (
                f'<textarea name="{conditional_escape(widget["name"])}"'
                f"{_attrs(widget['attrs'])}>\n"
                f"{conditional_escape(value) if value else ''}</textarea>"
            )
        return super().render(template_name, context, request)
