"""The O&M daily log as Chinese PDFs (M-2.2, the shared kit apps/core/pdf.py): a day, and a
month. A countersigned day prints as a PDF signed by the site; a month is signed when every
day of it is countersigned. Each export is audited (maintenance.daylog_pdf, M-2.2)."""

import calendar
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.services import event_append
from apps.core.pdf import pdf_response, render_pdf, sign_pdf

from . import daylog
from .daylog_views import _month
from .models import DayLog

PDF_LANGUAGE = "zh-hans"  # the measures' paper forms are Chinese, whatever the reader's page


def _audit(request: HttpRequest, *, period: str, signed: bool, log: DayLog | None) -> None:
    event_append(
        actor=request.user,
        action="maintenance.daylog_pdf",
        target=log,
        target_type="" if log else "maintenance.daylog_month",
        target_id="" if log else period,
        target_label="" if log else period,
        clause="M-2.2",
        data={"period": period, "signed": signed},
    )


def _signer(request: HttpRequest) -> str:
    return request.user.get_full_name() or request.user.get_username()


@login_required
def daylog_day_pdf_view(request: HttpRequest, day: str) -> HttpResponse:
    if not daylog.may_view(request.user):
        raise PermissionDenied
    the_day = daylog.day_parse(day)
    log = daylog.day_log_find(day=the_day)
    signed = log is not None and log.signed_at is not None
    with translation.override(PDF_LANGUAGE):
        title = _("O&M daily log %(day)s") % {"day": the_day.isoformat()}
        pdf = render_pdf(
            "maintenance/daylog_day_pdf.html",
            {
                "day": the_day,
                "log": log,
                "status": daylog.day_status(log, the_day),
                "entries": daylog.day_log_entries(log=log),
                "system_entries": daylog.system_entries(user=request.user, day=the_day, log=log),
                "addenda": daylog.day_log_addenda(log=log),
            },
            request=request,
            title=title,
        )
        if signed:
            pdf = sign_pdf(
                pdf, reason=_("Countersigned O&M daily log"), signer_name=_signer(request)
            )
    _audit(request, period=the_day.isoformat(), signed=signed, log=log)
    return pdf_response(pdf, f"运行维护日志-{the_day.isoformat()}.pdf")


@login_required
def daylog_month_pdf_view(request: HttpRequest, month: str) -> HttpResponse:
    if not daylog.may_view(request.user):
        raise PermissionDenied
    chosen = _month(month)
    if chosen is None or date(*chosen, 1) > timezone.localdate():
        raise Http404("not a month that has begun")
    year, number = chosen
    days = daylog.day_log_month(user=request.user, year=year, month=number)
    # the shift entries of each day, oldest day first (one query a day: at most 31)
    rows = [(row, daylog.day_log_entries(log=row.log)) for row in reversed(days)]
    month_over = date(year, number, calendar.monthrange(year, number)[1]) < timezone.localdate()
    signed = month_over and bool(days) and all(row.status == "signed" for row in days)
    with translation.override(PDF_LANGUAGE):
        title = _("O&M daily log %(month)s") % {"month": month}
        pdf = render_pdf(
            "maintenance/daylog_month_pdf.html",
            {
                "month": date(year, number, 1),
                "rows": rows,
                "signed": signed,
            },
            request=request,
            title=title,
        )
        if signed:
            pdf = sign_pdf(
                pdf, reason=_("Countersigned O&M daily log"), signer_name=_signer(request)
            )
    _audit(request, period=f"{year:04d}-{number:02d}", signed=signed, log=None)
    return pdf_response(pdf, f"运行维护日志-{year:04d}-{number:02d}.pdf")
