"""Named providers: how two apps on the same layer share data without importing each other.

The duty app's shift handover lists the open items of the other apps (cameras down, open fault
tickets, requests waiting for retrieval, people still inside the monitoring center), and the
maintenance app's day log lists what each shift recorded (issue 18). Duty and maintenance may
not import each other (style.md 1), so each registers a callable under a name in its
``AppConfig.ready()`` and the other reads every callable of that name from here:

    # apps/maintenance/apps.py, ready():
    provider_register("handover_items", open_ticket_items)
    # apps/duty/services.py:
    items = provided("handover_items", user=by, at=shift.ends_at)

A provider takes keyword arguments only and returns a list; ``provided`` calls every provider of
the name in the order they registered and joins their lists. The names and what their providers
are called with and return:

``handover_items``  ``(*, user, at)`` → dicts with ``key`` (stable, e.g. ``"ticket:42"``, so an
    item carried over from shift to shift is one item), ``label`` (text in the request's language),
    ``url`` and ``source`` (the app label). ``at``: the aware time of the handover.
``day_log_entries`` ``(*, user, day)`` → dicts with ``at`` (aware time), ``label``, ``url``,
    ``source`` and ``clause`` (M-x.y). ``day``: the local date of the log.
``camera_notices`` ``(*, user, camera)`` → dicts with ``label`` (text in the request's
    language), ``url`` (may be empty: the user may not open what it points to), ``kind`` (a short
    code, e.g. ``"preservation_hold"``) and ``source``. The cameras app's camera page reads them
    (cameras sits below duty: it cannot import the apps that know something about a camera).
``work_order_refusals`` ``(*, user, camera, work_order)`` → sentences (text in the request's
    language), one per reason ``work_order`` cannot cover a change of ``camera`` by ``user``;
    empty: accepted. The cameras services read them before changing an existing camera
    (maintenance: a vendor's change of a camera with an open fault ticket names the ticket).
``footage_holds`` ``(*, user, cameras, start, end)`` → dicts with ``camera_ids`` (those of
    ``cameras`` — ids or Camera rows — the hold covers), ``starts_at``, ``ends_at`` (aware),
    ``label``, ``url`` and ``source``: the live preservation holds (M-1.5) overlapping the span
    ``start``–``end`` of any of ``cameras``. Footage requests read them for a request's span.

An unknown name is refused on both sides, so a typo fails at start-up, not silently. Docs:
docs/duty.md.
"""

from collections.abc import Callable

PROVIDER_NAMES = (
    "handover_items",
    "day_log_entries",
    "camera_notices",
    "footage_holds",
    "work_order_refusals",
)

_PROVIDERS: dict[str, list[Callable[..., list]]] = {name: [] for name in PROVIDER_NAMES}


def _known(name: str) -> list[Callable[..., list]]:
    if name not in _PROVIDERS:
        raise ValueError(f"unknown provider name {name!r}; known: {', '.join(PROVIDER_NAMES)}")
    return _PROVIDERS[name]


def provider_register(name: str, provider: Callable[..., list]) -> Callable[..., list]:
    """Add ``provider`` under ``name`` (once: ``ready()`` may run twice in tests)."""
    registered = _known(name)
    if provider not in registered:
        registered.append(provider)
    return provider


def providers(name: str) -> tuple[Callable[..., list], ...]:
    return tuple(_known(name))


def provided(name: str, **kwargs) -> list:
    """Every provider of ``name`` called with ``kwargs``, their lists joined in order."""
    items: list = []
    for provider in _known(name):
        items.extend(provider(**kwargs))
    return items
