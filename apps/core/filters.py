"""The FilterSet base every register and API filter starts from.

Integer filters are bounded to what the database can compare (a signed 64-bit integer): a
number past that is a clear 400 ("Ensure this value is less than or equal to ..."), not an
OverflowError from the database driver (500)."""

import django_filters
from django import forms
from django.db import models
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

DB_INT_MIN = -(2**63)
DB_INT_MAX = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (ids, counts) within the database's integer range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", DB_INT_MIN)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(*args, **kwargs)


def bounded_defaults(defaults: dict) -> dict:
    """The filter defaults with every integer model field (ids included) filtered by
    IntegerFilter instead of an unbounded decimal."""
    bounded = dict(defaults)
    for field_class in list(defaults):
        if issubclass(field_class, models.IntegerField):
            bounded[field_class] = {"filter_class": IntegerFilter}
    bounded.setdefault(models.IntegerField, {"filter_class": IntegerFilter})
    return bounded


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = bounded_defaults(FILTER_FOR_DBFIELD_DEFAULTS)
