"""M-4.2: auditors read the audit chain on a page with filters, pages and CSV export."""

import pytest

from apps.audit.services import event_append

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(security_chief, duty_operator):
    for n in range(60):
        event_append(actor=duty_operator, action="test.view", clause="M-3.4", data={"n": n})
    event_append(actor=security_chief, action="accounts.user_create", clause="M-1.1")


def test_auditor_sees_paginated_events(client, auditor, events):
    client.force_login(auditor)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert b"Page 1 of 2" in page.content and b"accounts.user_create" in page.content


def test_filters_by_actor_and_action(client, auditor, events):
    client.force_login(auditor)
    page = client.get("/audit/", {"actor": "chief1", "action": "user_create"})
    rows = page.context["rows"]
    assert len(rows) == 1 and rows[0][0].action == "accounts.user_create"


def test_htmx_request_gets_only_the_rows(client, auditor, events):
    client.force_login(auditor)
    page = client.get("/audit/", {"action": "user_create"}, HTTP_HX_REQUEST="true")
    assert b'<nav class="navbar' not in page.content and b"accounts.user_create" in page.content


def test_csv_export_has_every_matching_event(client, auditor, events):
    client.force_login(auditor)
    response = client.get("/audit/", {"action": "test.view", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert len(body.strip().splitlines()) == 61  # header + 60 events


def test_operator_is_refused_and_the_refusal_is_recorded(client, duty_operator):
    from apps.audit.models import AuditEvent

    client.force_login(duty_operator)
    assert client.get("/audit/").status_code == 403
    denied = AuditEvent.objects.get(action="core.permission_denied")
    assert denied.actor == duty_operator and denied.target_label == "/audit/"


# Issue 14 §5: the register reads as words, the codes stay beside them.


@pytest.fixture
def named(client, auditor, security_chief, duty_operator):
    """Three events by named people; the auditor signed in first (the oldest event)."""
    auditor.full_name = "Chen Jing"
    auditor.save(update_fields=["full_name"])
    client.force_login(auditor)
    security_chief.full_name = "Wang Fang"
    security_chief.save(update_fields=["full_name"])
    duty_operator.full_name = "Li Lei"
    duty_operator.save(update_fields=["full_name"])
    event_append(actor=duty_operator, action="accounts.login", target=duty_operator, clause="M-1.2")
    event_append(
        actor=security_chief,
        action="accounts.user_update",
        target=duty_operator,
        clause="M-1.1",
        data={"changes": {"phone": ["", "010-1234"]}},
    )
    event_append(actor=None, action="nowhere.unknown", target_type="url", target_label="/x/")


def _cells(page, testid: str) -> list[str]:
    import re
    from html import unescape

    found = re.findall(rf'<td data-testid="{testid}">(.*?)</td>', page.content.decode(), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in found]


def test_rows_show_labels_names_and_the_codes(client, auditor, named):
    page = client.get("/audit/")
    assert _cells(page, "action") == [
        "nowhere.unknown",  # undeclared: the code itself, once
        "User changed accounts.user_update",
        "Signed in accounts.login",
        "Signed in accounts.login",
    ]
    assert b'<code class="small text-muted">accounts.user_update</code>' in page.content
    assert _cells(page, "target-type") == [
        "page address url",
        "user accounts.user",
        "user accounts.user",
        "user accounts.user",
    ]
    assert _cells(page, "actor") == [
        "—",
        "Wang Fang chief1",
        "Li Lei operator1",
        "Chen Jing auditor1",
    ]


def test_rows_read_in_chinese(client, named):
    """The labels are gettext: in zh-hans the page asks the catalogue, so a translated label
    shows in Chinese (the catalogue is the lead's; this checks the lookup, not the words)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        expected = str(translation.gettext("User changed"))
        model_name = str(translation.gettext("user"))
    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert f"{expected} accounts.user_update" in _cells(page, "action")
    assert model_name == "用户" and f"{model_name} accounts.user" in _cells(page, "target-type")


@pytest.mark.parametrize(
    ("search", "actions"),
    [
        ({"actor": "wang fang"}, ["accounts.user_update"]),
        ({"actor": "chief1"}, ["accounts.user_update"]),
        ({"actor": "Li"}, ["accounts.login"]),
        ({"action": "signed in"}, ["accounts.login", "accounts.login"]),
        ({"action": "user_update"}, ["accounts.user_update"]),
        ({"target": "page address"}, ["nowhere.unknown"]),
        ({"target": "accounts.user", "actor": "wang"}, ["accounts.user_update"]),
    ],
)
def test_filters_match_what_the_page_shows_and_the_codes(client, named, search, actions):
    page = client.get("/audit/", search)
    assert [event.action for event, _ in page.context["rows"]] == actions
    api = client.get("/api/audit/events/", search)
    assert [row["action"] for row in api.json()["results"]] == actions


def test_api_rows_carry_the_labels_beside_the_codes(client, named):
    rows = client.get("/api/audit/events/", {"actor": "Wang Fang"}).json()["results"]
    assert rows[0]["actor_name"] == "Wang Fang" and rows[0]["actor_label"] == "chief1"
    assert rows[0]["action_label"] == "User changed" and rows[0]["action"] == "accounts.user_update"
    assert rows[0]["target_type_label"] == "user"


def test_csv_has_names_labels_and_codes(client, named):
    import csv
    import io

    response = client.get("/audit/", {"actor": "Wang", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    assert header[2:8] == [
        "actor",
        "username",
        "action",
        "action code",
        "target type",
        "target type code",
    ]
    assert row[2:8] == [
        "Wang Fang",
        "chief1",
        "User changed",
        "accounts.user_update",
        "user",
        "accounts.user",
    ]
    assert row[-1] == '{"changes": {"phone": ["", "010-1234"]}}'


def test_list_queries_do_not_grow_with_the_rows(client, auditor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    client.force_login(auditor)
    client.get("/audit/")  # session, roles: settled before counting

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/audit/").status_code == 200
        return len(queries)

    event_append(actor=UserFactory(full_name="Zhao"), action="accounts.login")
    few = counted()
    for n in range(30):
        event_append(actor=UserFactory(full_name=f"Person {n}"), action="accounts.login")
    assert counted() == few
