import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet
from apps.core.registers import LocalDateFilter

from . import labels
from .labels import actions_matching, target_types_matching
from .models import AuditEvent

# Up to this many people matching an actor search are passed as ids (see filter_actor).
PEOPLE_AS_VALUES = 500


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
        # The people's ids as values, read first: a list the actor index and the trigram
        # index on actor_label can OR together; a subquery makes PostgreSQL scan every event.
        ids = list(people.values_list("pk", flat=True)[: PEOPLE_AS_VALUES + 1])
        matched = (
            Q(actor__in=people.values("pk")) if len(ids) > PEOPLE_AS_VALUES else Q(actor__in=ids)
        )
        return queryset.filter(Q(actor_label__icontains=value) | matched)

    def filter_action(self, queryset, name, value):
        # Declared actions whose code or label holds the text, as exact codes the
        # (action, -sequence) index serves; only text that names no declared action (an
        # undeclared code) is searched for inside every event's code.
        codes = actions_matching(value)
        codes += [code for code in labels._ACTIONS if value.casefold() in code.casefold()]
        if codes:
            return queryset.filter(action__in=sorted({*codes, value}))
        return queryset.filter(action__icontains=value)

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
