"""M-3.4: the hourly beat task deletes the kept files of expired download links, once (safe to
run twice); a link still valid keeps its file. The schedule is created by the migration and
named in the admin in the site's language."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.requests.links import link_issue
from apps.requests.models import CopyDownloadLink
from apps.requests.tasks import footage_links_purge
from tests.requests.test_download_links import _file
from tests.requests.test_download_links import copy as copy  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_task_deletes_expired_links_files_only(
    copy,  # noqa: F811
    applicant,
    custodian,
    django_capture_on_commit_callbacks,
):
    expired = link_issue(copy=copy, by=custodian, upload=_file(), recipient=applicant)
    valid = link_issue(copy=copy, by=custodian, upload=_file(), recipient=applicant)
    CopyDownloadLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired_path, valid_path = Path(expired.file.path), Path(valid.file.path)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the row is saved
        assert footage_links_purge.apply().get() == 1
    assert not expired_path.exists() and valid_path.exists()
    assert footage_links_purge.apply().get() == 0  # a second run finds nothing to do


def test_the_schedule_exists_hourly():
    task = PeriodicTask.objects.get(task="apps.requests.tasks.footage_links_purge")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "hours"
