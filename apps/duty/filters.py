from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, IntegerFilter
from apps.core.registers import LocalDateFilter

from .models import RosterAssignment


class AssignmentFilterSet(FilterSet):
    """The roster by local days (over starts_at, which the index serves), person and shift.
    Page and API alike (M-1.2)."""

    date_from = LocalDateFilter(field_name="starts_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="starts_at", upto=True, label=_("to date"))
    operator = IntegerFilter(field_name="operator_id", label=_("duty operator"))
    template = IntegerFilter(field_name="template_id", label=_("shift"))

    class Meta:
        model = RosterAssignment
        fields = ["date_from", "date_to", "operator", "template"]
