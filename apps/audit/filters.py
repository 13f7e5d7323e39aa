import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet
from apps.core.registers import LocalDateFilter

from .labels import actions_matching, target_types_matching
from .models import AuditEvent


class AuditEventFilterSet(FilterSet):
    """The register's and the API's filters (M-4.2). Each text filter matches the stored code
    and what the page shows for it: the actor's full name or username, the action's label,
    the target type's name.

    At a million events (issue 15) each expression is one an index serves: text parts as
    ``icontains`` on the event's own columns (pg_trgm GIN indexes on PostgreSQL, migration
    0003), names of people as a subquery over the user table instead of an OR across a join,
    the clause as a case-insensitive prefix of the upper-case code, dates as a local-day
    range."""

    actor = django_filters.CharFilter(method="filter_actor", label=_("actor"))
    action = django_filters.CharFilter(method="filter_action", label=_("action"))
    target = django_filters.CharFilter(method="filter_target", label=_("target"))
    clause = django_filters.CharFilter(method="filter_clause", label=_("clause"))
    date_from = LocalDateFilter(field_name="occurred_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="occurred_at", upto=True, label=_("to date"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "target", "clause", "date_from", "date_to"]

    def filter_actor(self, queryset, name, value):
        # actor_label is the username when the event was recorded (kept across renames).
        people = AuditEvent._meta.get_field("actor").related_model._default_manager.filter(
            Q(username__icontains=value) | Q(full_name__icontains=value)
        )
        return queryset.filter(Q(actor_label__icontains=value) | Q(actor__in=people.values("pk")))

    def filter_action(self, queryset, name, value):
        return queryset.filter(Q(action__icontains=value) | Q(action__in=actions_matching(value)))

    def filter_clause(self, queryset, name, value):
        # Clause codes are stored upper-case (M-3.4): a plain prefix the index can range over.
        return queryset.filter(clause__startswith=value.strip().upper())

    def filter_target(self, queryset, name, value):
        return queryset.filter(
            Q(target_type__icontains=value)
            | Q(target_type__in=target_types_matching(value))
            | Q(target_id=value)
            | Q(target_label__icontains=value)
        )
