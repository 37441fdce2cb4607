"""The story form's Preview panel: the endpoint its script posts the form to
(static/js/desk-preview.js). What the preview is made of is articles.live_preview's.

A script asks, so every refusal is JSON with a message (never the login page), and
every answer is private, never stored, never indexed. CSRF: the middleware, with the
form's own token in the posted fields.
"""

from django.conf import settings
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import RequestDataTooBig
from django.forms.formsets import all_valid
from django.http import JsonResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from articles import autosave, live_preview, workflow
from articles.previews import mark_preview
from newsroom.ratelimit import rate_limited, retry_after


def answer(payload: dict, status: int = 200, **headers) -> JsonResponse:
    response = mark_preview(JsonResponse(payload, status=status))
    for name, value in headers.items():
        response[name] = value
    return response


class LivePreviewAdminMixin:
    """For ArticleAdmin: the live-preview URLs of the add and change forms."""

    def get_urls(self):
        own = [
            path(
                "live-preview/",
                never_cache(self.live_preview_view),
                name="articles_article_live_preview_new",
            ),
            path(
                "<int:object_id>/live-preview/",
                never_cache(self.live_preview_view),
                name="articles_article_live_preview",
            ),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        story = obj if obj is not None and obj.pk else None
        if story is None:
            may_preview = self.has_add_permission(request)
        else:
            may_preview = workflow.allowed(request.user, "change", story)
        if may_preview:
            context["live_preview_url"] = self.live_preview_url(story)
        return super().render_change_form(request, context, add, change, **kwargs)

    def live_preview_url(self, story) -> str:
        if story is None:
            return reverse("admin:articles_article_live_preview_new")
        return reverse("admin:articles_article_live_preview", args=[story.pk])

    def live_preview_view(self, request, object_id=None):
        if request.method != "POST":
            return answer({"error": "The preview takes a POST."}, 405, Allow="POST")
        user = request.user
        if not (self.admin_site.has_permission(request) and workflow.may_write(user)):
            return answer({"error": "Only staff who write stories may preview."}, 403)
        story = None
        if object_id is None:
            if not self.has_add_permission(request):
                return answer({"error": "You may not write new stories."}, 403)
        else:
            story = self.get_queryset(request).filter(pk=object_id).first()
            if story is None:
                return answer({"error": "No such story (deleted, or not yours)."}, 404)
            if not self.has_change_permission(request, story):
                return answer({"error": "You may not edit this story."}, 403)
        too_big = {"error": "Too large to preview: the story is over the size limit."}
        if int(request.META.get("CONTENT_LENGTH") or 0) > autosave.max_bytes():
            return answer(too_big, 413)
        window = settings.LIVE_PREVIEW_RATE_WINDOW
        if rate_limited(
            f"live-preview:{user.pk}", settings.LIVE_PREVIEW_RATE_LIMIT, window
        ):
            return answer(
                {"error": "Too many previews; wait a moment."},
                429,
                **{"Retry-After": str(retry_after(window))},
            )
        try:
            form, formsets = self.preview_forms(request, story)
        except RequestDataTooBig:
            return answer(too_big, 413)
        preview = live_preview.unsaved_story(form, formsets, user)
        page = live_preview.render(request, preview)
        return answer({"html": page.content.decode(), "errors": preview.errors})

    def preview_forms(self, request, story):
        """The change form and its inline formsets, bound to the post and
        validated exactly as a save would be (ModelAdmin._changeform_view)."""
        add = story is None
        fieldsets = self.get_fieldsets(request, story)
        form_class = self.get_form(
            request, story, change=not add, fields=flatten_fieldsets(fieldsets)
        )
        data = request.POST.copy()
        form = form_class(data, request.FILES, instance=story)
        if not add and hasattr(form, "instance_token"):
            # Whether someone saved since the form opened is a question for Save,
            # not for the preview: answer it as if the form were fresh.
            data[form.add_prefix("loaded_modified_at")] = form.instance_token()
        formsets, _ = self._create_formsets(request, form.instance, change=not add)
        form.is_valid()
        all_valid(formsets)
        return form, formsets
