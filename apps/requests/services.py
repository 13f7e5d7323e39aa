"""Writes of footage requests: file, attach, submit, decide (M-3.3, M-3.5). Each is one
transaction with its audit event."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.cameras.models import Camera
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify

from . import inputs
from .delegation import step_delegates, step_delegation
from .models import (
    CLASSIFIED_REASON,
    FootageCopy,
    FootageRequest,
    RequestAttachment,
    RequestNumberCounter,
    RequestStep,
    Retrieval,
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
    retrieval_refusal,
    step_decidable,
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


def step_holders(*, step: RequestStep):
    """Who may decide ``step`` (M-3.3): active holders of its role; a department head's step:
    that department's head only."""
    holders = User.objects.filter(is_active=True, groups__name=step.role)
    if step.department_id is not None:
        holders = holders.filter(department_id=step.department_id)
    # And whoever stands in now for an approver away (M-3.3).
    return User.objects.filter(
        Q(pk__in=holders.values("pk")) | Q(pk__in=step_delegates(step=step).values("pk"))
    )


def _notify_next_approvers(request: FootageRequest) -> None:
    """The next approver is told in-app (and on the configured channels), with a deep link
    to the request (issue 17). Only the number: a classified request's holders are on its
    route, and the text says nothing of the case. The filer never approves their own."""
    step = request.steps.filter(state=RequestStep.State.PENDING).first()
    if step is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            step_holders(step=step).exclude(pk=request.filed_by_id),
            kind="requests.decision_waiting",
            title=_("Footage request %(number)s waits for your decision")
            % {"number": request.number},
            body=_("Step %(order)d: %(step)s")
            % {"order": step.order, "step": step.get_kind_display()},
            url=request.get_absolute_url(),
        )


def _notify_filer_of_decision(request: FootageRequest) -> None:
    """The applicant (its filer) is told the route's outcome, with a deep link (issue 17)."""
    with translation.override(settings.LANGUAGE_CODE):
        if request.state == FootageRequest.State.APPROVED:
            title = _("Footage request %(number)s is approved") % {"number": request.number}
        else:
            title = _("Footage request %(number)s is rejected") % {"number": request.number}
        notify(
            [request.filed_by],
            kind="requests.request_decided",
            title=title,
            url=request.get_absolute_url(),
        )


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
    _notify_next_approvers(request)
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
    # A holder of the step's role decides in their own right; anyone else only as a delegate.
    delegation = None if step_decidable(user=by, step=step) else step_delegation(user=by, step=step)
    signed = request.steps.filter(decided_by=by).exclude(pk=step.pk)
    if signed.exists() and (
        delegation is not None or signed.filter(delegation__isnull=False).exists()
    ):
        raise RuleViolation(
            _(
                "You signed step %(order)d of this request already: a delegate never signs "
                "two steps of one request."
            )
            % {"order": signed.first().order},
            clause="M-3.3",
        )
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
        on_behalf_of=delegation.principal if delegation else None,
        delegation=delegation,
    )
    if not won:
        raise RuleViolation(
            _("Someone else decided this step a moment ago; reload the request."),
            clause="M-3.3",
        )
    later = request.steps.filter(order__gt=step.order, state=RequestStep.State.WAITING)
    following = None
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
    if following is not None:
        _notify_next_approvers(request)
    else:
        _notify_filer_of_decision(request)
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
            **(
                {"on_behalf_of": delegation.principal_id, "delegation": delegation.pk}
                if delegation
                else {}
            ),
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


# Retrieval and copy custody (M-1.1b, M-3.3.1(3), M-3.4). Each write: one transaction, one
# audit event. The events of a classified request keep no cameras, span or texts.


def _footage_data(request: FootageRequest, cameras: list[Camera], span_from, span_to) -> dict:
    if request.classified:
        return {}
    return {
        "cameras": sorted(camera.pk for camera in cameras),
        "span": [span_from.isoformat(), span_to.isoformat()],
    }


@transaction.atomic
def request_custodian_assign(
    *, request: FootageRequest, by: User, custodian: User
) -> FootageRequest:
    """The footage custodian who retrieves an approved request (M-1.1b): the security office
    assigns one, or a custodian takes it. Until the retrieval is recorded it may change."""
    refusal = retrieval_refusal(request=request)
    if refusal:
        raise RuleViolation(refusal, clause="M-3.3")
    if "assign" not in request_actions(user=by, request=request):
        raise RuleViolation(_("Your role cannot assign the retrieval of this request."))
    if not (custodian.is_active and custodian.has_role(Role.FOOTAGE_CUSTODIAN)):
        raise RuleViolation(_("Choose an active footage custodian."), clause="M-1.1b")
    if not by.has_any_role(Role.SECURITY_STAFF, Role.SECURITY_CHIEF) and custodian.pk != by.pk:
        raise RuleViolation(_("A custodian takes a request for themselves only."), clause="M-1.1b")
    won = FootageRequest.objects.filter(
        pk=request.pk, state=FootageRequest.State.APPROVED, retrieval__isnull=True
    ).update(custodian=custodian)
    if not won:
        raise RuleViolation(_("The request changed meanwhile; reload it."))
    request.refresh_from_db()
    event_append(
        actor=by,
        action="requests.custodian_assign",
        target=request,
        clause="M-1.1b",
        data={"custodian": custodian.get_username()},
    )
    return request


