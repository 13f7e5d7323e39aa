"""Dashboard cards contributed by domain apps: (user) -> list of cards with real counts.

A card is a dict: ``key`` (also its ``data-card`` in the page), ``label``, ``count`` (a number
or a short text), ``url`` (where the card leads: the list behind the count), and optionally
``css`` (for the count), ``detail`` (a line under the count) and ``group`` (the heading the
card is shown under; a provider's cards of one group come together).
"""

from collections.abc import Callable

DASHBOARD_PROVIDERS: list[Callable] = []


def dashboard_register(provider: Callable) -> Callable:
    if provider not in DASHBOARD_PROVIDERS:
        DASHBOARD_PROVIDERS.append(provider)
    return provider


def dashboard_cards(user) -> list[dict]:
    cards: list[dict] = []
    for provider in DASHBOARD_PROVIDERS:
        cards.extend(provider(user))
    return cards
