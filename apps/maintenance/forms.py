from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.cameras.models import Camera, Location

from .documents import DOCUMENT_MAX_BYTES
from .models import DayLogEntry, ServiceContract, Severity, TicketPause


class ContractForm(forms.ModelForm):
    class Meta:
        model = ServiceContract
        fields = [
            "vendor",
            "number",
            "starts_on",
            "ends_on",
            "general_hours",
            "major_hours",
            "contacts",
            "document",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "contacts": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "general_hours": _("At most 6 h (Measures M-2.4)."),
            "major_hours": _("At most 24 h (Measures M-2.4)."),
            "document": _("PDF, JPEG or PNG, at most %(mb)d MB.")
            % {"mb": DOCUMENT_MAX_BYTES // 2**20},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Department.objects.filter(
            kind=Department.Kind.MAINTENANCE_VENDOR
        )
        self.fields["document"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"

    def _post_clean(self):
        pass  # no model validation: contract_create checks everything and saves


class TicketOpenForm(forms.Form):
    camera = forms.ModelChoiceField(
        label=_("camera"), queryset=Camera.objects.none(), required=False
    )
    location = forms.ModelChoiceField(
        label=_("location"), queryset=Location.objects.none(), required=False
    )
    occurred_at = forms.DateTimeField(
        label=_("time it happened"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    symptom = forms.CharField(label=_("symptom"), max_length=300)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)

    def __init__(self, *args, cameras=None, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = cameras if cameras is not None else Camera.objects.none()
        self.fields["location"].queryset = (
            locations if locations is not None else Location.objects.none()
        )
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class TicketNoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TicketClearForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    before_photo = forms.FileField(label=_("photo before"), required=False)
    after_photo = forms.FileField(label=_("photo after"), required=False)


class TicketPauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=TicketPause.Reason.choices)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TicketAssignForm(forms.Form):
    vendor = forms.ModelChoiceField(
        label=_("maintenance vendor"),
        queryset=Department.objects.filter(kind=Department.Kind.MAINTENANCE_VENDOR),
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


TICKET_ACTION_LABELS = {
    "acknowledge": _("Acknowledge"),
    "on_site": _("Arrived on site"),
    "clear": _("Mark cleared"),
    "verify": _("Verify: the camera works"),
    "reopen": _("Reopen"),
    "close": _("Close"),
    "pause_start": _("Pause the clock"),
    "pause_end": _("End the pause"),
    "severity_raise": _("Raise to major fault"),
    "assign": _("Assign to a vendor"),
    "note": _("Add a note"),
}


class DayLogEntryForm(forms.Form):
    """A shift's entry of the O&M log (M-2.2)."""

    shift = forms.ChoiceField(label=_("shift"), choices=DayLogEntry.Shift.choices)
    system_condition = forms.CharField(
        label=_("system condition"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    events = forms.CharField(
        label=_("events"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )
    faults = forms.CharField(
        label=_("faults seen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    actions = forms.CharField(
        label=_("actions taken"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class DayLogSignForm(forms.Form):
    note = forms.CharField(
        label=_("countersignature note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class DayLogAddendumForm(forms.Form):
    text = forms.CharField(
        label=_("correction"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class FunctionTestSignForm(forms.Form):
    """The retrieval's result of the weekly function test (M-2.1)."""

    retrieval_ok = forms.TypedChoiceField(
        label=_("footage retrieved"),
        choices=[("yes", _("Yes, the footage was found and played")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    retrieval_note = forms.CharField(
        label=_("retrieval result"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
