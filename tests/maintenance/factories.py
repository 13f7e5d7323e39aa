"""Objects of the maintenance tests, made through the services (so each carries its events)."""

import itertools
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.maintenance import services
from tests.factories import CameraFactory, UserFactory

_NUMBERS = itertools.count(1)
PDF = b"%PDF-1.4\n% signed contract\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name: str = "contract.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def contract(*, vendor, by=None, number=None, starts_on=None, ends_on=None, **kwargs):
    by = by or UserFactory(roles=["security_staff"], username="contract-clerk")
    today = timezone.localdate()
    return services.contract_create(
        by=by,
        vendor=vendor,
        number=number or f"HT-{today:%Y}-{next(_NUMBERS):04d}",
        starts_on=starts_on or today - timedelta(days=100),
        ends_on=ends_on or today + timedelta(days=265),
        document=kwargs.pop("document", None) or pdf_upload(),
        **kwargs,
    )


def ticket(*, vendor=None, camera=None, by=None, severity="general", occurred_at=None, **kwargs):
    """A ticket opened by a duty operator on a camera of ``vendor``."""
    camera = camera or CameraFactory(vendor=vendor) if vendor is not None or camera else camera
    if camera is None:
        camera = CameraFactory()
    by = by or UserFactory(roles=["duty_operator"], username="ticket-operator")
    return services.ticket_open(
        by=by,
        camera=camera,
        symptom=kwargs.pop("symptom", "No picture"),
        severity=severity,
        occurred_at=occurred_at or timezone.now() - timedelta(minutes=5),
        **kwargs,
    )


__all__ = ["PDF", "PNG", "contract", "date", "pdf_upload", "ticket"]
