"""Reads of the camera registry, scoped to who is asking."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.accounts.models import Department, Role, User

from .models import Camera, Location, Recorder, Site

# Who may start a re-check of a camera (M-2.1: patrol by the duty operators).
CHECK_ROLES = (Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.VENDOR_ENGINEER)
VIEW_ROLES = (
    *CHECK_ROLES,
    Role.FOOTAGE_CUSTODIAN,
    Role.AUDITOR,
    Role.LEADER_IN_CHARGE,
    Role.PRINCIPAL_LEADER,
)


def camera_list(*, user: User) -> QuerySet[Camera]:
    """Vendor engineers see their own company's cameras (M-1.3); other staff roles see all.

    A vendor engineer without a company sees none (not the cameras that have no vendor).
    """
    qs = Camera.objects.select_related("location__site", "recorder", "vendor")
    scope = camera_scope_q(user=user, via="")
    return qs if scope is None else qs.filter(scope)


def camera_scope_q(*, user: User, via: str = "camera") -> Q | None:
    """The cameras ``user`` may see (the rule camera_list applies) as a condition on another
    model's camera (``via`` names that field; "" the camera itself): None when the user sees
    every camera, a condition matching nothing when none.

    A join condition (``camera.vendor_id = …``) the planner applies row by row; the
    equivalent ``camera IN (a vendor's cameras)`` made it read and hash all of a vendor's
    thousands of cameras for each run page and run list (issue 15)."""
    if user.is_superuser:
        return None
    if user.is_vendor_engineer:
        if not user.department_id:
            return Q(pk__in=[])
        return Q(**{f"{via}__vendor_id" if via else "vendor_id": user.department_id})
    if user.has_any_role(*VIEW_ROLES):
        return None
    return Q(pk__in=[])


def camera_get(*, user: User, pk: int) -> Camera:
    return get_object_or_404(camera_list(user=user), pk=pk)  # out of scope = 404


# Pictures of a camera, by the name used in its URL (cameras/<pk>/images/<kind>/).
CAMERA_IMAGES = {
    "reference": "reference_snapshot",
    "snapshot": "last_snapshot",
    "thumbnail": "last_thumbnail",
}


def camera_image_get(*, user: User, pk: int, kind: str):
    """A picture of a camera in the user's scope (M-1.3, M-3.1); anything else is 404."""
    if kind not in CAMERA_IMAGES:
        raise Http404
    return getattr(camera_get(user=user, pk=pk), CAMERA_IMAGES[kind])


def camera_actions(*, user: User, camera: Camera) -> set[str]:
    """The verbs ``user`` may perform on ``camera`` now; services enforce exactly this set."""
    actions: set[str] = set()
    if user.is_vendor_engineer and camera.vendor_id in (None, user.department_id):
        actions |= {"change", "credentials"}
    if camera.status == Camera.Status.ACTIVE and (
        # A vendor engineer re-checks their own company's cameras only (M-1.3); the office's
        # patrolling roles any camera (M-2.1). The patrol's start service asks this set.
        camera.vendor_id is not None and camera.vendor_id == user.department_id
        if user.is_vendor_engineer
        else user.has_any_role(*CHECK_ROLES)
    ):
        actions.add("recheck")
    return actions


def camera_may_register(*, user: User) -> bool:
    """Vendor engineers of a maintenance vendor company (M-1.3); the service says the same."""
    return bool(
        user.is_vendor_engineer
        and user.department_id
        and user.department.kind == Department.Kind.MAINTENANCE_VENDOR
    )


def camera_status_counts(*, user: User) -> dict[str, int]:
    """Counts per health of the active cameras the user sees, in one query (the overview, the
    camera list): ``total``, one key per ``Camera.Health`` value, and ``down`` (offline or
    picture fault, M-2.3). Never-checked cameras are counted as ``unchecked``, not as normal."""
    # Grouped by health over the (status, health) index, index-only: one aggregate with a
    # FILTER per health read every camera row (14 ms at 10,000 cameras, 1 ms grouped).
    per_health = dict(
        camera_list(user=user)
        .filter(status=Camera.Status.ACTIVE)
        .order_by()
        .values_list("health")
        .annotate(n=Count("*"))
    )
    counts = {h: per_health.get(h, 0) for h in Camera.Health.values}
    counts["total"] = sum(per_health.values())
    counts["down"] = sum(counts[h] for h in Camera.FAULT_HEALTH)
    return counts


def site_list(*, user: User) -> QuerySet[Site]:
    """Sites and locations are shared campus geography: every role that may name a place sees
    them all (a vendor registers cameras at them, footage requests will name them)."""
    return Site.objects.all()


def location_list(*, user: User, site: Site | None = None, search: str = "") -> QuerySet[Location]:
    """Every location (shared geography); the places page narrows them by site and by words
    in the building, floor or area (issue 15 §3)."""
    qs = Location.objects.select_related("site")
    if site is not None:
        qs = qs.filter(site=site)
    for word in search.split():
        qs = qs.filter(
            Q(building__icontains=word) | Q(floor__icontains=word) | Q(area__icontains=word)
        )
    return qs


def recorder_list(*, user: User, site: Site | None = None, search: str = "") -> QuerySet[Recorder]:
    """Recorders are devices with settings, like cameras: a vendor engineer sees their own
    company's (M-1.3), the other camera roles see all, everyone else none. The places page
    narrows them by site and by words in the code, name or host (issue 15 §3)."""
    qs = Recorder.objects.select_related("site", "vendor")
    if site is not None:
        qs = qs.filter(site=site)
    for word in search.split():
        qs = qs.filter(Q(code__icontains=word) | Q(name__icontains=word) | Q(host__icontains=word))
    if user.is_superuser:
        return qs
    if user.is_vendor_engineer:
        return qs.filter(vendor_id=user.department_id) if user.department_id else qs.none()
    if user.has_any_role(*VIEW_ROLES):
        return qs
    return qs.none()
