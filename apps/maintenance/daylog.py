"""The O&M daily log (运行维护日志, M-2.2): reads and writes.

One log per local day. The duty operators write entries per shift (the system's condition,
the events, the faults seen, the actions taken); the system adds the day's patrol summary and
re-check results (read here from the patrol) and whatever the apps provide under
``day_log_entries`` (apps/core/providers.py: maintenance's ticket changes, duty's shifts,
handovers and abnormal events). A security-office staffer who wrote none of the day's entries
reviews and countersigns the day once it has ended; signed, the day is fixed (the services
refuse, the models too) and the system's entries are kept as they were signed, with a SHA-256
digest of the whole day in the day and in the audit event. A correction is an addendum, itself
signed. A day unsigned 24 h after its end is flagged, and the security office notified once.
"""

import calendar
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify
from apps.core.providers import provided
from apps.core.registers import local_day_start
from apps.patrol.models import PatrolRun
from apps.patrol.selectors import run_list, runs_with_progress

from .models import DayLog, DayLogAddendum, DayLogEntry

VIEW_ROLES = (Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR)
WRITE_ROLES = (Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
SIGN_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
OVERDUE_AFTER = timedelta(hours=24)
"""A day still unsigned this long after its end is flagged and notified."""
BACKFILL_DAYS = 31
"""At most this many missing days are given their log by one run of the check."""


def _may(user: User, roles) -> bool:
    return user.is_superuser or (user.has_any_role(*roles) and not user.is_vendor_engineer)


def may_view(user: User) -> bool:
    return _may(user, VIEW_ROLES)


def day_parse(text: str) -> date:
    """A day of the address (YYYY-MM-DD) that has begun; else 404."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Http404("not a day") from None
    if day > timezone.localdate():
        raise Http404("a day to come has no log")
    return day


def day_end(day: date) -> datetime:
    return local_day_start(day + timedelta(days=1))


def is_overdue(log: DayLog | None, day: date, *, now: datetime | None = None) -> bool:
    """Unsigned 24 h after the day's end (M-2.2): the day before yesterday or older."""
    if log is not None and log.signed_at is not None:
        return False
    today = timezone.localdate(now or timezone.now())
    return day <= today - timedelta(days=1 + OVERDUE_AFTER.days)


# --- reads


def day_log_find(*, day: date) -> DayLog | None:
    return DayLog.objects.select_related("signed_by").filter(day=day).first()


def day_log_entries(*, log: DayLog | None) -> list[DayLogEntry]:
    if log is None:
        return []
    return list(log.entries.select_related("written_by").order_by("written_at", "id"))


def day_log_addenda(*, log: DayLog | None) -> list[DayLogAddendum]:
    if log is None:
        return []
    return list(log.addenda.select_related("written_by", "signed_by").order_by("written_at", "id"))


def patrol_day_entries(*, user: User, day: date) -> list[dict]:
    """The day's patrol summary (M-2.1) and re-check results (M-2.3): one line per run started
    that day, with its counts."""
    runs = (
        run_list(user=user)
        .filter(started_at__gte=local_day_start(day), started_at__lt=day_end(day))
        .select_related("camera")
        .order_by("started_at", "pk")
    )
    entries = []
    for run in runs_with_progress(runs, user=user):
        counts = run.progress
        facts = {
            "run": run.pk,
            "cameras": counts.get("total", 0),
            "ok": counts.get("ok", 0),
            "degraded": counts.get("degraded", 0),
            "faults": counts.get("faults", 0),
            "unknown": counts.get("unknown", 0),
            "state": run.get_state_display(),
        }
        if run.kind == PatrolRun.Kind.RECHECK:
            facts["camera"] = run.camera.code if run.camera_id else ""
            label = (
                _(
                    "Re-check %(run)s of %(camera)s: %(ok)d normal, %(degraded)d degraded, "
                    "%(faults)d faults, %(unknown)d undetermined"
                )
                % facts
            )
            clause = "M-2.3"
        else:
            label = (
                _(
                    "Patrol run %(run)s (%(state)s): %(cameras)d cameras, %(ok)d normal, "
                    "%(degraded)d degraded, %(faults)d faults, %(unknown)d undetermined"
                )
                % facts
            )
            clause = "M-2.1"
        entries.append(
            {
                "at": run.started_at,
                "label": label,
                "url": run.get_absolute_url(),
                "source": "patrol",
                "clause": clause,
            }
        )
    return entries


def _iso(moment: datetime) -> str:
    """UTC, so the digest does not depend on the zone a time was read in."""
    return moment.astimezone(UTC).isoformat()


def _stored(entry: dict) -> dict:
    at = entry["at"]
    return {
        "at": _iso(at) if isinstance(at, datetime) else str(at),
        "label": str(entry["label"]),
        "url": str(entry.get("url", "")),
        "source": str(entry.get("source", "")),
        "clause": str(entry.get("clause", "")),
    }


def system_entries(*, user: User, day: date, log: DayLog | None = None) -> list[dict]:
    """What the system recorded of the day, in time order: as signed for a signed day, else
    as it stands now (the patrol's runs and every ``day_log_entries`` provider)."""
    if log is not None and log.signed_at is not None:
        return [
            {**entry, "at": datetime.fromisoformat(entry["at"])} for entry in log.system_entries
        ]
    entries = patrol_day_entries(user=user, day=day) + provided(
        "day_log_entries", user=user, day=day
    )
    entries.sort(key=lambda entry: entry["at"])
    return entries


def _entry_record(entry: DayLogEntry) -> dict:
    return {
        "shift": entry.shift,
        "system_condition": entry.system_condition,
        "events": entry.events,
        "faults": entry.faults,
        "actions": entry.actions,
        "written_by": entry.written_by.get_username(),
        "written_at": _iso(entry.written_at),
    }


def day_digest(*, day: date, entries: list[DayLogEntry], system: list[dict]) -> str:
    """SHA-256 over the day as signed: its entries and the system's (canonical JSON)."""
    body = {
        "day": day.isoformat(),
        "entries": [_entry_record(entry) for entry in entries],
        "system_entries": system,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def addendum_digest(addendum: DayLogAddendum) -> str:
    body = {
        "day": addendum.log.day.isoformat(),
        "day_digest": addendum.log.digest,
        "text": addendum.text,
        "written_by": addendum.written_by.get_username(),
        "written_at": _iso(addendum.written_at),
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def day_log_actions(*, user: User, day: date, log: DayLog | None) -> set[str]:
    """What ``user`` may do on the day's log now; the services enforce this set."""
    actions: set[str] = set()
    signed = log is not None and log.signed_at is not None
    if _may(user, WRITE_ROLES):
        actions.add("addendum" if signed else "entry")
    if _may(user, SIGN_ROLES) and not signed and day < timezone.localdate():
        authors = set(log.entries.values_list("written_by_id", flat=True)) if log else set()
        if user.pk not in authors:
            actions.add("sign")
    return actions


def addendum_may_sign(*, user: User, addendum: DayLogAddendum) -> bool:
    return (
        _may(user, SIGN_ROLES) and addendum.signed_at is None and addendum.written_by_id != user.pk
    )


@dataclass
class MonthDay:
    day: date
    log: DayLog | None
    entries: int
    addenda_unsigned: int
    status: str  # signed, overdue, awaiting, open, none

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("maintenance_daylog_day", args=[self.day.isoformat()])


def day_status(log: DayLog | None, day: date, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if log is not None and log.signed_at is not None:
        return "signed"
    if log is None:
        return "none"
    if is_overdue(log, day, now=now):
        return "overdue"
    return "awaiting" if day < timezone.localdate(now) else "open"


def day_log_month(*, user: User, year: int, month: int) -> list[MonthDay]:
    """Every day of the month up to today, newest first, with its log's status (M-2.2): two
    queries whatever the days."""
    first = date(year, month, 1)
    last = min(date(year, month, calendar.monthrange(year, month)[1]), timezone.localdate())
    if last < first:
        return []
    logs = {
        log.day: log
        for log in DayLog.objects.filter(day__gte=first, day__lte=last)
        .select_related("signed_by")
        .annotate(
            entry_count=Count("entries", distinct=True),
            addenda_open=Count("addenda", filter=Q(addenda__signed_at=None), distinct=True),
        )
    }
    now = timezone.now()
    days = []
    day = last
    while day >= first:
        log = logs.get(day)
        days.append(
            MonthDay(
                day=day,
                log=log,
                entries=log.entry_count if log else 0,
                addenda_unsigned=log.addenda_open if log else 0,
                status=day_status(log, day, now=now),
            )
        )
        day -= timedelta(days=1)
    return days


def days_overdue(*, now: datetime | None = None):
    """Logs unsigned 24 h after their day's end (the dashboard's card, the check's notices)."""
    now = now or timezone.now()
    # Its end (the next local midnight) 24 h ago or more: the day before yesterday or older.
    latest_overdue_day = timezone.localdate(now) - timedelta(days=1 + OVERDUE_AFTER.days)
    return DayLog.objects.filter(signed_at=None, day__lte=latest_overdue_day)


def dashboard_cards(user: User) -> list[dict]:
    if not _may(user, SIGN_ROLES):
        return []
    from django.urls import reverse

    count = days_overdue().count()
    return [
        {
            "key": "daylogs_overdue",
            "label": _("O&M log days not countersigned 24 h after their end"),
            "count": count,
            "url": reverse("maintenance_daylog"),
            "css": "text-danger" if count else "",
            "group": _("Maintenance"),
        }
    ]


# --- writes


def _log_for(day: date) -> DayLog:
    log = DayLog.objects.filter(day=day).first()
    if log is not None:
        return log
    try:
        with transaction.atomic():
            return DayLog.objects.create(day=day)
    except IntegrityError:  # another writer made it first
        return DayLog.objects.get(day=day)


def _refuse_signed(log: DayLog) -> None:
    if log.signed_at is not None:
        raise RuleViolation(
            _("This day is countersigned and cannot change; add an addendum instead."),
            clause="M-2.2",
        )


@transaction.atomic
def day_log_entry_add(
    *,
    by: User,
    day: date,
    shift: str,
    system_condition: str,
    events: str = "",
    faults: str = "",
    actions: str = "",
) -> DayLogEntry:
    """A duty operator's entry for a shift of ``day`` (M-2.2)."""
    if not _may(by, WRITE_ROLES):
        raise RuleViolation(_("Only the monitoring center writes the O&M log."), clause="M-2.2")
    if day > timezone.localdate():
        raise RuleViolation(_("A day to come has no log yet."), clause="M-2.2")
    if shift not in DayLogEntry.Shift.values:
        raise RuleViolation(_("Choose the shift."), clause="M-2.2")
    if not system_condition.strip():
        raise RuleViolation(_("Describe the system's condition."), clause="M-2.2")
    log = _log_for(day)
    log = DayLog.objects.get(pk=log.pk)
    _refuse_signed(log)
    entry = DayLogEntry.objects.create(
        log=log,
        shift=shift,
        system_condition=system_condition.strip(),
        events=events.strip(),
        faults=faults.strip(),
        actions=actions.strip(),
        written_by=by,
        written_at=timezone.now(),
    )
    event_append(
        actor=by,
        action="maintenance.daylog_entry_add",
        target=log,
        clause="M-2.2",
        data={"day": day.isoformat(), "entry": entry.pk, **_entry_record(entry)},
    )
    return entry


@transaction.atomic
def day_log_sign(*, by: User, day: date, note: str = "") -> DayLog:
    """The security office countersigns the ended day (M-2.2): the system's entries are kept
    as they stand now, the digest of the whole day stored in the log and in the audit event.
    Whoever wrote an entry of the day does not countersign it (recording and checking kept
    apart)."""
    if not _may(by, SIGN_ROLES):
        raise RuleViolation(
            _("Only security-office staff countersign the O&M log."), clause="M-2.2"
        )
    if day >= timezone.localdate():
        raise RuleViolation(_("A day is countersigned once it has ended."), clause="M-2.2")
    log = DayLog.objects.get(pk=_log_for(day).pk)
    _refuse_signed(log)
    if log.entries.filter(written_by=by).exists():
        raise RuleViolation(
            _(
                "You wrote entries of this day; another staffer of the security office "
                "countersigns it."
            ),
            clause="M-2.2",
        )
    now = timezone.now()
    system = [_stored(entry) for entry in system_entries(user=by, day=day)]
    entries = day_log_entries(log=log)
    digest = day_digest(day=day, entries=entries, system=system)
    won = DayLog.objects.filter(pk=log.pk, signed_at=None).update(
        signed_at=now,
        signed_by=by,
        sign_note=note.strip(),
        system_entries=system,
        digest=digest,
    )
    if not won:
        raise RuleViolation(_("The day changed meanwhile; reload it."))
    log.refresh_from_db()
    event_append(
        actor=by,
        action="maintenance.daylog_sign",
        target=log,
        clause="M-2.2",
        data={
            "day": day.isoformat(),
            "entries": len(entries),
            "system_entries": len(system),
            "digest": digest,
            "note": note.strip(),
        },
    )
    return log


@transaction.atomic
def day_log_addendum_add(*, by: User, day: date, text: str) -> DayLogAddendum:
    """A correction to a countersigned day (M-2.2): the day stays as signed."""
    if not _may(by, WRITE_ROLES):
        raise RuleViolation(_("Only the monitoring center writes the O&M log."), clause="M-2.2")
    log = day_log_find(day=day)
    if log is None or log.signed_at is None:
        raise RuleViolation(
            _("The day is not countersigned yet: add an entry to it instead."), clause="M-2.2"
        )
    if not text.strip():
        raise RuleViolation(_("Say what is corrected or added."), clause="M-2.2")
    addendum = DayLogAddendum.objects.create(
        log=log, text=text.strip(), written_by=by, written_at=timezone.now()
    )
    event_append(
        actor=by,
        action="maintenance.daylog_addendum_add",
        target=log,
        clause="M-2.2",
        data={"day": day.isoformat(), "addendum": addendum.pk, "text": addendum.text},
    )
    return addendum


@transaction.atomic
def day_log_addendum_sign(*, by: User, addendum: DayLogAddendum) -> DayLogAddendum:
    """The security office signs an addendum (M-2.2); its author does not."""
    if not addendum_may_sign(user=by, addendum=addendum):
        if addendum.signed_at is not None:
            raise RuleViolation(_("This addendum is signed already."), clause="M-2.2")
        raise RuleViolation(
            _("Security-office staff other than its author sign an addendum."), clause="M-2.2"
        )
    digest = addendum_digest(addendum)
    won = DayLogAddendum.objects.filter(pk=addendum.pk, signed_at=None).update(
        signed_at=timezone.now(), signed_by=by, digest=digest
    )
    if not won:
        raise RuleViolation(_("The addendum changed meanwhile; reload it."))
    addendum.refresh_from_db()
    event_append(
        actor=by,
        action="maintenance.daylog_addendum_sign",
        target=addendum.log,
        clause="M-2.2",
        data={"day": addendum.log.day.isoformat(), "addendum": addendum.pk, "digest": digest},
    )
    return addendum


def _logs_backfill(today: date) -> None:
    """Every day since the first log has its log (one per local day); the first run of the
    check starts with today."""
    latest = DayLog.objects.order_by("-day").values_list("day", flat=True).first()
    start = (
        today
        if latest is None
        else max(latest + timedelta(days=1), today - timedelta(days=BACKFILL_DAYS))
    )
    day = start
    while day <= today:
        _log_for(day)
        day += timedelta(days=1)


def day_logs_check(*, now: datetime | None = None) -> list[str]:
    """Beat: give today its log, and notify the security office once of every day unsigned
    24 h after its end (M-2.2); the days notified now. Safe to run twice: the log records the
    notice (a conditional update)."""
    now = now or timezone.now()
    _logs_backfill(timezone.localdate(now))
    notified = []
    staff = User.objects.filter(is_active=True, groups__name__in=SIGN_ROLES).distinct()
    for log in days_overdue(now=now).filter(overdue_notified_at=None).order_by("day"):
        with transaction.atomic():
            if not DayLog.objects.filter(
                pk=log.pk, signed_at=None, overdue_notified_at=None
            ).update(overdue_notified_at=now):
                continue
            event_append(
                actor=None,
                action="maintenance.daylog_overdue",
                target=log,
                clause="M-2.2",
                data={"day": log.day.isoformat()},
            )
            with translation.override(settings.LANGUAGE_CODE):
                notify(
                    staff,
                    kind="maintenance.daylog_overdue",
                    title=_("The O&M log of %(day)s is not countersigned")
                    % {"day": log.day.isoformat()},
                    body=_("24 hours have passed since the day ended; review and countersign it."),
                    url=log.get_absolute_url(),
                )
        notified.append(log.day.isoformat())
    return notified
