"""Pages of download links (M-3.4): issue (the custodian), revoke (the custodian, the
security office), download (the recipient only; anyone else 404; expired or revoked: 410
with the sentence)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import Role
from apps.core.exceptions import RuleViolation

from . import links, selectors
from .forms import DownloadLinkForm
from .views import roles_required


@require_POST
@roles_required(Role.FOOTAGE_CUSTODIAN)
def link_issue_view(request: HttpRequest, pk: int, copy_pk: int) -> HttpResponse:
    copy = selectors.copy_get(user=request.user, request_pk=pk, pk=copy_pk)
    if "copy" not in selectors.request_actions(user=request.user, request=copy.request):
        raise PermissionDenied
    form = DownloadLinkForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the exported file and the recipient's account."))
        return redirect(copy.request)
    try:
        link = links.link_issue(
            copy=copy,
            by=request.user,
            upload=form.cleaned_data["file"],
            recipient=form.cleaned_data["recipient"],
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Download link issued to %(user)s, valid for %(hours)d hours.")
            % {"user": link.recipient, "hours": links.link_hours()},
        )
    return redirect(copy.request)


@require_POST
@roles_required(*links.REVOKE_ROLES)
def link_revoke_view(request: HttpRequest, pk: int, copy_pk: int, link_pk: int) -> HttpResponse:
    copy = selectors.copy_get(user=request.user, request_pk=pk, pk=copy_pk)
    link = get_object_or_404(copy.links.all(), pk=link_pk)
    try:
        links.link_revoke(link=link, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Download link revoked; its file is deleted."))
    return redirect(copy.request)


@require_GET
@login_required
def copy_download_view(request: HttpRequest, token: str) -> HttpResponse:
    link = links.link_for_download(token=token, user=request.user)  # not theirs: 404
    try:
        handle = links.copy_download(
            link=link, by=request.user, address=request.META.get("REMOTE_ADDR")
        )
    except RuleViolation as exc:
        return render(
            request,
            "requests/download_refused.html",
            {"message": exc.message, "req": link.copy.request},
            status=410,
        )
    response = FileResponse(handle, as_attachment=True, filename=link.copy.file_name)
    response["Cache-Control"] = "no-store"
    return response
