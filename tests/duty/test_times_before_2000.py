"""M-1.4, M-1.5: an incident, a hold or an abnormal event dated before 2000 is a typing error
(no recorder holds such footage): refused with a sentence, on the page's service and through
the API as a 400 — never stored (a year like 110 printed with the zone's local mean time
offset, which no client reads as RFC 3339)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from apps.core.exceptions import RuleViolation
from apps.duty.holds import incident_open
from apps.duty.models import Incident

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(110, 10, 3, 5, 24, tzinfo=ZoneInfo("UTC"))


def test_the_service_refuses_an_incident_before_2000(security_staff):
    with pytest.raises(RuleViolation, match="2000 or later"):
        incident_open(by=security_staff, title="Old", occurred_at=LONG_AGO, description="x")
    assert not Incident.objects.exists()


def test_the_api_answers_400_with_the_sentence(security_staff):
    api = APIClient()
    api.force_authenticate(security_staff)
    answer = api.post(
        "/api/duty/incidents/",
        {"title": "Old", "occurred_at": "0110-10-03T05:24:13Z", "description": "x"},
        format="json",
    )
    assert answer.status_code == 400 and "2000 or later" in str(answer.json())
    assert not Incident.objects.exists()
