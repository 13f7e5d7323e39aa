"""Reads of the exports: a person sees their own jobs only (issue 15: scoped to the user)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.core.registers import register_get, registers_all

from .models import ExportJob


def export_list(*, user) -> QuerySet[ExportJob]:
    """The user's own exports, newest first; nobody sees another's (M-3.1, M-4.2)."""
    return ExportJob.objects.filter(owner=user).order_by("-id")


def export_get(*, user, pk: int) -> ExportJob:
    return get_object_or_404(export_list(user=user), pk=pk)  # another's: 404


def export_register_title(job: ExportJob) -> str:
    """The register's title in the current language (the code if it no longer exists)."""
    try:
        return str(register_get(job.register).title) or job.register
    except KeyError:
        return job.register


def export_registers(*, user) -> list[str]:
    """Names of the registers ``user`` may export."""
    return sorted(name for name, cls in registers_all().items() if cls.may_view(user))
