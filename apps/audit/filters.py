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
# The accounts app's record of an edit of a person (before/after per field, M-1.1).
USER_UPDATE_ACTION = "accounts.user_update"


def renamed_from(text: str) -> set[int]:
    """Ids of people who once had a username containing ``text``, read from the chain's own
    record of renames (``accounts.user_update`` events keep ``changes.username`` as
    [before, after]): events they made before the rename carry the old name in actor_label.
    A few events per edit of a person, found through the (action, -sequence) index."""
    needle = text.casefold()
    found = set()
    edits = AuditEvent.objects.filter(
        action=USER_UPDATE_ACTION, data__changes__has_key="username"
    ).values_list("target_id", "data")
    for target_id, data in edits:
        before = (data.get("changes", {}).get("username") or [""])[0] or ""
        if needle in str(before).casefold() and str(target_id).isdigit():
            found.add(int(target_id))
    return found


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
        # Who acted, by their name now or a username they had (actor_label keeps the username
        # at the time; every rename is in the chain, see renamed_from). As ids the
        # (actor, -sequence) index serves alone: OR-ing a trigram match on actor_label read
        # each matching event's row to count them (issue 15: the count grew with the events).
        people = AuditEvent._meta.get_field("actor").related_model._default_manager.filter(
            Q(username__icontains=value) | Q(full_name__icontains=value)
        )
        ids = set(people.values_list("pk", flat=True)[: PEOPLE_AS_VALUES + 1])
        if len(ids) > PEOPLE_AS_VALUES:
            return queryset.filter(
                Q(actor__in=people.values("pk")) | Q(actor__in=renamed_from(value))
            )
        return queryset.filter(actor__in=sorted(ids | renamed_from(value)))

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
