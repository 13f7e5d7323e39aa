"""Reads of the patrol: runs, checks, progress, what each user may do now."""

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.cameras.models import Camera
from apps.cameras.selectors import CHECK_ROLES, camera_actions, camera_scope_q

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


def _sees_all(user: User) -> bool:
    return user.is_superuser or not user.is_vendor_engineer


def patrol_may_start(*, user: User, camera: Camera | None = None) -> bool:
    """Operators and security staff patrol everything (M-2.1); a re-check of one camera is
    the camera's own ``recheck`` action (a vendor engineer: their company's cameras only)."""
    if camera is not None:
        return "recheck" in camera_actions(user=user, camera=camera)
    return user.has_any_role(*CHECK_ROLES) and not user.is_vendor_engineer


def _scoped_checks(*, run: PatrolRun, user: User | None) -> QuerySet[PatrolCheck]:
    """The run's checks the user may see; ``user=None`` is the system itself (services that
    judge the whole run: the finish event, the countersignature rule)."""
    if user is None:
        return run.checks.all()
    scope = camera_scope_q(user=user)
    if scope is None:  # every camera: no condition at all
        return run.checks.all()
    return run.checks.filter(scope)


def run_list(*, user: User) -> QuerySet[PatrolRun]:
    """Runs the user may open (M-2.1). A vendor engineer sees only runs that checked at least
    one camera of their company (M-1.3); the run page then shows only those cameras."""
    if not (user.is_superuser or user.has_any_role(*VIEW_ROLES)):
        return PatrolRun.objects.none()
    # The list shows who countersigned; the run page's other people and places: run_get.
    qs = PatrolRun.objects.select_related("signed_by")
    if user.is_vendor_engineer and not user.is_superuser:
        in_scope = PatrolCheck.objects.filter(camera_scope_q(user=user), run=OuterRef("pk"))
        qs = qs.filter(Exists(in_scope))
    return qs


def run_get(*, user: User, pk: int) -> PatrolRun:
    return get_object_or_404(
        run_list(user=user).select_related("started_by", "site", "camera"), pk=pk
    )


def _progress_counts() -> dict:
    """The progress bar's counts as aggregates over checks: one definition for one run and
    for a page of runs (issue 15 §2). Counted over ``camera`` (never null), a column of
    the run's indexes, so PostgreSQL counts off an index alone; ``pk`` is in none of them."""
    done = Q(state=PatrolCheck.State.DONE)
    return {
        "total": Count("camera"),
        "checked": Count("camera", filter=done),
        "pending": Count("camera", filter=Q(state=PatrolCheck.State.PENDING)),
        "not_checked": Count("camera", filter=Q(state=PatrolCheck.State.NOT_CHECKED)),
        "ok": Count("camera", filter=done & Q(verdict=PatrolCheck.Verdict.OK)),
        "degraded": Count("camera", filter=done & Q(verdict=PatrolCheck.Verdict.DEGRADED)),
        "faults": Count("camera", filter=done & Q(verdict=PatrolCheck.Verdict.FAULT)),
        "unknown": Count("camera", filter=done & Q(verdict=PatrolCheck.Verdict.UNKNOWN)),
        "scene_changed": Count("camera", filter=done & Q(scene_changed=True)),
    }


def _progress_finish(counts: dict, *, run: PatrolRun, user: User | None) -> dict[str, int]:
    # The run's own figure counts every company's cameras; a scoped user sees their checks.
    counts["active_cameras"] = (
        run.active_cameras if user is None or _sees_all(user) else (counts["total"])
    )
    counts["percent"] = (
        round(100 * (counts["checked"] + counts["not_checked"]) / counts["total"])
        if counts["total"]
        else 100
    )
    return counts


def _tally(run: PatrolRun, user: User | None) -> dict | None:
    """The counts stored at the run's finish, where they are the user's counts: over every
    camera, so for the system and for users who see every camera (not a vendor engineer)."""
    if run.tally is None or not (user is None or _sees_all(user)):
        return None
    return dict(run.tally)


def run_progress(*, run: PatrolRun, user: User | None) -> dict[str, int]:
    """Counts for the live progress bar and the coverage line, in one query, over the cameras
    the user may see (a vendor engineer: their company's only, M-1.3)."""
    counts = _tally(run, user)
    if counts is None:
        counts = _scoped_checks(run=run, user=user).aggregate(**_progress_counts())
    return _progress_finish(counts, run=run, user=user)


def run_tally(*, run: PatrolRun) -> dict[str, int]:
    """What ``PatrolRun.tally`` stores at the finish: the counts over every camera."""
    return run.checks.aggregate(**_progress_counts())


