from django import forms
from django.utils.translation import gettext_lazy as _

from .inputs import URI_FIELDS
from .models import CAMERA_SETTING_FIELDS, Camera, Location, Recorder, Site
from .probe.targets import split_userinfo
from .selectors import recorder_list


class WorkOrderField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("work order"),
            max_length=64,
            help_text=_("Reference of the work order this change is made under."),
            **kwargs,
        )


class AddressField(forms.CharField):
    """A camera address (stream URI, ONVIF host). What was typed goes to the service, which
    moves any ``user:password@`` into the encrypted fields (M-1.1a); a form shown again after
    a refusal shows the address without it, so the password never comes back in the page."""

    def bound_data(self, data, initial):
        if not isinstance(data, str):
            return data
        plain = split_userinfo(data)[0]
        return "" if "@" in plain else plain  # a password the splitter could not isolate


class CameraForm(forms.ModelForm):
    """A vendor engineer's change of camera settings (M-1.3); credentials are separate."""

    work_order = WorkOrderField()

    class Meta:
        model = Camera
        fields = CAMERA_SETTING_FIELDS
        field_classes = {name: AddressField for name in ("onvif_host", *URI_FIELDS)}
        widgets = {
            "commissioned_on": forms.DateInput(attrs={"type": "date"}),
            "filed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.select_related("site")
        # Only the recorders the engineer's company maintains (M-1.3), as on the places page.
        self.fields["recorder"].queryset = recorder_list(user=user)
        self.fields["diagnosis_overrides"].required = False


class CameraOnboardForm(forms.Form):
    """Register a camera by ONVIF (device information and streams read from it) or by RTSP."""

    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=120)
    location = forms.ModelChoiceField(Location.objects.select_related("site"), label=_("location"))
    recorder = forms.ModelChoiceField(Recorder.objects.none(), label=_("recorder"), required=False)
    channel = forms.IntegerField(label=_("channel"), required=False, min_value=1)
    onvif_host = AddressField(label=_("ONVIF host"), required=False, max_length=255)
    onvif_port = forms.IntegerField(
        label=_("ONVIF port"), required=False, min_value=1, max_value=65535, initial=80
    )
    rtsp_uri = AddressField(
        label=_("RTSP URI"),
        required=False,
        max_length=500,
        help_text=_("Without user and password: enter them below."),
    )
    username = forms.CharField(label=_("device user"), required=False, max_length=120)
    password = forms.CharField(
        label=_("device password"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    commissioned_on = forms.DateField(
        label=_("commissioned on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    work_order = WorkOrderField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorder"].queryset = recorder_list(user=user)

    def clean(self):
        # The address rules (scheme, port, credentials) live in the services, for every path.
        data = super().clean()
        if not data.get("onvif_host") and not data.get("rtsp_uri"):
            raise forms.ValidationError(_("Give an ONVIF host or an RTSP URI."))
        return data


class CredentialsForm(forms.Form):
    username = forms.CharField(label=_("device user"), max_length=120)
    password = forms.CharField(
        label=_("device password"), widget=forms.PasswordInput(render_value=False)
    )
    work_order = WorkOrderField()


class CameraImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    work_order = WorkOrderField()


class SiteForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=120)
    address = forms.CharField(label=_("address"), max_length=200, required=False)


class LocationForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.all(), label=_("site"))
    building = forms.CharField(label=_("building"), max_length=120)
    floor = forms.CharField(label=_("floor"), max_length=20, required=False)
    area = forms.CharField(label=_("area"), max_length=120, required=False)
    area_kind = forms.ChoiceField(label=_("area kind"), choices=Location.AreaKind.choices)


class RecorderForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=32)
    name = forms.CharField(label=_("name"), max_length=120)
    site = forms.ModelChoiceField(Site.objects.all(), label=_("site"))
    host = forms.CharField(label=_("host"), max_length=255, required=False)
    channels = forms.IntegerField(label=_("channels"), min_value=1, max_value=512, initial=16)
