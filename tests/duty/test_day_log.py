"""M-2.2, M-1.2, M-1.4: duty's entries of the day's O&M log, through the core providers (the
maintenance app reads them without importing duty): each shift's check-in and check-out, the
handovers and their acknowledgement, the abnormal events — by the site's local day."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.core.providers import provided
from apps.duty.abnormal import abnormal_report
from apps.duty.handover import handover_acknowledge, handover_write
from apps.duty.services import shift_check_in, shift_check_out
from tests.duty.helpers import operator, shift_from

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)  # 20:00 on 31 December in Shanghai


def test_the_day_log_lists_duty_s_records_of_the_local_day(
    monkeypatch, security_staff, auditor, vendor_engineer
):
    now = {"at": NIGHT - timedelta(hours=12)}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])
    li, han = operator("op-li", full_name="Li Lei"), operator("op-han", full_name="Han Meimei")
    day = shift_from(li, NIGHT - timedelta(hours=12), 12, by=security_staff)
    night = shift_from(han, NIGHT, 12, by=security_staff)
    shift_check_in(assignment=day, by=li)  # 08:00 on the 31st
    now["at"] = NIGHT - timedelta(minutes=20)
    abnormal_report(
        by=li,
        category="fire",
        location="Canteen",
        occurred_at=now["at"],
        description="Smoke by the bins.",
        action_taken="Extinguished.",
        reported_to=security_staff,
    )
    now["at"] = NIGHT - timedelta(minutes=10)
    handover = handover_write(by=li, note="Quiet day.")
    now["at"] = NIGHT
    shift_check_in(assignment=night, by=han)
    shift_check_out(assignment=day, by=li)
    now["at"] = NIGHT + timedelta(hours=4, minutes=1)  # 00:01 on 1 January: the next day
    handover_acknowledge(handover=handover, by=han)

    def log(user, on):
        return [e for e in provided("day_log_entries", user=user, day=on) if e["source"] == "duty"]

    entries = log(auditor, date(2026, 12, 31))
    labels = [e["label"] for e in entries]
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    assert labels[0].startswith("Li Lei checked in to")
    assert any("Abnormal event: Fire or smoke, Canteen" in label for label in labels)
    assert any("Shift handed over by Li Lei: Quiet day." in label for label in labels)
    assert any(label.startswith("Han Meimei checked in") for label in labels)
    assert any(label.startswith("Li Lei checked out") for label in labels)
    assert not any("acknowledged" in label for label in labels)
    assert {e["clause"] for e in entries} == {"M-1.2", "M-1.4"}
    [ack] = log(auditor, date(2027, 1, 1))
    assert ack["label"] == "Handover of Li Lei acknowledged by Han Meimei"
    assert ack["url"] == handover.get_absolute_url()
    assert log(vendor_engineer, date(2026, 12, 31)) == []  # not the roster's readers
