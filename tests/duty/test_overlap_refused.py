"""M-1.2: one person is never in two overlapping shifts — refused with a clear message, in
both languages, and under a race (a locked check, and PostgreSQL's exclusion constraint)."""

import threading
import time
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.duty.models import RosterAssignment
from apps.duty.services import OVERLAP_MESSAGE, roster_assign, roster_unassign, shift_times
from tests.duty.helpers import in_zh_catalogue, operator, preset

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 31)


def test_a_night_shift_ends_the_next_morning_in_local_time(security_staff):
    night = roster_assign(
        operator=operator("op-a"), template=preset("12h_night"), day=DAY, by=security_staff
    )
    night.refresh_from_db()
    assert night.starts_at == datetime(2026, 12, 31, 12, tzinfo=UTC)  # 20:00 in Shanghai
    assert night.ends_at == datetime(2027, 1, 1, 0, tzinfo=UTC)  # 08:00 the next day
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.clause) == ("duty.roster_assign", "M-1.2")


def test_overlapping_shift_refused_with_a_clear_message(security_staff):
    person = operator("op-a", full_name="Li Lei")
    roster_assign(operator=person, template=preset("12h_night"), day=DAY, by=security_staff)
    events = AuditEvent.objects.count()
    # The 8-hour night shift of 1 January (00:00–08:00) lies inside the 12-hour one.
    with pytest.raises(RuleViolation) as refused:
        roster_assign(
            operator=person, template=preset("8h_night"), day=date(2027, 1, 1), by=security_staff
        )
    assert "Li Lei is already on duty 2026-12-31 20:00 – 2027-01-01 08:00" in refused.value.message
    assert "two overlapping shifts" in refused.value.message
    assert RosterAssignment.objects.count() == 1 and AuditEvent.objects.count() == events


@pytest.mark.skipif(not in_zh_catalogue(OVERLAP_MESSAGE), reason="zh-hans not merged yet")
def test_the_refusal_in_chinese(security_staff):
    person = operator("op-a", full_name="Li Lei")
    roster_assign(operator=person, template=preset("8h_day"), day=DAY, by=security_staff)
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refused:
        roster_assign(operator=person, template=preset("12h_day"), day=DAY, by=security_staff)
    assert "同一人不能同时在两个重叠的班次" in refused.value.message


def test_back_to_back_shifts_are_fine_and_an_unassigned_one_frees_the_time(security_staff):
    person = operator("op-a")
    roster_assign(operator=person, template=preset("8h_day"), day=DAY, by=security_staff)
    evening = roster_assign(
        operator=person, template=preset("8h_evening"), day=DAY, by=security_staff
    )
    roster_unassign(assignment=evening, by=security_staff)
    again = roster_assign(operator=person, template=preset("12h_night"), day=DAY, by=security_staff)
    assert again.pk != evening.pk
    assert RosterAssignment.objects.filter(cancelled_at=None).count() == 2
    assert RosterAssignment.objects.get(pk=evening.pk).cancelled_by == security_staff


def test_only_duty_operators_and_only_the_office(security_staff, duty_operator, auditor):
    with pytest.raises(RuleViolation, match="is not a duty operator"):
        roster_assign(operator=auditor, template=preset("8h_day"), day=DAY, by=security_staff)
    with pytest.raises(RuleViolation, match="Only the security office"):
        roster_assign(operator=duty_operator, template=preset("8h_day"), day=DAY, by=duty_operator)
    assert not RosterAssignment.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints: PostgreSQL")
def test_the_database_refuses_an_overlap_written_around_the_service(security_staff):
    person = operator("op-a")
    roster_assign(operator=person, template=preset("12h_day"), day=DAY, by=security_staff)
    starts_at, ends_at = shift_times(template=preset("8h_day"), day=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        RosterAssignment.objects.create(
            operator=person,
            template=preset("8h_day"),
            date=DAY,
            starts_at=starts_at,
            ends_at=ends_at,
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_planners_at_once_leave_one_shift(security_staff, security_chief):
    """The first assignment holds the operator's lock until it commits; the second waits for
    it, then sees the shift and is refused."""
    person = operator("op-race")
    first_in, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                roster_assign(
                    operator=person, template=preset("12h_day"), day=DAY, by=security_staff
                )
                first_in.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            first_in.wait(10)
            roster_assign(operator=person, template=preset("8h_day"), day=DAY, by=security_chief)
            outcome["second"] = "assigned"
        except RuleViolation as exc:
            outcome["second"] = exc.message
        finally:
            outcome["second_done_at"] = time.monotonic()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(10)
    time.sleep(0.5)
    assert "second" not in outcome  # waiting on the lock, not deciding on stale data
    released_at = time.monotonic()
    release.set()
    for thread in threads:
        thread.join(15)
    assert outcome["second_done_at"] >= released_at
    # The locked check saw the first shift (the constraint alone would not name it).
    assert "already on duty 2026-12-31 08:00 – 2026-12-31 20:00" in outcome["second"]
    assert RosterAssignment.objects.filter(operator=person, cancelled_at=None).count() == 1
