"""Footage requests over the API (M-3.3, M-3.5): list and detail, scoped as the pages are;
the handler's ID number only masked (PIPL); a classified request out of scope is 404 and is
not counted (M-3.3.1(1))."""

from rest_framework import serializers, viewsets

from apps.core.api.permissions import role_permission

from .. import selectors
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


class FootageRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Footage requests the caller may see (M-3.3); the route with each decision on detail."""

    queryset = FootageRequest.objects.none()
    permission_classes = [role_permission(*selectors.VIEW_ROLES)]
    filterset_class = FootageRequestFilterSet

    def get_queryset(self):
        qs = selectors.request_list(user=self.request.user).select_related("policy")
        if self.action == "retrieve":
            qs = qs.prefetch_related("steps__decided_by", "attachments")
        return qs.prefetch_related("cameras")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return FootageRequestDetailSerializer
        return FootageRequestSerializer
