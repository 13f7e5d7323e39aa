import os

from django.core.management.base import BaseCommand, CommandError

from apps.audit.selectors import chain_verify

# One exit code per kind of failure (docs/audit.md#checking-the-chain); 2 is argparse's.
EXIT_BROKEN = 1
EXIT_WITNESS_INVALID = 3
EXIT_OTHER_CHAIN = 4


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain and check its signed witness; exit non-zero naming the "
        "first broken sequence number (1), an invalid or missing witness (3), or a witness "
        "of another chain (4)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=len(os.sched_getaffinity(0)),
            help="processes checking rows in parallel on PostgreSQL (default: one per core); "
            "1 walks the chain in this process, as SQLite (embedded) always does",
        )

    def handle(self, *args, **options):
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        report = chain_verify(workers=options["workers"])
        if report.kind == "broken":
            raise CommandError(
                f"audit chain BROKEN at sequence {report.broken_sequence}: {report.reason} "
                f"({report.count} events verified before it)",
                returncode=EXIT_BROKEN,
            )
        if report.kind == "witness_invalid":
            raise CommandError(
                f"audit chain BROKEN: {report.reason} ({report.count} events chain correctly, "
                "but no valid witness vouches for their head; see docs/audit.md)",
                returncode=EXIT_WITNESS_INVALID,
            )
        if report.kind == "other_chain":
            raise CommandError(
                f"audit chain NOT WITNESSED: {report.reason}. The {report.count} events here "
                "chain correctly. If DATABASE_URL was changed or a backup restored on purpose, "
                'record it with: manage.py audit_witness_reset --reason "…" (docs/audit.md); '
                "otherwise the whole chain may have been rewritten",
                returncode=EXIT_OTHER_CHAIN,
            )
        self.stdout.write(f"audit chain OK: {report.count} events")
