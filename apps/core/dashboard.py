"""Dashboard cards contributed by domain apps: (user) -> list of cards with real counts."""

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
