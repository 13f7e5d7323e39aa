import django_filters
from django.utils.translation import gettext_lazy as _

from apps.cameras.filters import camera_code_filter
from apps.core.filters import FilterSet, IntegerFilter
from apps.core.registers import LocalDateFilter

from .models import FaultRecord, PatrolCheck, PatrolRun


class PatrolRunFilterSet(FilterSet):
    """Daily patrols unless asked for re-checks (or both): a re-check of one camera is not the
    day's patrol record (M-2.1). Page and API alike."""

    KIND_ALL = "all"
    kind = django_filters.ChoiceFilter(
        choices=[*PatrolRun.Kind.choices, (KIND_ALL, _("Daily patrols and re-checks"))],
        empty_label=None,
        method="filter_kind",
        label=_("kind"),
    )
    state = django_filters.ChoiceFilter(choices=PatrolRun.State.choices, label=_("state"))
    # Local days as a range over started_at (issue 15): the index serves it, a __date cast not.
    date_from = LocalDateFilter(field_name="started_at", label=_("from date"))
    date_to = LocalDateFilter(field_name="started_at", upto=True, label=_("to date"))

    class Meta:
        model = PatrolRun
        fields = ["kind", "state", "date_from", "date_to"]

    def filter_kind(self, queryset, name, value):
        return queryset if value == self.KIND_ALL else queryset.filter(kind=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("kind"):  # no kind asked for: the daily runs
            queryset = queryset.filter(kind=PatrolRun.Kind.DAILY)
        return queryset


class PatrolCheckFilterSet(FilterSet):
    verdict = django_filters.ChoiceFilter(choices=PatrolCheck.Verdict.choices, label=_("verdict"))
    camera = django_filters.CharFilter(method=camera_code_filter, label=_("camera"))
    run = IntegerFilter(field_name="run_id", label=_("patrol run"))

    class Meta:
        model = PatrolCheck
        fields = ["run", "camera", "verdict"]


class FaultRecordFilterSet(FilterSet):
    open = django_filters.BooleanFilter(
        field_name="cleared_at", lookup_expr="isnull", label=_("not cleared yet")
    )
    camera = django_filters.CharFilter(method=camera_code_filter, label=_("camera"))

    class Meta:
        model = FaultRecord
        fields = ["open", "camera"]
