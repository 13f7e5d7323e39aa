"""Reads of the camera registry, scoped to who is asking."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import Role, User

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
    """Vendor engineers see their own company's cameras (M-1.3); other staff roles see all."""
    qs = Camera.objects.select_related("location__site", "recorder", "vendor")
    if user.is_superuser:
        return qs
    if user.is_vendor_engineer:
        return qs.filter(vendor_id=user.department_id)
    if user.has_any_role(*VIEW_ROLES):
        return qs
    return qs.none()


def camera_get(*, user: User, pk: int) -> Camera:
    return get_object_or_404(camera_list(user=user), pk=pk)  # out of scope = 404


def camera_actions(*, user: User, camera: Camera) -> set[str]:
    """The verbs ``user`` may perform on ``camera`` now; services enforce exactly this set."""
    actions: set[str] = set()
    if user.is_vendor_engineer and camera.vendor_id in (None, user.department_id):
        actions |= {"change", "credentials"}
    if user.has_any_role(*CHECK_ROLES) and camera.status == Camera.Status.ACTIVE:
        actions.add("recheck")
    return actions


def camera_may_register(*, user: User) -> bool:
    return user.is_vendor_engineer


def camera_status_counts(*, user: User) -> dict[str, int]:
    """Counts per health for active cameras, in one query (the campus overview)."""
    counts = (
        camera_list(user=user)
        .filter(status=Camera.Status.ACTIVE)
        .aggregate(
            total=Count("pk"),
            **{h: Count("pk", filter=Q(health=h)) for h in Camera.Health.values},
        )
    )
    return counts


def site_list(*, user: User) -> QuerySet[Site]:
    return Site.objects.all()


def location_list(*, user: User) -> QuerySet[Location]:
    return Location.objects.select_related("site")


def recorder_list(*, user: User) -> QuerySet[Recorder]:
    return Recorder.objects.select_related("site", "vendor")
