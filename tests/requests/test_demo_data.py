"""Issue 17: demo_data adds footage requests of all four requester types in various states
(approved and retrieved with its result, a copy handed over and acknowledged, a rejection, in
approval at two different steps) and a delegation; a second run adds nothing."""

import pytest
from django.core.management import call_command

from apps.requests.models import ApprovalDelegation, FootageCopy, FootageRequest, Retrieval

pytestmark = pytest.mark.django_db


def test_four_requester_types_in_various_states(settings, capsys):
    settings.DEBUG = True
    call_command("demo_data")
    rows = {(r.requester_type, r.mode): r for r in FootageRequest.objects.prefetch_related("steps")}
    assert {t for t, _ in rows} == set(FootageRequest.RequesterType.values)
    states = {key: r.state for key, r in rows.items()}
    assert states == {
        ("internal", "view"): "approved",
        ("internal", "copy"): "approved",
        ("student", "view"): "rejected",
        ("student", "copy"): "in_approval",
        ("law_enforcement", "copy"): "in_approval",
        ("external", "view"): "in_approval",
    }
    pending = {
        key: r.steps.get(state="pending").role
        for key, r in rows.items()
        if r.state == "in_approval"
    }
    assert pending == {
        ("student", "copy"): "leader_in_charge",
        ("law_enforcement", "copy"): "security_staff",
        ("external", "view"): "security_staff",
    }
    assert rows[("internal", "view")].query_result
    assert Retrieval.objects.count() == 2
    assert FootageCopy.objects.get().acknowledged_at is not None
    assert ApprovalDelegation.objects.get().role == "security_chief"
    assert "Footage requests: 6" in capsys.readouterr().out
    call_command("demo_data")
    assert FootageRequest.objects.count() == 6
