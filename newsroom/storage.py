"""Media storage failures, caught where an editor can act on them.

When the object store (or the media disk) fails while the admin saves a story
with an upload, ``StorageErrorAdminMixin`` rolls the save back, then shows the same
form again with everything the editor typed and a clear message on top, instead
of a 500 page. Nothing is half-saved: the admin saves in a transaction, and the
retry stops at validation, before anything is written. (A browser never refills a
file input, so the image has to be chosen again; the message says so.)

Use it on any ModelAdmin whose form takes files, before ``admin.ModelAdmin``::

    class ArticleAdmin(StorageErrorAdminMixin, admin.ModelAdmin): ...
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django import forms

logger = logging.getLogger("newsroom.storage")

# What a storage backend raises when it cannot store a file: the disk (OSError)
# or an S3-compatible store (connection, timeout, refusal).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)

STORAGE_ERROR_MESSAGE = (
    "The image store could not be reached, so nothing was saved. Everything you "
    "typed is still below: choose the image again and save in a minute, or save "
    "without the image for now."
)


class StorageErrorAdminMixin:
    """Turn a storage failure during an admin save into a form error (module doc)."""

    storage_error_message = STORAGE_ERROR_MESSAGE

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except STORAGE_ERRORS as exc:
            if request.method != "POST":
                raise
            logger.warning(
                "Media storage failed while saving %s: %r", self.opts.label, exc
            )
            # The admin's transaction was rolled back; show the form again. This
            # time validation fails (get_form below), so nothing is written.
            request.newsroom_storage_error = True
            for upload in request.FILES.values():
                upload.seek(0)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if not getattr(request, "newsroom_storage_error", False):
            return form_class
        message = self.storage_error_message

        class StorageFailedForm(form_class):
            def clean(self):
                super().clean()
                raise forms.ValidationError(message, code="storage_unavailable")

        StorageFailedForm.__name__ = form_class.__name__
        return StorageFailedForm