def runs_with_progress(runs: Iterable[PatrolRun], *, user: User) -> list[PatrolRun]:
    """A page of runs, each with ``progress`` as ``run_progress`` gives it, in one grouped
    query whatever the number of runs (issue 15 §2; M-1.3: a vendor engineer's counts cover
    their company's cameras). Takes the page, not the register's queryset: the counts are
    grouped over the page's runs only, never over every check."""
    runs = list(runs)
    live = [run.pk for run in runs if _tally(run, user) is None]  # running, or scoped
    checks = PatrolCheck.objects.filter(run__in=live)
    scope = camera_scope_q(user=user)
    if scope is not None:  # a scope (a vendor's company) or none at all
        checks = checks.filter(scope)
    grouped = {
        row.pop("run_id"): row
        for row in (
            checks.order_by().values("run_id").annotate(**_progress_counts()) if live else []
        )
    }
    empty = dict.fromkeys(_progress_counts(), 0)
    for run in runs:
        counts = _tally(run, user) or dict(grouped.get(run.pk, empty))
        run.progress = _progress_finish(counts, run=run, user=user)
    return runs


def check_list(*, user: User, run: PatrolRun | None = None) -> QuerySet[PatrolCheck]:
    """Checks of cameras in the user's scope (M-1.3); nobody outside the camera roles.

    A user who sees every camera gets no camera condition at all: ``camera_id IN (every
    camera)`` made each page and count of millions of checks a semi-join (issue 15)."""
    qs = PatrolCheck.objects.select_related("camera__location", "reviewed_by", "run")
    scope = camera_scope_q(user=user)
    if scope is not None:  # a scope (a vendor's company) or none at all
        qs = qs.filter(scope)
    return qs.filter(run=run) if run is not None else qs


def checks_flagged(*, run: PatrolRun, user: User | None) -> QuerySet[PatrolCheck]:
    return (
        _scoped_checks(run=run, user=user)
        .filter(flagged=True)
        .select_related("camera__location", "reviewed_by")
    )


def _camera_codes(ids: set[int]) -> dict[int, str]:
    """Camera id → code for a few hundred ids: on PostgreSQL one array parameter
    (``= ANY(%s)``), not an IN list of hundreds of placeholders to compile and split."""
    if connection.vendor != "postgresql":
        return dict(Camera.objects.filter(pk__in=ids).values_list("pk", "code"))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "id", "code" FROM "{Camera._meta.db_table}" WHERE "id" = ANY(%s)',
            [sorted(ids)],
        )
        return dict(cursor.fetchall())


class ChecksInCameraOrder(Sequence):
    """A run's checks in camera code order, for a paginator: the ids and camera codes of all
    of them first (the run's index, then the cameras by primary key), the full rows with
    their camera, place and reviewer only for the page shown. Ordering by the joined code in
    SQL made PostgreSQL hash-join the run's results with every camera and place on each
    page: work that grew with the campus, not with the page (issue 15)."""

    def __init__(self, checks: QuerySet[PatrolCheck]):
        self._checks = checks
        keyed = list(checks.order_by().values_list("pk", "camera_id"))
        codes = _camera_codes({camera for _, camera in keyed})
        self._ids = [pk for pk, camera in sorted(keyed, key=lambda row: (codes[row[1]], row[0]))]

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self._ids[index]
        rows = self._checks.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def checks_flagged_for_page(
    *, run: PatrolRun, user: User, verdict: str = "", review: str = ""
) -> ChecksInCameraOrder:
    """The run page's flagged results (M-1.4), filtered by verdict and by review state
    (``awaiting``, or a review outcome), in camera order for stable pages (issue 15 §1)."""
    qs = checks_flagged(run=run, user=user)
    if verdict:
        qs = qs.filter(verdict=verdict)
    if review:
        qs = qs.filter(review="" if review == "awaiting" else review)
    return ChecksInCameraOrder(qs)


def flagged_counts(*, run: PatrolRun, user: User | None) -> dict[str, int]:
    """The dashboard's two counts of a run's flagged results (M-1.4, M-4.1a), in one query
    off the flagged index alone (patrol_check_flagged_only): those awaiting review, and the
    scene changes no work order covers (such a result is flagged by definition)."""
    return checks_flagged(run=run, user=user).aggregate(
        awaiting=Count("camera", filter=Q(review="")),
        scenes=Count(
            "camera",
            filter=Q(state=PatrolCheck.State.DONE, scene_changed=True, covered_by_work_order=""),
        ),
    )


def checks_awaiting_review(*, run: PatrolRun, user: User | None) -> QuerySet[PatrolCheck]:
    return checks_flagged(run=run, user=user).filter(review="")


def checks_not_checked(*, run: PatrolRun, user: User) -> QuerySet[PatrolCheck]:
    # The list shows the camera and the reason only: not the check's diagnosis documents.
    return (
        _scoped_checks(run=run, user=user)
        .filter(state=PatrolCheck.State.NOT_CHECKED)
        .select_related("camera")
        .only(
            "run_id",
            "state",
            "reason",
            "reason_code",
            "reason_params",
            "findings",  # a picture reason's text is its findings' (check_reason_text)
            "camera__id",
            "camera__code",
            "camera__name",
        )
    )


