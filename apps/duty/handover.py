"""The shift handover (M-1.2: the monitoring center staffed 24 hours a day, nothing dropped
between shifts).

The outgoing duty operator writes a note; the open items come from the ``handover_items``
providers of every app (apps/core/providers.py: maintenance's open fault tickets, the footage
requests awaiting retrieval, and duty's own below: cameras down, people still inside the
monitoring center). Items are kept as they stood at the handover; an item whose key the
previous handover listed too keeps that one's ``open_since``, so it is shown as carried over
until its app no longer lists it. A duty operator of the incoming shift acknowledges.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify
from apps.core.providers import provided

from . import selectors
from .models import Handover, HandoverItem, RosterAssignment

# --- Reads


def handover_may_view(*, user: User) -> bool:
    """Everyone who reads the roster reads the handovers (M-1.2)."""
    return selectors.roster_may_view(user=user)


def handover_list(*, user: User) -> QuerySet[Handover]:
    """Every handover, newest first."""
    if not handover_may_view(user=user):
        return Handover.objects.none()
    return Handover.objects.select_related(
        "written_by", "acknowledged_by", "shift__template", "shift__operator"
    ).order_by("-written_at", "-id")


def handover_get(*, user: User, pk: int) -> Handover:
    return get_object_or_404(handover_list(user=user), pk=pk)


def _after_end() -> timedelta:
    return timedelta(minutes=settings.DUTY_HANDOVER_AFTER_END_MINUTES)


def handover_shift(*, user: User, now: datetime) -> RosterAssignment | None:
    """The shift ``user`` hands over now: their own live shift that has started, ended at most
    DUTY_HANDOVER_AFTER_END_MINUTES ago and has no handover yet (the latest such)."""
    if not user.has_role(Role.DUTY_OPERATOR):
        return None
    return (
        RosterAssignment.objects.filter(
            operator=user,
            cancelled_at=None,
            starts_at__lte=now,
            ends_at__gt=now - _after_end(),
            handover__isnull=True,
        )
        .select_related("template", "operator")
        .order_by("-starts_at")
        .first()
    )


def incoming_shift(*, user: User, now: datetime) -> RosterAssignment | None:
    """``user``'s shift running now or whose check-in window is open (the incoming shift)."""
    if not user.has_role(Role.DUTY_OPERATOR):
        return None
    opens = timedelta(minutes=settings.DUTY_CHECK_IN_EARLY_MINUTES)
    return (
        RosterAssignment.objects.filter(
            operator=user, cancelled_at=None, starts_at__lte=now + opens, ends_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )


def handover_actions(*, user: User, handover: Handover, now: datetime) -> set[str]:
    """An incoming duty operator (another than the writer, on a shift now) acknowledges an
    unacknowledged handover; the services enforce this set."""
    if handover.acknowledged_at is not None or handover.written_by_id == user.pk:
        return set()
    return {"acknowledge"} if incoming_shift(user=user, now=now) is not None else set()


def handover_waiting(*, user: User, now: datetime) -> Handover | None:
    """The latest handover the operator may acknowledge now (shown on the roster page)."""
    if incoming_shift(user=user, now=now) is None:
        return None
    return (
        handover_list(user=user)
        .filter(acknowledged_at=None)
        .exclude(written_by=user)
        .order_by("-written_at", "-id")
        .first()
    )


def _unique_by_key(items: list[dict]) -> list[dict]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item["key"] not in seen:
            seen.add(item["key"])
            unique.append(item)
    return unique


def handover_open_items(*, user: User, at: datetime) -> list[dict]:
    """What the handover will list: every app's open items, each key once, each with
    ``open_since`` (the previous handover's, if it listed the key; else ``at``) and
    ``carried_over``."""
    items = _unique_by_key(provided("handover_items", user=user, at=at))
    previous = Handover.objects.filter(written_at__lte=at).order_by("-written_at", "-id").first()
    since = {}
    if previous is not None:
        since = dict(previous.items.values_list("key", "open_since"))
    for item in items:
        item["open_since"] = since.get(item["key"], at)
        item["carried_over"] = item["open_since"] < at
    return items


# --- Writes


@transaction.atomic
def handover_write(*, by: User, note: str) -> Handover:
    """The outgoing duty operator hands their shift over (M-1.2): the note, and the open items
    the apps list now. Once per shift; the incoming shift's operators are told."""
    now = timezone.now()
    if not by.has_role(Role.DUTY_OPERATOR):
        raise RuleViolation(_("Only a duty operator hands a shift over."), clause="M-1.2")
    note = note.strip()
    if not note:
        raise RuleViolation(_("Write the handover note: what the next shift must know."))
    # One handover at a time per operator (SQLite: one writer at a time anyway).
    list(User.objects.select_for_update().filter(pk=by.pk).values("pk"))
    shift = handover_shift(user=by, now=now)
    if shift is None:
        raise RuleViolation(
            _(
                "You have no shift to hand over now: a shift of yours that has started, "
                "ended at most %(minutes)d minutes ago and is not handed over yet."
            )
            % {"minutes": settings.DUTY_HANDOVER_AFTER_END_MINUTES},
            clause="M-1.2",
        )
    items = handover_open_items(user=by, at=now)
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                shift=shift, note=note, written_by=by, written_at=now
            )
    except IntegrityError:
        raise RuleViolation(_("This shift is already handed over; reload the page.")) from None
    HandoverItem.objects.bulk_create(
        HandoverItem(
            handover=handover,
            key=item["key"][:80],
            label=str(item["label"])[:300],
            url=item.get("url", "")[:300],
            source=item.get("source", "")[:40],
            open_since=item["open_since"],
        )
        for item in items
    )
    event_append(
        actor=by,
        action="duty.handover_write",
        target=handover,
        clause="M-1.2",
        data={
            "shift": shift.pk,
            "note": note,
            "items": [item["key"] for item in items],
            "carried_over": [item["key"] for item in items if item["carried_over"]],
        },
    )
    _tell_incoming(handover, now)
    return handover


