"""Reads of the patrol: runs, checks, progress, what each user may do now."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.cameras.models import Camera
from apps.cameras.selectors import CHECK_ROLES, camera_list

from .models import FaultRecord, PatrolCheck, PatrolRun

REVIEW_ROLES = (Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
SIGN_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
VIEW_ROLES = (
    *CHECK_ROLES,
    Role.FOOTAGE_CUSTODIAN,
    Role.AUDITOR,
    Role.LEADER_IN_CHARGE,
    Role.PRINCIPAL_LEADER,
)


def patrol_may_start(*, user: User, camera: Camera | None = None) -> bool:
    """Operators and security staff patrol everything (M-2.1); a vendor engineer only
    re-checks one camera of their own company."""
    if user.is_vendor_engineer:
        return camera is not None and camera.vendor_id == user.department_id
    return user.has_any_role(*CHECK_ROLES)


def run_list(*, user: User) -> QuerySet[PatrolRun]:
    if not (user.is_superuser or user.has_any_role(*VIEW_ROLES)):
        return PatrolRun.objects.none()
    return PatrolRun.objects.select_related("started_by", "signed_by", "site", "camera")


def run_get(*, user: User, pk: int) -> PatrolRun:
    return get_object_or_404(run_list(user=user), pk=pk)


def run_progress(*, run: PatrolRun) -> dict[str, int]:
    """Counts for the live progress bar and the coverage line, in one query."""
    done = Q(state=PatrolCheck.State.DONE)
    counts = run.checks.aggregate(
        total=Count("pk"),
        checked=Count("pk", filter=done),
        pending=Count("pk", filter=Q(state=PatrolCheck.State.PENDING)),
        not_checked=Count("pk", filter=Q(state=PatrolCheck.State.NOT_CHECKED)),
        ok=Count("pk", filter=done & Q(verdict=PatrolCheck.Verdict.OK)),
        degraded=Count("pk", filter=done & Q(verdict=PatrolCheck.Verdict.DEGRADED)),
        faults=Count("pk", filter=done & Q(verdict=PatrolCheck.Verdict.FAULT)),
        unknown=Count("pk", filter=done & Q(verdict=PatrolCheck.Verdict.UNKNOWN)),
        scene_changed=Count("pk", filter=done & Q(scene_changed=True)),
    )
    counts["active_cameras"] = run.active_cameras
    counts["percent"] = (
        round(100 * (counts["checked"] + counts["not_checked"]) / counts["total"])
        if counts["total"]
        else 100
    )
    return counts


def _flagged_q() -> Q:
    return Q(state=PatrolCheck.State.DONE) & (
        ~Q(verdict=PatrolCheck.Verdict.OK) | (Q(scene_changed=True) & Q(covered_by_work_order=""))
    )


def check_list(*, user: User, run: PatrolRun | None = None) -> QuerySet[PatrolCheck]:
    qs = PatrolCheck.objects.select_related("camera__location", "reviewed_by", "run").filter(
        camera__in=camera_list(user=user)
    )
    return qs.filter(run=run) if run is not None else qs


def checks_flagged(*, run: PatrolRun) -> QuerySet[PatrolCheck]:
    return run.checks.filter(_flagged_q()).select_related("camera__location", "reviewed_by")


def checks_awaiting_review(*, run: PatrolRun) -> QuerySet[PatrolCheck]:
    return checks_flagged(run=run).filter(review="")


def check_get(*, user: User, pk: int) -> PatrolCheck:
    return get_object_or_404(check_list(user=user), pk=pk)


def run_actions(*, user: User, run: PatrolRun) -> set[str]:
    actions: set[str] = set()
    if run.state == PatrolRun.State.FINISHED and user.has_any_role(*SIGN_ROLES):
        actions.add("sign")
    return actions


def check_actions(*, user: User, check: PatrolCheck) -> set[str]:
    actions: set[str] = set()
    if (
        check.run.state != PatrolRun.State.SIGNED
        and check.flagged
        and user.has_any_role(*REVIEW_ROLES)
    ):
        actions.add("review")
    return actions


def camera_history(*, camera: Camera, days: int = 30) -> dict:
    """Verdict history, daily availability for the chart, and down episodes (camera page)."""
    since = timezone.now() - timedelta(days=days)
    checks = list(
        camera.patrol_checks.filter(state=PatrolCheck.State.DONE, checked_at__gte=since)
        .order_by("-checked_at")
        .values("checked_at", "verdict", "reason", "run_id")
    )
    per_day: dict = {}
    for check in checks:
        day = timezone.localdate(check["checked_at"])
        ok, total = per_day.get(day, (0, 0))
        per_day[day] = (ok + (check["verdict"] != PatrolCheck.Verdict.FAULT), total + 1)
    today = timezone.localdate()
    availability = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        ok, total = per_day.get(day, (0, 0))
        availability.append({"day": day, "percent": round(100 * ok / total) if total else None})
    return {
        "checks": checks[:50],
        "availability": availability,
        "episodes": list(camera.down_episodes.all()[:20]),
        "faults": list(FaultRecord.objects.filter(camera=camera)[:20]),
        "verdict_labels": dict(PatrolCheck.Verdict.choices),
    }
