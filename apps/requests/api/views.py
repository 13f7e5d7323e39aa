"""Footage requests over the API (M-3.3, M-3.5): list and detail, scoped as the pages are;
the handler's ID number only masked (PIPL); a classified request out of scope is 404 and is
not counted (M-3.3.1(1))."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.permissions import role_permission

from .. import inputs, selectors, services
from ..filters import FootageRequestFilterSet
from ..models import FootageRequest, RequestAttachment, RequestStep


class RequestStepSerializer(serializers.ModelSerializer):
    decided_by_name = serializers.CharField(source="decided_by", read_only=True, default=None)
    role_label = serializers.CharField(read_only=True)

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


class FootageRequestDetailSerializer(FootageRequestSerializer):
    steps = RequestStepSerializer(many=True, read_only=True)
    attachments = RequestAttachmentSerializer(many=True, read_only=True)

    class Meta(FootageRequestSerializer.Meta):
        fields = [*FootageRequestSerializer.Meta.fields, "steps", "attachments"]


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


class FootageRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Footage requests the caller may see (M-3.3); the route with each decision on detail.
    POST files a draft (applicant: internal/student; security staff: law enforcement/
    external), then /attachments/, /submit/; /decide/ by the current step's approver."""

    queryset = FootageRequest.objects.none()
    permission_classes = [role_permission(*selectors.VIEW_ROLES)]
    filterset_class = FootageRequestFilterSet

    def get_permissions(self):
        # Writes by a role that may not make them are refused (403) before any lookup.
        roles = {
            "create": selectors.FILE_ROLES,
            "attachments": selectors.FILE_ROLES,
            "submit": selectors.FILE_ROLES,
            "decide": selectors.DECIDE_ROLES,
        }.get(self.action)
        if roles is not None:
            return [role_permission(*roles)()]
        return super().get_permissions()

    def _detail(self, footage_request: FootageRequest, **extra) -> dict:
        fresh = self.get_queryset().prefetch_related("steps__decided_by", "attachments")
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

    def get_queryset(self):
        qs = selectors.request_list(user=self.request.user).select_related("policy")
        if self.action != "list":
            qs = qs.prefetch_related("steps__decided_by", "attachments")
        return qs.prefetch_related("cameras")

    def get_serializer_class(self):
        if self.action == "list":
            return FootageRequestSerializer
        return FootageRequestDetailSerializer
