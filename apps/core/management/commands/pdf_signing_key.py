"""``manage.py pdf_signing_key``: make the site's self-signed document-signing pair once.

scripts/install.sh and the compose migrate job run it; an existing pair is kept (PDFs signed
with it must stay verifiable), so it is safe to run at every install (docs/pdf.md).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.pdf import signing_pair_create


class Command(BaseCommand):
    help = "Create the PDF signing key and certificate (PDF_SIGNING_KEY, PDF_SIGNING_CERT) once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--name",
            default="campuscctv document signing",
            help="the certificate's common name (shown by PDF readers as the signer)",
        )

    def handle(self, *args, name, **options):
        if not settings.PDF_SIGNING_KEY or not settings.PDF_SIGNING_CERT:
            raise CommandError("PDF_SIGNING_KEY and PDF_SIGNING_CERT must both name a file.")
        key, cert = Path(settings.PDF_SIGNING_KEY), Path(settings.PDF_SIGNING_CERT)
        if key.exists() and cert.exists():
            self.stdout.write(f"PDF signing pair kept: {key}, {cert}")
            return
        if key.exists() or cert.exists():
            # Half a pair: replacing the other half would break every PDF already signed.
            raise CommandError(
                f"only one of {key} and {cert} exists; restore the other from the backup "
                "(or move both away to start a new pair)."
            )
        signing_pair_create(key_path=key, cert_path=cert, common_name=name)
        self.stdout.write(f"PDF signing pair created: {key} (mode 600; back it up), {cert}")
