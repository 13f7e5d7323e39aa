from django.core.management.base import BaseCommand, CommandError

from apps.audit.selectors import chain_verify


class Command(BaseCommand):
    help = "Walk the audit hash chain; exit non-zero naming the first broken sequence number."

    def handle(self, *args, **options):
        report = chain_verify()
        if not report.ok:
            raise CommandError(
                f"audit chain BROKEN at sequence {report.broken_sequence}: {report.reason} "
                f"({report.count} events verified before it)"
            )
        self.stdout.write(f"audit chain OK: {report.count} events")
