"""The duty roster's pages (M-1.2): the month calendar, its planning forms, shift templates."""

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.exceptions import RuleViolation
from apps.core.pdf import pdf_response, render_pdf
from apps.core.registers import RegisterListView, register_cell

from . import handover, selectors, services
from .filters import AttendanceFilterSet, EntryFilterSet
from .forms import AccessGrantForm, AssignForm, CopyForm, EntryForm, ShiftTemplateForm
from .models import CenterEntry, RosterAssignment

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ATTENDANCE_LABELS = {
    selectors.Attendance.UPCOMING: gettext_lazy("not started"),
    selectors.Attendance.OVERDUE: gettext_lazy("not checked in yet"),
    selectors.Attendance.MISSED: gettext_lazy("missed"),
    selectors.Attendance.LATE: gettext_lazy("late"),
    selectors.Attendance.ON_TIME: gettext_lazy("on time"),
}


def _month(value: str | None) -> date | None:
    """``?month=2026-12``; none given: this month (local); not a month: None."""
    if not value:
        return timezone.localdate().replace(day=1)
    match = MONTH.match(value)
    if not match or not (1 <= int(match[2]) <= 12) or int(match[1]) < 1:
        return None
    return date(int(match[1]), int(match[2]), 1)


def _roster_url(day: date) -> str:
    return f"{reverse('duty_roster')}?month={day:%Y-%m}"


def _require(request: HttpRequest, action: str) -> None:
    if action not in selectors.roster_actions(user=request.user):
        raise PermissionDenied  # M-1.2: only the security office plans the roster


def _roster_page(
    request: HttpRequest, month: date, status: int = 200, month_typed: str = "", **forms
) -> HttpResponse:
    actions = selectors.roster_actions(user=request.user)
    context = {
        "roster": selectors.roster_month(user=request.user, month=month),
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "actions": actions,
        "assign_form": forms.get("assign_form") or AssignForm(initial={"day": month}),
        "copy_form": forms.get("copy_form") or CopyForm(initial={"start": month}),
        "month_typed": month_typed,
        "my_shifts": selectors.my_shifts(user=request.user, now=timezone.now()),
        "handover_waiting": handover.handover_waiting(user=request.user, now=timezone.now()),
        "attendance_labels": ATTENDANCE_LABELS,
        "can_see_attendance": selectors.attendance_may_view(user=request.user),
    }
    return render(request, "duty/roster.html", context, status=status)


@login_required
def roster_view(request: HttpRequest) -> HttpResponse:
    if not selectors.roster_may_view(user=request.user):
        raise PermissionDenied
    typed = request.GET.get("month", "")
    month = _month(typed)
    if month is None:  # this month instead, the message and what was typed on the page
        messages.error(request, _("Give the month as YYYY-MM, for example 2026-12."))
        return _roster_page(request, _month(""), status=400, month_typed=typed[:20])
    return _roster_page(request, month)


@login_required
def roster_pdf_view(request: HttpRequest) -> HttpResponse:
    """The month calendar as a Chinese PDF (M-1.2), gaps coloured and counted as on the page;
    the export is on record."""
    if not selectors.roster_may_view(user=request.user):
        raise PermissionDenied
    month = _month(request.GET.get("month", ""))
    if month is None:
        messages.error(request, _("Give the month as YYYY-MM, for example 2026-12."))
        return redirect("duty_roster")
    roster = selectors.roster_month(user=request.user, month=month)
    with translation.override("zh-hans"):  # the paper roster is Chinese whatever the UI
        pdf = render_pdf(
            "duty/roster_pdf.html",
            {"roster": roster, "weekdays": [str(WEEKDAYS_ABBR[i]) for i in range(7)]},
            request=request,
            title=_("Duty roster %(month)s") % {"month": f"{month:%Y-%m}"},
        )
    services.roster_pdf_exported(by=request.user, month=month, uncovered=roster.uncovered_hours)
    return pdf_response(pdf, f"值守排班表-{month:%Y-%m}.pdf")


