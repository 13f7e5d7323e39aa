"""M-4.2: an event verifies whatever numbers its data holds — the hash is computed over what the
database gives back (PostgreSQL's jsonb prints 1e+16 as 10000000000000000)."""

import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import chain_walk
from apps.audit.services import event_append

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [1e16, -2.5e17, 1e300, 123456.0, 1e-7, 2**70])
def test_an_event_with_a_large_or_small_number_verifies(number):
    event_append(actor=None, action="test.numbers", data={"n": number, "nested": [{"n": number}]})
    stored = AuditEvent.objects.get(action="test.numbers").data
    assert stored["n"] == number
    report = chain_walk()  # the rows as the database holds them (the witness is not at issue)
    assert report.ok, report.reason
