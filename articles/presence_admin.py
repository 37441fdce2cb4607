"""Presence in the story admin: the heartbeat the change form's script posts
(static/js/desk-presence.js) and the "… is also editing this story" notice. Who is
present is articles.presence's; who saved since is articles.conflicts'."""

import json
from datetime import datetime

from django.conf import settings
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles import conflicts, presence, workflow
from articles.autosave_admin import clock, refusal
from articles.models import Article
from newsroom.ratelimit import rate_limited, retry_after

MAX_BODY_BYTES = 4096


def describe(editor: presence.Editor) -> str:
    opened = datetime.fromtimestamp(editor.opened, tz=timezone.get_current_timezone())
    return f"{editor.name} is also editing this story — opened {clock(opened)}"


def saved_since_opened(article: Article, token: str, user) -> dict | None:
    """Tell the page, before its writer clicks Save, that the story was saved after
    the form was loaded (token: the form's loaded_modified_at)."""
    if not token or token == article.modified_at.isoformat():
        return None
    name, moment = conflicts.last_save(article)
    if name == presence.display_name(user):
        text = f"You saved this story in another window at {clock(moment)}."
    else:
        text = f"{name} saved this story at {clock(moment)}, after you opened it."
    return {
        "by": name,
        "at": clock(moment),
        "text": f"{text} If you save, you will see both versions and choose which "
        "to keep; nothing you typed is lost.",
    }


class PresenceAdminMixin:
    """For ArticleAdmin: the heartbeat URL and the presence notice's context."""

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/presence/",
                never_cache(self.presence_view),
                name="articles_article_presence",
            )
        ]
        return own + super().get_urls()

    # A script posts: every refusal is JSON with a message (not the login page).
    # CSRF: the middleware, with the form's token in X-CSRFToken.

    def presence_view(self, request, object_id):
        if request.method != "POST":
            return refusal("The heartbeat takes a POST.", 405, Allow="POST")
        user = request.user
        if not (self.admin_site.has_permission(request) and workflow.may_write(user)):
            return refusal("Only staff who write stories see who is editing.", 403)
        window = settings.PRESENCE_RATE_WINDOW
        if rate_limited(f"presence:{user.pk}", settings.PRESENCE_RATE_LIMIT, window):
            return refusal(
                "Too many heartbeats; the next one will count.",
                429,
                **{"Retry-After": str(retry_after(window))},
            )
        article = Article.objects.filter(pk=object_id).first()
        if article is None:
            return refusal("This story was deleted.", 404)
        if not workflow.allowed(user, "change", article):
            return refusal("You may not edit this story, so you are not shown.", 403)
        payload = _payload(request)
        if payload is None:
            return refusal("A heartbeat is a small JSON object.", 400)
        if payload.get("leaving") is True:
            presence.leave(article.pk, user)
            return JsonResponse({"others": [], "saved": None})
        others = presence.beat(article.pk, user)
        token = str(payload.get("token") or "")[:64]
        return JsonResponse(
            {
                "others": [{"name": e.name, "text": describe(e)} for e in others],
                "saved": saved_since_opened(article, token, user),
            }
        )

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        story = context.get("original")
        if change and story and workflow.allowed(request.user, "change", story):
            context["presence"] = {
                "url": reverse("admin:articles_article_presence", args=[story.pk]),
                "interval": settings.PRESENCE_INTERVAL_SECONDS,
                "others": [
                    describe(e) for e in presence.others(story.pk, request.user)
                ],
            }
        return super().render_change_form(request, context, add, change, **kwargs)


def _payload(request) -> dict | None:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return None
    try:
        payload = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None
