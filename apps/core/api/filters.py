"""The API's filter backend: FilterSets built from ``filterset_fields`` get the same bounded
integer filters as the pages' (apps/core/filters.py)."""

from django_filters import rest_framework as drf_filters

from apps.core.filters import bounded_defaults


class ApiFilterSet(drf_filters.FilterSet):
    FILTER_DEFAULTS = bounded_defaults(drf_filters.FilterSet.FILTER_DEFAULTS)


class FilterBackend(drf_filters.DjangoFilterBackend):
    filterset_base = ApiFilterSet
