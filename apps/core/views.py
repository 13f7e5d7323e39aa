import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import selectors, services
from .dashboard import dashboard_cards
from .registers import CappedPaginator


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"cards": dashboard_cards(request.user)})


def healthz_view(request: HttpRequest) -> JsonResponse:
    """Database and Redis reachability for load balancers and compose healthchecks."""
    status = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy; say which kind
        status["database"] = f"error: {type(exc).__name__}"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
        status["redis"] = "ok"
    except Exception as exc:
        status["redis"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


def admin_login_view(request: HttpRequest) -> HttpResponse:
    """One login page for everyone (lockout, two-factor). A signed-in user sent here by the
    admin lacks its permission: say so instead of looping back through the login page."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next", "/admin/"))


@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    """The user's own notifications (issue 16), newest first, 50 a page."""
    page = CappedPaginator(selectors.notification_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/notification_list.html", {"page": page, "query": ""})


@login_required
@require_POST
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with ``open`` go on to what it links to (a path in this site only)."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_read(notification=notification, by=request.user)
    target = notification.url
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all_view(request: HttpRequest) -> HttpResponse:
    count = services.notification_read_all(by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("notifications")
