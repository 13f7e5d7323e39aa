"""Writes of footage requests: file, attach, submit, decide (M-3.3, M-3.5). Each is one
transaction with its audit event."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.cameras.models import Camera
from apps.core.exceptions import RuleViolation

from . import inputs
from .models import (
    CLASSIFIED_REASON,
    FootageRequest,
    RequestAttachment,
    RequestNumberCounter,
    RequestStep,
    RoutingPolicy,
)
from .routing import route_for, rules_problems
from .selectors import (
    ID_REVEAL_ROLES,
    LEADER_ROLES,
    camera_choices,
    file_types,
    policy_current,
    request_actions,
    request_current_step,
)


def request_number_next(*, year: int) -> str:
    """The next number of ``year`` (调阅-YYYY-NNNNNN), gapless (M-3.5): the year's counter row
    is raised in the caller's transaction, so a rollback gives the number back. On PostgreSQL
    the UPDATE's row lock makes concurrent submitters wait their turn; SQLite's IMMEDIATE
    transactions already do."""
    RequestNumberCounter.objects.bulk_create(
        [RequestNumberCounter(year=year, last=0)], ignore_conflicts=True
    )
    RequestNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = RequestNumberCounter.objects.values_list("last", flat=True).get(year=year)
    return f"调阅-{year}-{last:06d}"


def _fields_clean(
    *,
    by: User,
    requester_type: str,
    mode: str,
    cameras: list[Camera],
    span_from: datetime,
    span_to: datetime,
    applying_unit: str,
    handler_name: str,
    handler_id_type: str,
    handler_id_number: str,
    reason: str = "",
    place_detail: str = "",
    classified: bool = False,
    special: bool = False,
) -> tuple[dict, list[Camera]]:
    """The form's fields as stored, and the chosen cameras; a RuleViolation for the first
    thing wrong (M-3.5). One check for filing and for editing a draft."""
    if requester_type not in file_types(user=by):
        raise RuleViolation(_("Your role cannot file a request of this type."), clause="M-3.3")
    if mode not in FootageRequest.Mode.values:
        raise RuleViolation(_("Choose view or copy."))
    department = None
    if requester_type == FootageRequest.RequesterType.INTERNAL:
        if by.department_id is None:
            raise RuleViolation(
                _("An internal request needs your department; ask the administrator to set it."),
                clause="M-3.3.1",
            )
        department = by.department
        applying_unit = applying_unit or by.department.name
    reason = CLASSIFIED_REASON if classified else (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the reason for the request."), clause="M-3.5")
    if not applying_unit:
        raise RuleViolation(_("Name the applying unit."), clause="M-3.5")
    if not handler_name:
        raise RuleViolation(_("Name the handler."), clause="M-3.5")
    inputs.text_check(
        applying_unit=applying_unit,
        handler_name=handler_name,
        place_detail=place_detail,
        reason=reason,
    )
    number = inputs.id_number_clean(handler_id_type, handler_id_number)
    span_from, span_to = inputs.to_minute(span_from), inputs.to_minute(span_to)
    inputs.span_check(span_from, span_to)
    camera_ids = {camera.pk for camera in cameras}
    if not camera_ids:
        raise RuleViolation(_("Choose at least one camera."), clause="M-3.5")
    chosen = list(camera_choices().filter(pk__in=camera_ids))
    if len(chosen) != len(camera_ids):
        raise RuleViolation(_("A chosen camera is not in the registry (or decommissioned)."))
    values = {
        "applying_unit": applying_unit,
        "handler_name": handler_name,
        "handler_id_type": handler_id_type,
        "handler_id_number": number,
        "mode": mode,
        "place_detail": place_detail,
        "span_from": span_from,
        "span_to": span_to,
        "reason": reason,
        "requester_type": requester_type,
        "classified": classified,
        "special": special,
        "department": department,
    }
    return values, chosen


def _event_data(values: dict, cameras: list[Camera]) -> dict:
    """What the chain (read by auditors) keeps of a filing: never the ID number or the
    reason; of a classified request (M-3.3.1(1)) not even its cameras and span, which the
    request itself holds for those who may see it."""
    data = {
        "requester_type": values["requester_type"],
        "mode": values["mode"],
        "classified": values["classified"],
        "special": values["special"],
    }
    if not values["classified"]:
        data["cameras"] = sorted(camera.pk for camera in cameras)
        data["span"] = [values["span_from"].isoformat(), values["span_to"].isoformat()]
    return data


@transaction.atomic
def request_file(*, by: User, **fields) -> FootageRequest:
    """A new request as a draft (M-3.5), the fields as ``_fields_clean`` takes them. Internal
    and student requests are filed by the applicant, law-enforcement and other external ones
    by security staff on the requester's behalf. A classified request's reason reads
    涉密案(事)件 and nothing else (M-3.3.1(1))."""
    values, cameras = _fields_clean(by=by, **fields)
    request = FootageRequest.objects.create(filed_by=by, **values)
    request.cameras.set(cameras)
    event_append(
        actor=by,
        action="requests.request_file",
        target=request,
        clause="M-3.5",
        data=_event_data(values, cameras),
    )
    return request


@transaction.atomic
def request_update(*, request: FootageRequest, by: User, **fields) -> FootageRequest:
    """Its filer corrects a draft (M-3.5), with the same checks as filing. An empty ID number
    keeps the stored one (the page never shows it back)."""
    if "edit" not in request_actions(user=by, request=request):
        raise RuleViolation(_("Only a draft's author may change it."))
    if not fields.get("handler_id_number"):
        fields["handler_id_number"] = request.handler_id_number
    values, cameras = _fields_clean(by=by, **fields)
    changed = sorted(
        name
        for name, value in values.items()
        if name != "department" and getattr(request, name) != value
    )
    # Only while it is a draft: a submitted request's fields are fixed (conditional UPDATE).
    won = FootageRequest.objects.filter(pk=request.pk, state=FootageRequest.State.DRAFT).update(
        **values
    )
    if not won:
        raise RuleViolation(_("The request was submitted meanwhile; reload it."))
    request.refresh_from_db()
    before = set(request.cameras.values_list("pk", flat=True))
    request.cameras.set(cameras)
    if before != {camera.pk for camera in cameras}:
        changed.append("cameras")
    event_append(
        actor=by,
        action="requests.request_update",
        target=request,
        clause="M-3.5",
        data={**_event_data(values, cameras), "changed": changed},
    )
    return request


@transaction.atomic
def request_attach(*, request: FootageRequest, by: User, kind: str, upload) -> RequestAttachment:
    """Keep a document shown with the request (M-3.3.2-3.3.4): type by its content, size and
    count checked, stored outside the web root under a random name."""
    if "attach" not in request_actions(user=by, request=request):
        raise RuleViolation(_("Only a draft's author may attach documents to it."))
    if kind not in RequestAttachment.Kind.values:
        raise RuleViolation(_("Choose what kind of document this is."))
    content_type, ext, sha256 = inputs.attachment_check(upload, count=request.attachments.count())
    original = (upload.name or "upload").replace("\x00", "")[-200:]
    attachment = RequestAttachment(
        request=request,
        kind=kind,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        sha256=sha256,
        uploaded_by=by,
    )
    # The stored name comes from the content's type, never from what the uploader called it.
    attachment.file.save(f"upload{ext}", upload, save=False)
    attachment.save()
    event_append(
        actor=by,
        action="requests.attachment_add",
        target=request,
        clause="M-3.3",
        data={"attachment": attachment.pk, "kind": kind, "sha256": sha256, "size": upload.size},
    )
    return attachment


@transaction.atomic
def request_submit(*, request: FootageRequest, by: User) -> FootageRequest:
    """Send a draft for approval (M-3.3): its number and date, and its route from the newest
    policy version, which it keeps whatever later versions say."""
    if "submit" not in request_actions(user=by, request=request):
        raise RuleViolation(_("Only a draft's author may submit it."))
    missing = inputs.attachments_missing(request)
    if missing:
        raise RuleViolation(
            _("Attach first: %(documents)s.") % {"documents": ", ".join(missing)},
            clause="M-3.3",
        )
    inputs.span_check(request.span_from, request.span_to)
    policy = policy_current()
    if policy is None:
        raise RuleViolation(_("No routing policy is set up; ask the security chief."))
    steps = route_for(request, policy.rules)
    today = timezone.localdate()
    number = request_number_next(year=today.year)
    won = FootageRequest.objects.filter(pk=request.pk, state=FootageRequest.State.DRAFT).update(
        state=FootageRequest.State.IN_APPROVAL,
        number=number,
        application_date=today,
        policy=policy,
        submitted_at=timezone.now(),
    )
    if not won:
        raise RuleViolation(_("The request was submitted meanwhile; reload it."))
    RequestStep.objects.bulk_create(
        RequestStep(
            request=request,
            order=n,
            kind=step.kind,
            role=step.role,
            department=request.department if step.scope == "department" else None,
            state=RequestStep.State.PENDING if n == 1 else RequestStep.State.WAITING,
        )
        for n, step in enumerate(steps, 1)
    )
    request.refresh_from_db()
    event_append(
        actor=by,
        action="requests.request_submit",
        target=request,
        clause="M-3.3",
        data={
            "number": number,
            "policy_version": policy.version,
            "route": [f"{s.kind}:{s.role}" for s in steps],
        },
    )
    return request


@transaction.atomic
def request_decide(
    *, request: FootageRequest, by: User, approve: bool, comment: str = "", password: str = ""
) -> FootageRequest:
    """The current approver approves or rejects, with a comment (M-3.3); the decision is the
    approver's identity and time. A college leader signs afresh: their password again, even
    in a signed-in session (LEADER_ROLES). Two approvers deciding the same step at once leave
    one decision: the step changes only while it is still pending (conditional UPDATE)."""
    comment = (comment or "").strip()
    if "\x00" in comment or len(comment) > 2000:
        raise RuleViolation(_("The comment is at most 2,000 characters, without NUL."))
    if not approve and not comment:
        raise RuleViolation(_("Say why the request is rejected."), clause="M-3.3")
    step = request_current_step(request=request)
    if step is None or "decide" not in request_actions(user=by, request=request):
        raise RuleViolation(_("This request is not waiting for your decision."), clause="M-3.3")
    if request.filed_by_id == by.pk:
        raise RuleViolation(_("Nobody approves a request they filed."), clause="M-3.3")
    if step.role in LEADER_ROLES and not (password and by.check_password(password)):
        raise RuleViolation(
            _("Confirm your decision with your password: a leader's approval is signed afresh."),
            clause="M-3.3",
        )
    now = timezone.now()
    won = RequestStep.objects.filter(pk=step.pk, state=RequestStep.State.PENDING).update(
        state=RequestStep.State.APPROVED if approve else RequestStep.State.REJECTED,
        decided_by=by,
        decided_at=now,
        comment=comment,
    )
    if not won:
        raise RuleViolation(
            _("Someone else decided this step a moment ago; reload the request."),
            clause="M-3.3",
        )
    later = request.steps.filter(order__gt=step.order, state=RequestStep.State.WAITING)
    if not approve:
        later.update(state=RequestStep.State.CANCELLED)
        FootageRequest.objects.filter(pk=request.pk).update(
            state=FootageRequest.State.REJECTED, decided_at=now
        )
    else:
        following = later.order_by("order").first()
        if following is not None:
            RequestStep.objects.filter(pk=following.pk).update(state=RequestStep.State.PENDING)
        else:
            FootageRequest.objects.filter(pk=request.pk).update(
                state=FootageRequest.State.APPROVED, decided_at=now
            )
    request.refresh_from_db()
    event_append(
        actor=by,
        action="requests.step_approve" if approve else "requests.step_reject",
        target=request,
        clause="M-3.3",
        data={
            "step": step.order,
            "role": step.role,
            "kind": step.kind,
            "comment": comment,
            "state": request.state,
        },
    )
    return request


@transaction.atomic
def request_handler_id_reveal(*, request: FootageRequest, by: User) -> str:
    """The handler's full ID number, for the security office's document check; every look is
    in the audit chain (PIPL; M-3.3.3, M-3.3.4)."""
    if not by.has_any_role(*ID_REVEAL_ROLES):
        raise RuleViolation(_("Your role sees ID numbers masked only."))
    event_append(
        actor=by,
        action="requests.handler_id_reveal",
        target=request,
        clause="M-3.3",
        data={"id_type": request.handler_id_type},
    )
    return request.handler_id_number


@transaction.atomic
def routing_policy_publish(*, by: User, rules: dict, note: str = "") -> RoutingPolicy:
    """A new policy version (M-3.3.5): it routes requests submitted from now on; requests in
    flight keep the version they were routed by."""
    if not (by.is_superuser or by.has_role(Role.SECURITY_CHIEF)):
        raise RuleViolation(_("Only the security chief changes the routing policy."))
    problems = rules_problems(rules)
    if problems:
        raise RuleViolation(
            _("The policy is not valid: %(problems)s") % {"problems": "; ".join(problems)}
        )
    last = RoutingPolicy.objects.order_by("-version").values_list("version", flat=True).first()
    policy = RoutingPolicy.objects.create(
        version=(last or 0) + 1, rules=rules, note=note[:200], created_by=by
    )
    event_append(
        actor=by,
        action="requests.policy_publish",
        target=policy,
        clause="M-3.3",
        data={"version": policy.version, "note": note[:200]},
    )
    return policy


@transaction.atomic
def request_attachment_open(*, attachment: RequestAttachment, by: User) -> None:
    """An attachment (an ID scan, a notice) was opened: who and when are in the chain (PIPL)."""
    event_append(
        actor=by,
        action="requests.attachment_open",
        target=attachment.request,
        clause="M-3.3",
        data={"attachment": attachment.pk, "kind": attachment.kind},
    )
