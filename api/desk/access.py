"""Who is writing: the desk token in `Authorization: Bearer …`, and how often
(per token, newsroom/ratelimit.py's limiter)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from api.models import DeskToken
from newsroom.ratelimit import rate_limited, retry_after

SCHEME = "Bearer"


class DeskTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`: the token's user, if the token is active
    (not revoked) and its user too (a deactivated user's token is refused)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != SCHEME.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as “Authorization: Bearer <token>”."
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = DeskToken.objects.find(raw) if raw else None
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This desk token is unknown or revoked, or its user has been "
                "deactivated."
            )
        token.touch()
        return token.user, token

    def authenticate_header(self, request):
        return SCHEME  # makes a missing or bad token a 401 with WWW-Authenticate


class HasDeskToken(BasePermission):
    message = "Send a desk token: “Authorization: Bearer <token>” (docs/api.md)."

    def has_permission(self, request, view):
        return isinstance(request.auth, DeskToken)


class PerTokenLimit(BaseThrottle):
    """DESK_RATE_LIMIT requests per API_RATE_WINDOW for each token."""

    def allow_request(self, request, view):
        if not isinstance(request.auth, DeskToken):
            return True  # refused before this anyway
        return not rate_limited(
            f"api:desk:{request.auth.pk}",
            settings.DESK_RATE_LIMIT,
            settings.API_RATE_WINDOW,
        )

    def wait(self):
        return retry_after(settings.API_RATE_WINDOW)


class DeskTokenScheme(OpenApiAuthenticationExtension):
    """The desk's bearer scheme in the OpenAPI schema."""

    target_class = DeskTokenAuthentication
    name = "DeskToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A desk token from the admin (API → Desk tokens).",
        }
