from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User

from . import selectors
from .models import AbnormalEvent, CenterEntry, ShiftTemplate
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


class EntryForm(forms.Form):
    """Someone comes into the monitoring center: a registered person, or a visitor with an ID
    document (M-1.2, M-4.1a)."""

    person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name", "username"),
        label=_("registered person"),
        required=False,
        widget=SELECT,
    )
    visitor_name = forms.CharField(
        label=_("or a visitor's name"), max_length=60, required=False, widget=TEXT
    )
    visitor_id_type = forms.ChoiceField(
        label=_("ID document type"),
        choices=[("", "—"), *CenterEntry.IdType.choices],
        required=False,
        widget=SELECT,
    )
    visitor_id_number = forms.CharField(
        label=_("ID document number"),
        max_length=40,
        required=False,
        widget=TEXT,
        help_text=_("Stored encrypted and shown masked."),
    )
    organisation = forms.CharField(
        label=_("organisation"), max_length=120, required=False, widget=TEXT
    )
    purpose = forms.CharField(label=_("purpose"), max_length=200, widget=TEXT)
    escort = forms.ModelChoiceField(
        queryset=selectors.authorised_people(),
        label=_("escorted by"),
        required=False,
        widget=SELECT,
        help_text=_("Required for anyone not on the authorised list."),
    )


class AccessGrantForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name", "username"),
        label=_("person"),
        widget=SELECT,
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False, widget=TEXT)


class HandoverForm(forms.Form):
    note = forms.CharField(
        label=_("handover note"),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
        help_text=_("What the next shift must know; the open items are added by the system."),
    )


class AbnormalEventForm(forms.Form):
    """What a duty operator saw (M-1.4): category, camera or location, time, description,
    action taken, the superior it was reported to."""

    category = forms.ChoiceField(
        label=_("category"), choices=[("", "—"), *AbnormalEvent.Category.choices], widget=SELECT
    )
    camera = forms.ModelChoiceField(queryset=None, label=_("camera"), required=False, widget=SELECT)
    location = forms.CharField(
        label=_("or the location"), max_length=200, required=False, widget=TEXT
    )
    occurred_at = forms.DateTimeField(
        label=_("time seen"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    description = forms.CharField(
        label=_("what was seen"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )
    action_taken = forms.CharField(
        label=_("action taken"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )
    reported_to = forms.ModelChoiceField(queryset=None, label=_("reported to"), widget=SELECT)

    def __init__(self, *args, user, **kwargs):
        from apps.cameras.models import Camera
        from apps.cameras.selectors import camera_list

        from .abnormal import superior_choices

        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = (
            camera_list(user=user).filter(status=Camera.Status.ACTIVE).order_by("code")
        )
        self.fields["reported_to"].queryset = superior_choices().exclude(pk=user.pk)


LOCAL_DATETIME = {
    "widget": forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
    ),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
}


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("incident"), max_length=200, widget=TEXT)
    occurred_at = forms.DateTimeField(label=_("time it happened"), **LOCAL_DATETIME)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )


class HoldForm(forms.Form):
    """Cameras × time range whose footage is kept (M-1.5)."""

    cameras = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("cameras"),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )
    starts_at = forms.DateTimeField(label=_("footage from"), **LOCAL_DATETIME)
    ends_at = forms.DateTimeField(label=_("footage to"), **LOCAL_DATETIME)

    def __init__(self, *args, user, **kwargs):
        from apps.cameras.selectors import camera_list

        super().__init__(*args, **kwargs)
        self.fields["cameras"].queryset = camera_list(user=user).order_by("code")


class HoldLiftForm(forms.Form):
    reason = forms.CharField(label=_("reason for lifting"), max_length=500, widget=TEXT)
