"""Writes of the background exports (issue 15 "Large exports"; M-4.2: what leaves the system
is on the record).

``export_request`` records the job and its audit event in one transaction and queues the
worker on commit; ``export_job_run`` (the worker's service) rebuilds the register's rows as the
owner sees them at run time, with the same code as the page's CSV download, and writes the file
in chunks; ``export_download`` audits each download with the file's SHA-256;
``exports_purge_expired`` deletes expired files.
"""

import hashlib
import logging
import os
import secrets
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify
from apps.core.registers import CappedPaginator, register_for, register_get, register_query

from .models import ExportJob

logger = logging.getLogger(__name__)


def export_root() -> Path:
    root = Path(settings.EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def export_path(job: ExportJob) -> Path:
    return export_root() / job.file_name


def _csv_query(query: str) -> str:
    # The worker reads the register exactly as the page's own CSV link does.
    return f"{query}&format=csv" if query else "format=csv"


@transaction.atomic
def export_request(*, by, register: str, query: str = "", path: str = "") -> ExportJob:
    """Record a background export of ``register`` filtered by ``query`` for ``by``
    (issue 15; M-4.2). The search is checked and kept in its canonical form; the rows are
    counted (capped) for the progress bar; the worker starts after commit."""
    try:
        register_cls = register_get(register)
    except KeyError:
        message = _("There is no register called %(name)s.") % {"name": register}
        raise RuleViolation(message) from None
    if not register_cls.may_view(by):
        raise PermissionError(register)
    view = register_for(register, user=by, query=_csv_query(query), path=path)
    queryset, filterset = view.filtered()
    if filterset is not None and filterset.is_bound and not filterset.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
        )
        raise RuleViolation(_("The search is not valid: %(errors)s") % {"errors": errors})
    canonical = register_query(QueryDict(query), filterset).urlencode()
    job = ExportJob.objects.create(
        owner=by,
        register=register,
        query=canonical,
        path=path[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows_total=CappedPaginator(queryset, 1).count,
    )
    event_append(
        actor=by,
        action="exports.export_request",
        target=job,
        clause="M-4.2",
        data={"register": register, "query": canonical, "owner": by.get_username()},
    )
    from .tasks import export_run  # the tasks module imports this one

    transaction.on_commit(partial(export_run.delay, job.pk))
    return job


def _claim(job_id: int) -> bool:
    """Take the job: queued, or running with no progress for EXPORT_STALE_MINUTES (its worker
    was killed). A conditional UPDATE, so two deliveries never both write it."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    return bool(
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(state=ExportJob.State.QUEUED)
            | Q(state=ExportJob.State.RUNNING, heartbeat_at__lt=stale)
        )
        .update(state=ExportJob.State.RUNNING, started_at=now, heartbeat_at=now, rows_done=0)
    )


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the job's file (the worker's one service). None when the job is not due: done,
    failed, expired, or running in a live worker — a second delivery does nothing."""
    if not _claim(job_id):
        return None
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    name = f"{secrets.token_hex(16)}.csv"
    part = export_root() / f"{name}.part"
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            rows, digest, size = _write(job, part)
        os.replace(part, export_root() / name)
    except Exception as exc:
        part.unlink(missing_ok=True)
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        _tell(job)
        return job
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    base = register_get(job.register).csv_filename.removesuffix(".csv")
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.DONE,
        rows_done=rows,
        rows_total=rows,
        file_name=name,
        download_name=f"{base}-{stamp}.csv",
        sha256=digest,
        size=size,
        finished_at=now,
        heartbeat_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_TTL_HOURS),
    )
    job.refresh_from_db()
    _tell(job)
    return job


def _write(job: ExportJob, part: Path) -> tuple[int, str, int]:
    """The register's CSV as the owner sees it now, written to ``part``; rows_done updated
    every EXPORT_PROGRESS_EVERY rows. Returns (rows, sha256, bytes)."""
    view = register_for(job.register, user=job.owner, query=_csv_query(job.query), path=job.path)
    queryset = view.filtered_rows()
    digest, size, rows = hashlib.sha256(), 0, 0
    every = max(1, settings.EXPORT_PROGRESS_EVERY)
    with open(part, "wb") as handle:
        for number, line in enumerate(view.csv_lines(queryset)):
            data = line.encode("utf-8")
            handle.write(data)
            digest.update(data)
            size += len(data)
            rows = max(0, number - 1)  # the BOM and the header come first
            if rows and rows % every == 0:
                ExportJob.objects.filter(pk=job.pk).update(
                    rows_done=rows, heartbeat_at=timezone.now()
                )
    return rows, digest.hexdigest(), size


def _tell(job: ExportJob) -> None:
    """The owner's notification, in the language they asked in, with a deep link to the job
    (issue 15)."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if job.state == ExportJob.State.DONE:
            title = _("Export ready: %(rows)d rows") % {"rows": job.rows_done}
            body = _("Download it before %(when)s.") % {
                "when": timezone.localtime(job.expires_at).strftime("%Y-%m-%d %H:%M")
            }
            kind = "exports.done"
        else:
            title, body, kind = _("Export failed"), job.error, "exports.failed"
    notify([job.owner], kind=kind, title=title, body=body, url=job.get_absolute_url())


def exports_stale() -> list[int]:
    """Jobs still due that no live worker holds: running without progress for
    EXPORT_STALE_MINUTES (a killed worker), or queued that long (a lost task message). The
    database, not the broker, records what is still due (style.md §7)."""
    stale = timezone.now() - timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    return list(
        ExportJob.objects.filter(
            Q(state=ExportJob.State.RUNNING, heartbeat_at__lt=stale)
            | Q(state=ExportJob.State.QUEUED, created_at__lt=stale)
        ).values_list("pk", flat=True)[:100]
    )


def export_is_expired(job: ExportJob) -> bool:
    return job.state == ExportJob.State.EXPIRED or (
        job.state == ExportJob.State.DONE
        and job.expires_at is not None
        and job.expires_at <= timezone.now()
    )


@transaction.atomic
def export_download(*, job: ExportJob, by) -> Path:
    """The file to send to its owner, with the download on the record (M-4.2)."""
    if job.owner_id != by.pk:
        raise PermissionError("not the owner")
    if job.state != ExportJob.State.DONE or export_is_expired(job):
        raise RuleViolation(_("This export is not available."))
    path = export_path(job)
    if not path.is_file():
        raise RuleViolation(_("This export is not available."))
    event_append(
        actor=by,
        action="exports.export_download",
        target=job,
        clause="M-4.2",
        data={"register": job.register, "sha256": job.sha256, "rows": job.rows_done},
    )
    return path


def exports_purge_expired() -> list[int]:
    """Delete the files of expired exports and mark them expired (EXPORT_TTL_HOURS), and the
    half-written files of killed workers older than that."""
    purged = []
    for job in ExportJob.objects.filter(
        state=ExportJob.State.DONE, expires_at__lte=timezone.now()
    ).only("pk", "file_name")[:1000]:
        if job.file_name:
            (export_root() / job.file_name).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.DONE).update(
            state=ExportJob.State.EXPIRED, file_name=""
        )
        purged.append(job.pk)
    # A worker killed mid-file leaves its .part behind; its job is retried under a new name.
    cutoff = time.time() - settings.EXPORT_TTL_HOURS * 3600
    for part in export_root().glob("*.part"):
        if part.stat().st_mtime < cutoff:
            part.unlink(missing_ok=True)
    return purged
