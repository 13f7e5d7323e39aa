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
