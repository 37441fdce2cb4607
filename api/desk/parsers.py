"""Request bodies the desk reads: JSON up to DESK_MAX_JSON_BYTES, multipart
uploads up to the image size limit; text with a NUL or a lone surrogate (which
the database cannot store) refused with a 400, never a 500."""

from io import BytesIO

from django.conf import settings
from rest_framework import exceptions, parsers, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."


def _refuse_beyond(limit: int, request, what: str) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise PayloadTooLarge(
            f"The {what} is {length:,} bytes; the most the desk API takes is "
            f"{limit:,}. Nothing was saved."
        )


def unstorable_text(value) -> str | None:
    """Why a parsed JSON value cannot be stored (a NUL, a lone surrogate), or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return "Text may not contain NUL characters (\\u0000)."
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "Text may not contain lone surrogates (e.g. \\ud800)."
        return None
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        if problem := unstorable_text(item):
            return problem
    return None


class CappedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        limit = settings.DESK_MAX_JSON_BYTES
        _refuse_beyond(limit, request, "JSON body")
        if stream is None:
            return {}
        # Content-Length may be absent (chunked): never read more than the cap.
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge(
                f"The JSON body is over {limit:,} bytes, the most the desk API "
                "takes. Nothing was saved."
            )
        data = super().parse(BytesIO(raw), media_type, parser_context)
        if problem := unstorable_text(data):
            raise exceptions.ParseError(problem)
        return data


class CappedMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # The file itself is checked by images/processing.py; this stops a body
        # far larger than any image we would take before it is written to disk.
        limit = settings.IMAGE_MAX_BYTES + 64 * 1024
        _refuse_beyond(limit, parser_context["request"], "upload")
        return super().parse(stream, media_type, parser_context)