@login_required
@require_POST
def roster_assign_view(request: HttpRequest) -> HttpResponse:
    _require(request, "assign")
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.roster_assign(
                operator=form.cleaned_data["operator"],
                template=form.cleaned_data["template"],
                day=form.cleaned_data["day"],
                by=request.user,
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("%(assignment)s is on the roster.") % {"assignment": assignment}
            )
            return redirect(_roster_url(assignment.date))
    day = form.cleaned_data.get("day")
    return _roster_page(request, (day or timezone.localdate()).replace(day=1), assign_form=form)


@login_required
@require_POST
def roster_unassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "unassign")
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    try:
        services.roster_unassign(assignment=assignment, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(assignment)s is off the roster.") % {"assignment": assignment}
        )
    return redirect(_roster_url(assignment.date))


@login_required
@require_POST
def roster_copy_view(request: HttpRequest) -> HttpResponse:
    _require(request, "copy")
    form = CopyForm(request.POST)
    if not form.is_valid():
        start = form.cleaned_data.get("start") or timezone.localdate()
        return _roster_page(request, start.replace(day=1), copy_form=form)
    try:
        report = services.roster_copy_forward(by=request.user, **form.cleaned_data)
    except RuleViolation as exc:
        form.add_error(None, exc.message)
        return _roster_page(request, form.cleaned_data["start"].replace(day=1), copy_form=form)
    created = len(report.created)
    messages.success(
        request,
        ngettext("%(count)d shift copied.", "%(count)d shifts copied.", created)
        % {"count": created},
    )
    for assignment, reason in report.skipped:
        messages.warning(
            request,
            _("Not copied: %(assignment)s — %(reason)s")
            % {"assignment": assignment, "reason": reason},
        )
    target = report.created[0].date if report.created else form.cleaned_data["start"]
    return redirect(_roster_url(target))


@login_required
def shift_templates_view(request: HttpRequest) -> HttpResponse:
    """The shift templates: the presets and the office's own; the office adds its own."""
    if not selectors.roster_may_view(user=request.user):
        raise PermissionDenied
    form = ShiftTemplateForm(request.POST or None)
    if request.method == "POST":
        _require(request, "template_create")
        if form.is_valid():
            try:
                template = services.shift_template_create(by=request.user, **form.cleaned_data)
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Shift “%(shift)s” added.") % {"shift": template})
                return redirect("duty_templates")
    context = {
        "templates": selectors.template_list(user=request.user),
        "form": form,
        "actions": selectors.roster_actions(user=request.user),
    }
    return render(request, "duty/templates.html", context)


