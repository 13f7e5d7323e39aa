"""Footage requests over the API (M-3.3, M-3.5): list and detail, scoped as the pages are;
the handler's ID number only masked (PIPL); a classified request out of scope is 404 and is
not counted (M-3.3.1(1))."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.models import Role
from apps.core.api.permissions import role_permission
from apps.core.exceptions import RuleViolation

from .. import inputs, links, selectors, services
from ..filters import AccessRegisterFilterSet, FootageRequestFilterSet
from ..models import (
    CopyDownloadLink,
    FootageCopy,
    FootageRequest,
    RequestAttachment,
    RequestStep,
    Retrieval,
)
from .links import DownloadLinkActions, DownloadLinkSerializer


class RequestStepSerializer(serializers.ModelSerializer):
    decided_by_name = serializers.CharField(source="decided_by", read_only=True, default=None)
    role_label = serializers.CharField(read_only=True)
    # "X for Y (delegation #n)" when a delegate decided (M-3.3).
    decided_by_label = serializers.CharField(read_only=True)

    class Meta:
        model = RequestStep
        fields = [
            "order",
            "kind",
            "role",
            "role_label",
            "department",
            "state",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "comment",
            "on_behalf_of",
            "delegation",
            "decided_by_label",
        ]


class RequestAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestAttachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class FootageRequestSerializer(serializers.ModelSerializer):
    # Masked only: the full number is one audited page for the security office.
    handler_id_masked = serializers.CharField(read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True, default=None)

    class Meta:
        model = FootageRequest
        fields = [
            "id",
            "number",
            "application_date",
            "applying_unit",
            "handler_name",
            "handler_id_type",
            "handler_id_masked",
            "mode",
            "cameras",
            "place_detail",
            "span_from",
            "span_to",
            "reason",
            "requester_type",
            "classified",
            "special",
            "query_result",
            "state",
            "filed_by",
            "department",
            "policy_version",
            "created_at",
            "submitted_at",
            "decided_at",
        ]


class RetrievalSerializer(serializers.ModelSerializer):
    custodian_name = serializers.CharField(source="custodian", read_only=True)

    class Meta:
        model = Retrieval
        fields = [
            "custodian",
            "custodian_name",
            "cameras",
            "span_from",
            "span_to",
            "backup_location",
            "deviates",
            "deviation_reason",
            "recorded_at",
        ]


class FootageCopySerializer(serializers.ModelSerializer):
    links = DownloadLinkSerializer(many=True, read_only=True)

    class Meta:
        model = FootageCopy
        fields = [
            "id",
            "file_name",
            "sha256",
            "hash_source",
            "medium",
            "recipient",
            "destination",
            "handed_over_at",
            "recorded_at",
            "acknowledged_at",
            "acknowledged_by",
            "verified_at",
            "verified_match",
            "links",
        ]


class FootageRequestDetailSerializer(FootageRequestSerializer):
    steps = RequestStepSerializer(many=True, read_only=True)
    attachments = RequestAttachmentSerializer(many=True, read_only=True)
    retrieval = serializers.SerializerMethodField()
    copies = FootageCopySerializer(many=True, read_only=True)

    class Meta(FootageRequestSerializer.Meta):
        fields = [
            *FootageRequestSerializer.Meta.fields,
            "custodian",
            "result_reported_at",
            "steps",
            "attachments",
            "retrieval",
            "copies",
        ]

    @extend_schema_field(RetrievalSerializer(allow_null=True))
    def get_retrieval(self, obj: FootageRequest):
        retrieval = selectors.request_retrieval(request=obj)
        return RetrievalSerializer(retrieval).data if retrieval else None


class CustodianAssignSerializer(serializers.Serializer):
    custodian = serializers.PrimaryKeyRelatedField(queryset=selectors.custodian_choices())


class RetrievalRecordSerializer(serializers.Serializer):
    """What the custodian actually retrieved (M-3.3.1(3)); beyond the approval needs a reason."""

    cameras = serializers.PrimaryKeyRelatedField(
        many=True, queryset=selectors.retrieval_camera_choices(), allow_empty=False
    )
    span_from = serializers.DateTimeField()
    span_to = serializers.DateTimeField()
    backup_location = serializers.CharField()
    deviation_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ResultSerializer(serializers.Serializer):
    query_result = serializers.CharField()


class CopyRecordSerializer(serializers.Serializer):
    """One handed-over file (M-3.4): ``file`` (its SHA-256 computed, not kept) or ``sha256``."""

    file = serializers.FileField(required=False)
    sha256 = serializers.CharField(required=False, allow_blank=True, default="")
    file_name = serializers.CharField(required=False, allow_blank=True, default="")
    medium = serializers.ChoiceField(choices=FootageCopy.Medium.choices)
    recipient = serializers.CharField()
    destination = serializers.CharField()
    handed_over_at = serializers.DateTimeField()


class VerifySerializer(serializers.Serializer):
    file = serializers.FileField()


class SpanField(serializers.DateTimeField):
    """A moment of the span; a date at the calendar's ends is a 400, not an OverflowError
    while DRF makes it aware."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|-HH:MM|Z]")


