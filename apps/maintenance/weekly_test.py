"""The weekly function test (每周检查测试, M-2.1): reads and writes.

Once a week the security office tests the key functions. Starting the week's test, the
system proposes a random camera in service and a random moment within the last 30 days for a
retrieval test, writes a marker event through the audit chain and reads it back — the row by
its sequence, its hash recomputed from its fields and linked to the event before it — so the
record shows that the system's logging works (its sequence, hash and the verdict). The tester
then records whether the footage was retrieved, and signs. A past week without a signed test
is flagged (list and dashboard).
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from apps.audit.models import AuditEvent
from apps.audit.services import event_append
from apps.cameras.models import Camera
from apps.core.exceptions import RuleViolation

from .models import DayLog, FunctionTest

VIEW_ROLES = (Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR)
WRITE_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
LOOKBACK = timedelta(days=30)
"""The retrieval test's moment lies within this span before the test starts."""
WEEKS_SHOWN = 12

_random = secrets.SystemRandom()


def _may(user: User, roles) -> bool:
    return user.is_superuser or (user.has_any_role(*roles) and not user.is_vendor_engineer)


def may_view(user: User) -> bool:
    return _may(user, VIEW_ROLES)


def may_write(user: User) -> bool:
    return _may(user, WRITE_ROLES)


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


# --- reading the marker back


def marker_verify(*, sequence: int, expected_hash: str) -> bool:
    """The marker event as stored: found by its sequence, its hash recomputed from its fields
    equal to the stored one and to ``expected_hash``, and linked to the event before it."""
    fields = [*HASHED_FIELDS, "prev_hash", "hash"]
    row = AuditEvent.objects.filter(sequence=sequence).values(*fields).first()
    if row is None or row["hash"] != expected_hash:
        return False
    if sequence == 1:
        previous = GENESIS_HASH
    else:
        previous = (
            AuditEvent.objects.filter(sequence=sequence - 1).values_list("hash", flat=True).first()
        )
    return (
        row["prev_hash"] == previous and event_hash(prev_hash=previous, fields=row) == row["hash"]
    )


# --- reads


def function_test_get(*, user: User, pk: int) -> FunctionTest:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        FunctionTest.objects.select_related("camera", "proposed_by", "signed_by"), pk=pk
    )


def _first_week(today: date) -> date:
    """Weeks are owed from the system's first use: its first test or first O&M log day."""
    firsts = [
        FunctionTest.objects.order_by("week").values_list("week", flat=True).first(),
        DayLog.objects.order_by("day").values_list("day", flat=True).first(),
    ]
    known = [week_of(day) for day in firsts if day is not None]
    return min(known) if known else week_of(today)


@dataclass
class Week:
    week: date
    test: FunctionTest | None
    status: str  # signed, started, due (this week), missing (a past week, flagged)

    @property
    def flagged(self) -> bool:
        return self.status in ("missing", "unsigned")


def weeks(*, today: date | None = None, count: int = WEEKS_SHOWN) -> list[Week]:
    """This week and the ones before, newest first, each with its test and status; weeks
    before the system's first use are not owed. Two queries."""
    today = today or timezone.localdate()
    this_week = week_of(today)
    first = max(_first_week(today), this_week - timedelta(weeks=count - 1))
    tests = {
        t.week: t
        for t in FunctionTest.objects.filter(week__gte=first, week__lte=this_week).select_related(
            "camera", "signed_by"
        )
    }
    rows = []
    week = this_week
    while week >= first:
        test = tests.get(week)
        if test is not None and test.signed_at is not None:
            status = "signed"
        elif week == this_week:
            status = "started" if test else "due"
        else:
            status = "unsigned" if test else "missing"
        rows.append(Week(week=week, test=test, status=status))
        week -= timedelta(weeks=1)
    return rows


def weeks_flagged(*, today: date | None = None) -> int:
    return sum(1 for row in weeks(today=today) if row.flagged)


