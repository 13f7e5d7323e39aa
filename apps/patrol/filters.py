import django_filters
from django.utils.translation import gettext_lazy as _

from apps.cameras.models import Camera
from apps.core.filters import FilterSet, IntegerFilter
from apps.core.registers import LocalDateFilter

from .models import FaultRecord, PatrolCheck, PatrolRun

# Up to this many cameras matching a code search are passed as ids (see _camera_code_filter).
CAMERAS_AS_VALUES = 500


def _camera_code_filter(queryset, name, value):
    """Part of a camera code, as ids of the matching cameras, read first: the checks or
    records are then read by their camera index. As a subquery, PostgreSQL cannot tell how
    few cameras match and walks the list's order index testing every row (issue 15)."""
    cameras = Camera.objects.filter(code__icontains=value).values_list("pk", flat=True)
    ids = list(cameras[: CAMERAS_AS_VALUES + 1])
    return queryset.filter(camera_id__in=cameras if len(ids) > CAMERAS_AS_VALUES else ids)


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
    camera = django_filters.CharFilter(method=_camera_code_filter, label=_("camera"))
    run = IntegerFilter(field_name="run_id", label=_("patrol run"))

    class Meta:
        model = PatrolCheck
        fields = ["run", "camera", "verdict"]


class FaultRecordFilterSet(FilterSet):
    open = django_filters.BooleanFilter(
        field_name="cleared_at", lookup_expr="isnull", label=_("not cleared yet")
    )
    camera = django_filters.CharFilter(method=_camera_code_filter, label=_("camera"))

    class Meta:
        model = FaultRecord
        fields = ["open", "camera"]
