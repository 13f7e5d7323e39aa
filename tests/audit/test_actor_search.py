"""M-4.2: the register's actor search finds a person's events by their name now and by a
username they had before a rename (the chain records each rename, M-1.1)."""

import pytest

from apps.accounts.services import user_record_change
from apps.audit.filters import AuditEventFilterSet
from apps.audit.models import AuditEvent
from apps.audit.services import event_append
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _actions(client, **query) -> list[str]:
    page = client.get("/audit/", query)
    assert page.status_code == 200
    return [row[0].action for row in page.context["rows"]]


@pytest.fixture
def renamed(security_chief):
    """wangwei acts, is renamed wangwei2 by the chief (through the service the admin uses), and
    acts again; someone else acts meanwhile."""
    person = UserFactory(username="wangwei", full_name="王伟")
    event_append(actor=person, action="test.before_rename")
    event_append(actor=UserFactory(username="lina", full_name="李娜"), action="test.other")
    before = {"username": person.username, "full_name": person.full_name}
    person.username = "wangwei2"
    person.save()
    user_record_change(by=security_chief, user=person, before=before)
    event_append(actor=person, action="test.after_rename")
    return person


def test_actor_found_by_current_username_and_full_name(client, auditor, renamed):
    client.force_login(auditor)
    for text in ("wangwei2", "王伟"):
        assert sorted(_actions(client, actor=text)) == ["test.after_rename", "test.before_rename"]


def test_actor_found_by_former_username(client, auditor, renamed):
    client.force_login(auditor)
    # The event made as "wangwei" still says so (actor_label); the search by the old name
    # finds the person's events before and after the rename, and nobody else's.
    found = _actions(client, actor="WANGWEI")
    assert sorted(found) == ["test.after_rename", "test.before_rename"]
    assert _actions(client, actor="lina") == ["test.other"]


def test_actor_search_matching_nobody_lists_nothing(client, auditor, renamed):
    client.force_login(auditor)
    assert _actions(client, actor="zhangsan") == []


def test_api_actor_filter_matches_the_page(client, auditor, renamed):
    client.force_login(auditor)
    answer = client.get("/api/audit/events/", {"actor": "wangwei"})
    assert answer.status_code == 200
    assert sorted(row["action"] for row in answer.json()["results"]) == [
        "test.after_rename",
        "test.before_rename",
    ]


def test_actor_search_is_a_condition_on_the_actor_not_on_every_events_name(renamed):
    # issue 15: the count of a busy person's events is read off the (actor, -sequence) index;
    # a match on actor_label made PostgreSQL visit each matching event's row. (The plan itself
    # is the planner's to choose on a test table of a few rows: the condition is asserted.)
    queryset = AuditEventFilterSet({"actor": "wangwei"}, queryset=AuditEvent.objects.all()).qs
    where = str(queryset.query).split("WHERE", 1)[1]
    assert "actor_label" not in where and '"audit_auditevent"."actor_id" IN (' in where