def check_get(*, user: User, pk: int) -> PatrolCheck:
    return get_object_or_404(check_list(user=user), pk=pk)


# Pictures of a patrol check, by the name used in its URL (patrol/checks/<pk>/images/<kind>/).
CHECK_IMAGES = ("snapshot", "thumbnail")


def check_image_get(*, user: User, pk: int, kind: str):
    """A check's picture, if its camera is in the user's scope (M-1.3, M-3.1); else 404."""
    if kind not in CHECK_IMAGES:
        raise Http404
    return getattr(check_get(user=user, pk=pk), kind)


def run_reviewers(*, run: PatrolRun) -> set[int]:
    """Ids of everyone who reviewed a result of the run, whichever camera (M-2.2)."""
    # No ordering: the model's (run, camera) would join the DISTINCT and read every row.
    return set(
        run.checks.exclude(reviewed_by=None)
        .order_by()
        .values_list("reviewed_by", flat=True)
        .distinct()
    )


def run_actions(*, user: User, run: PatrolRun) -> set[str]:
    """The verbs ``user`` may perform on ``run`` now; services enforce exactly this set.

    M-2.2 separates recording from checking: whoever reviewed a result of the run may not
    countersign it. A re-check is not the day's record and is never countersigned."""
    actions: set[str] = set()
    if (
        run.kind == PatrolRun.Kind.DAILY
        and run.state == PatrolRun.State.FINISHED
        and user.has_any_role(*SIGN_ROLES)
        and user.pk not in run_reviewers(run=run)
    ):
        actions.add("sign")
    return actions


def check_actions(*, user: User, check: PatrolCheck) -> set[str]:
    """The verbs ``user`` may perform on ``check`` now; services enforce exactly this set.

    A flagged result is reviewed once (M-1.4), until its run is countersigned; the check must
    be in the user's scope (the view has fetched it through check_get)."""
    actions: set[str] = set()
    if (
        check.run.state != PatrolRun.State.SIGNED
        and check.flagged
        and not check.review
        and user.has_any_role(*REVIEW_ROLES)
    ):
        actions.add("review")
    return actions


def camera_history(*, camera: Camera, days: int = 30) -> dict:
    """Verdict history, daily availability for the chart, and fault episodes (camera page,
    M-2.1, M-2.3): a check judged a false alarm counts as available (M-1.4)."""
    since = timezone.now() - timedelta(days=days)
    checks = list(
        camera.patrol_checks.filter(state=PatrolCheck.State.DONE, checked_at__gte=since)
        .order_by("-checked_at")
        .values(
            "checked_at",
            "verdict",
            "reason",
            "reason_code",
            "reason_params",
            "findings",
            "run_id",
            "review",
        )
    )
    per_day: dict = {}
    for check in checks:
        day = timezone.localdate(check["checked_at"])
        ok, total = per_day.get(day, (0, 0))
        # A fault judged a false alarm was a camera that worked (M-1.4).
        up = (
            check["verdict"] != PatrolCheck.Verdict.FAULT
            or check["review"] == PatrolCheck.Review.FALSE_ALARM
        )
        per_day[day] = (ok + up, total + 1)
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


class CameraCheckLedger:
    """A camera's checks as ``camera_false_alarm_clear`` asks about them (CheckLedger, M-1.4)."""

    DECIDED = (PatrolCheck.Verdict.OK, PatrolCheck.Verdict.DEGRADED, PatrolCheck.Verdict.FAULT)

    def __init__(self, camera: Camera):
        self.checks = PatrolCheck.objects.filter(camera=camera, state=PatrolCheck.State.DONE)

    def faults_standing(self, *, since, until) -> bool:
        standing = self.checks.filter(
            verdict=PatrolCheck.Verdict.FAULT, checked_at__gte=since
        ).exclude(review=PatrolCheck.Review.FALSE_ALARM)
        if until is not None:
            standing = standing.filter(checked_at__lte=until)
        return standing.exists()

    def decided_after(self, *, at) -> bool:
        return self.checks.filter(verdict__in=self.DECIDED, checked_at__gt=at).exists()

    def verdict_before(self, *, at) -> str | None:
        return (
            self.checks.filter(verdict__in=self.DECIDED, checked_at__lt=at)
            .exclude(review=PatrolCheck.Review.FALSE_ALARM)
            .order_by("-checked_at")
            .values_list("verdict", flat=True)
            .first()
        )


def fault_record_list(*, user: User) -> QuerySet[FaultRecord]:
    """Fault records (M-2.3) of the cameras in the user's scope (a vendor engineer: their
    company's, M-1.3); nobody outside the camera roles."""
    qs = FaultRecord.objects.select_related("camera__location", "confirmed_by")
    scope = camera_scope_q(user=user)
    if scope is not None:  # a scope (or none at all); every camera: no condition
        qs = qs.filter(scope)
    return qs
