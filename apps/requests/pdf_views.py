"""The request form and the access register as Chinese PDFs (M-3.4, M-3.5): scoped as the
pages (a classified request outside its circle: 404), printed in Chinese whatever the
interface language (the paper documents are Chinese), each export audited; the request form
signed by the site when its signing pair is set up (docs/pdf.md), else served unsigned with a
sentence on its page that says so."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.pdf import pdf_response, render_pdf

from . import printing, selectors
from .filters import AccessRegisterFilterSet
from .views import AccessRegisterView, roles_required


def _form_pdf(request: HttpRequest, footage_request, *, unsigned: bool) -> bytes:
    with translation.override("zh-hans"):
        return render_pdf(
            "requests/request_form_pdf.html",
            {**printing.request_form(request=footage_request), "unsigned": unsigned},
            request=request,
            title=f"{printing.FORM_TITLE} {footage_request}",
        )


@roles_required(*selectors.VIEW_ROLES)
def request_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = selectors.request_get(user=request.user, pk=pk)  # out of scope: 404
    ready = printing.pdf_signing_ready()
    pdf = _form_pdf(request, footage_request, unsigned=not ready)
    pdf, signed = printing.request_pdf_sign(pdf, by=request.user)
    if ready and not signed:  # the files are there but unreadable: the page says so all the same
        pdf = _form_pdf(request, footage_request, unsigned=True)
    printing.request_pdf_exported(by=request.user, request=footage_request, signed=signed)
    return pdf_response(pdf, f"调阅申请单-{footage_request.number or footage_request.pk}.pdf")


@roles_required(*selectors.REGISTER_ROLES)
def access_register_pdf_view(request: HttpRequest) -> HttpResponse:
    filterset = AccessRegisterFilterSet(
        request.GET or None, queryset=selectors.access_register(user=request.user), request=request
    )
    queryset = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else None
    back = reverse("footage_access_register") + (
        f"?{request.GET.urlencode()}" if request.GET else ""
    )
    if queryset is None:
        messages.error(request, _("Correct the search before printing it."))
        return redirect(back)
    rows = printing.register_rows(queryset)
    if rows is None:
        messages.error(
            request,
            _("More than %(max)d rows: narrow the search (dates, number, mode) or export the CSV.")
            % {"max": printing.REGISTER_PDF_MAX_ROWS},
        )
        return redirect(back)
    view = AccessRegisterView()
    view.request = request
    with translation.override("zh-hans"):
        context = {
            "headers": [str(h) for h in view.column_headers()],
            "rows": [view.csv_row(obj) for obj in rows],
            "register_title": printing.REGISTER_TITLE,
            "search": [
                (str(filterset.form.fields[name].label or name), value)
                for name, value in (
                    filterset.form.cleaned_data if filterset.is_bound else {}
                ).items()
                if value not in (None, "", [])
            ],
        }
        pdf = render_pdf(
            "requests/access_register_pdf.html",
            context,
            request=request,
            title=printing.REGISTER_TITLE,
        )
    printing.access_register_pdf_exported(
        by=request.user, rows=len(rows), query=request.GET.urlencode()
    )
    return pdf_response(pdf, "视频监控资料调阅台账.pdf")
