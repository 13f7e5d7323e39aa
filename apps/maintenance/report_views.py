"""The monthly vendor SLA report page (M-2.4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.audit.services import event_append
from apps.core.pdf import pdf_response, render_pdf

from . import reports
from .daylog_pdf import PDF_LANGUAGE
from .daylog_views import _month, month_refused

REPORT_ROLES = (Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.AUDITOR, Role.VENDOR_ENGINEER)


def _report_context(request: HttpRequest) -> dict:
    user = request.user
    if not (user.is_superuser or user.has_any_role(*REPORT_ROLES)):
        raise PermissionDenied
    today = timezone.localdate()
    text = request.GET.get("month", "")
    chosen = _month(text) if text else None
    if text and chosen is None:
        messages.error(request, month_refused())
    year, month = chosen or (today.year, today.month)
    # a vendor engineer: their company only (M-1.3)
    vendors, vendor = reports.report_vendors(user=user, vendor_id=request.GET.get("vendor"))
    report = reports.sla_report(
        user=user, year=year, month=month, vendor_id=vendor.pk if vendor else None
    )
    return {
        "report": report,
        "vendors": vendors,
        "vendor": vendor,
        "month": f"{year:04d}-{month:02d}",
        "camera_chart": reports.bar_chart(report.by_camera),
        "location_chart": reports.bar_chart(report.by_location),
    }


@login_required
def sla_report_view(request: HttpRequest) -> HttpResponse:
    return render(request, "maintenance/sla_report.html", _report_context(request))


@login_required
def sla_report_pdf_view(request: HttpRequest) -> HttpResponse:
    """The same report as a Chinese PDF (the shared kit), audited as an export (M-2.4)."""
    context = _report_context(request)  # the role check and the scope first
    with translation.override(PDF_LANGUAGE):
        title = _("Vendor SLA report %(month)s") % {"month": context["month"]}
        pdf = render_pdf("maintenance/sla_report_pdf.html", context, request=request, title=title)
    event_append(
        actor=request.user,
        action="maintenance.sla_report_pdf",
        target_type="maintenance.sla_report",
        target_id=context["month"],
        target_label=context["month"],
        clause="M-2.4",
        data={
            "month": context["month"],
            "vendor": context["vendor"].name if context["vendor"] else None,
            "tickets": context["report"].total.tickets,
        },
    )
    return pdf_response(pdf, f"维保服务时限月报-{context['month']}.pdf")
