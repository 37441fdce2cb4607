"""Cursor pagination with a bounded page size, strict about what it is given:
a page size out of range or a cursor we did not write is a 400 that says so."""

from django.conf import settings
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

MAX_POSITION_CHARS = 64


class ApiCursorPagination(CursorPagination):
    page_size_query_param = "limit"
    page_size_query_description = "Items per page (1 to API_MAX_PAGE_SIZE)."
    ordering = ("-published_at", "-id")
    # How the cursor's position (the ordering's first field) is read back.
    position_kind = "datetime"

    def __init__(self):
        # Read per request: settings may change (tests), the class stays.
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return settings.API_PAGE_SIZE
        if not (raw.isascii() and raw.isdigit() and len(raw) < 6) or not (
            1 <= int(raw) <= self.max_page_size
        ):
            raise ValidationError(
                {"limit": f"A whole number from 1 to {self.max_page_size}."}
            )
        return int(raw)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except (NotFound, UnicodeError) as exc:
            raise ValidationError(
                {"cursor": "Not a cursor this API gave out."}
            ) from exc
        if cursor is None or cursor.position is None:
            return cursor
        return Cursor(
            offset=cursor.offset,
            reverse=cursor.reverse,
            position=self._read_position(cursor.position),
        )

    def _read_position(self, raw: str):
        problem = ValidationError({"cursor": "Not a cursor this API gave out."})
        if len(raw) > MAX_POSITION_CHARS:
            raise problem
        if self.position_kind == "int":
            if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
                raise problem
            return int(raw)
        try:
            moment = parse_datetime(raw)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise problem
        return moment

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=settings.API_MAX_PAGE_SIZE
                )
        return parameters

    def get_paginated_response_schema(self, schema):
        found = super().get_paginated_response_schema(schema)
        found["required"] = ["next", "previous", "results"]
        return found


class IdCursorPagination(ApiCursorPagination):
    """Newest first by primary key, for rows without a publish time of their own."""

    ordering = ("-id",)
    position_kind = "int"


class NameCursorPagination(ApiCursorPagination):
    ordering = ("name", "id")
    position_kind = "text"

    def _read_position(self, raw: str):
        if len(raw) > 300 or any(ord(c) < 32 for c in raw):  # PostgreSQL: no NUL
            raise ValidationError({"cursor": "Not a cursor this API gave out."})
        return raw
