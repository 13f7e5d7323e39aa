"""Filing (备案) is due within 30 days of commissioning; an overdue camera is flagged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def test_overdue_only_after_30_days_without_filing(client, duty_operator):
    today = timezone.localdate()
    overdue = CameraFactory(commissioned_on=today - timedelta(days=31))
    due_soon = CameraFactory(commissioned_on=today - timedelta(days=29))
    filed = CameraFactory(
        commissioned_on=today - timedelta(days=60), filed_on=today - timedelta(days=40)
    )
    assert overdue.filing_overdue and not due_soon.filing_overdue and not filed.filing_overdue
    client.force_login(duty_operator)
    assert b"filing-overdue" in client.get(f"/cameras/{overdue.pk}/").content
    assert b"filing-overdue" not in client.get(f"/cameras/{filed.pk}/").content
