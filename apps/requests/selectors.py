"""Reads of footage requests, scoped to who is asking (M-3.1, M-3.3, PIPL).

A classified request (涉密, M-3.3.1(1)) is seen only by the one who filed it, the approvers on
its route, its footage custodian and the security chief: for everyone else it does not exist
(lists, counts, search, CSV, API, detail → 404).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.cameras.models import Camera
from apps.core.providers import provided

from .delegation import delegated_step_q, step_delegation
from .models import (
    CopyDownload,
    CopyDownloadLink,
    FootageCopy,
    FootageRequest,
    RequestAttachment,
    RequestStep,
    Retrieval,
    RoutingPolicy,
)

# Who opens the requests pages at all; what each sees is narrowed below.
VIEW_ROLES = (
    Role.APPLICANT,
    Role.DEPARTMENT_HEAD,
    Role.SECURITY_STAFF,
    Role.SECURITY_CHIEF,
    Role.FOOTAGE_CUSTODIAN,
    Role.LEADER_IN_CHARGE,
    Role.PRINCIPAL_LEADER,
    Role.AUDITOR,
)
# Internal and student requests are filed by the applicant; law-enforcement and other external
# ones by security staff on the requester's behalf (M-3.3.3, M-3.3.4).
FILE_TYPES_BY_ROLE = {
    Role.APPLICANT: (
        FootageRequest.RequesterType.INTERNAL,
        FootageRequest.RequesterType.STUDENT,
    ),
    Role.SECURITY_STAFF: (
        FootageRequest.RequesterType.LAW_ENFORCEMENT,
        FootageRequest.RequesterType.EXTERNAL,
    ),
}
FILE_ROLES = tuple(FILE_TYPES_BY_ROLE)
DECIDE_ROLES = (
    Role.DEPARTMENT_HEAD,
    Role.SECURITY_STAFF,
    Role.SECURITY_CHIEF,
    Role.LEADER_IN_CHARGE,
    Role.PRINCIPAL_LEADER,
)
# College leaders confirm each decision with their password (a fresh signature, issue 17).
LEADER_ROLES = (Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER)
# Who may see a handler's full ID number (and is audited doing so): the security office
# checks the documents (M-3.3.3, M-3.3.4).
ID_REVEAL_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
# Non-classified requests once submitted, whoever filed them.
_SEE_ALL_SUBMITTED = (
    Role.SECURITY_STAFF,
    Role.SECURITY_CHIEF,
    Role.FOOTAGE_CUSTODIAN,
    Role.AUDITOR,
)


def file_types(*, user: User) -> list[str]:
    """The requester types ``user`` may file a request for."""
    types: list[str] = []
    for role, allowed in FILE_TYPES_BY_ROLE.items():
        if user.has_role(role):
            types += [t for t in allowed if t not in types]
    return types


def _step_for_user(user: User) -> Q:
    """Steps ``user`` may decide: their role, and a department head's own department only;
    and those of an approver away for whom they stand in now (delegation.py, M-3.3)."""
    roles = [role for role in DECIDE_ROLES if user.has_role(role)]
    delegated = delegated_step_q(user)
    if not roles:
        return delegated
    own = Q(role__in=roles) & (Q(department=None) | Q(department_id=user.department_id))
    return own | delegated


def _on_route(user: User) -> Exists:
    """On the request's route: a step the user may decide, or one they decided (a delegate
    keeps seeing what they signed once the delegation is over)."""
    steps = RequestStep.objects.filter(_step_for_user(user) | Q(decided_by=user))
    return Exists(steps.filter(request=OuterRef("pk")))


def request_list(*, user: User) -> QuerySet[FootageRequest]:
    """The requests ``user`` may see, newest first (M-3.3; classified: see the module)."""
    qs = FootageRequest.objects.select_related("department", "filed_by")
    if not user.is_active or not (user.is_superuser or user.has_any_role(*VIEW_ROLES)):
        return qs.none()
    submitted = ~Q(state=FootageRequest.State.DRAFT)
    mine = Q(filed_by=user)
    if user.is_superuser or user.has_any_role(*_SEE_ALL_SUBMITTED):
        # Every submitted one: no "on the route" subquery per request (issue 15: the
        # register's count ran it for each of thousands of requests).
        open_q = mine | submitted
    else:
        open_q = mine | (Q(_on_route(user)) & submitted)
    if user.has_role(Role.DEPARTMENT_HEAD) and user.department_id:
        open_q |= Q(department_id=user.department_id) & submitted
    if user.has_role(Role.SECURITY_CHIEF):
        secret_q = mine | submitted | Q(custodian=user)
    else:
        secret_q = mine | (Q(_on_route(user)) & submitted) | Q(custodian=user)
    visible = (Q(classified=False) & open_q) | (Q(classified=True) & secret_q)
    return qs.filter(visible).order_by("-created_at", "-pk")


def request_get(*, user: User, pk: int) -> FootageRequest:
    return get_object_or_404(request_list(user=user), pk=pk)  # out of scope = 404


def request_queue(*, user: User) -> QuerySet[FootageRequest]:
    """Waiting for me: requests whose current step ``user`` may decide (a department head:
    only their own department's, M-3.3.1(1))."""
    pending = RequestStep.objects.filter(
        _step_for_user(user), request=OuterRef("pk"), state=RequestStep.State.PENDING
    )
    return request_list(user=user).filter(Exists(pending), state=FootageRequest.State.IN_APPROVAL)


def request_current_step(*, request: FootageRequest) -> RequestStep | None:
    return request.steps.filter(state=RequestStep.State.PENDING).first()


def request_actions(*, user: User, request: FootageRequest) -> set[str]:
    """The verbs ``user`` may perform on ``request`` now; the services enforce exactly this."""
    actions: set[str] = set()
    if request.state == FootageRequest.State.DRAFT and request.filed_by_id == user.pk:
        actions |= {"edit", "attach", "submit"}
    if request.state == FootageRequest.State.IN_APPROVAL:
        step = request_current_step(request=request)
        if step is not None and (
            step_decidable(user=user, step=step)
            or step_delegation(user=user, step=step) is not None
        ):
            actions.add("decide")
    if user.has_any_role(*ID_REVEAL_ROLES):
        actions.add("reveal_id")
    actions |= _retrieval_actions(user=user, request=request)
    return actions


# M-1.1b: footage custodians retrieve; the security office assigns one (or a custodian takes
# the request). Who may check a copy's file against its recorded SHA-256 (M-3.4).
ASSIGN_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
VERIFY_ROLES = (Role.FOOTAGE_CUSTODIAN, Role.SECURITY_STAFF, Role.SECURITY_CHIEF)
# The access register (台账, M-3.4): the security office, custodians and auditors.
REGISTER_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.FOOTAGE_CUSTODIAN, Role.AUDITOR)