def dashboard_cards(user: User) -> list[dict]:
    if not may_write(user):
        return []
    from django.urls import reverse

    count = weeks_flagged()
    return [
        {
            "key": "function_tests_missing",
            "label": _("Past weeks without a signed function test"),
            "count": count,
            "url": reverse("maintenance_function_tests"),
            "css": "text-danger" if count else "",
            "group": _("Maintenance"),
        }
    ]


# --- writes


def _propose(now: datetime) -> tuple[Camera, datetime]:
    ids = list(Camera.objects.filter(status=Camera.Status.ACTIVE).values_list("pk", flat=True))
    if not ids:
        raise RuleViolation(_("No camera is in service to test a retrieval on."), clause="M-2.1")
    camera = Camera.objects.get(pk=_random.choice(ids))
    seconds = _random.randrange(int(LOOKBACK.total_seconds()))
    moment = (now - timedelta(seconds=seconds)).replace(second=0, microsecond=0)
    return camera, moment


def function_test_start(*, by: User) -> FunctionTest:
    """Start this week's test (M-2.1): a random camera and moment proposed, the marker event
    written and read back. Once a week: the week's test, if started, is returned."""
    if not may_write(by):
        raise RuleViolation(
            _("Only security-office staff record the weekly function test."), clause="M-2.1"
        )
    now = timezone.now()
    week = week_of(timezone.localdate(now))
    existing = FunctionTest.objects.filter(week=week).first()
    if existing is not None:
        return existing
    camera, moment = _propose(now)
    try:
        with transaction.atomic():
            test = FunctionTest(
                week=week,
                camera=camera,
                moment=moment,
                proposed_at=now,
                proposed_by=by,
                marker_sequence=0,
                marker_hash="",
            )
            test.save()
            marker = event_append(
                actor=by,
                action="maintenance.function_test_marker",
                target=test,
                clause="M-2.1",
                data={
                    "week": week.isoformat(),
                    "camera": camera.code,
                    "moment": moment.isoformat(),
                    "nonce": secrets.token_hex(8),
                },
            )
            verified = marker_verify(sequence=marker.sequence, expected_hash=marker.hash)
            FunctionTest.objects.filter(pk=test.pk).update(
                marker_sequence=marker.sequence, marker_hash=marker.hash, marker_verified=verified
            )
    except IntegrityError:  # two clerks at once: the week has one test
        return FunctionTest.objects.get(week=week)
    test.refresh_from_db()
    return test


@transaction.atomic
def function_test_sign(
    *, by: User, test: FunctionTest, retrieval_ok: bool, retrieval_note: str = ""
) -> FunctionTest:
    """Record the retrieval's result and sign the week's test (M-2.1). A failed retrieval needs
    a note of what went wrong (it is a fault to report)."""
    if not may_write(by):
        raise RuleViolation(
            _("Only security-office staff record the weekly function test."), clause="M-2.1"
        )
    if test.signed_at is not None:
        raise RuleViolation(_("This week's test is signed already."), clause="M-2.1")
    note = retrieval_note.strip()
    if not retrieval_ok and not note:
        raise RuleViolation(_("Say what failed in the retrieval."), clause="M-2.1")
    # The marker is read back again at signing: the record says what held when it was signed.
    verified = marker_verify(sequence=test.marker_sequence, expected_hash=test.marker_hash)
    now = timezone.now()
    won = FunctionTest.objects.filter(pk=test.pk, signed_at=None).update(
        retrieval_ok=retrieval_ok,
        retrieval_note=note,
        marker_verified=verified,
        signed_at=now,
        signed_by=by,
    )
    if not won:
        raise RuleViolation(_("The test changed meanwhile; reload it."))
    test.refresh_from_db()
    event_append(
        actor=by,
        action="maintenance.function_test_sign",
        target=test,
        clause="M-2.1",
        data={
            "week": test.week.isoformat(),
            "camera": test.camera.code,
            "moment": test.moment.isoformat(),
            "retrieval_ok": retrieval_ok,
            "retrieval_note": note,
            "marker_sequence": test.marker_sequence,
            "marker_hash": test.marker_hash,
            "marker_verified": verified,
        },
    )
    return test
