"""The desk API (/api/v1/desk/): trusted tools write stories as one newsroom user.

A tool sends `Authorization: Bearer nrd_…` (a DeskToken, api/models.py) and acts
with exactly its user's role: every permission question is articles.workflow's,
every transition Article.apply(), every upload images.uploads.add_upload(), as in
the admin. access.py authenticates and limits, parsers.py reads bodies (capped,
no NUL), serializers.py says what a request may hold, editing.py writes (one
transaction, version checked), views.py wires them. See docs/api.md.
"""
