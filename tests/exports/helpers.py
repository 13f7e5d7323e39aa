import csv
import io

from apps.exports.models import ExportJob
from apps.exports.tasks import export_run


def run_job(job: ExportJob) -> ExportJob:
    """What the worker does with a queued job (the task called directly)."""
    export_run.apply(args=[job.pk])
    job.refresh_from_db()
    return job


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # BOM: Excel reads the Chinese text as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))
