"""Expiring download links for handed-over copies (M-3.4): the custodian keeps the exported
file (outside the web root, under a random name) for one recipient's account, valid for
``FOOTAGE_DOWNLOAD_LINK_HOURS``; every download is logged (a row and an audit event), and an
expired or revoked link is refused with a sentence saying so.

Why an account and not a bare token: the address can be forwarded, sit in a browser history
or a mail server, and M-3.4 wants to know who took footage. The token only makes the address
unguessable; the file goes to nobody but the signed-in recipient (anyone else: 404, and the
attempt is in the audit chain). A recipient without an account (police, an external unit)
gets the copy on a USB drive or disc, handed over in person.
"""

import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify

from . import inputs
from .models import CopyDownload, CopyDownloadLink, FootageCopy, attachment_storage
from .selectors import ASSIGN_ROLES, request_actions, request_list

REVOKE_ROLES = (Role.FOOTAGE_CUSTODIAN, *ASSIGN_ROLES)


def link_hours() -> int:
    """How long a download link stays good (hours after it is issued)."""
    return getattr(settings, "FOOTAGE_DOWNLOAD_LINK_HOURS", 72)


def link_state(link: CopyDownloadLink) -> str:
    return link.state


def link_refusal(link: CopyDownloadLink) -> str:
    """Why ``link`` gives no file now, or "" if it does."""
    state = link_state(link)
    if state == "revoked":
        return _("This download link was revoked on %(at)s.") % {
            "at": timezone.localtime(link.revoked_at).strftime("%Y-%m-%d %H:%M")
        }
    if state == "expired":
        return _(
            "This download link expired on %(at)s; ask the footage custodian for a new one."
        ) % {"at": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")}
    return ""


def recipient_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("username")


def copy_links(*, copy: FootageCopy) -> QuerySet[CopyDownloadLink]:
    return copy.links.select_related("recipient", "created_by").prefetch_related("downloads")


@transaction.atomic
def link_issue(*, copy: FootageCopy, by: User, upload, recipient: User) -> CopyDownloadLink:
    """Keep the exported file of ``copy`` for ``recipient`` to download until the link
    expires (M-3.4). The file must be the recorded copy (same SHA-256); the recipient must
    see the request (a classified one: only its circle)."""
    request = copy.request
    if "copy" not in request_actions(user=by, request=request):
        raise RuleViolation(
            _("Only the custodian who retrieved the footage issues a download link."),
            clause="M-3.4",
        )
    if copy.medium != FootageCopy.Medium.DOWNLOAD:
        raise RuleViolation(
            _(
                "This copy was handed over on %(medium)s: a download link is only for a copy "
                "by download."
            )
            % {"medium": copy.get_medium_display()},
            clause="M-3.4",
        )
    if not recipient.is_active or not request_list(user=recipient).filter(pk=request.pk).exists():
        raise RuleViolation(
            _("The recipient must be someone who may see this request (usually its filer)."),
            clause="M-3.4",
        )
    if inputs.file_sha256(upload) != copy.sha256:
        raise RuleViolation(
            _("The file is not the recorded copy: its SHA-256 differs."), clause="M-3.4"
        )
    link = CopyDownloadLink(
        copy=copy,
        token=secrets.token_urlsafe(32),
        size=upload.size,
        recipient=recipient,
        expires_at=timezone.now() + timedelta(hours=link_hours()),
        created_by=by,
    )
    link.file.save("copy.bin", upload, save=False)
    link.save()
    event_append(
        actor=by,
        action="requests.copy_link_issue",
        target=request,
        clause="M-3.4",
        data={
            "copy": copy.pk,
            "link": link.pk,
            "recipient": recipient.pk,
            "expires_at": link.expires_at.isoformat(),
            "sha256": copy.sha256,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [recipient],
            kind="requests.copy_link_issue",
            title=_("A copy of %(number)s is ready to download") % {"number": request.number},
            body=_("Until %(end)s")
            % {"end": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")},
            url=link.get_absolute_url(),
        )
    return link


def link_for_download(*, token: str, user: User) -> CopyDownloadLink:
    """The link at ``token`` if ``user`` is its recipient; anyone else: 404 (the attempt is
    recorded: a forwarded address is a fact for the security office)."""
    link = (
        CopyDownloadLink.objects.select_related("copy__request", "recipient")
        .filter(token=token)
        .first()
    )
    if link is None:
        raise Http404
    if link.recipient_id != user.pk:
        with transaction.atomic():
            event_append(
                actor=user,
                action="requests.copy_download_refused",
                target=link.copy.request,
                clause="M-3.4",
                data={"link": link.pk, "why": "not the recipient"},
            )
        raise Http404
    return link


def copy_download(*, link: CopyDownloadLink, by: User, address: str | None = None):
    """One download by the recipient (M-3.4): logged as a row and an audit event; the open
    file returned. Expired or revoked: a RuleViolation with the sentence — the refusal is
    recorded (committed before it is raised) and an expired link's kept file deleted."""
    refusal = link_refusal(link)
    if refusal:
        with transaction.atomic():
            event_append(
                actor=by,
                action="requests.copy_download_refused",
                target=link.copy.request,
                clause="M-3.4",
                data={"link": link.pk, "why": link_state(link)},
            )
            _file_drop(link)
        raise RuleViolation(refusal, clause="M-3.4")
    if not link.file:
        raise RuleViolation(_("The file of this link is no longer kept."), clause="M-3.4")
    with transaction.atomic():
        CopyDownload.objects.create(link=link, user=by, address=address)
        event_append(
            actor=by,
            action="requests.copy_download",
            target=link.copy.request,
            clause="M-3.4",
            data={"copy": link.copy_id, "link": link.pk, "sha256": link.copy.sha256},
        )
    return link.file.open("rb")


def _file_drop(link: CopyDownloadLink) -> None:
    """The footage is not kept past its link (PIPL: no longer than needed)."""
    if link.file:
        name = link.file.name
        CopyDownloadLink.objects.filter(pk=link.pk).update(file="")
        transaction.on_commit(partial(attachment_storage().delete, name))


@transaction.atomic
def link_revoke(*, link: CopyDownloadLink, by: User) -> CopyDownloadLink:
    """End a link now (the custodian or the security office); its file is deleted."""
    request = link.copy.request
    if "revoke_link" not in request_actions(user=by, request=request):
        raise RuleViolation(
            _("Only the request's custodian or the security office revokes a download link."),
            clause="M-3.4",
        )
    now = timezone.now()
    won = CopyDownloadLink.objects.filter(pk=link.pk, revoked_at=None, expires_at__gt=now).update(
        revoked_at=now, revoked_by=by
    )
    if not won:
        raise RuleViolation(_("The link has expired or was revoked already."), clause="M-3.4")
    link.refresh_from_db()
    _file_drop(link)
    event_append(
        actor=by,
        action="requests.copy_link_revoke",
        target=request,
        clause="M-3.4",
        data={"copy": link.copy_id, "link": link.pk},
    )
    return link


def links_purge() -> int:
    """Delete the kept files of links expired or revoked (idempotent; a periodic task may
    call it, and a refused download does it for its own link)."""
    now = timezone.now()
    done = 0
    for link in CopyDownloadLink.objects.exclude(file="").filter(expires_at__lte=now):
        with transaction.atomic():
            _file_drop(link)
        done += 1
    return done