def approval_valid_days() -> int:
    """How long an approval stays good for a retrieval (days after the last approval)."""
    return getattr(settings, "FOOTAGE_APPROVAL_VALID_DAYS", 30)


def retrieval_refusal(*, request: FootageRequest) -> str:
    """Why no retrieval may be recorded for ``request`` now (M-3.1, M-3.3), or "" if it may:
    only after the last approval, before the approval expires, and once."""
    if request.state == FootageRequest.State.REJECTED:
        return _("The request was rejected: no footage may be retrieved for it.")
    if request.state != FootageRequest.State.APPROVED:
        return _(
            "The request is not approved yet: footage is retrieved only after the last approval."
        )
    if (
        request.decided_at
        and request.decided_at + timedelta(days=approval_valid_days()) < timezone.now()
    ):
        return _("The approval has expired (%(days)d days); the request must be filed again.") % {
            "days": approval_valid_days()
        }
    if Retrieval.objects.filter(request=request).exists():
        return _("The retrieval of this request is already recorded.")
    return ""


def request_retrieval(*, request: FootageRequest) -> Retrieval | None:
    return (
        Retrieval.objects.filter(request=request)
        .select_related("custodian")
        .prefetch_related("cameras")
        .first()
    )


def _retrieval_actions(*, user: User, request: FootageRequest) -> set[str]:
    actions: set[str] = set()
    if request.state != FootageRequest.State.APPROVED or not user.is_active:
        return actions
    retrieved = Retrieval.objects.filter(request=request).exists()
    is_custodian = request.custodian_id == user.pk and user.has_role(Role.FOOTAGE_CUSTODIAN)
    if not retrieved and not retrieval_refusal(request=request):
        if user.has_any_role(*ASSIGN_ROLES) or user.has_role(Role.FOOTAGE_CUSTODIAN):
            actions.add("assign")
        if is_custodian:
            actions.add("retrieve")
    if retrieved and is_custodian:
        actions.add("report_result")
        if request.mode == FootageRequest.Mode.COPY:
            actions.add("copy")
    if retrieved and request.mode == FootageRequest.Mode.COPY:
        if is_custodian or request.filed_by_id == user.pk:
            actions.add("acknowledge")
        if user.has_any_role(*VERIFY_ROLES):
            actions.add("verify")
        if is_custodian or user.has_any_role(*ASSIGN_ROLES):
            actions.add("revoke_link")  # a copy's download link (links.py, M-3.4)
    return actions


