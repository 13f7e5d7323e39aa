from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from apps.core.api.permissions import role_permission

from .. import selectors
from ..filters import AuditEventFilterSet
from ..labels import action_label, actor_name, target_type_label
from ..models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    """The hashed fields as stored, plus what the register page shows for them (not hashed:
    labels follow the request's language)."""

    actor_name = serializers.SerializerMethodField()
    action_label = serializers.SerializerMethodField()
    target_type_label = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "sequence",
            "occurred_at",
            "actor",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "clause",
            "data",
            "prev_hash",
            "hash",
            "actor_name",
            "action_label",
            "target_type_label",
        ]

    @extend_schema_field(str)
    def get_actor_name(self, event: AuditEvent) -> str:
        return actor_name(event)

    @extend_schema_field(str)
    def get_action_label(self, event: AuditEvent) -> str:
        return action_label(event.action)

    @extend_schema_field(str)
    def get_target_type_label(self, event: AuditEvent) -> str:
        return target_type_label(event.target_type)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit chain, read-only, for auditors (M-4.2)."""

    queryset = AuditEvent.objects.none()  # for the schema; requests use the selector
    serializer_class = AuditEventSerializer
    permission_classes = [role_permission(*selectors.AUDIT_READER_ROLES)]
    filterset_class = AuditEventFilterSet
    lookup_field = "sequence"

    def get_queryset(self):
        return selectors.event_list(user=self.request.user)
