import getpass

from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import witness_reset
from apps.core.exceptions import RuleViolation


class Command(BaseCommand):
    help = (
        "After moving to a new database, restoring a backup or upgrading from an unsigned "
        "witness: check the chain as it is, record an audit.witness_reset event with the old "
        "witness and the reason, and write a new signed witness (docs/audit.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reason", required=True, help="why, for the record (who asked, which backup)"
        )

    def handle(self, *args, reason: str, **options):
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):  # a container user without a passwd entry
            os_user = ""
        try:
            event = witness_reset(reason=reason, os_user=os_user)
        except RuleViolation as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"audit witness reset: recorded as event {event.sequence} "
            f"({event.data['verify_before']}); the new witness vouches for sequence "
            f"{event.sequence}"
        )