class FootageRequestFileSerializer(serializers.Serializer):
    """A new request as the form takes it (M-3.5); the checks are the service's."""

    requester_type = serializers.ChoiceField(choices=FootageRequest.RequesterType.choices)
    applying_unit = serializers.CharField(required=False, allow_blank=True, default="")
    handler_name = serializers.CharField()
    handler_id_type = serializers.ChoiceField(choices=FootageRequest.IdType.choices)
    handler_id_number = serializers.CharField(write_only=True)
    mode = serializers.ChoiceField(choices=FootageRequest.Mode.choices)
    cameras = serializers.PrimaryKeyRelatedField(
        many=True, queryset=selectors.camera_choices(), allow_empty=False
    )
    place_detail = serializers.CharField(required=False, allow_blank=True, default="")
    span_from = SpanField()
    span_to = SpanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    classified = serializers.BooleanField(required=False, default=False)
    special = serializers.BooleanField(required=False, default=False)


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RequestAttachment.Kind.choices)
    file = serializers.FileField()


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    # College leaders sign afresh (M-3.3): their password again.
    password = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True, trim_whitespace=False
    )


class FootageRequestViewSet(DownloadLinkActions, viewsets.ReadOnlyModelViewSet):
    """Footage requests the caller may see (M-3.3); the route with each decision on detail.
    POST files a draft (applicant: internal/student; security staff: law enforcement/
    external), then /attachments/, /submit/; /decide/ by the current step's approver."""

    queryset = FootageRequest.objects.none()
    permission_classes = [role_permission(*selectors.VIEW_ROLES)]
    filterset_class = FootageRequestFilterSet
    lookup_value_regex = "[0-9]+"  # /api/requests/access-register/ is another endpoint

    def get_permissions(self):
        # Writes by a role that may not make them are refused (403) before any lookup.
        roles = {
            "create": selectors.FILE_ROLES,
            "attachments": selectors.FILE_ROLES,
            "submit": selectors.FILE_ROLES,
            "decide": (*selectors.DECIDE_ROLES, Role.APPLICANT),  # a deputy head's
            "custodian": (*selectors.ASSIGN_ROLES, Role.FOOTAGE_CUSTODIAN),
            "retrieval": (Role.FOOTAGE_CUSTODIAN,),
            "result": (Role.FOOTAGE_CUSTODIAN,),
            "copies": (Role.FOOTAGE_CUSTODIAN,),
            "copy_acknowledge": (Role.FOOTAGE_CUSTODIAN, *selectors.FILE_ROLES),
            "copy_verify": selectors.VERIFY_ROLES,
            "copy_links": (Role.FOOTAGE_CUSTODIAN,),
            "copy_link_revoke": links.REVOKE_ROLES,
        }.get(self.action)
        if roles is not None:
            return [role_permission(*roles)()]
        return super().get_permissions()

    def _detail(self, footage_request: FootageRequest, **extra) -> dict:
        fresh = self.get_queryset().prefetch_related(
            "steps__decided_by", "steps__on_behalf_of", "attachments"
        )
        data = FootageRequestDetailSerializer(
            fresh.get(pk=footage_request.pk), context=self.get_serializer_context()
        ).data
        return {**data, **extra}

    def _may(self, footage_request: FootageRequest, verb: str) -> None:
        if verb not in selectors.request_actions(user=self.request.user, request=footage_request):
            raise PermissionDenied(_("You cannot do this with this request now."))

    @extend_schema(
        request=FootageRequestFileSerializer, responses={201: FootageRequestDetailSerializer}
    )
    def create(self, request):
        serializer = FootageRequestFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["requester_type"] not in selectors.file_types(
            user=request.user
        ):
            raise PermissionDenied(_("Your role cannot file a request of this type."))
        filed = services.request_file(by=request.user, **serializer.validated_data)
        return Response(
            self._detail(filed, warnings=inputs.span_warnings(filed.span_from)),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=AttachmentUploadSerializer, responses={201: RequestAttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        footage_request = self.get_object()
        self._may(footage_request, "attach")
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.request_attach(
            request=footage_request,
            by=request.user,
            kind=serializer.validated_data["kind"],
            upload=serializer.validated_data["file"],
        )
        return Response(
            RequestAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=FootageRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        footage_request = self.get_object()
        self._may(footage_request, "submit")
        submitted = services.request_submit(request=footage_request, by=request.user)
        return Response(self._detail(submitted))

    @extend_schema(request=DecisionSerializer, responses=FootageRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        footage_request = self.get_object()
        self._may(footage_request, "decide")
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = services.request_decide(
            request=footage_request,
            by=request.user,
            approve=serializer.validated_data["decision"] == "approve",
            comment=serializer.validated_data["comment"],
            password=serializer.validated_data["password"],
        )
        return Response(self._detail(decided))

    def _retrievable(self, footage_request: FootageRequest) -> None:
        """Rejected, in approval, expired or retrieved: a 400 with the sentence (M-3.1)."""
        refusal = selectors.retrieval_refusal(request=footage_request)
        if refusal:
            raise RuleViolation(refusal, clause="M-3.3")

    @extend_schema(request=CustodianAssignSerializer, responses=FootageRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def custodian(self, request, pk=None):
        """Assign the footage custodian (M-1.1b): the security office, or a custodian for
        themselves."""
        footage_request = self.get_object()
        self._retrievable(footage_request)
        self._may(footage_request, "assign")
        serializer = CustodianAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assigned = services.request_custodian_assign(
            request=footage_request, by=request.user, **serializer.validated_data
        )
        return Response(self._detail(assigned))

    @extend_schema(request=RetrievalRecordSerializer, responses={201: RetrievalSerializer})
    @action(detail=True, methods=["post"])
    def retrieval(self, request, pk=None):
        """The assigned custodian records the retrieval (M-3.3.1(3))."""
        footage_request = self.get_object()
        self._retrievable(footage_request)
        self._may(footage_request, "retrieve")
        serializer = RetrievalRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        retrieval = services.retrieval_record(
            request=footage_request, by=request.user, **serializer.validated_data
        )
        return Response(RetrievalSerializer(retrieval).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResultSerializer, responses=FootageRequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        """The query result (查询结果) reported to the applicant (M-3.3.1(3))."""
        footage_request = self.get_object()
        self._may(footage_request, "report_result")
        serializer = ResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reported = services.request_result_report(
            request=footage_request, by=request.user, **serializer.validated_data
        )
        return Response(self._detail(reported))

    @extend_schema(request=CopyRecordSerializer, responses={201: FootageCopySerializer})
    @action(detail=True, methods=["post"])
    def copies(self, request, pk=None):
        """A handed-over file of a copy request (M-3.4); JSON with ``sha256`` or multipart
        with ``file``."""
        footage_request = self.get_object()
        if footage_request.mode != FootageRequest.Mode.COPY:
            raise RuleViolation(
                _("This request was approved for viewing only: no copy may be handed over."),
                clause="M-3.3.5",
            )
        self._may(footage_request, "copy")
        serializer = CopyRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        copy = services.copy_record(
            request=footage_request, by=request.user, upload=data.pop("file", None), **data
        )
        return Response(FootageCopySerializer(copy).data, status=status.HTTP_201_CREATED)

    def _copy(self, copy_pk) -> FootageCopy:
        footage_request = self.get_object()
        return selectors.copy_get(user=self.request.user, request_pk=footage_request.pk, pk=copy_pk)

    @extend_schema(request=None, responses=FootageCopySerializer)
    @action(detail=True, methods=["post"], url_path=r"copies/(?P<copy_pk>[0-9]+)/acknowledge")
    def copy_acknowledge(self, request, pk=None, copy_pk=None):
        """The receiver's acknowledgement (M-3.4): the filer, or the custodian for them."""
        copy = self._copy(copy_pk)
        self._may(copy.request, "acknowledge")
        copy = services.copy_acknowledge(copy=copy, by=request.user)
        return Response(FootageCopySerializer(copy).data)

    @extend_schema(request=VerifySerializer, responses=FootageCopySerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"copies/(?P<copy_pk>[0-9]+)/verify",
        parser_classes=[MultiPartParser, FormParser],
    )
    def copy_verify(self, request, pk=None, copy_pk=None):
        """A file checked against the SHA-256 recorded at the handover (M-3.4)."""
        copy = self._copy(copy_pk)
        self._may(copy.request, "verify")
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.copy_verify(copy=copy, by=request.user, upload=serializer.validated_data["file"])
        copy.refresh_from_db()
        return Response(FootageCopySerializer(copy).data)

    def get_queryset(self):
        qs = selectors.request_list(user=self.request.user).select_related("policy")
        if self.action != "list":
            qs = qs.prefetch_related("steps__decided_by", "attachments", "copies")
        return qs.prefetch_related("cameras")

    def get_serializer_class(self):
        if self.action == "list":
            return FootageRequestSerializer
        return FootageRequestDetailSerializer


class AccessLinkSerializer(DownloadLinkSerializer):
    """A copy's link as the access register prefetched it (selectors.access_register)."""

    def get_downloads(self, obj: CopyDownloadLink) -> list[dict]:
        return [{"user": d.user_id, "at": d.at} for d in obj.download_list]


class AccessCopySerializer(FootageCopySerializer):
    links = AccessLinkSerializer(source="link_list", many=True, read_only=True)


class AccessRecordSerializer(serializers.ModelSerializer):
    """One row of the access register (台账, M-3.4)."""

    number = serializers.CharField(source="request.number", read_only=True)
    request_id = serializers.IntegerField(source="request.pk", read_only=True)
    mode = serializers.CharField(source="request.mode", read_only=True)
    applying_unit = serializers.CharField(source="request.applying_unit", read_only=True)
    handler_name = serializers.CharField(source="request.handler_name", read_only=True)
    reason = serializers.CharField(source="request.reason", read_only=True)
    cameras = serializers.SerializerMethodField()
    copies = AccessCopySerializer(source="request.copy_list", many=True, read_only=True)
    approvals = RequestStepSerializer(source="request.approvals", many=True, read_only=True)

    class Meta:
        model = Retrieval
        fields = [
            "id",
            "request_id",
            "number",
            "mode",
            "applying_unit",
            "handler_name",
            "reason",
            "cameras",
            "span_from",
            "span_to",
            "custodian",
            "backup_location",
            "deviates",
            "recorded_at",
            "copies",
            "approvals",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_cameras(self, obj: Retrieval) -> list[int]:
        """The ids of the cameras retrieved, as the register prefetched them."""
        return [camera.pk for camera in obj.camera_list]


class AccessRegisterViewSet(viewsets.ReadOnlyModelViewSet):
    """The access register (台账, M-3.4): every recorded view and copy the caller may see
    (classified requests' outside their circle are neither listed nor counted)."""

    queryset = Retrieval.objects.none()
    permission_classes = [role_permission(*selectors.REGISTER_ROLES)]
    filterset_class = AccessRegisterFilterSet
    serializer_class = AccessRecordSerializer

    def get_queryset(self):
        return selectors.access_register(user=self.request.user)