def retrieval_pending(qs: QuerySet[FootageRequest]) -> QuerySet[FootageRequest]:
    """Of ``qs``, the approved requests whose approval is still good and whose retrieval is
    not yet recorded (M-1.1b)."""
    since = timezone.now() - timedelta(days=approval_valid_days())
    return qs.filter(
        state=FootageRequest.State.APPROVED, decided_at__gte=since, retrieval__isnull=True
    )


def retrieval_waiting(*, user: User) -> QuerySet[FootageRequest]:
    """Awaiting retrieval (M-1.1b), for the security office and footage custodians: what the
    register's "awaiting retrieval" filter shows them, so the card's count and its page agree
    (whoever it is assigned to; the request page says to whom)."""
    if not user.has_any_role(*ASSIGN_ROLES, Role.FOOTAGE_CUSTODIAN):
        return FootageRequest.objects.none()
    return retrieval_pending(request_list(user=user))


def custodian_choices() -> QuerySet[User]:
    """Active footage custodians, whom a retrieval may be assigned to (M-1.1b)."""
    return User.objects.filter(is_active=True, groups__name=Role.FOOTAGE_CUSTODIAN).order_by(
        "username"
    )


def copy_get(*, user: User, request_pk: int, pk: int) -> FootageCopy:
    """A copy of a request the user may see (out of scope = 404)."""
    request = request_get(user=user, pk=request_pk)
    return get_object_or_404(FootageCopy.objects.filter(request=request), pk=pk)


