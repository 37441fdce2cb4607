"""The OpenAPI schema says how the API refuses, too: every operation may answer
400 (a query it cannot read), 401 (a bad key) and 429 (too many requests) with
{"detail": …}; an operation on one story may answer 404."""

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


def add_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    result["components"]["securitySchemes"] = {
        "ApiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    }
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            # Reads work without a key; a key raises the limit.
            operation["security"] = [{}, {"ApiKey": []}]
            for status, description in REFUSALS.items():
                if status == "404" and "{id}" not in path:
                    continue
                operation["responses"].setdefault(
                    status, {"description": description, "content": ref}
                )
    return result
