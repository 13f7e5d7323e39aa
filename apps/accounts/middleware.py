"""Members of roles in OTP_REQUIRED_ROLES, superusers and everyone who can reach the admin
must pass TOTP before anything else (M-1.1a); see selectors.otp_required."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .selectors import otp_required

# A half-logged-in user (password passed, code not yet) reaches the second-factor pages
# (/accounts/otp/ and /accounts/otp/setup/), logout, and what any page needs to render.
# Not the password page: changing the password would need only the first factor.
_ALWAYS_ALLOWED = (
    "/accounts/otp/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/favicon",
)


def otp_required_for(user) -> bool:
    return otp_required(user=user)


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
            return redirect(
                f"{reverse('otp_verify')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
