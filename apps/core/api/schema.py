"""drf-spectacular postprocessing: declare the error responses every endpoint can give.

Each endpoint answers 401 without credentials and 403 to a role it does not admit
(default-deny); an endpoint with an id in its path answers 404 for records outside the
user's scope (M-1.3); one that takes a body or query filters answers 400 for bad input or a
RuleViolation (with its clause). A client, and schemathesis, can rely on the schema."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "clause": {"type": "string", "description": "clause of the measures (M-x.y)"},
    },
    "required": ["detail"],
}
# A serializer's or a filter's field errors: {field: [messages]}, or {"detail": ...}.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": True,
    "description": "field → list of messages, or detail (and clause) for a broken rule",
}
_DESCRIPTIONS = {
    "400": "Bad input or a broken rule of the measures",
    "401": "Not signed in, or the credentials are refused",
    "403": "The role may not use this endpoint, or the second factor is still missing",
    "404": "No such record within your scope",
}


def _response(code: str, schema_ref: str) -> dict:
    return {
        "description": _DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": schema_ref}}},
    }


def declare_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", ERROR_SCHEMA)
    schemas.setdefault("ValidationErrors", VALIDATION_ERROR_SCHEMA)
    detail_ref = "#/components/schemas/ErrorDetail"
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", _response("401", detail_ref))
            responses.setdefault("403", _response("403", detail_ref))
            if "{" in path:
                responses.setdefault("404", _response("404", detail_ref))
            takes_input = method in ("post", "put", "patch") or any(
                p.get("in") == "query" for p in operation.get("parameters", [])
            )
            if takes_input:
                responses.setdefault(
                    "400", _response("400", "#/components/schemas/ValidationErrors")
                )
            if method == "get" and any(
                p.get("name") == "page" for p in operation.get("parameters", [])
            ):
                responses.setdefault("404", _response("404", detail_ref))  # page past the end
    return result
