"""Pages of the O&M daily log (M-2.2): the month's days with their status, a day with its
entries, the system's entries, the countersignature and the addenda."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import RuleViolation

from . import daylog
from .forms import DayLogAddendumForm, DayLogEntryForm, DayLogSignForm
from .models import DayLogAddendum

MIN_YEAR, MAX_YEAR = 1970, 9998
"""A month outside these years is refused: its local days and the months beside it (the
pages' previous and next links, a report's month end) would not convert to dates and UTC."""


def month_refused() -> str:
    """The sentence of a month the pages refuse (the API answers it as a 400)."""
    return _("Give a month from 1970-01 to 9998-12 as YYYY-MM; this month is shown.")


def _month(text: str) -> tuple[int, int] | None:
    """``YYYY-MM`` as (year, month); None for anything else, a year outside MIN_YEAR –
    MAX_YEAR included (9999-12 has no next month, year 1 no previous one)."""
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return year, month


@login_required
def daylog_month_view(request: HttpRequest) -> HttpResponse:
    if not daylog.may_view(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    chosen = _month(request.GET.get("month", "")) if request.GET.get("month") else None
    if request.GET.get("month") and chosen is None:
        messages.error(request, month_refused())
    year, month = chosen or (today.year, today.month)
    first = date(year, month, 1)
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return render(
        request,
        "maintenance/daylog_month.html",
        {
            "month": first,
            "days": daylog.day_log_month(user=request.user, year=year, month=month),
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m") if following <= today else None,
        },
    )


def _day_context(request: HttpRequest, day: date, **forms) -> dict:
    log = daylog.day_log_find(day=day)
    addenda = daylog.day_log_addenda(log=log)
    return {
        "day": day,
        "log": log,
        "status": daylog.day_status(log, day),
        "entries": daylog.day_log_entries(log=log),
        "system_entries": daylog.system_entries(user=request.user, day=day, log=log),
        "addenda": [(a, daylog.addendum_may_sign(user=request.user, addendum=a)) for a in addenda],
        "actions": daylog.day_log_actions(user=request.user, day=day, log=log),
        "entry_form": forms.get("entry_form") or DayLogEntryForm(),
        "sign_form": forms.get("sign_form") or DayLogSignForm(),
        "addendum_form": forms.get("addendum_form") or DayLogAddendumForm(),
    }


@login_required
def daylog_day_view(request: HttpRequest, day: str) -> HttpResponse:
    if not daylog.may_view(request.user):
        raise PermissionDenied
    the_day = daylog.day_parse(day)
    return render(request, "maintenance/daylog_day.html", _day_context(request, the_day))


def _post(request: HttpRequest, day: str, form_class, service, form_key: str, done: str):
    if not daylog._may(request.user, daylog.WRITE_ROLES):
        raise PermissionDenied  # refused before any lookup
    the_day = daylog.day_parse(day)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(by=request.user, day=the_day, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("maintenance_daylog_day", day=the_day.isoformat())
    context = _day_context(request, the_day, **{form_key: form})
    return render(request, "maintenance/daylog_day.html", context, status=400)


@login_required
@require_POST
def daylog_entry_view(request: HttpRequest, day: str) -> HttpResponse:
    return _post(
        request, day, DayLogEntryForm, daylog.day_log_entry_add, "entry_form", _("Entry added.")
    )


@login_required
@require_POST
def daylog_sign_view(request: HttpRequest, day: str) -> HttpResponse:
    if not daylog._may(request.user, daylog.SIGN_ROLES):
        raise PermissionDenied
    return _post(
        request, day, DayLogSignForm, daylog.day_log_sign, "sign_form", _("Day countersigned.")
    )


@login_required
@require_POST
def daylog_addendum_view(request: HttpRequest, day: str) -> HttpResponse:
    return _post(
        request,
        day,
        DayLogAddendumForm,
        daylog.day_log_addendum_add,
        "addendum_form",
        _("Addendum added; it waits for its signature."),
    )


@login_required
@require_POST
def daylog_addendum_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not daylog._may(request.user, daylog.SIGN_ROLES):
        raise PermissionDenied
    addendum = get_object_or_404(DayLogAddendum.objects.select_related("log"), pk=pk)
    try:
        daylog.day_log_addendum_sign(by=request.user, addendum=addendum)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Addendum signed."))
    return redirect(addendum.log)
