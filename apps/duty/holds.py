"""Emergencies (M-1.5): an incident record by the security office places preservation holds on
chosen cameras × a time range, so that footage is neither destroyed nor lost.

A live hold is shown on each of its cameras' pages (the ``camera_notices`` provider) and to
footage requests whose span it overlaps (``footage_holds``); ``holds_covering`` answers the
retention checks that come later ("may this recording be purged?"). Only the security chief
lifts a hold, with a reason; the hold stays on record, marked, and the lift is audited.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation

from .models import Incident, PreservationHold

# No recorder holds footage from before this year; an earlier time is a typing error (and a
# year like 110 prints with the zone's local mean time offset, +08:05:43, which no client
# reads as RFC 3339). Footage requests refuse the same (apps/requests/inputs.py).
EARLIEST_YEAR = 2000


def too_early(when: datetime) -> bool:
    return when.year < EARLIEST_YEAR


# The security office records incidents and places holds; the auditor reads; the chief lifts.
INCIDENT_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
INCIDENT_VIEW_ROLES = (*INCIDENT_ROLES, Role.AUDITOR)
LIFT_ROLES = (Role.SECURITY_CHIEF,)

# --- Reads


def incidents_may_view(*, user: User) -> bool:
    return user.is_superuser or user.has_any_role(*INCIDENT_VIEW_ROLES)


def incident_list(*, user: User) -> QuerySet[Incident]:
    """Every incident record, newest first (M-1.5)."""
    if not incidents_may_view(user=user):
        return Incident.objects.none()
    return Incident.objects.select_related("opened_by").order_by("-opened_at", "-id")


def incident_get(*, user: User, pk: int) -> Incident:
    return get_object_or_404(incident_list(user=user), pk=pk)


def hold_list(*, user: User) -> QuerySet[PreservationHold]:
    """Every preservation hold, live and lifted, of the incidents the user may see."""
    if not incidents_may_view(user=user):
        return PreservationHold.objects.none()
    return (
        PreservationHold.objects.select_related("incident", "placed_by", "lifted_by")
        .prefetch_related("cameras")
        .order_by("-placed_at", "-id")
    )


def hold_get(*, user: User, pk: int) -> PreservationHold:
    return get_object_or_404(hold_list(user=user), pk=pk)


def incident_actions(*, user: User) -> set[str]:
    actions = set()
    if user.is_superuser or user.has_any_role(*INCIDENT_ROLES):
        actions |= {"open", "hold"}
    if user.is_superuser or user.has_any_role(*LIFT_ROLES):
        actions.add("lift")
    return actions


def _ids(cameras: Iterable) -> list[int]:
    return [getattr(camera, "pk", camera) for camera in cameras]


def holds_covering(camera_ids: Iterable, start: datetime, end: datetime) -> QuerySet:
    """The live holds over any of ``camera_ids`` whose span overlaps ``start``–``end`` (M-1.5):
    what the retention checks ask before footage may go. Not scoped: a rule, not a page."""
    return (
        PreservationHold.objects.filter(
            lifted_at=None,
            starts_at__lt=end,
            ends_at__gt=start,
            cameras__in=_ids(camera_ids),
        )
        .distinct()
        .select_related("incident")
        .order_by("starts_at", "pk")
    )


def _span(hold: PreservationHold) -> str:
    start, end = timezone.localtime(hold.starts_at), timezone.localtime(hold.ends_at)
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


def _url(user: User, hold: PreservationHold) -> str:
    return hold.incident.get_absolute_url() if incidents_may_view(user=user) else ""


def camera_hold_notices(*, user: User, camera) -> list[dict]:
    """The camera page's notices (``camera_notices``): every live hold on the camera, whoever
    sees the camera; the incident's link only for those who may open it."""
    holds = (
        PreservationHold.objects.filter(lifted_at=None, cameras=camera)
        .select_related("incident")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "label": _("Preservation hold: footage %(span)s is kept (incident “%(incident)s”).")
            % {"span": _span(hold), "incident": hold.incident.title},
            "url": _url(user, hold),
            "kind": "preservation_hold",
            "source": "duty",
        }
        for hold in holds
    ]