def _shift_write(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    if not request.user.has_role(Role.DUTY_OPERATOR):
        raise PermissionDenied  # only duty operators check in and out (M-1.2)
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    try:
        service(assignment=assignment, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_roster_url(assignment.date))


@login_required
@require_POST
def shift_check_in_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _shift_write(request, pk, services.shift_check_in, _("Checked in."))


@login_required
@require_POST
def shift_check_out_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _shift_write(request, pk, services.shift_check_out, _("Checked out."))


class AttendanceRegisterView(RegisterListView):
    """Check-ins and check-outs of every shift, late and missed ones by a filter (M-1.2)."""

    selector = staticmethod(selectors.attendance_list)
    register_name = "duty.check_ins"  # background exports (issue 15)
    filterset_class = AttendanceFilterSet
    title = gettext_lazy("Shift check-ins")
    allowed_roles = selectors.ATTENDANCE_ROLES
    csv_filename = "shift-check-ins.csv"
    columns = (
        "date",
        "template",
        "operator",
        "starts_at",
        "ends_at",
        "checked_in_at",
        "checked_out_at",
        "attendance",
    )

    def column_headers(self) -> list[str]:
        fields = RosterAssignment._meta
        return [
            gettext_lazy("check-in") if c == "attendance" else fields.get_field(c).verbose_name
            for c in self.columns
        ]

    def _cells(self, obj, now) -> list:
        obj.attendance = ATTENDANCE_LABELS[selectors.attendance_of(obj, now=now)]
        return [register_cell(obj, c) for c in self.columns]

    def rows(self, objects):
        now = timezone.now()
        return [(obj, self._cells(obj, now)) for obj in objects]

    def csv_row(self, obj) -> list:
        return self._cells(obj, timezone.now())


class EntryRegisterView(RegisterListView):
    """The monitoring-center entry register (M-1.2, M-4.1a): filters, pages, CSV; the staff on
    duty record time out from it."""

    selector = staticmethod(selectors.entry_list)
    register_name = "duty.entries"  # background exports (issue 15)
    filterset_class = EntryFilterSet
    title = gettext_lazy("Monitoring-center entries")
    template_name = "duty/entry_list.html"
    row_template = "duty/_entry_rows.html"
    allowed_roles = selectors.ENTRY_VIEW_ROLES
    csv_filename = "monitoring-center-entries.csv"
    columns = (
        "entered_at",
        "left_at",
        "who",
        "visitor_id_type",
        "visitor_id_masked",
        "organisation",
        "purpose",
        "escort",
        "authorised",
    )
    HEADERS = {
        "who": gettext_lazy("person"),
        "visitor_id_masked": gettext_lazy("ID document number"),
    }

    def column_headers(self) -> list[str]:
        fields = CenterEntry._meta
        return [self.HEADERS.get(c) or fields.get_field(c).verbose_name for c in self.columns]

    def rows(self, objects):
        return [(obj, [_entry_cell(obj, c) for c in self.columns]) for obj in objects]

    def csv_row(self, obj) -> list:
        return [_entry_cell(obj, c) for c in self.columns]

    def extra_context(self) -> dict:
        return {"entry_actions": selectors.entry_actions(user=self.request.user)}


def _entry_cell(entry: CenterEntry, column: str):
    if column == "authorised":
        return _("yes") if entry.authorised else _("no — escorted")
    return register_cell(entry, column)


@login_required
def entry_new_view(request: HttpRequest) -> HttpResponse:
    if "record_in" not in selectors.entry_actions(user=request.user):
        raise PermissionDenied
    form = EntryForm(request.POST or None)
    if form.is_valid():
        try:
            entry = services.entry_record_in(by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(who)s is in.") % {"who": entry.who})
            if not entry.authorised:
                messages.warning(
                    request, _("Not on the authorised list: the security chief is told.")
                )
            return redirect("duty_entries")
    return render(request, "duty/entry_form.html", {"form": form})


@login_required
@require_POST
def entry_out_view(request: HttpRequest, pk: int) -> HttpResponse:
    if "record_out" not in selectors.entry_actions(user=request.user):
        raise PermissionDenied
    entry = selectors.entry_get(user=request.user, pk=pk)
    try:
        services.entry_record_out(entry=entry, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(who)s has left.") % {"who": entry.who})
    return redirect("duty_entries")


@login_required
def access_list_view(request: HttpRequest) -> HttpResponse:
    """Who may enter the monitoring center; the security office grants and revokes."""
    if not selectors.entries_may_view(user=request.user):
        raise PermissionDenied
    actions = selectors.entry_actions(user=request.user)
    form = AccessGrantForm(request.POST or None)
    if request.method == "POST":
        if "access_grant" not in actions:
            raise PermissionDenied
        if form.is_valid():
            try:
                access = services.access_grant(by=request.user, **form.cleaned_data)
            except RuleViolation as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("%(person)s may enter.") % {"person": access.person})
                return redirect("duty_access")
    context = {"grants": selectors.access_list(user=request.user), "form": form, "actions": actions}
    return render(request, "duty/access_list.html", context)


@login_required
@require_POST
def access_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    if "access_revoke" not in selectors.entry_actions(user=request.user):
        raise PermissionDenied
    access = selectors.access_get(user=request.user, pk=pk)
    try:
        services.access_revoke(access=access, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(person)s may no longer enter.") % {"person": access.person})
    return redirect("duty_access")
