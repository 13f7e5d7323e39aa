from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .middleware import otp_required_for


class TwoFactorAwareTokenAuthentication(TokenAuthentication):
    """A token is one factor: roles that must pass TOTP use the API through a verified
    session instead (M-1.1a)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if otp_required_for(user):
            raise AuthenticationFailed(
                _("Your role requires two-factor login: use the API from a verified session.")
            )
        return user, token
