"""The OpenAPI schema says how the API refuses, too: every operation may answer
400 (a query it cannot read), 401 (a bad key) and 429 (too many requests) with
{"detail": …}; an operation on one story may answer 404. The desk's operations
need a desk token (bearer) and may also refuse with 403, 409, 413 and 415."""

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["detail"],
}
REFUSALS = {
    "400": "The query is not valid (an unknown parameter, a bad value or cursor).",
    "401": "The X-Api-Key is unknown or revoked.",
    "404": "No published story with this id.",
    "429": "Too many requests: see Retry-After.",
}
DESK_REFUSALS = {
    "400": "The request is not valid: see errors (by field).",
    "401": "No desk token, or it is unknown, revoked or its user deactivated.",
    "403": "Your role may not do this: detail says why.",
    "404": "No such story on your desk.",
    "409": "Saved since the version you sent, or not in a state for this: "
    "version is the current one.",
    "413": "The request body is too large.",
    "415": "Send JSON (application/json), or multipart/form-data for images.",
    "429": "Too many requests with this token: see Retry-After.",
}
DESK_PREFIX = "/api/v1/desk/"


def add_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    result["components"].setdefault("securitySchemes", {})["ApiKey"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
    }
    for name, schema in result["components"]["schemas"].items():
        if "Desk" in name and name.endswith("Request"):
            # The desk refuses fields it does not know (a typo is not dropped).
            schema["additionalProperties"] = False
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        desk = path.startswith(DESK_PREFIX)
        for operation in operations.values():
            if not desk:
                # Reads work without a key; a key raises the limit.
                operation["security"] = [{}, {"ApiKey": []}]
            for status, description in (DESK_REFUSALS if desk else REFUSALS).items():
                if status == "404" and "{id}" not in path:
                    continue
                operation["responses"].setdefault(
                    status, {"description": description, "content": ref}
                )
    return result
