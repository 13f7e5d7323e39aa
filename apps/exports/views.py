from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.exceptions import RuleViolation
from apps.core.registers import PAGE_ROWS_CAP, CappedPaginator

from . import selectors, services


def export_start(request: HttpRequest, register: str, query: str) -> HttpResponse:
    """A register's POST ?format=csv (apps.core.registers): start the job, show its page."""
    try:
        job = services.export_request(
            by=request.user, register=register, query=query, path=request.path
        )
    except PermissionError:
        raise PermissionDenied from None
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect(f"{request.path}?{query}" if query else request.path)
    messages.success(request, _("The export is being prepared; you will be notified."))
    return redirect(job)


def _context(job) -> dict:
    return {
        "job": job,
        "register_title": selectors.export_register_title(job),
        "expired": services.export_is_expired(job),
        "capped": job.rows_total > PAGE_ROWS_CAP,
        "cap": PAGE_ROWS_CAP,
        "percent": min(100, job.rows_done * 100 // job.rows_total) if job.rows_total else 0,
    }


@login_required
def export_list_view(request: HttpRequest) -> HttpResponse:
    """My exports (issue 15): state, rows, size, expiry; 50 a page."""
    page = CappedPaginator(selectors.export_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    jobs = [_context(job) for job in page.object_list]
    return render(request, "exports/export_list.html", {"page": page, "jobs": jobs, "query": ""})


@login_required
def export_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.export_get(user=request.user, pk=pk)
    return render(request, "exports/export_detail.html", _context(job))


@login_required
def export_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx poll of the job page: the progress part only, until the job ends."""
    job = selectors.export_get(user=request.user, pk=pk)
    return render(request, "exports/_progress.html", _context(job))


@login_required
def export_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, to its owner only (others: 404), each download audited (M-4.2); an expired
    export is gone: 410 with a way to export again."""
    job = selectors.export_get(user=request.user, pk=pk)
    if services.export_is_expired(job):
        return render(request, "exports/expired.html", _context(job), status=410)
    if job.state != job.State.DONE:
        return redirect(job)
    try:
        path = services.export_download(job=job, by=request.user)
    except RuleViolation:  # the file is gone (purged meanwhile)
        return render(request, "exports/expired.html", _context(job), status=410)
    return export_file_response(job, path)


def export_file_response(job, path) -> FileResponse:
    """The export's CSV as an attachment nobody caches: the page's and the API's download."""
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=job.download_name,
        content_type="text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
