import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet
from apps.core.registers import LocalDateFilter

from .models import FootageRequest


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

    class Meta:
        model = FootageRequest
        fields = ["number", "state", "requester_type", "mode", "date_from", "date_to"]
