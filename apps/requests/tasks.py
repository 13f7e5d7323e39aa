"""Celery tasks of the footage requests: safe to run twice."""

from celery import shared_task

from . import links


@shared_task
def footage_links_purge() -> int:
    """Beat: the kept files of expired download links are deleted (M-3.4,
    FOOTAGE_DOWNLOAD_LINK_HOURS); a refused download already does it for its own link."""
    return links.links_purge()
