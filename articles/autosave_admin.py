"""Autosave in the story admin: the endpoint the story form's script posts to, the
"Restore your unsaved changes" banner, restoring (?restore=<id>, no script needed)
and discarding. What a slot keeps and when it is offered is articles.autosave's."""

import json
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseRedirect, JsonResponse
from django.http.request import RawPostDataException
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles import autosave, workflow
from articles.models import Article, ArticleAutosave
from newsroom.ratelimit import rate_limited, retry_after

DRAFT_KEY_FIELD = "_autosave_key"


def refusal(message: str, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def read_payload(request) -> dict:
    """The posted JSON object, within autosave.max_bytes()."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > autosave.max_bytes():
        raise autosave.Rejected("Too large to autosave.", status=413)
    try:
        payload = json.loads(request.body or b"{}")
    except (RequestDataTooBig, RawPostDataException) as error:
        raise autosave.Rejected("Too large to autosave.", status=413) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise autosave.Rejected("An autosave is sent as JSON.") from error
    if not isinstance(payload, dict):
        raise autosave.Rejected("An autosave is a JSON object.")
    return payload


def clock(moment) -> str:
    """12:03 today, 4 Dec, 12:03 before (the site's time zone)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return time_format(local, "H:i")
    return date_format(local, "j M, H:i")


class AutosaveAdminMixin:
    """For ArticleAdmin: the autosave URLs, banner, restore and discard."""

    def get_urls(self):
        own = [
            path(
                "autosave/",
                never_cache(self.autosave_view),
                name="articles_article_autosave_new",
            ),
            path(
                "<int:object_id>/autosave/",
                never_cache(self.autosave_view),
                name="articles_article_autosave",
            ),
            path(
                "autosave/<int:slot_id>/discard/",
                self.admin_site.admin_view(require_POST(self.discard_autosave_view)),
                name="articles_article_autosave_discard",
            ),
        ]
        return own + super().get_urls()

    # The endpoint: a script posts, so every refusal is JSON with a message (not
    # the login page). CSRF: the middleware, with the form's token in X-CSRFToken.

    def autosave_view(self, request, object_id=None):
        if request.method != "POST":
            return refusal("Autosave takes a POST.", 405, Allow="POST")
        user = request.user
        if not (self.admin_site.has_permission(request) and workflow.may_write(user)):
            return refusal("Only staff who write stories may autosave.", 403)
        window = settings.AUTOSAVE_RATE_WINDOW
        if rate_limited(f"autosave:{user.pk}", settings.AUTOSAVE_RATE_LIMIT, window):
            return refusal(
                "Too many autosaves; the next one will be kept.",
                429,
                **{"Retry-After": str(retry_after(window))},
            )
        article = None
        if object_id is not None:
            article = Article.objects.filter(pk=object_id).first()
            if article is None:
                return refusal(
                    "This story was deleted; your text is kept in this browser.", 404
                )
            if not workflow.allowed(user, "change", article):
                return refusal(
                    "You may no longer edit this story; your text is kept in this "
                    "browser.",
                    403,
                )
        try:
            payload = read_payload(request)
            fields = autosave.form_fields(payload.get("fields"))
            draft_key = str(payload.get("draft_key") or "")[:64]
            if article is None and not draft_key:
                raise autosave.Rejected("A new story's autosave needs its draft key.")
        except autosave.Rejected as error:
            return refusal(str(error), error.status)
        autosave.store(user, article, draft_key, fields)
        now = timezone.now()
        return JsonResponse(
            {"saved_at": now.isoformat(), "message": f"Autosaved at {clock(now)}"}
        )

    def discard_autosave_view(self, request, slot_id):
        autosave.discard(request.user, slot_id)
        self.message_user(request, "Your unsaved changes were discarded.")
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, {request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:articles_article_changelist")
        return HttpResponseRedirect(back)

    # Restoring: the form opens with the slot's text as its initial data.

    def restoring(self, request, obj) -> ArticleAutosave | None:
        """The user's slot named by ?restore= for this story (None for another's)."""
        if not hasattr(request, "_autosave_restoring"):
            slot = None
            slot_id = request.GET.get("restore", "")
            if request.method == "GET" and slot_id.isdigit():
                slots = ArticleAutosave.objects.filter(user=request.user, pk=slot_id)
                if obj is None or obj.pk is None:
                    slot = slots.filter(article__isnull=True).first()
                else:
                    slot = slots.filter(article=obj).first()
            request._autosave_restoring = slot
        return request._autosave_restoring

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        slot = self.restoring(request, obj) if obj is not None else None
        if slot is None:
            return form_class
        initial = autosave.initial_values(slot, form_class.base_fields)

        class RestoredForm(form_class):
            def __init__(self, *args, **kwargs):
                if not args and kwargs.get("data") is None:
                    kwargs["initial"] = {**(kwargs.get("initial") or {}), **initial}
                super().__init__(*args, **kwargs)

        return RestoredForm

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("restore", None)
        if slot := self.restoring(request, None):
            fields = self.get_form(request).base_fields
            initial.update(autosave.initial_values(slot, fields))
        return initial

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        story = obj if obj is not None and obj.pk else None
        may_write = (
            workflow.allowed(request.user, "change", story)
            if story
            else self.has_add_permission(request)
        )
        if may_write:
            context.update(self.autosave_context(request, story))
        return super().render_change_form(request, context, add, change, **kwargs)

    def autosave_context(self, request, story) -> dict:
        user = request.user
        restored = self.restoring(request, story)
        if story is None:
            url = reverse("admin:articles_article_autosave_new")
            key = (restored.draft_key if restored else "") or uuid.uuid4().hex
            storage = f"newsroom-autosave:{user.pk}:new:{key}"
        else:
            url = reverse("admin:articles_article_autosave", args=[story.pk])
            key = ""
            storage = f"newsroom-autosave:{user.pk}:{story.pk}"
        offer = None
        if restored is None and request.method == "GET":
            offer = autosave.offered(user, story)
        context = {
            "autosave_url": url,
            "autosave_key": key,
            "autosave_storage": storage,
            "autosave_interval": settings.AUTOSAVE_INTERVAL_SECONDS,
            "autosave_restored": restored and clock(restored.saved_at),
        }
        changes = autosave.differences(offer, story) if offer else []
        if changes:
            context["autosave_offer"] = {
                "slot": offer,
                "at": clock(offer.saved_at),
                "changes": changes,
                "restore": f"{request.path}?restore={offer.pk}",
                "back": request.get_full_path(),
            }
        return context

    # A save puts the text in the story: the slot has done its work.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        autosave.forget(request.user, obj, request.POST.get(DRAFT_KEY_FIELD, ""))
