"""Login, logout, failed login and lockout go into the audit chain (M-1.2)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.audit.services import event_append


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    event_append(actor=user, action="accounts.login", target=user, clause="M-1.2")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        event_append(actor=user, action="accounts.logout", target=user, clause="M-1.2")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    event_append(
        actor=None,
        action="accounts.login_failed",
        target_type="accounts.user",
        target_id=str(credentials.get("username", ""))[:64],
        target_label=str(credentials.get("username", ""))[:200],
        clause="M-1.2",
        data={"ip": request.META.get("REMOTE_ADDR", "") if request else ""},
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    event_append(
        actor=None,
        action="accounts.locked_out",
        target_type="accounts.user",
        target_id=str(username or "")[:64],
        target_label=str(username or "")[:200],
        clause="M-1.2",
        data={"ip": ip_address or ""},
    )