def footage_hold_items(*, user: User, cameras, start: datetime, end: datetime) -> list[dict]:
    """``footage_holds``: the live holds over a footage request's cameras and span (M-1.5)."""
    wanted = set(_ids(cameras))
    items = []
    for hold in holds_covering(wanted, start, end).prefetch_related("cameras"):
        items.append(
            {
                "camera_ids": sorted(c.pk for c in hold.cameras.all() if c.pk in wanted),
                "starts_at": hold.starts_at,
                "ends_at": hold.ends_at,
                "label": _("Under a preservation hold %(span)s (incident “%(incident)s”)")
                % {"span": _span(hold), "incident": hold.incident.title},
                "url": _url(user, hold),
                "source": "duty",
            }
        )
    return items


# --- Writes


@transaction.atomic
def incident_open(*, by: User, title: str, occurred_at: datetime, description: str) -> Incident:
    """The security office records an emergency (M-1.5)."""
    if "open" not in incident_actions(user=by):
        raise RuleViolation(_("Only the security office records incidents."), clause="M-1.5")
    title, description = title.strip(), description.strip()
    if not title:
        raise RuleViolation(_("Name the incident."))
    if not description:
        raise RuleViolation(_("Describe the incident."))
    now = timezone.now()
    if timezone.is_naive(occurred_at) or occurred_at > now:
        raise RuleViolation(_("The incident's time cannot be in the future."))
    if too_early(occurred_at):
        raise RuleViolation(
            _("The incident's time must be in %(year)d or later.") % {"year": EARLIEST_YEAR}
        )
    incident = Incident.objects.create(
        title=title, occurred_at=occurred_at, description=description, opened_by=by, opened_at=now
    )
    event_append(
        actor=by,
        action="duty.incident_open",
        target=incident,
        clause="M-1.5",
        data={"title": title, "occurred_at": occurred_at.isoformat()},
    )
    return incident


@transaction.atomic
def hold_place(
    *, incident: Incident, cameras: list, starts_at: datetime, ends_at: datetime, by: User
) -> PreservationHold:
    """Place a preservation hold on ``cameras`` × ``starts_at``–``ends_at`` (M-1.5)."""
    if "hold" not in incident_actions(user=by):
        raise RuleViolation(
            _("Only the security office places preservation holds."), clause="M-1.5"
        )
    cameras = list(cameras)
    if not cameras:
        raise RuleViolation(_("Choose the cameras whose footage is to be kept."))
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at) or ends_at <= starts_at:
        raise RuleViolation(_("The footage's end must come after its start."))
    if too_early(starts_at):
        raise RuleViolation(
            _("The footage must start in %(year)d or later.") % {"year": EARLIEST_YEAR}
        )
    now = timezone.now()
    if starts_at > now:
        raise RuleViolation(_("A hold keeps recorded footage: its start cannot be in the future."))
    hold = PreservationHold.objects.create(
        incident=incident, starts_at=starts_at, ends_at=ends_at, placed_by=by, placed_at=now
    )
    hold.cameras.set(cameras)
    event_append(
        actor=by,
        action="duty.hold_place",
        target=hold,
        clause="M-1.5",
        data={
            "incident": incident.pk,
            "cameras": sorted(camera.code for camera in cameras),
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    return hold


@transaction.atomic
def hold_lift(*, hold: PreservationHold, by: User, reason: str) -> PreservationHold:
    """The security chief lifts a hold, saying why (M-1.5); the hold stays on record."""
    if "lift" not in incident_actions(user=by):
        raise RuleViolation(_("Only the security chief lifts a preservation hold."), clause="M-1.5")
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Say why the hold is lifted."))
    won = PreservationHold.objects.filter(pk=hold.pk, lifted_at=None).update(
        lifted_at=timezone.now(), lifted_by=by, lift_reason=reason
    )
    if not won:
        raise RuleViolation(_("This hold was already lifted; reload the page."))
    hold.refresh_from_db()
    event_append(
        actor=by,
        action="duty.hold_lift",
        target=hold,
        clause="M-1.5",
        data={
            "incident": hold.incident_id,
            "cameras": sorted(hold.cameras.values_list("code", flat=True)),
            "starts_at": hold.starts_at.isoformat(),
            "ends_at": hold.ends_at.isoformat(),
            "reason": reason,
        },
    )
    return hold