def retrieval_deviations(
    *, request: FootageRequest, cameras: list[Camera], span_from: datetime, span_to: datetime
) -> list[str]:
    """What a retrieval takes beyond the approval (M-3.3.1(3)): cameras not approved, footage
    before or after the approved span. Empty: within the approval."""
    approved = set(request.cameras.values_list("pk", flat=True))
    found = []
    extra = sorted(camera.code for camera in cameras if camera.pk not in approved)
    if extra:
        found.append(_("cameras not approved: %(codes)s") % {"codes": ", ".join(extra)})
    if span_from < request.span_from:
        found.append(_("footage before the approved span"))
    if span_to > request.span_to:
        found.append(_("footage after the approved span"))
    return found


def _chiefs():
    return User.objects.filter(is_active=True, groups__name=Role.SECURITY_CHIEF)


@transaction.atomic
def retrieval_record(
    *,
    request: FootageRequest,
    by: User,
    cameras: list[Camera],
    span_from: datetime,
    span_to: datetime,
    backup_location: str,
    deviation_reason: str = "",
) -> Retrieval:
    """The assigned custodian records what was retrieved (M-1.1b, M-3.3.1(3)): only after the
    last approval and before it expires (M-3.1). Cameras or a span beyond the approval need a
    reason and are flagged to the security chief."""
    refusal = retrieval_refusal(request=request)
    if refusal:
        raise RuleViolation(refusal, clause="M-3.3")
    if "retrieve" not in request_actions(user=by, request=request):
        raise RuleViolation(
            _("Only the footage custodian assigned to this request records its retrieval."),
            clause="M-1.1b",
        )
    backup_location = inputs.plain_text(_("backup kept at"), backup_location, limit=200)
    deviation_reason = inputs.plain_text(
        _("reason for the deviation"), deviation_reason, limit=2000, required=False
    )
    span_from, span_to = inputs.to_minute(span_from), inputs.to_minute(span_to)
    inputs.span_check(span_from, span_to)
    cameras = list({camera.pk: camera for camera in cameras}.values())
    if not cameras:
        raise RuleViolation(_("Choose at least one camera."), clause="M-3.3.1")
    deviations = retrieval_deviations(
        request=request, cameras=cameras, span_from=span_from, span_to=span_to
    )
    if deviations and not deviation_reason:
        raise RuleViolation(
            _("The retrieval goes beyond the approval (%(what)s): give the reason.")
            % {"what": "; ".join(deviations)},
            clause="M-3.3.1",
        )
    try:
        with transaction.atomic():
            retrieval = Retrieval.objects.create(
                request=request,
                custodian=by,
                span_from=span_from,
                span_to=span_to,
                backup_location=backup_location,
                deviates=bool(deviations),
                deviation_reason=deviation_reason if deviations else "",
            )
    except IntegrityError:
        raise RuleViolation(_("The retrieval of this request is already recorded.")) from None
    retrieval.cameras.set(cameras)
    event_append(
        actor=by,
        action="requests.retrieval_record",
        target=request,
        clause="M-3.3.1",
        data={
            **_footage_data(request, cameras, span_from, span_to),
            "mode": request.mode,
            "deviates": bool(deviations),
            "backup_location": backup_location,
        },
    )
    if deviations:
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                _chiefs(),
                kind="requests.retrieval_deviation",
                title=_("Retrieval beyond its approval: %(number)s") % {"number": request.number},
                body="; ".join(
                    retrieval_deviations(
                        request=request, cameras=cameras, span_from=span_from, span_to=span_to
                    )
                ),
                url=request.get_absolute_url(),
            )
    return retrieval


@transaction.atomic
def request_result_report(
    *, request: FootageRequest, by: User, query_result: str
) -> FootageRequest:
    """The custodian reports the query result (查询结果, M-3.3.1(3), M-3.5): a short account of
    what the footage showed, kept on the request; the applicant is told."""
    if "report_result" not in request_actions(user=by, request=request):
        raise RuleViolation(
            _("Only the custodian who retrieved the footage reports the result."),
            clause="M-3.3.1",
        )
    label = FootageRequest._meta.get_field("query_result").verbose_name
    query_result = inputs.plain_text(label, query_result, limit=4000)
    FootageRequest.objects.filter(pk=request.pk).update(
        query_result=query_result, result_reported_at=timezone.now()
    )
    request.refresh_from_db()
    event_append(
        actor=by,
        action="requests.result_report",
        target=request,
        clause="M-3.3.1",
        data={"length": len(query_result)},
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [request.filed_by],
            kind="requests.result_report",
            title=_("The query result of %(number)s is ready") % {"number": request.number},
            url=request.get_absolute_url(),
        )
    return request


