"""The in-app bell: the stored ``Notification`` row is the message; nothing more to send."""

name = "inapp"
per_recipient = True


def send(notification) -> bool:
    return True
