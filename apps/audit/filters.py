import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet

from .labels import actions_matching, target_types_matching
from .models import AuditEvent


class AuditEventFilterSet(FilterSet):
    """The register's and the API's filters (M-4.2). Each text filter matches the stored code
    and what the page shows for it: the actor's full name or username, the action's label,
    the target type's name."""

    actor = django_filters.CharFilter(method="filter_actor", label=_("actor"))
    action = django_filters.CharFilter(method="filter_action", label=_("action"))
    target = django_filters.CharFilter(method="filter_target", label=_("target"))
    clause = django_filters.CharFilter(lookup_expr="istartswith", label=_("clause"))
    date_from = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label=_("from date")
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label=_("to date")
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target", "clause", "date_from", "date_to"]

    def filter_actor(self, queryset, name, value):
        # actor_label is the username when the event was recorded (kept across renames).
        return queryset.filter(
            Q(actor_label__icontains=value)
            | Q(actor__username__icontains=value)
            | Q(actor__full_name__icontains=value)
        )

    def filter_action(self, queryset, name, value):
        return queryset.filter(Q(action__icontains=value) | Q(action__in=actions_matching(value)))

    def filter_target(self, queryset, name, value):
        return queryset.filter(
            Q(target_type__icontains=value)
            | Q(target_type__in=target_types_matching(value))
            | Q(target_id=value)
            | Q(target_label__icontains=value)
        )
