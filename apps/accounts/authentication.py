from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .middleware import otp_required_for


class TwoFactorAwareTokenAuthentication(TokenAuthentication):
    """A token is one factor: roles that must pass TOTP (and whoever can reach the admin)
    use the API through a verified session instead (M-1.1a). A token does not outlive a
    lockout either (M-1.2): while django-axes locks the account, its tokens are refused."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        # The same lookup axes makes at login: failures for this username within the cool-off.
        if AxesProxyHandler.is_locked(request._request, {"username": user.get_username()}):
            raise AuthenticationFailed(
                _("This account is locked after too many failed log-ins; try again later.")
            )
        return user, token

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if otp_required_for(user):
            raise AuthenticationFailed(
                _("Your role requires two-factor login: use the API from a verified session.")
            )
        return user, token
