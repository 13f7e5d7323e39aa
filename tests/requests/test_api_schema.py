"""Issue 17's "OpenAPI updated": /api/schema/ documents every footage-request operation a
requester type goes through (M-3.3, M-3.5, M-1.1b, M-3.4), with the bodies' choices — all four
requester types, both modes, every attachment kind, approve or reject — as enums, and the
copy's file upload as multipart."""

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("get", "/api/requests/"),
    ("post", "/api/requests/"),
    ("get", "/api/requests/{id}/"),
    ("post", "/api/requests/{id}/attachments/"),
    ("post", "/api/requests/{id}/submit/"),
    ("post", "/api/requests/{id}/decide/"),
    ("post", "/api/requests/{id}/custodian/"),
    ("post", "/api/requests/{id}/retrieval/"),
    ("post", "/api/requests/{id}/result/"),
    ("post", "/api/requests/{id}/copies/"),
    ("post", "/api/requests/{id}/copies/{copy_pk}/acknowledge/"),
    ("post", "/api/requests/{id}/copies/{copy_pk}/verify/"),
    ("get", "/api/requests/access-register/"),
    ("get", "/api/requests/delegations/"),
    ("post", "/api/requests/delegations/"),
    ("post", "/api/requests/delegations/{id}/revoke/"),
]


@pytest.fixture
def schema(client, applicant):
    client.force_login(applicant)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _body(schema, method: str, path: str, media: str = "application/json") -> dict:
    ref = schema["paths"][path][method]["requestBody"]["content"][media]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _enum(schema, prop: dict) -> list:
    if "$ref" in prop:
        prop = schema["components"]["schemas"][prop["$ref"].rsplit("/", 1)[1]]
    if "allOf" in prop:
        return _enum(schema, prop["allOf"][0])
    if "oneOf" in prop:
        return [v for p in prop["oneOf"] for v in _enum(schema, p)]
    return [v for v in prop.get("enum", []) if v]


def test_every_operation_of_the_workflow_is_in_the_schema(schema):
    missing = [(m, p) for m, p in OPERATIONS if m not in schema["paths"].get(p, {})]
    assert missing == []


def test_the_filing_body_names_all_four_types_and_both_modes(schema):
    body = _body(schema, "post", "/api/requests/")["properties"]
    assert sorted(_enum(schema, body["requester_type"])) == [
        "external",
        "internal",
        "law_enforcement",
        "student",
    ]
    assert sorted(_enum(schema, body["mode"])) == ["copy", "view"]
    assert {"handler_id_number", "cameras", "span_from", "span_to", "reason"} <= set(body)


def test_attachments_decisions_and_copies_are_documented(schema):
    attach = _body(schema, "post", "/api/requests/{id}/attachments/", "multipart/form-data")
    assert set(_enum(schema, attach["properties"]["kind"])) >= {
        "evidence_notice",
        "officer_id",
        "certificate",
        "handler_id",
        "student_id",
    }
    decide = _body(schema, "post", "/api/requests/{id}/decide/")["properties"]
    assert sorted(_enum(schema, decide["decision"])) == ["approve", "reject"]
    assert "password" in decide  # a leader signs afresh (M-3.3)
    copies = schema["paths"]["/api/requests/{id}/copies/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(copies)
