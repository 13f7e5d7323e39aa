import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", label=_("actor")
    )
    action = django_filters.CharFilter(lookup_expr="icontains", label=_("action"))
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

    def filter_target(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(target_type__icontains=value) | Q(target_id=value) | Q(target_label__icontains=value)
        )
