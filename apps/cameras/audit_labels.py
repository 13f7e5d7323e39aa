"""Labels of the actions the camera services record, for the audit register (M-4.2)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.labels import action_labels_register, target_kinds_register

action_labels_register(
    {
        "cameras.camera_create": _("Camera registered"),
        "cameras.camera_update": _("Camera settings changed"),
        "cameras.credentials_replace": _("Device credentials replaced"),
        "cameras.reference_set": _("Reference picture set"),
        "cameras.site_create": _("Site created"),
        "cameras.location_create": _("Location created"),
        "cameras.recorder_create": _("Recorder registered"),
        "cameras.camera_down": _("Camera fault began"),
        "cameras.camera_fault_change": _("Camera fault changed"),
        "cameras.camera_up": _("Camera fault ended"),
        "cameras.false_alarm_clear": _("Fault cleared as a false alarm"),
        "cameras.import": _("Cameras imported"),
    }
)
target_kinds_register({"file": _("file")})
