"""Every refusal of the API has one shape: {"detail": "…"}, plus "errors" (by
query parameter) when the query was wrong."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": "The query is not valid: see errors.",
            "errors": exc.detail,
        }
    return response
