"""M-3.4: an expiring download link for a handed-over copy — the file kept outside the web
root for the recipient's account only, valid FOOTAGE_DOWNLOAD_LINK_HOURS, every download
logged (row, audit event, request page, access register); expired or revoked: 410 with the
sentence, and the kept file deleted."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.core.models import Notification
from apps.requests.links import link_issue, link_revoke
from apps.requests.models import CopyDownload, CopyDownloadLink
from apps.requests.services import copy_record, request_custodian_assign, retrieval_record
from tests.factories import UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import approved

pytestmark = pytest.mark.django_db

FOOTAGE = b"\x00\x00\x00\x18ftypmp42" + b"frames" * 500
SHA = hashlib.sha256(FOOTAGE).hexdigest()


def _file(content: bytes = FOOTAGE) -> SimpleUploadedFile:
    return SimpleUploadedFile("gate.mp4", content, "video/mp4")


@pytest.fixture
def copy(applicant, security_chief, custodian):
    request = approved(applicant, mode="copy")
    request = request_custodian_assign(request=request, by=security_chief, custodian=custodian)
    retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="NAS",
    )
    return copy_record(
        request=request,
        by=custodian,
        file_name="gate-0412.mp4",
        medium="download",
        recipient="Li Ming",
        destination="Case file",
        handed_over_at=timezone.now(),
        sha256=SHA,
    )


def test_issue_download_and_the_log(client, copy, applicant, custodian, security_chief):
    verified_login(client, custodian)
    response = client.post(
        f"/requests/{copy.request_id}/copies/{copy.pk}/links/",
        {"file": _file(), "recipient": applicant.pk},
    )
    assert response.status_code == 302
    link = CopyDownloadLink.objects.get()
    assert link.recipient == applicant and link.size == len(FOOTAGE)
    hours = getattr(settings, "FOOTAGE_DOWNLOAD_LINK_HOURS", 72)
    assert abs((link.expires_at - timezone.now()) - timedelta(hours=hours)) < timedelta(minutes=1)
    # Kept outside the web root, under a random name.
    stored = Path(link.file.path)
    assert stored.is_relative_to(Path(settings.REQUEST_ATTACHMENTS_ROOT))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT)) and "gate" not in stored.name
    issued = AuditEvent.objects.get(action="requests.copy_link_issue")
    assert issued.clause == "M-3.4" and issued.data["recipient"] == applicant.pk
    note = Notification.objects.get(recipient=applicant, kind="requests.copy_link_issue")
    assert note.url == link.get_absolute_url()

    client.force_login(applicant)
    page = client.get(f"/requests/{copy.request_id}/").content.decode()
    assert link.get_absolute_url() in page
    download = client.get(link.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == FOOTAGE
    assert "gate-0412.mp4" in download["Content-Disposition"]
    assert download["Cache-Control"] == "no-store"
    client.get(link.get_absolute_url())
    assert CopyDownload.objects.filter(link=link, user=applicant).count() == 2
    event = AuditEvent.objects.filter(action="requests.copy_download").latest("id")
    assert event.actor == applicant and event.data["sha256"] == SHA

    verified_login(client, security_chief)
    page = client.get(f"/requests/{copy.request_id}/").content.decode()
    assert "2 downloads" in page
    assert link.get_absolute_url() not in page  # the address is the recipient's
    register = client.get("/requests/access-register/?format=csv")
    assert "downloaded 2×" in b"".join(register.streaming_content).decode()


def test_only_the_recipient_downloads(client, copy, applicant, custodian, security_chief):
    link = link_issue(copy=copy, by=custodian, upload=_file(), recipient=applicant)
    for someone in (security_chief, custodian, UserFactory(username="stranger")):
        verified_login(client, someone)
        assert client.get(link.get_absolute_url()).status_code == 404
    refused = AuditEvent.objects.filter(action="requests.copy_download_refused")
    assert refused.count() == 3 and {e.data["why"] for e in refused} == {"not the recipient"}
    assert not CopyDownload.objects.exists()
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 302  # to the login page
    client.force_login(applicant)
    assert client.get("/requests/downloads/not-a-token/").status_code == 404


def test_expired_and_revoked_are_refused_with_the_sentence(
    client, copy, applicant, custodian, django_capture_on_commit_callbacks
):
    expired = link_issue(copy=copy, by=custodian, upload=_file(), recipient=applicant)
    CopyDownloadLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    path = Path(expired.file.path)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(expired.get_absolute_url())
    assert response.status_code == 410
    assert "expired on" in response.content.decode()
    assert not path.exists()  # the footage is not kept past its link
    expired.refresh_from_db()
    assert not expired.file

    revoked = link_issue(copy=copy, by=custodian, upload=_file(), recipient=applicant)
    link_revoke(link=revoked, by=custodian)
    assert AuditEvent.objects.filter(action="requests.copy_link_revoke").exists()
    response = client.get(revoked.get_absolute_url())
    assert response.status_code == 410 and "was revoked on" in response.content.decode()
    whys = set(
        AuditEvent.objects.filter(action="requests.copy_download_refused").values_list(
            "data__why", flat=True
        )
    )
    assert whys == {"expired", "revoked"}
    with pytest.raises(RuleViolation, match="revoked already"):
        link_revoke(link=revoked, by=custodian)
    assert not CopyDownload.objects.exists()


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"upload": "other"}, "not the recorded copy"),
        ({"recipient": "stranger"}, "may see this request"),
        ({"by": "other_custodian"}, "custodian who retrieved"),
        ({"medium": "usb"}, "only for a copy by download"),
    ],
)
def test_issuing_is_checked(copy, applicant, custodian, change, refusal):
    people = {
        "stranger": UserFactory(username="stranger", roles=["applicant"]),
        "other_custodian": UserFactory(username="cust2", roles=["footage_custodian"]),
    }
    if "medium" in change:
        type(copy).objects.filter(pk=copy.pk).update(medium=change["medium"])
        copy.refresh_from_db()
    kwargs = {
        "copy": copy,
        "by": people.get(change.get("by"), custodian),
        "upload": _file(b"another file") if change.get("upload") else _file(),
        "recipient": people.get(change.get("recipient"), applicant),
    }
    with pytest.raises(RuleViolation, match=refusal):
        link_issue(**kwargs)
    assert not CopyDownloadLink.objects.exists()


def test_the_api_issues_and_revokes(client, copy, applicant, custodian):
    verified_login(client, custodian)
    base = f"/api/requests/{copy.request_id}/copies/{copy.pk}/links/"
    wrong = client.post(base, {"file": _file(b"x" * 10), "recipient": applicant.pk})
    assert wrong.status_code == 400 and "not the recorded copy" in wrong.content.decode()
    created = client.post(base, {"file": _file(), "recipient": applicant.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "valid" and body["url"].startswith("/requests/downloads/")
    detail = client.get(f"/api/requests/{copy.request_id}/").json()
    assert detail["copies"][0]["links"][0]["id"] == body["id"]
    revoked = client.post(f"{base}{body['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    client.force_login(applicant)
    assert client.post(base, {"file": _file(), "recipient": applicant.pk}).status_code == 403
