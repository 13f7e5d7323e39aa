"""Footage-access requests: the paper form 视频监控资料调阅申请单 online (M-3.3, M-3.5)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, Role
from apps.cameras.models import Camera, RandomImagePath
from apps.core.crypto import EncryptedTextField
from apps.core.masking import id_number_mask

# M-3.3.1(1): the reason of a classified request reads only this (the form's own words).
CLASSIFIED_REASON = "涉密案(事)件"


class _AttachmentStorage(LazyObject):
    """Files outside MEDIA_ROOT and every web root (REQUEST_ATTACHMENTS_ROOT); no URL serves
    them, only the request's scoped download view. Read lazily so tests may move it."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.REQUEST_ATTACHMENTS_ROOT)


def attachment_storage():
    return _attachment_storage


_attachment_storage = _AttachmentStorage()


class RoutingPolicy(models.Model):
    """One version of the routing policy (M-3.3): the newest routes new requests; a request
    keeps the version it was routed by (``FootageRequest.policy``)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    rules = models.JSONField(_("rules"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("routing policy")
        verbose_name_plural = _("routing policies")

    def __str__(self) -> str:
        return _("Routing policy v%(version)d") % {"version": self.version}


class RequestNumberCounter(models.Model):
    """The last number given in a year: taken and raised in the submitting transaction, so the
    numbers of a year have no gaps (M-3.5)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("request number counter")
        verbose_name_plural = _("request number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class FootageRequest(models.Model):
    """The fields of the form in its order (M-3.5), then the workflow's own."""

    class RequesterType(models.TextChoices):
        INTERNAL = "internal", _("Internal department")
        STUDENT = "student", _("Student help request")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        EXTERNAL = "external", _("Other external unit")

    class Mode(models.TextChoices):
        VIEW = "view", _("View")
        COPY = "copy", _("Copy")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident ID card")
        OFFICER_ID = "officer_id", _("Police or judicial officer ID")
        PASSPORT = "passport", _("Passport")
        HK_MACAO_TAIWAN = "hmt_permit", _("Hong Kong, Macao or Taiwan travel permit")
        STUDENT_CARD = "student_card", _("Student ID card")
        OTHER = "other", _("Other document")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_APPROVAL = "in_approval", _("In approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    # M-3.5, in the form's order.
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    application_date = models.DateField(_("application date"), null=True, blank=True)
    applying_unit = models.CharField(_("applying unit"), max_length=120)
    handler_name = models.CharField(_("handler name"), max_length=60)
    handler_id_type = models.CharField(_("ID document type"), max_length=20, choices=IdType.choices)
    # PIPL: encrypted at rest; pages, exports and the API show handler_id_masked.
    handler_id_number = EncryptedTextField(_("ID document number"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    cameras = models.ManyToManyField(
        Camera, verbose_name=_("cameras"), related_name="footage_requests"
    )
    place_detail = models.CharField(_("detailed place"), max_length=200, blank=True)
    span_from = models.DateTimeField(_("footage from"))
    span_to = models.DateTimeField(_("footage to"))
    reason = models.TextField(_("reason"))
    requester_type = models.CharField(
        _("requester type"), max_length=20, choices=RequesterType.choices
    )
    classified = models.BooleanField(_("classified (涉密)"), default=False)
    special = models.BooleanField(_("special case"), default=False)
    query_result = models.TextField(_("query result"), blank=True)

    # The workflow.
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="footage_requests_filed",
    )
    # The applicant's department (internal requests): its head approves (M-3.3.1(1)).
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="footage_requests",
    )
    policy = models.ForeignKey(
        RoutingPolicy,
        verbose_name=_("routing policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    # The footage custodian who retrieves it (M-1.1b); assigned by the retrieval workflow.
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("footage custodian"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="footage_requests_kept",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # When the custodian reported the query result (查询结果) to the applicant (M-3.3.1(3)).
    result_reported_at = models.DateTimeField(_("result reported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("footage request")
        verbose_name_plural = _("footage requests")
        indexes = [
            models.Index(fields=["requester_type"], name="footage_req_type_idx"),
            models.Index(fields=["mode"], name="footage_req_mode_idx"),
            models.Index(fields=["department", "state"], name="footage_req_dept_state_idx"),
            models.Index(fields=["filed_by", "state"], name="footage_req_filer_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(span_from__lt=models.F("span_to")),
                name="footage_request_span_order",
            )
        ]

    def __str__(self) -> str:
        return self.number or _("Draft request %(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("footage_request_detail", args=[self.pk])

    @property
    def handler_id_masked(self) -> str:
        return id_number_mask(self.handler_id_number)


class RequestStep(models.Model):
    """One approval on a request's route (M-3.3), made from its policy when it was submitted."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Approval")
        DOCUMENT_CHECK = "document_check", _("Document check by the security office")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for an earlier step")
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Not needed (rejected earlier)")

    request = models.ForeignKey(
        FootageRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=32)
    # A department head's step: only that department's head decides it.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A decision by a delegate (M-3.3): for whom, under which delegation.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delegation = models.ForeignKey(
        "ApprovalDelegation",
        verbose_name=_("delegation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
    )

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "order"]
        constraints = [
            models.UniqueConstraint(fields=["request", "order"], name="request_step_unique_order")
        ]
        indexes = [models.Index(fields=["state", "role"], name="request_step_queue_idx")]

    def __str__(self) -> str:
        return f"{self.request} #{self.order} {self.role}"

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def decided_by_label(self) -> str:
        """The signature as shown: "X for Y (delegation #n)" when a delegate decided."""
        if self.decided_by_id is None:
            return ""
        if self.delegation_id is None:
            return str(self.decided_by)
        return _("%(delegate)s for %(principal)s (delegation #%(number)d)") % {
            "delegate": self.decided_by,
            "principal": self.on_behalf_of,
            "number": self.delegation_id,
        }


class RequestAttachment(models.Model):
    """A document shown with the request (M-3.3.2-3.3.4), kept outside the web root."""

    class Kind(models.TextChoices):
        EVIDENCE_NOTICE = "evidence_notice", _("Evidence-collection notice (调取证据通知书)")
        OFFICER_ID = "officer_id", _("Officer ID")
        CERTIFICATE = "certificate", _("Police or judicial certificate")
        HANDLER_ID = "handler_id", _("Handler ID")
        STUDENT_ID = "student_id", _("Student ID card")
        OTHER = "other", _("Other document")

    request = models.ForeignKey(
        FootageRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("file"), upload_to=RandomImagePath("requests"), storage=attachment_storage
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class Retrieval(models.Model):
    """The retrieval record of an approved request (M-1.1b, M-3.3.1(3)): the custodian, the
    cameras and span actually retrieved, where the backup is kept. Anything outside the
    approved cameras × span carries a reason and is flagged (``deviates``). One per request."""

    request = models.OneToOneField(
        FootageRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="retrieval",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("footage custodian"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cameras = models.ManyToManyField(
        Camera, verbose_name=_("cameras retrieved"), related_name="footage_retrievals"
    )
    span_from = models.DateTimeField(_("retrieved from"))
    span_to = models.DateTimeField(_("retrieved to"))
    backup_location = models.CharField(_("backup kept at"), max_length=200)
    deviates = models.BooleanField(_("outside the approval"), default=False)
    deviation_reason = models.TextField(_("reason for the deviation"), blank=True)
    recorded_at = models.DateTimeField(_("retrieved at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("retrieval")
        verbose_name_plural = _("retrievals")
        indexes = [models.Index(fields=["deviates"], name="footage_retrieval_dev_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(span_from__lt=models.F("span_to")),
                name="footage_retrieval_span_order",
            )
        ]

    def __str__(self) -> str:
        return _("Retrieval of %(request)s") % {"request": self.request}


class FootageCopy(models.Model):
    """One exported file of a copy request and its custody (M-3.3.5, M-3.4): its SHA-256,
    the medium, who received it, where it goes (去向), the handover and its acknowledgement."""

    class Medium(models.TextChoices):
        USB = "usb", _("USB drive")
        DISC = "disc", _("Disc")
        DOWNLOAD = "download", _("Download")

    class HashSource(models.TextChoices):
        COMPUTED = "computed", _("Computed from the file")
        ENTERED = "entered", _("Entered by the custodian")

    request = models.ForeignKey(
        FootageRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="copies"
    )
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    hash_source = models.CharField(_("hash from"), max_length=10, choices=HashSource.choices)
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    recipient = models.CharField(_("recipient"), max_length=120)
    destination = models.CharField(_("destination (去向)"), max_length=200)
    handed_over_at = models.DateTimeField(_("handed over at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledgement recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("last verified at"), null=True, blank=True)
    verified_match = models.BooleanField(_("file matched"), null=True, blank=True)

    class Meta:
        verbose_name = _("footage copy")
        verbose_name_plural = _("footage copies")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.sha256[:12]}…)"


class ApprovalDelegation(models.Model):
    """An approver away (M-3.3): from ``starts_at`` to ``ends_at`` the delegate decides the
    principal's steps of ``role`` (a department head's: the principal's department only).
    Recorded by the principal or the security chief; the rules are in ``delegation.py``."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver away"),
        on_delete=models.PROTECT,
        related_name="footage_delegations_given",
    )
    role = models.CharField(_("role"), max_length=32)
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="footage_delegations_held",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("approval delegation")
        verbose_name_plural = _("approval delegations")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["delegate", "ends_at"], name="footage_deleg_delegate_idx"),
            models.Index(fields=["principal", "ends_at"], name="footage_deleg_principal_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="footage_delegation_period_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("delegate")),
                name="footage_delegation_not_to_oneself",
            ),
        ]

    def __str__(self) -> str:
        return _("Delegation #%(number)d") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("footage_delegation_detail", args=[self.pk])

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


class CopyDownloadLink(models.Model):
    """An expiring download of a handed-over copy (M-3.4): the exported file kept outside
    the web root, for one recipient's account, until ``expires_at`` or a revocation; every
    download is a ``CopyDownload`` row and an audit event. The token in the address only
    finds the link: the signed-in user must be its recipient (``links.py``)."""

    copy = models.ForeignKey(
        FootageCopy, verbose_name=_("footage copy"), on_delete=models.PROTECT, related_name="links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    file = models.FileField(
        _("file"), upload_to=RandomImagePath("downloads"), storage=attachment_storage, blank=True
    )
    size = models.PositiveBigIntegerField(_("size"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="footage_download_links",
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("download link")
        verbose_name_plural = _("download links")
        ordering = ["copy", "pk"]

    def __str__(self) -> str:
        return _("Download link #%(number)d") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("footage_copy_download", args=[self.token])

    @property
    def state(self) -> str:
        """revoked, expired or valid (now)."""
        from django.utils import timezone

        if self.revoked_at is not None:
            return "revoked"
        return "expired" if timezone.now() >= self.expires_at else "valid"


class CopyDownload(models.Model):
    """One download through a link (M-3.4): who, when, from where."""

    link = models.ForeignKey(
        CopyDownloadLink,
        verbose_name=_("download link"),
        on_delete=models.PROTECT,
        related_name="downloads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("downloaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("downloaded at"), auto_now_add=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["link", "pk"]

    def __str__(self) -> str:
        return f"{self.link} {self.at:%Y-%m-%d %H:%M}"
