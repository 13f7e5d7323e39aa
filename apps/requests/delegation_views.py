"""Pages of approval delegations (M-3.3): the register, recording one, a delegation's page
with the decisions taken under it, revoking. Role refusal 403 before any lookup; a delegation
the user may not see is 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.exceptions import RuleViolation
from apps.core.registers import RegisterListView, register_cell

from . import delegation, selectors
from .forms import DelegationForm
from .models import ApprovalDelegation
from .views import roles_required


class DelegationRegisterView(RegisterListView):
    """Every delegation the user may see (the chief and auditors: all), newest first."""

    selector = staticmethod(delegation.delegation_list)
    title = gettext_lazy("Approval delegations")
    template_name = "requests/delegation_list.html"
    allowed_roles = selectors.VIEW_ROLES
    csv_filename = "footage-approval-delegations.csv"
    headers = (
        gettext_lazy("number"),
        gettext_lazy("approver away"),
        gettext_lazy("role"),
        gettext_lazy("delegate"),
        gettext_lazy("from"),
        gettext_lazy("to"),
        gettext_lazy("reason"),
        gettext_lazy("state"),
        gettext_lazy("recorded by"),
    )

    def column_headers(self) -> list:
        return list(self.headers)

    def csv_row(self, obj: ApprovalDelegation) -> list:
        return [
            str(obj),
            str(obj.principal),
            obj.role_label,
            str(obj.delegate),
            register_cell(obj, "starts_at"),
            register_cell(obj, "ends_at"),
            obj.reason,
            str(delegation.STATE_LABELS[delegation.delegation_state(obj, now=self.now)]),
            str(obj.created_by),
        ]

    def rows(self, objects) -> list[tuple]:
        return [(obj, self.csv_row(obj)) for obj in objects]

    @property
    def now(self):
        if not hasattr(self, "_now"):
            self._now = timezone.now()
        return self._now

    def extra_context(self) -> dict:
        return {"may_record": self.request.user.has_any_role(*delegation.DELEGATING_ROLES)}


@roles_required(*delegation.DELEGATING_ROLES)
def delegation_new_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Recording for someone else is the security chief's: anyone else is refused outright.
    principal = request.POST.get("principal", "")
    if principal not in ("", str(user.pk)) and not user.has_role(Role.SECURITY_CHIEF):
        raise PermissionDenied
    form = DelegationForm(request.POST or None, by=user)
    if form.is_valid():
        try:
            recorded = delegation.delegation_record(by=user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(delegation)s recorded.") % {"delegation": recorded})
            return redirect(recorded)
    return render(request, "requests/delegation_form.html", {"form": form})


@roles_required(*selectors.VIEW_ROLES)
def delegation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    obj = delegation.delegation_get(user=request.user, pk=pk)
    # The decisions taken under it, of the requests the user may see.
    steps = (
        obj.steps.filter(request__in=selectors.request_list(user=request.user).values("pk"))
        .select_related("request", "decided_by", "on_behalf_of")
        .order_by("decided_at")
    )
    return render(
        request,
        "requests/delegation_detail.html",
        {
            "delegation": obj,
            "state": delegation.STATE_LABELS[delegation.delegation_state(obj)],
            "steps": steps,
            "may_revoke": delegation.may_revoke(by=request.user, delegation=obj)
            and delegation.delegation_state(obj) in ("active", "upcoming"),
        },
    )


@require_POST
@roles_required(*delegation.DELEGATING_ROLES)
def delegation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    obj = delegation.delegation_get(user=request.user, pk=pk)
    if not delegation.may_revoke(by=request.user, delegation=obj):
        raise PermissionDenied
    try:
        delegation.delegation_revoke(delegation=obj, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(delegation)s revoked.") % {"delegation": obj})
    return redirect(obj)
