import json

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.exceptions import RuleViolation

from . import inputs
from .models import FootageCopy, FootageRequest, RequestAttachment
from .selectors import camera_choices, file_types, retrieval_camera_choices


class CameraChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, camera) -> str:
        return f"{camera.code} {camera.name} — {camera.location.site} {camera.location}"


class FootageRequestForm(forms.Form):
    """The paper form's fields in its order (M-3.5); number and date come on submission."""

    requester_type = forms.ChoiceField(label=_("requester type"))
    applying_unit = forms.CharField(
        label=_("applying unit"),
        max_length=120,
        required=False,
        help_text=_("An internal request: your department, if left empty."),
    )
    handler_name = forms.CharField(label=_("handler name"), max_length=60)
    handler_id_type = forms.ChoiceField(
        label=_("ID document type"), choices=FootageRequest.IdType.choices
    )
    handler_id_number = forms.CharField(
        label=_("ID document number"),
        max_length=40,
        help_text=_("Stored encrypted and shown masked (1101**********1234)."),
    )
    mode = forms.ChoiceField(
        label=_("mode"), choices=FootageRequest.Mode.choices, widget=forms.RadioSelect
    )
    cameras = CameraChoiceField(
        label=_("cameras"),
        queryset=camera_choices(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    place_detail = forms.CharField(label=_("detailed place"), max_length=200, required=False)
    span_from = forms.DateTimeField(
        label=_("footage from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    span_to = forms.DateTimeField(
        label=_("footage to"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    classified = forms.BooleanField(
        label=_("classified (涉密)"),
        required=False,
        help_text=_("The reason then reads only 涉密案(事)件 (M-3.3.1(1)); do not write it."),
    )
    special = forms.BooleanField(
        label=_("special case"),
        required=False,
        help_text=_("The leader-in-charge also approves (M-3.3.1(4))."),
    )

    def __init__(self, *args, user: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # the stored number is never shown back; empty keeps it
            self.fields["handler_id_number"].required = False
            self.fields["handler_id_number"].help_text = _(
                "Stored encrypted; leave empty to keep the number given before."
            )
        allowed = set(file_types(user=user))
        self.fields["requester_type"].choices = [
            choice for choice in FootageRequest.RequesterType.choices if choice[0] in allowed
        ]

    def clean_handler_id_number(self) -> str:
        number = self.cleaned_data["handler_id_number"]
        id_type = self.data.get("handler_id_type")
        if not number and not self.fields["handler_id_number"].required:
            return ""
        if id_type not in FootageRequest.IdType.values:
            return number  # the type field says what is wrong
        try:
            return inputs.id_number_clean(id_type, number)
        except RuleViolation as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self):
        data = super().clean()
        if not data.get("classified") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the request."))
        start, end = data.get("span_from"), data.get("span_to")
        if start and end:
            try:
                inputs.span_check(inputs.to_minute(start), inputs.to_minute(end))
            except RuleViolation as exc:
                self.add_error("span_to", exc.message)
        return data


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=RequestAttachment.Kind.choices)
    file = forms.FileField(
        label=_("file"), help_text=_("PDF, JPEG or PNG, judged by the file's content.")
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    password = forms.CharField(
        label=_("your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("A college leader's approval is signed afresh with the password."),
    )

    def __init__(self, *args, needs_password: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_password:
            del self.fields["password"]


class RoutingPolicyForm(forms.Form):
    rules = forms.CharField(
        label=_("rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace", "spellcheck": "false"}),
        max_length=20000,
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def clean_rules(self) -> dict:
        try:
            return json.loads(self.cleaned_data["rules"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: line %(line)d, column %(column)d (%(message)s).")
                % {"line": exc.lineno, "column": exc.colno, "message": exc.msg}
            ) from None


class CustodianAssignForm(forms.Form):
    """Who retrieves an approved request (M-1.1b)."""

    custodian = forms.ModelChoiceField(label=_("footage custodian"), queryset=None)

    def __init__(self, *args, **kwargs):
        from .selectors import custodian_choices

        super().__init__(*args, **kwargs)
        self.fields["custodian"].queryset = custodian_choices()


class RetrievalForm(forms.Form):
    """What the custodian actually retrieved (M-3.3.1(3)); beyond the approval needs a reason."""

    cameras = CameraChoiceField(
        label=_("cameras retrieved"),
        queryset=retrieval_camera_choices(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    span_from = forms.DateTimeField(
        label=_("retrieved from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    span_to = forms.DateTimeField(
        label=_("retrieved to"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    backup_location = forms.CharField(
        label=_("backup kept at"),
        max_length=200,
        help_text=_("Where the backed-up footage is kept (M-3.3.1(3))."),
    )
    deviation_reason = forms.CharField(
        label=_("reason for the deviation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if cameras or times beyond the approval were retrieved; "
            "the security chief is told."
        ),
    )


class ResultForm(forms.Form):
    query_result = forms.CharField(
        label=_("query result"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short account of the case the footage concerns; the applicant is told."),
    )


class CopyForm(forms.Form):
    """One exported file handed over (M-3.4)."""

    file = forms.FileField(
        label=_("exported file"),
        required=False,
        help_text=_("Its SHA-256 is computed; the file is not kept."),
    )
    sha256 = forms.CharField(
        label=_("SHA-256"),
        required=False,
        max_length=80,
        help_text=_("Or enter it (64 hexadecimal characters); it can be verified later."),
    )
    file_name = forms.CharField(label=_("file name"), required=False, max_length=200)
    medium = forms.ChoiceField(label=_("medium"), choices=FootageCopy.Medium.choices)
    recipient = forms.CharField(label=_("recipient"), max_length=120)
    destination = forms.CharField(label=_("destination (去向)"), max_length=200)
    handed_over_at = forms.DateTimeField(
        label=_("handed over at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("file to check"))


class DelegationForm(forms.Form):
    """An approver away (M-3.3): who stands in, for which role, from–to, why."""

    principal = forms.ModelChoiceField(label=_("approver away"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("role delegated"))
    delegate = forms.ModelChoiceField(label=_("delegate"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=_("from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("to"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, by: User, **kwargs):
        from apps.accounts.models import Role

        from .delegation import DELEGATE_RULES, delegate_choices, principal_choices

        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = principal_choices(by=by)
        self.fields["principal"].initial = by.pk
        self.fields["delegate"].queryset = delegate_choices()
        self.fields["role"].choices = [(role, Role(role).label) for role in DELEGATE_RULES]


class DownloadLinkForm(forms.Form):
    """A download link for a copy (M-3.4): the exported file again, and who may fetch it."""

    file = forms.FileField(
        label=_("exported file"),
        help_text=_(
            "The same file as recorded (its SHA-256 is checked); kept until the link ends."
        ),
    )
    recipient = forms.ModelChoiceField(label=_("recipient's account"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        from .links import recipient_choices

        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipient_choices()
