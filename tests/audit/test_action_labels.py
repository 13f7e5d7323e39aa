"""M-4.2: the register reads as words — every recorded action has a translated label declared
by its app, a target type reads as its model's name, and an undeclared code reads as itself."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from apps.audit import labels
from apps.audit.labels import (
    action_label,
    action_labels_register,
    actions_matching,
    target_type_label,
    target_types_matching,
)

APPS = Path(__file__).resolve().parents[2] / "apps"
_CODE = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def _recorded_actions() -> set[str]:
    """Every action code the code base passes to event_append (literals on `action=` lines)."""
    codes = set()
    for source in APPS.rglob("*.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            if "action=" in line:
                codes.update(_CODE.findall(line.split("action=", 1)[1]))
    return codes


def test_every_recorded_action_has_a_label():
    recorded = _recorded_actions()
    assert {"accounts.login", "patrol.run_sign", "core.permission_denied"} <= recorded
    unlabelled = sorted(code for code in recorded if action_label(code) == code)
    assert unlabelled == [], f"declare these in apps/<app>/audit_labels.py: {unlabelled}"


def test_labels_follow_the_language():
    with translation.override("en"):
        assert action_label("accounts.login") == "Signed in"
        assert target_type_label("patrol.patrolcheck") == "patrol check"


def test_target_types_read_as_model_names_and_declared_kinds():
    assert target_type_label("accounts.user") == "user"
    assert target_type_label("cameras.camera") == "camera"
    assert target_type_label("url") == "page address"
    assert target_type_label("audit.witness") == "audit witness"
    assert target_type_label("") == ""


def test_undeclared_codes_read_as_themselves():
    assert action_label("nowhere.unknown_thing") == "nowhere.unknown_thing"
    assert target_type_label("nowhere.thing") == "nowhere.thing"
    assert target_type_label("a.b.c") == "a.b.c"


def test_labels_are_searchable_in_the_page_language():
    assert "accounts.login" in actions_matching("signed IN")
    assert "accounts.login_failed" not in actions_matching("signed in")
    assert "patrol.patrolcheck" in target_types_matching("Patrol check")


def test_one_code_cannot_get_two_labels(monkeypatch):
    monkeypatch.setattr(labels, "_ACTIONS", dict(labels._ACTIONS))
    action_labels_register({"accounts.login": "Signed in"})  # the same again is harmless
    with pytest.raises(ImproperlyConfigured, match="accounts.login"):
        action_labels_register({"accounts.login": "Logged on"})