def access_register(*, user: User) -> QuerySet[Retrieval]:
    """The access register (台账, M-3.4; 国务院令799 Art. 16): every recorded view and copy,
    newest first, of the requests ``user`` may see: a classified request's retrieval is
    invisible, and not counted, outside its circle, exactly as the request itself is."""
    if not user.is_active or not (user.is_superuser or user.has_any_role(*REGISTER_ROLES)):
        return Retrieval.objects.none()
    approvals = RequestStep.objects.filter(state=RequestStep.State.APPROVED).select_related(
        "decided_by", "on_behalf_of"
    )
    links = CopyDownloadLink.objects.select_related("recipient").prefetch_related(
        Prefetch("downloads", queryset=CopyDownload.objects.order_by("pk"), to_attr="download_list")
    )
    copies = FootageCopy.objects.order_by("pk").prefetch_related(
        Prefetch("links", queryset=links.order_by("pk"), to_attr="link_list")
    )
    # Every relation into a list attribute (to_attr): a prefetch into a related manager
    # builds a filtered queryset per row and relation, most of the page's CPU (issue 15).
    return (
        Retrieval.objects.filter(request__in=request_list(user=user).values("pk"))
        .select_related("request", "custodian")
        .prefetch_related(
            # The register names the cameras by code: not every camera's addresses and
            # encrypted credentials, decrypted row by row (issue 15).
            Prefetch(
                "cameras",
                queryset=Camera.objects.only("id", "code", "name").order_by("code"),
                to_attr="camera_list",
            ),
            Prefetch("request__steps", queryset=approvals, to_attr="approvals"),
            Prefetch("request__copies", queryset=copies, to_attr="copy_list"),
        )
        .order_by("-recorded_at", "-pk")
    )


def request_holds(*, user: User, request: FootageRequest) -> list[dict]:
    """The live preservation holds (M-1.5) over the request's cameras and span, from the
    apps that place them (the duty app's incidents, through apps.core.providers): the
    custodian keeps that footage whatever the request's outcome."""
    return provided(
        "footage_holds",
        user=user,
        cameras=list(request.cameras.values_list("pk", flat=True)),
        start=request.span_from,
        end=request.span_to,
    )


def decision_needs_password(*, request: FootageRequest) -> bool:
    step = request_current_step(request=request)
    return step is not None and step.role in LEADER_ROLES


def step_decidable(*, user: User, step: RequestStep) -> bool:
    if not user.is_active or not user.has_role(step.role):
        return False
    return step.department_id is None or step.department_id == user.department_id


def attachment_get(*, user: User, request_pk: int, pk: int) -> RequestAttachment:
    """An attachment of a request the user may see (out of scope = 404)."""
    request = request_get(user=user, pk=request_pk)
    return get_object_or_404(request.attachments.all(), pk=pk)


POLICY_EDIT_ROLES = (Role.SECURITY_CHIEF,)


def policy_list() -> QuerySet[RoutingPolicy]:
    """Every version, newest first: nothing is overwritten (M-3.3)."""
    return RoutingPolicy.objects.select_related("created_by").order_by("-version")


def policy_table(*, rules: dict) -> list[dict]:
    """What a policy does, as the page shows it: the route of each requester type × mode ×
    special case (classified changes who sees a request, not its route, unless a rule says)."""
    from types import SimpleNamespace

    from .routing import route_for

    table = []
    for requester_type, type_label in FootageRequest.RequesterType.choices:
        for mode, mode_label in FootageRequest.Mode.choices:
            for special in (False, True):
                steps = route_for(
                    SimpleNamespace(
                        requester_type=requester_type, mode=mode, special=special, classified=False
                    ),
                    rules,
                )
                table.append(
                    {
                        "type": type_label,
                        "mode": mode_label,
                        "special": special,
                        "steps": [RequestStep(kind=step.kind, role=step.role) for step in steps],
                    }
                )
    return table


def policy_current() -> RoutingPolicy:
    """The newest routing policy version: it routes every request submitted now."""
    return RoutingPolicy.objects.order_by("-version").first()


def retrieval_camera_choices() -> QuerySet[Camera]:
    """Cameras a retrieval may name (M-3.3.1(3)): every camera in the registry, also one
    decommissioned since the approval, whose footage the recorder may still hold."""
    return Camera.objects.select_related("location__site").order_by("code")


def camera_choices() -> QuerySet[Camera]:
    """Cameras a request may name (M-3.5: chosen from the registry, with their locations).
    Applicants see no camera pages; this list shows codes, names and places only."""
    return (
        Camera.objects.exclude(status=Camera.Status.DECOMMISSIONED)
        .select_related("location__site")
        .order_by("code")
    )
