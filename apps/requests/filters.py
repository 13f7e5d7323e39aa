import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet
from apps.core.registers import LocalDateFilter

from .models import FootageRequest, Retrieval


class FootageRequestFilterSet(FilterSet):
    """Page and API alike; every filter is served by an index (state, type, mode, the unique
    number, created_at). Whatever is filtered, the selector's scope came first: a classified
    request is never counted for someone who may not see it (M-3.3.1(1))."""

    number = django_filters.CharFilter(field_name="number", label=_("number"))
    state = django_filters.ChoiceFilter(choices=FootageRequest.State.choices, label=_("state"))
    requester_type = django_filters.ChoiceFilter(
        choices=FootageRequest.RequesterType.choices, label=_("requester type")
    )
    mode = django_filters.ChoiceFilter(choices=FootageRequest.Mode.choices, label=_("mode"))
    date_from = LocalDateFilter(field_name="created_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="created_at", upto=True, label=_("to date"))
    awaiting_retrieval = django_filters.BooleanFilter(
        method="awaiting_retrieval_filter", label=_("awaiting retrieval")
    )

    class Meta:
        model = FootageRequest
        fields = [
            "number",
            "state",
            "requester_type",
            "mode",
            "date_from",
            "date_to",
            "awaiting_retrieval",
        ]

    def awaiting_retrieval_filter(self, queryset, name, value):
        """Approved, still good, not yet retrieved (M-1.1b; the state index serves it)."""
        from .selectors import retrieval_pending

        if value is None:
            return queryset
        pending = retrieval_pending(queryset)
        return pending if value else queryset.exclude(pk__in=pending.values("pk"))


class AccessRegisterFilterSet(FilterSet):
    """The access register's filters (M-3.4), each served by an index: the request's unique
    number and its mode index, the retrieval's time and its deviation flag. The selector's
    scope comes first (classified requests, M-3.3.1(1))."""

    number = django_filters.CharFilter(field_name="request__number", label=_("number"))
    mode = django_filters.ChoiceFilter(
        field_name="request__mode", choices=FootageRequest.Mode.choices, label=_("mode")
    )
    deviates = django_filters.BooleanFilter(label=_("outside the approval"))
    date_from = LocalDateFilter(field_name="recorded_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="recorded_at", upto=True, label=_("to date"))

    class Meta:
        model = Retrieval
        fields = ["number", "mode", "deviates", "date_from", "date_to"]