@transaction.atomic
def copy_record(
    *,
    request: FootageRequest,
    by: User,
    file_name: str,
    medium: str,
    recipient: str,
    destination: str,
    handed_over_at: datetime,
    sha256: str = "",
    upload=None,
) -> FootageCopy:
    """One exported file handed over (M-3.3.5, M-3.4): its SHA-256 computed from the file or
    entered (checked: 64 hex characters, verifiable later against the file), the medium,
    the recipient, the destination (去向) and the handover time."""
    if request.mode != FootageRequest.Mode.COPY:
        raise RuleViolation(
            _("This request was approved for viewing only: no copy may be handed over."),
            clause="M-3.3.5",
        )
    if "copy" not in request_actions(user=by, request=request):
        raise RuleViolation(
            _("Only the custodian who retrieved the footage records its copies."),
            clause="M-1.1b",
        )
    if medium not in FootageCopy.Medium.values:
        raise RuleViolation(_("Choose the medium: USB drive, disc or download."), clause="M-3.4")
    fields = FootageCopy._meta
    file_name = inputs.plain_text(
        fields.get_field("file_name").verbose_name,
        file_name or getattr(upload, "name", ""),
        limit=200,
    )
    recipient = inputs.plain_text(fields.get_field("recipient").verbose_name, recipient, limit=120)
    destination = inputs.plain_text(
        fields.get_field("destination").verbose_name, destination, limit=200
    )
    if upload is not None:
        digest, source = inputs.file_sha256(upload), FootageCopy.HashSource.COMPUTED
        if sha256 and inputs.sha256_clean(sha256) != digest:
            raise RuleViolation(
                _("The SHA-256 entered is not the file's: check the file or the value."),
                clause="M-3.4",
            )
    elif sha256:
        digest, source = inputs.sha256_clean(sha256), FootageCopy.HashSource.ENTERED
    else:
        raise RuleViolation(
            _("Give the file's SHA-256, or choose the file to compute it."), clause="M-3.4"
        )
    if handed_over_at > timezone.now():
        raise RuleViolation(_("The handover time cannot be in the future."), clause="M-3.4")
    copy = FootageCopy.objects.create(
        request=request,
        file_name=file_name,
        sha256=digest,
        hash_source=source,
        medium=medium,
        recipient=recipient,
        destination=destination,
        handed_over_at=handed_over_at,
        recorded_by=by,
    )
    event_append(
        actor=by,
        action="requests.copy_record",
        target=request,
        clause="M-3.4",
        data={
            "copy": copy.pk,
            "sha256": digest,
            "hash_source": source,
            "medium": medium,
            **({} if request.classified else {"recipient": recipient, "destination": destination}),
        },
    )
    return copy


@transaction.atomic
def copy_acknowledge(*, copy: FootageCopy, by: User) -> FootageCopy:
    """The receiver's acknowledgement of a handed-over copy (M-3.4): the applicant confirms
    it, or the custodian records the receiver's signed receipt. Once."""
    if "acknowledge" not in request_actions(user=by, request=copy.request):
        raise RuleViolation(
            _("Only the applicant or the custodian records the acknowledgement."), clause="M-3.4"
        )
    won = FootageCopy.objects.filter(pk=copy.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    if not won:
        raise RuleViolation(_("The receipt of this copy is already acknowledged."), clause="M-3.4")
    copy.refresh_from_db()
    event_append(
        actor=by,
        action="requests.copy_acknowledge",
        target=copy.request,
        clause="M-3.4",
        data={"copy": copy.pk},
    )
    return copy


@transaction.atomic
def copy_verify(*, copy: FootageCopy, by: User, upload) -> bool:
    """Check a file against the SHA-256 recorded at the handover (M-3.4): the result (match
    or not) is kept on the copy and in the audit chain."""
    if "verify" not in request_actions(user=by, request=copy.request):
        raise RuleViolation(_("Your role cannot verify copies."), clause="M-3.4")
    digest = inputs.file_sha256(upload)
    match = digest == copy.sha256
    FootageCopy.objects.filter(pk=copy.pk).update(verified_at=timezone.now(), verified_match=match)
    copy.refresh_from_db()
    event_append(
        actor=by,
        action="requests.copy_verify",
        target=copy.request,
        clause="M-3.4",
        data={"copy": copy.pk, "match": match, "sha256": digest},
    )
    return match
