"""The core providers registry (issue 18): apps fill named lists the others read, so duty and
maintenance never import each other (style.md 1)."""

import pytest

from apps.core import providers
from apps.core.providers import provided, provider_register


@pytest.fixture(autouse=True)
def _empty_registry(monkeypatch):
    monkeypatch.setattr(providers, "_PROVIDERS", {name: [] for name in providers.PROVIDER_NAMES})


def test_every_provider_of_a_name_is_called_and_their_lists_joined():
    def tickets(*, user, at):
        return [{"key": "ticket:1", "label": f"ticket for {user} at {at}"}]

    def visitors(*, user, at):
        return [{"key": "entry:7", "label": "visitor inside"}, {"key": "entry:8", "label": "x"}]

    provider_register("handover_items", tickets)
    provider_register("handover_items", visitors)
    provider_register("handover_items", tickets)  # ready() twice: still once

    items = provided("handover_items", user="op", at="08:00")
    assert [item["key"] for item in items] == ["ticket:1", "entry:7", "entry:8"]
    assert items[0]["label"] == "ticket for op at 08:00"
    assert provided("day_log_entries", user="op", day="2026-12-01") == []


def test_an_unknown_name_is_refused_on_both_sides():
    with pytest.raises(ValueError, match="unknown provider name 'handover_item'"):
        provider_register("handover_item", lambda **kw: [])
    with pytest.raises(ValueError, match="known: handover_items, day_log_entries"):
        provided("day_logs")
