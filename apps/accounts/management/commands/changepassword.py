"""``manage.py changepassword`` through the one password service (M-1.1a): the change, the
revocation of the person's API tokens and the audit event in one transaction, as on the
password page and in the admin. Replaces django.contrib.auth's command, which saved the
password alone."""

import getpass

from django.contrib.auth.management.commands import changepassword
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.accounts.services import user_password_set

MAX_TRIES = 3


class Command(changepassword.Command):
    help = "Change a person's password (audited; their API tokens are revoked)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="username (default: your login name)")

    def handle(self, *args, username=None, **options):
        username = username or getpass.getuser()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"user '{username}' does not exist") from exc
        self.stdout.write(f"Changing password for user '{user.username}'")
        for _attempt in range(MAX_TRIES):
            first = self._get_pass()
            if first != self._get_pass("Password (again): "):
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                validate_password(first, user)
            except ValidationError as err:
                self.stderr.write("\n".join(err.messages))
                continue
            user_password_set(by=None, user=user, password=first)  # the server's operator
            return f"Password changed successfully for user '{user.username}'"
        raise CommandError(
            f"Aborting password change for user '{user.username}' after {MAX_TRIES} attempts"
        )
