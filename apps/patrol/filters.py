import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, IntegerFilter

from .models import PatrolCheck, PatrolRun


class PatrolRunFilterSet(FilterSet):
    state = django_filters.ChoiceFilter(choices=PatrolRun.State.choices, label=_("state"))
    date_from = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__gte", label=_("from date")
    )
    date_to = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__lte", label=_("to date")
    )

    class Meta:
        model = PatrolRun
        fields = ["state", "date_from", "date_to"]


class PatrolCheckFilterSet(FilterSet):
    verdict = django_filters.ChoiceFilter(choices=PatrolCheck.Verdict.choices, label=_("verdict"))
    camera = django_filters.CharFilter(
        field_name="camera__code", lookup_expr="icontains", label=_("camera")
    )
    run = IntegerFilter(field_name="run_id", label=_("patrol run"))

    class Meta:
        model = PatrolCheck
        fields = ["run", "camera", "verdict"]
