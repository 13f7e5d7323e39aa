"""Issue 16's "OpenAPI schema updated": /api/schema/ documents every maintenance operation the
journey goes through (tests/maintenance/test_api_journey.py: M-2.1, M-2.2, M-2.3, M-2.4) and
the day log, function test and SLA report, with the bodies' choices as enums and the clear's
photos as multipart."""

import pytest

from apps.maintenance.models import FaultTicket, TicketPause
from apps.maintenance.views import TICKET_VERBS

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("get", "/api/maintenance/contracts/"),
    ("get", "/api/maintenance/contracts/{id}/"),
    ("get", "/api/maintenance/tickets/"),
    ("get", "/api/maintenance/tickets/{id}/"),
    *(("post", f"/api/maintenance/tickets/{{id}}/{verb}/") for verb in TICKET_VERBS),
    ("get", "/api/maintenance/daylogs/"),
    ("get", "/api/maintenance/daylogs/{day}/"),
    ("post", "/api/maintenance/daylogs/{day}/entry/"),
    ("post", "/api/maintenance/daylogs/{day}/sign/"),
    ("post", "/api/maintenance/daylogs/{day}/addendum/"),
    ("get", "/api/maintenance/function-tests/"),
    ("post", "/api/maintenance/function-tests/start/"),
    ("get", "/api/maintenance/sla-report/"),
    ("post", "/api/patrol/checks/{id}/review/"),  # the journey's first step
]


@pytest.fixture
def schema(client, security_staff):
    client.force_login(security_staff)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _component(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _enum(schema, prop: dict) -> list:
    if "$ref" in prop:
        prop = _component(schema, prop["$ref"])
    if "allOf" in prop:
        return _enum(schema, prop["allOf"][0])
    if "oneOf" in prop:
        return [v for p in prop["oneOf"] for v in _enum(schema, p)]
    return [v for v in prop.get("enum", []) if v]


def test_every_operation_of_the_journey_is_documented(schema):
    paths = schema["paths"]
    day_paths = [p for p in paths if p.startswith("/api/maintenance/daylogs/{")]
    missing = []
    for method, path in OPERATIONS:
        if "{day}" in path:  # the day's path parameter name is the viewset's lookup
            found = [p for p in day_paths if p.split("}", 1)[1] == path.split("}", 1)[1]]
            path = found[0] if found else path
        if method not in paths.get(path, {}):
            missing.append(f"{method.upper()} {path}")
    assert not missing, missing


def test_the_ticket_s_states_and_the_pause_reasons_are_enums(schema):
    answer = schema["paths"]["/api/maintenance/tickets/{id}/"]["get"]["responses"]["200"]
    ticket = _component(schema, answer["content"]["application/json"]["schema"]["$ref"])
    assert set(_enum(schema, ticket["properties"]["state"])) == set(FaultTicket.State.values)
    body = schema["paths"]["/api/maintenance/tickets/{id}/pause_start/"]["post"]["requestBody"]
    pause = _component(schema, body["content"]["application/json"]["schema"]["$ref"])
    assert set(_enum(schema, pause["properties"]["reason"])) == set(TicketPause.Reason.values)


def test_the_clear_takes_its_photos_as_multipart(schema):
    body = schema["paths"]["/api/maintenance/tickets/{id}/clear/"]["post"]["requestBody"]
    multipart = body["content"]["multipart/form-data"]["schema"]
    props = (_component(schema, multipart["$ref"]) if "$ref" in multipart else multipart)[
        "properties"
    ]
    assert {"note", "before_photo", "after_photo"} <= set(props)
    assert props["before_photo"]["format"] == "binary"
