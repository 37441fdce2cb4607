"""The admin index's "Needs attention" box."""

from django import template

from articles import workflow
from articles.desk import attention

register = template.Library()


@register.inclusion_tag("admin/articles/_attention.html", takes_context=True)
def desk_attention(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    if not workflow.may_write(user):
        return {"show": False}
    return {"show": True, **attention(user)}
