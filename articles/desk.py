"""What the desk shows about stories and, when installed, their comments.

The comments app depends on this one, never the reverse: its models are found by
name in the app registry, and everything here works without them.
"""

from datetime import timedelta

from django.apps import apps
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article


def comment_model():
    """comments.Comment when the comments app is installed and can count pending."""
    try:
        model = apps.get_model("comments", "Comment")
    except LookupError:
        return None
    if not hasattr(model.objects.all(), "pending"):
        return None
    return model


def pending_comment_counts(queryset):
    """Annotate `pending_comments` with one subquery (no query per row)."""
    Comment = comment_model()
    if Comment is None:
        return queryset
    field = next(f.name for f in Comment._meta.fields if f.related_model is Article)
    pending = (
        Comment.objects.all()
        .pending()
        .filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(pending_comments=Coalesce(Subquery(pending), 0))


def attention(user, now=None) -> dict:
    """What needs the desk: stories in review, going live within 24 h, comments pending."""
    now = now or timezone.now()
    stories = Article.objects.for_desk(user).select_related("section")
    Comment = comment_model()
    pending = None
    if Comment is not None and user.has_module_perms("comments"):
        pending = Comment.objects.all().pending().count()
    return {
        "in_review": list(stories.in_review().order_by("modified_at")[:10]),
        "in_review_count": stories.in_review().count(),
        "scheduled": list(
            stories.scheduled_between(now, now + timedelta(hours=24)).order_by(
                "published_at"
            )
        ),
        "pending_comments": pending,
    }
