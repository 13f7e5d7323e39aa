from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import ShiftTemplate
from .services import CopySpan

SELECT = forms.Select(attrs={"class": "form-select"})
TEXT = forms.TextInput(attrs={"class": "form-control"})


class AssignForm(forms.Form):
    operator = forms.ModelChoiceField(
        queryset=selectors.operator_choices(), label=_("duty operator"), widget=SELECT
    )
    template = forms.ModelChoiceField(
        queryset=ShiftTemplate.objects.filter(active=True), label=_("shift"), widget=SELECT
    )
    day = forms.DateField(
        label=_("date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )


class CopyForm(forms.Form):
    span = forms.ChoiceField(
        label=_("copy"),
        choices=[
            (CopySpan.WEEK, _("the week from this day, to the week after")),
            (CopySpan.MONTH, _("this day's month, to the next month")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(
        label=_("from"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )


class ShiftTemplateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=80, widget=TEXT)
    start_time = forms.TimeField(
        label=_("start time"),
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}),
    )
    length_hours = forms.IntegerField(
        label=_("length (hours)"),
        min_value=1,
        max_value=24,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
