"""Filters of the contract and ticket registers (page and API alike). Each is served by an
index of its model (models.py Meta.indexes)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.cameras.filters import camera_code_filter
from apps.core.filters import FilterSet

from . import selectors
from .models import FaultTicket, ServiceContract, Severity


def _vendors():
    return Department.objects.filter(kind=Department.Kind.MAINTENANCE_VENDOR)


class ServiceContractFilterSet(FilterSet):
    vendor = django_filters.ModelChoiceFilter(queryset=_vendors(), label=_("maintenance vendor"))
    expiring = django_filters.BooleanFilter(
        method="filter_expiring", label=_("ending within 30 days")
    )

    class Meta:
        model = ServiceContract
        fields = ["vendor", "expiring"]

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        soon = selectors.contracts_expiring(user=self.request.user).values("pk")
        return queryset.filter(pk__in=soon) if value else queryset.exclude(pk__in=soon)


class FaultTicketFilterSet(FilterSet):
    state = django_filters.ChoiceFilter(choices=FaultTicket.State.choices, label=_("state"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("not cleared yet"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("severity"))
    vendor = django_filters.ModelChoiceFilter(queryset=_vendors(), label=_("maintenance vendor"))
    camera = django_filters.CharFilter(method=camera_code_filter, label=_("camera"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("past the deadline"))

    class Meta:
        model = FaultTicket
        fields = ["state", "open", "severity", "vendor", "camera", "overdue"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(state__in=selectors.OPEN_STATES)
        return queryset.exclude(state__in=selectors.OPEN_STATES)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = selectors.ticket_overdue_q(now=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
