from django.contrib import admin
from django.urls import include, path

from apps.core import views as core_views

urlpatterns = [
    path("", core_views.home_view, name="home"),
    path("healthz", core_views.healthz_view, name="healthz"),
    path("accounts/", include("apps.accounts.urls")),
    path("audit/", include("apps.audit.urls")),
    path("cameras/", include("apps.cameras.urls")),
    path("patrol/", include("apps.patrol.urls")),
    path("maintenance/", include("apps.maintenance.urls")),
    path("requests/", include("apps.requests.urls")),
    path("duty/", include("apps.duty.urls")),
    path("exports/", include("apps.exports.urls")),
    path("notifications/", include("apps.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # One login page for everyone (lockout, two-factor); the admin's own form is not used.
    path("admin/login/", core_views.admin_login_view),
    path("admin/", admin.site.urls),
    path("api/", include("campuscctv.api_urls")),
]
# No route serves MEDIA_ROOT: pictures are evidence (M-3.1), served only by views that find
# their camera or patrol check through a selector scoped to the user (apps/core/media.py).

handler403 = "apps.audit.views.permission_denied_view"
