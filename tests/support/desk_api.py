"""A trusted tool on the desk API: a client that sends a user's desk token."""

import json

from django.test import Client

from api.models import DeskToken

DESK = "/api/v1/desk"


class DeskTool:
    """Sends JSON to the desk API as `user` (through a token of theirs)."""

    def __init__(self, user, raw_token: str | None = None):
        self.user = user
        if raw_token is None:
            self.token, raw_token = DeskToken.objects.issue(user, "Test tool")
        self.raw = raw_token
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")

    def get(self, path, **extra):
        return self.client.get(DESK + path, **extra)

    def post(self, path, data=None, **extra):
        return self.client.post(
            DESK + path,
            json.dumps(data or {}),
            content_type="application/json",
            **extra,
        )

    def patch(self, path, data, **extra):
        return self.client.patch(
            DESK + path, json.dumps(data), content_type="application/json", **extra
        )

    def upload(self, uploaded, **fields):
        return self.client.post(DESK + "/images/", {"file": uploaded, **fields})

    def create(self, **data):
        return self.post("/stories/", {"headline": "Harbour bridge reopens", **data})

    def version(self, story) -> str:
        story.refresh_from_db()
        return story.modified_at.isoformat()
