import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .dashboard import dashboard_cards


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
