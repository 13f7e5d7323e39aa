import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import event_append


@pytest.fixture
def chain(security_chief, django_capture_on_commit_callbacks):
    """Five events, each committed as in production, so the signed witness names event 5."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            event_append(actor=security_chief, action="test.event", clause="M-4.2", data={"n": n})
    return AuditEvent.objects.order_by("sequence")


@pytest.fixture
def append(security_chief, django_capture_on_commit_callbacks):
    """Append events as committed ones (their witness_record runs)."""

    def _append(count: int = 1, **data):
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(count):
                event_append(actor=security_chief, action="test.later", data={"n": n, **data})

    return _append
