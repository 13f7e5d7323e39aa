from rest_framework import serializers, viewsets

from apps.core.api.permissions import role_permission

from .. import selectors
from ..filters import AuditEventFilterSet
from ..models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
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
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit chain, read-only, for auditors (M-4.2)."""

    queryset = AuditEvent.objects.none()  # for the schema; requests use the selector
    serializer_class = AuditEventSerializer
    permission_classes = [role_permission(*selectors.AUDIT_READER_ROLES)]
    filterset_class = AuditEventFilterSet
    lookup_field = "sequence"

    def get_queryset(self):
        return selectors.event_list(user=self.request.user)
