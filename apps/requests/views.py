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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.exceptions import RuleViolation
from apps.core.registers import RegisterListView

from . import inputs, selectors, services
from .filters import FootageRequestFilterSet
from .forms import AttachmentForm, DecisionForm, FootageRequestForm, RoutingPolicyForm
from .models import FootageRequest


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
        return {"may_file": bool(selectors.file_types(user=self.request.user))}


class FootageRequestQueueView(FootageRequestRegisterView):
    """Waiting for me (M-3.3): a department head's holds their own department's only."""

    selector = staticmethod(selectors.request_queue)
    title = gettext_lazy("Footage requests waiting for me")
    allowed_roles = selectors.DECIDE_ROLES
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


def _detail_context(request: HttpRequest, footage_request: FootageRequest) -> dict:
    user = request.user
    return {
        "req": footage_request,
        "actions": selectors.request_actions(user=user, request=footage_request),
        "steps": list(footage_request.steps.select_related("decided_by", "department")),
        "cameras": list(footage_request.cameras.select_related("location__site")),
        "attachments": list(footage_request.attachments.all()),
        "missing": inputs.attachments_missing(footage_request)
        if footage_request.state == FootageRequest.State.DRAFT
        else [],
        "warnings": inputs.span_warnings(footage_request.span_from),
        "attach_form": AttachmentForm(),
        "decision_form": DecisionForm(
            needs_password=selectors.decision_needs_password(request=footage_request)
        ),
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
@roles_required(*selectors.DECIDE_ROLES)
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
