"""Every refusal of the API has one shape: {"detail": "…"}, plus "errors" (by
query parameter) when the query was wrong."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        request = context.get("request")
        what = "query" if request is None or request.method == "GET" else "request"
        errors = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        response.data = {
            "detail": f"The {what} is not valid: see errors.",
            "errors": errors,
        }
    return response
