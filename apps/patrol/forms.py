from django import forms
from django.utils.translation import gettext_lazy as _

from apps.cameras.models import Site

from .models import PatrolCheck


class PatrolStartForm(forms.Form):
    site = forms.ModelChoiceField(
        Site.objects.all(), required=False, label=_("site"), empty_label=_("All sites")
    )


class CheckReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("review"),
        choices=[
            (PatrolCheck.Review.CONFIRMED_FAULT, PatrolCheck.Review.CONFIRMED_FAULT.label),
            (PatrolCheck.Review.FALSE_ALARM, PatrolCheck.Review.FALSE_ALARM.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("review note"), required=False, max_length=2000, widget=forms.TextInput
    )


class RunSignForm(forms.Form):
    note = forms.CharField(
        label=_("countersignature note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
