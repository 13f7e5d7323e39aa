import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, IntegerFilter
from apps.core.registers import LocalDateFilter

from .models import AbnormalEvent, CenterEntry, Handover, RosterAssignment
from .selectors import Attendance, attendance_q


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


class AttendanceFilterSet(AssignmentFilterSet):
    """The shifts' check-ins by where they stand now: late, missed, not yet checked in…"""

    attendance = django_filters.ChoiceFilter(
        label=_("check-in"),
        method="filter_attendance",
        choices=[
            (Attendance.MISSED, _("missed")),
            (Attendance.LATE, _("late")),
            (Attendance.OVERDUE, _("not checked in yet")),
            (Attendance.ON_TIME, _("on time")),
            (Attendance.UPCOMING, _("not started")),
        ],
    )

    class Meta(AssignmentFilterSet.Meta):
        fields = [*AssignmentFilterSet.Meta.fields, "attendance"]

    def filter_attendance(self, queryset, name, value):
        return queryset.filter(attendance_q(value, now=timezone.now()))


class EntryFilterSet(FilterSet):
    """The entry register: still inside, not authorised (flagged to the chief), by local days."""

    inside = django_filters.BooleanFilter(
        field_name="left_at", lookup_expr="isnull", label=_("still inside")
    )
    authorised = django_filters.BooleanFilter(field_name="authorised", label=_("authorised"))
    date_from = LocalDateFilter(field_name="entered_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="entered_at", upto=True, label=_("to date"))

    class Meta:
        model = CenterEntry
        fields = ["inside", "authorised", "date_from", "date_to"]


class HandoverFilterSet(FilterSet):
    """The handovers: waiting for acknowledgement, by local days (M-1.2)."""

    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True, label=_("acknowledged")
    )
    date_from = LocalDateFilter(field_name="written_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="written_at", upto=True, label=_("to date"))

    class Meta:
        model = Handover
        fields = ["acknowledged", "date_from", "date_to"]


class AbnormalEventFilterSet(FilterSet):
    """The abnormal events: category, acknowledged, escalated, by local days (M-1.4)."""

    category = django_filters.ChoiceFilter(
        choices=AbnormalEvent.Category.choices, label=_("category")
    )
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True, label=_("acknowledged")
    )
    escalated = django_filters.BooleanFilter(
        field_name="escalated_at", lookup_expr="isnull", exclude=True, label=_("escalated")
    )
    date_from = LocalDateFilter(field_name="reported_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="reported_at", upto=True, label=_("to date"))

    class Meta:
        model = AbnormalEvent
        fields = ["category", "acknowledged", "escalated", "date_from", "date_to"]
