from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootageRequestsConfig(AppConfig):
    """Footage-access requests (M-3). The label is not ``requests``: that name is the HTTP
    library's, which the benchmarks import."""

    name = "apps.requests"
    label = "footage_requests"
    verbose_name = _("Footage requests")
