"""Pages of footage requests (M-3.3, M-3.5): register, queue, the form, the request page and
its writes. A role that may not use a page is refused (403) before any lookup; a request out
of the user's scope is 404."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.exceptions import RuleViolation
from apps.core.registers import RegisterListView, register_cell

from . import inputs, printing, selectors, services
from .filters import AccessRegisterFilterSet, FootageRequestFilterSet
from .forms import (
    AttachmentForm,
    CopyForm,
    CustodianAssignForm,
    DecisionForm,
    DownloadLinkForm,
    FootageRequestForm,
    ResultForm,
    RetrievalForm,
    RoutingPolicyForm,
    VerifyForm,
)
from .links import link_hours
from .models import FootageRequest, Retrieval


def roles_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.has_any_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class FootageRequestRegisterView(RegisterListView):
    selector = staticmethod(selectors.request_list)
    # Exportable in the background: the worker rebuilds the rows with the owner's scope
    # (request_list reads only the user), so a classified request stays outside it.
    register_name = "requests.requests"
    filterset_class = FootageRequestFilterSet
    title = gettext_lazy("Footage requests")
    template_name = "requests/request_list.html"
    allowed_roles = selectors.VIEW_ROLES
    csv_filename = "footage-requests.csv"
    columns = (
        "number",
        "created_at",
        "requester_type",
        "applying_unit",
        "handler_name",
        "mode",
        "span_from",
        "span_to",
        "state",
    )

    def extra_context(self) -> dict:
        user = self.request.user
        return {
            "may_file": bool(selectors.file_types(user=user)),
            "may_see_access": AccessRegisterView.may_view(user),
        }


class FootageRequestQueueView(FootageRequestRegisterView):
    """Waiting for me (M-3.3): a department head's holds their own department's only."""

    selector = staticmethod(selectors.request_queue)
    title = gettext_lazy("Footage requests waiting for me")
    # An applicant's queue holds what they decide as a department head's deputy (M-3.3).
    allowed_roles = (*selectors.DECIDE_ROLES, Role.APPLICANT)
    csv_filename = "footage-requests-waiting.csv"


@roles_required(*selectors.FILE_ROLES)
def request_file_view(request: HttpRequest) -> HttpResponse:
    form = FootageRequestForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # A type the role may not file is a refusal, not a form error (M-3.3).
        if request.POST.get("requester_type") not in selectors.file_types(user=request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                filed = services.request_file(by=request.user, **form.cleaned_data)
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Draft saved. Attach the documents, then submit."))
                for warning in inputs.span_warnings(filed.span_from):
                    messages.warning(request, warning)
                return redirect(filed)
    return render(request, "requests/request_form.html", {"form": form})


_FORM_FIELDS = (
    "requester_type",
    "applying_unit",
    "handler_name",
    "handler_id_type",
    "mode",
    "place_detail",
    "span_from",
    "span_to",
    "reason",
    "classified",
    "special",
)


@roles_required(*selectors.FILE_ROLES)
def request_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Its filer corrects a draft (M-3.5); the ID number is not shown back."""
    footage_request = selectors.request_get(user=request.user, pk=pk)
    _act(request, footage_request, "edit")
    initial = {name: getattr(footage_request, name) for name in _FORM_FIELDS}
    initial["cameras"] = list(footage_request.cameras.values_list("pk", flat=True))
    if footage_request.classified:
        initial["reason"] = ""
    form = FootageRequestForm(
        request.POST or None, user=request.user, editing=True, initial=initial
    )
    if request.method == "POST":
        if request.POST.get("requester_type") not in selectors.file_types(user=request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.request_update(
                    request=footage_request, by=request.user, **form.cleaned_data
                )
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Draft saved."))
                for warning in inputs.span_warnings(form.cleaned_data["span_from"]):
                    messages.warning(request, warning)
                return redirect(footage_request)
    return render(request, "requests/request_form.html", {"form": form, "req": footage_request})


def _detail_context(request: HttpRequest, footage_request: FootageRequest, **forms) -> dict:
    user = request.user
    actions = selectors.request_actions(user=user, request=footage_request)
    retrieval = selectors.request_retrieval(request=footage_request)
    custody = {
        "retrieval": retrieval,
        "copies": list(
            footage_request.copies.select_related(
                "recorded_by", "acknowledged_by"
            ).prefetch_related("links__recipient", "links__downloads")
        ),
        "link_form": DownloadLinkForm(initial={"recipient": footage_request.filed_by_id}),
        "retrieval_refusal": selectors.retrieval_refusal(request=footage_request)
        if footage_request.state != FootageRequest.State.DRAFT and retrieval is None
        else "",
        "assign_form": forms.get("assign_form") or CustodianAssignForm(),
        "retrieval_form": forms.get("retrieval_form")
        or RetrievalForm(
            initial={
                "cameras": list(footage_request.cameras.values_list("pk", flat=True)),
                "span_from": footage_request.span_from,
                "span_to": footage_request.span_to,
            }
        ),
        "result_form": forms.get("result_form")
        or ResultForm(initial={"query_result": footage_request.query_result}),
        "copy_form": forms.get("copy_form") or CopyForm(),
        "verify_form": VerifyForm(),
        "link_hours": link_hours(),
    }
    return {
        **custody,
        "req": footage_request,
        "actions": actions,
        "steps": list(
            footage_request.steps.select_related("decided_by", "department", "on_behalf_of")
        ),
        "cameras": list(footage_request.cameras.select_related("location__site")),
        "attachments": list(footage_request.attachments.all()),
        "missing": inputs.attachments_missing(footage_request)
        if footage_request.state == FootageRequest.State.DRAFT
        else [],
        "warnings": inputs.span_warnings(footage_request.span_from),
        "holds": selectors.request_holds(user=user, request=footage_request),
        "attach_form": AttachmentForm(),
        "decision_form": DecisionForm(
            needs_password=selectors.decision_needs_password(request=footage_request)
        ),
        # Without the site's signing pair the form's PDF is served unsigned; the page says so.
        "pdf_signed": printing.pdf_signing_ready(),
    }


@roles_required(*selectors.VIEW_ROLES)
def request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    return render(
        request, "requests/request_detail.html", _detail_context(request, footage_request)
    )


def _act(request: HttpRequest, footage_request: FootageRequest, action: str) -> None:
    if action not in selectors.request_actions(user=request.user, request=footage_request):
        raise PermissionDenied


@require_POST
@roles_required(*selectors.FILE_ROLES)
def request_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    _act(request, footage_request, "attach")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of document and a file."))
        return redirect(footage_request)
    try:
        services.request_attach(
            request=footage_request,
            by=request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Document attached."))
    return redirect(footage_request)


@require_POST
@roles_required(*selectors.FILE_ROLES)
def request_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    _act(request, footage_request, "submit")
    try:
        submitted = services.request_submit(request=footage_request, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Submitted as %(number)s for approval.") % {"number": submitted.number}
        )
    return redirect(footage_request)


@require_POST
@roles_required(*selectors.DECIDE_ROLES, Role.APPLICANT)  # an applicant: a deputy head's
def request_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    _act(request, footage_request, "decide")
    form = DecisionForm(
        request.POST, needs_password=selectors.decision_needs_password(request=footage_request)
    )
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect(footage_request)
    try:
        services.request_decide(
            request=footage_request,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
            password=form.cleaned_data.get("password", ""),
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(footage_request)


@require_POST
@roles_required(*selectors.ID_REVEAL_ROLES)
def request_handler_id_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number, once, on a page that is not cached; the look is audited."""
    footage_request = selectors.request_get(user=request.user, pk=pk)
    number = services.request_handler_id_reveal(request=footage_request, by=request.user)
    response = render(
        request, "requests/handler_id.html", {"req": footage_request, "number": number}
    )
    response["Cache-Control"] = "no-store"
    return response


@roles_required(*selectors.VIEW_ROLES)
def request_attachment_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A document of a request in the user's scope, as a download; every opening audited."""
    attachment = selectors.attachment_get(user=request.user, request_pk=pk, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    services.request_attachment_open(attachment=attachment, by=request.user)
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=True,
        filename=f"{attachment.kind}-{attachment.pk}{attachment.file.name[-4:]}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@roles_required(*selectors.VIEW_ROLES)
def routing_policy_view(request: HttpRequest) -> HttpResponse:
    """The routing policy (M-3.3): what each version does; the security chief publishes a
    new version, which routes requests submitted from then on."""
    current = selectors.policy_current()
    may_edit = request.user.has_any_role(*selectors.POLICY_EDIT_ROLES)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    initial = {"rules": json.dumps(current.rules, indent=2, ensure_ascii=False)} if current else {}
    form = RoutingPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.routing_policy_publish(by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error("rules", exc.message)
        else:
            messages.success(
                request,
                _("Version %(version)d published; requests in flight keep their route.")
                % {"version": policy.version},
            )
            return redirect("footage_request_policy")
    context = {
        "current": current,
        "table": selectors.policy_table(rules=current.rules) if current else [],
        "versions": list(selectors.policy_list()[:50]),
        "form": form if may_edit else None,
    }
    return render(request, "requests/policy.html", context)


# Retrieval and copy custody (M-1.1b, M-3.3.1(3), M-3.4). A refused input shows the request
# page again with the form as typed and the sentence; nothing is lost.


def _refuse_or_act(request: HttpRequest, footage_request: FootageRequest, action: str) -> bool:
    """False (with the sentence shown) when the request cannot be retrieved at all (rejected,
    in approval, expired, already retrieved); 403 when the user may not do ``action``."""
    if action in ("assign", "retrieve"):
        refusal = selectors.retrieval_refusal(request=footage_request)
        if refusal:
            messages.error(request, refusal)
            return False
    _act(request, footage_request, action)
    return True


def _again(request: HttpRequest, footage_request: FootageRequest, **forms) -> HttpResponse:
    return render(
        request,
        "requests/request_detail.html",
        _detail_context(request, footage_request, **forms),
        status=400,
    )


@require_POST
@roles_required(*selectors.ASSIGN_ROLES, Role.FOOTAGE_CUSTODIAN)
def request_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    if not _refuse_or_act(request, footage_request, "assign"):
        return redirect(footage_request)
    form = CustodianAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an active footage custodian."))
        return redirect(footage_request)
    try:
        services.request_custodian_assign(
            request=footage_request, by=request.user, custodian=form.cleaned_data["custodian"]
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Custodian assigned."))
    return redirect(footage_request)


@require_POST
@roles_required(Role.FOOTAGE_CUSTODIAN)
def request_retrieval_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    if not _refuse_or_act(request, footage_request, "retrieve"):
        return redirect(footage_request)
    form = RetrievalForm(request.POST)
    if form.is_valid():
        try:
            services.retrieval_record(request=footage_request, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Retrieval recorded."))
            return redirect(footage_request)
    return _again(request, footage_request, retrieval_form=form)


@require_POST
@roles_required(Role.FOOTAGE_CUSTODIAN)
def request_result_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    _act(request, footage_request, "report_result")
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.request_result_report(
                request=footage_request, by=request.user, **form.cleaned_data
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Query result reported to the applicant."))
            return redirect(footage_request)
    return _again(request, footage_request, result_form=form)


@require_POST
@roles_required(Role.FOOTAGE_CUSTODIAN)
def request_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)
    _act(request, footage_request, "copy")
    form = CopyForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.copy_record(
                request=footage_request, by=request.user, upload=data.pop("file"), **data
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Copy recorded."))
            return redirect(footage_request)
    return _again(request, footage_request, copy_form=form)


@require_POST
@roles_required(Role.FOOTAGE_CUSTODIAN, *selectors.FILE_ROLES)
def copy_acknowledge_view(request: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    copy = selectors.copy_get(user=request.user, request_pk=pk, pk=copy_pk)
    _act(request, copy.request, "acknowledge")
    try:
        services.copy_acknowledge(copy=copy, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Receipt acknowledged."))
    return redirect(copy.request)


@require_POST
@roles_required(*selectors.VERIFY_ROLES)
def copy_verify_view(request: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    copy = selectors.copy_get(user=request.user, request_pk=pk, pk=copy_pk)
    _act(request, copy.request, "verify")
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file to check."))
        return redirect(copy.request)
    try:
        match = services.copy_verify(copy=copy, by=request.user, upload=form.cleaned_data["file"])
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        if match:
            messages.success(request, _("The file matches the SHA-256 recorded at the handover."))
        else:
            messages.error(
                request, _("The file does NOT match the SHA-256 recorded at the handover.")
            )
    return redirect(copy.request)


def _downloads(copy) -> str:
    """Each download through a copy's links (M-3.4), for the access register."""
    downloads = [d for link in copy.link_list for d in link.download_list]
    if not downloads:
        return ""
    last = max(d.at for d in downloads)
    return " " + _("(downloaded %(count)d×, last %(at)s)") % {
        "count": len(downloads),
        "at": timezone.localtime(last).strftime("%Y-%m-%d %H:%M"),
    }


class AccessRegisterView(RegisterListView):
    """The access register (台账, M-3.4; 国务院令799 Art. 16): every view and copy — who, when,
    purpose, what footage (cameras × span), destination, who approved. Scoped as the
    requests are: a classified request's retrieval is not there for those outside its
    circle, nor in the count, the CSV or a background export (rebuilt with the owner's
    scope)."""

    selector = staticmethod(selectors.access_register)
    register_name = "requests.access"
    filterset_class = AccessRegisterFilterSet
    title = gettext_lazy("Footage access register (台账)")
    template_name = "requests/access_register.html"
    allowed_roles = selectors.REGISTER_ROLES
    csv_filename = "footage-access-register.csv"
    headers = (
        gettext_lazy("retrieved at"),
        gettext_lazy("number"),
        gettext_lazy("mode"),
        gettext_lazy("applying unit"),
        gettext_lazy("handler name"),
        gettext_lazy("reason"),
        gettext_lazy("cameras retrieved"),
        gettext_lazy("retrieved from"),
        gettext_lazy("retrieved to"),
        gettext_lazy("destination (去向)"),
        gettext_lazy("approved by"),
        gettext_lazy("footage custodian"),
        gettext_lazy("outside the approval"),
    )

    def column_headers(self) -> list:
        return list(self.headers)

    def csv_row(self, obj: Retrieval) -> list:
        req = obj.request
        copies = req.copy_list
        destination = (
            "; ".join(f"{c.recipient} → {c.destination}{_downloads(c)}" for c in copies)
            if copies
            else (_("viewed, no copy") if req.mode == FootageRequest.Mode.VIEW else "")
        )
        approvers = "; ".join(
            f"{step.role_label}: {step.decided_by_label} {register_cell(step, 'decided_at')}"
            for step in req.approvals
        )
        return [
            register_cell(obj, "recorded_at"),
            req.number,
            req.get_mode_display(),
            req.applying_unit,
            req.handler_name,
            req.reason,
            ", ".join(camera.code for camera in obj.camera_list),
            register_cell(obj, "span_from"),
            register_cell(obj, "span_to"),
            destination,
            approvers,
            str(obj.custodian),
            _("yes") if obj.deviates else _("no"),
        ]

    def rows(self, objects) -> list[tuple]:
        return [(obj.request, self.csv_row(obj)) for obj in objects]
