"""Labels of the actions the duty services record, for the audit register (M-4.2)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.labels import action_labels_register

action_labels_register(
    {
        "duty.template_create": _("Shift template created"),
        "duty.roster_assign": _("Duty operator put on the roster"),
        "duty.roster_unassign": _("Duty operator taken off the roster"),
        "duty.roster_copy": _("Roster copied forward"),
        "duty.roster_pdf": _("Month roster printed as PDF"),
        "duty.shift_check_in": _("Duty operator checked in"),
        "duty.shift_check_out": _("Duty operator checked out"),
        "duty.access_grant": _("Authorised to enter the monitoring center"),
        "duty.access_revoke": _("Authorisation to enter the monitoring center revoked"),
        "duty.entry_in": _("Entered the monitoring center"),
        "duty.entry_out": _("Left the monitoring center"),
        "duty.handover_write": _("Shift handed over"),
        "duty.handover_acknowledge": _("Shift handover acknowledged"),
        "duty.abnormal_report": _("Abnormal event reported"),
        "duty.abnormal_acknowledge": _("Abnormal event acknowledged"),
        "duty.abnormal_escalate": _("Abnormal event escalated to the security chief"),
        "duty.incident_open": _("Incident recorded"),
        "duty.hold_place": _("Preservation hold placed"),
        "duty.hold_lift": _("Preservation hold lifted"),
    }
)
