"""Members of roles in OTP_REQUIRED_ROLES must pass TOTP before anything else (M-1.1a)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

_ALWAYS_ALLOWED = ("/accounts/", "/static/", "/i18n/", "/healthz", "/favicon")


def otp_required_for(user) -> bool:
    return user.is_authenticated and user.has_any_role(*settings.OTP_REQUIRED_ROLES)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            otp_required_for(user)
            and not user.is_verified()
            and not request.path.startswith(_ALWAYS_ALLOWED)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor verification required."}, status=403)
            return redirect(f"{reverse('otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)