def _tell_incoming(handover: Handover, now: datetime) -> None:
    """The operators of the incoming shift (running now or about to start) get a notification
    linking to the handover, in the site's language."""
    from django.utils import translation

    opens = timedelta(minutes=settings.DUTY_CHECK_IN_EARLY_MINUTES)
    incoming = User.objects.filter(
        pk__in=RosterAssignment.objects.filter(
            cancelled_at=None, starts_at__lte=now + opens, ends_at__gt=now
        )
        .exclude(operator=handover.written_by)
        .values("operator_id")
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            incoming,
            kind="duty.handover",
            title=_("Shift handover from %(person)s: please acknowledge")
            % {"person": handover.written_by},
            body=handover.note[:500],
            url=handover.get_absolute_url(),
        )


@transaction.atomic
def handover_acknowledge(*, handover: Handover, by: User) -> Handover:
    """A duty operator of the incoming shift acknowledges the handover (M-1.2): they have read
    the note and taken over the open items."""
    now = timezone.now()
    if "acknowledge" not in handover_actions(user=by, handover=handover, now=now):
        if handover.acknowledged_at is not None:
            raise RuleViolation(_("This handover is already acknowledged; reload the page."))
        if handover.written_by_id == by.pk:
            raise RuleViolation(
                _("The incoming shift acknowledges a handover, not the one who wrote it."),
                clause="M-1.2",
            )
        raise RuleViolation(
            _("Only a duty operator on shift now (or about to start) acknowledges a handover."),
            clause="M-1.2",
        )
    won = Handover.objects.filter(pk=handover.pk, acknowledged_at=None).update(
        acknowledged_at=now, acknowledged_by=by
    )
    if not won:
        raise RuleViolation(_("This handover is already acknowledged; reload the page."))
    handover.refresh_from_db()
    event_append(
        actor=by,
        action="duty.handover_acknowledge",
        target=handover,
        clause="M-1.2",
        data={"written_by": handover.written_by.get_username(), "items": handover.items.count()},
    )
    return handover


# --- Duty's own providers (registered in apps.py)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def people_inside_items(*, user: User, at: datetime) -> list[dict]:
    """The handover's people still inside the monitoring center (M-1.2, M-4.1a)."""
    url = reverse("duty_entries") + "?inside=true"
    items = []
    for entry in selectors.people_inside(user=user).filter(entered_at__lte=at):
        label = _("Still inside the monitoring center: %(who)s since %(since)s (%(purpose)s)") % {
            "who": entry.who,
            "since": _local(entry.entered_at),
            "purpose": entry.purpose,
        }
        if not entry.authorised:
            label = f"{label} — {_('escorted by %(escort)s') % {'escort': entry.escort}}"
        items.append({"key": f"entry:{entry.pk}", "label": label, "url": url, "source": "duty"})
    return items


def cameras_down_items(*, user: User, at: datetime) -> list[dict]:
    """The handover's cameras down (offline or picture fault, M-2.3), those in service."""
    from apps.cameras.models import Camera
    from apps.cameras.selectors import camera_list

    cameras = (
        camera_list(user=user)
        .filter(status=Camera.Status.ACTIVE, health__in=Camera.FAULT_HEALTH)
        .order_by("down_since", "code")
    )
    items = []
    for camera in cameras:
        label = _("Camera down: %(camera)s, %(health)s") % {
            "camera": camera,
            "health": camera.get_health_display(),
        }
        if camera.down_since:
            label = f"{label} {_('since %(since)s') % {'since': _local(camera.down_since)}}"
        items.append(
            {
                "key": f"camera:{camera.pk}",
                "label": label,
                "url": camera.get_absolute_url(),
                "source": "cameras",
            }
        )
    return items
