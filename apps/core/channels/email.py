"""E-mail through Django's mail settings (EMAIL_BACKEND, EMAIL_HOST, DEFAULT_FROM_EMAIL…)."""

from django.core.mail import send_mail

from . import ChannelError, absolute_link

name = "email"
per_recipient = True


def send(notification) -> bool:
    address = notification.recipient.email
    if not address:
        return False  # nobody to write to: skipped, not failed
    link = absolute_link(notification.url)
    body = "\n\n".join(part for part in (notification.body, link) if part)
    try:
        send_mail(notification.title, body, None, [address], fail_silently=False)
    except Exception as exc:  # SMTP errors, refused connections, timeouts alike
        raise ChannelError(f"{type(exc).__name__}: {exc}") from exc
    return True
