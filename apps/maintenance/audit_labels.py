"""Labels of the actions the maintenance services record, for the audit register (M-4.2)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.labels import action_labels_register

action_labels_register(
    {
        "maintenance.contract_create": _("Service contract registered"),
        "maintenance.ticket_open": _("Fault ticket opened"),
        "maintenance.ticket_acknowledge": _("Fault ticket acknowledged by the vendor"),
        "maintenance.ticket_on_site": _("Vendor on site for a fault ticket"),
        "maintenance.ticket_clear": _("Fault ticket cleared by the vendor"),
        "maintenance.ticket_verify": _("Fault ticket verified"),
        "maintenance.ticket_reopen": _("Fault ticket reopened"),
        "maintenance.ticket_close": _("Fault ticket closed"),
        "maintenance.ticket_pause_start": _("Fault ticket clock paused"),
        "maintenance.ticket_pause_end": _("Fault ticket clock resumed"),
        "maintenance.ticket_severity_raise": _("Fault ticket severity raised"),
        "maintenance.ticket_assign": _("Vendor assigned to a fault ticket"),
        "maintenance.ticket_note": _("Note added to a fault ticket"),
        "maintenance.ticket_sla_warning": _(
            "Fault ticket at 80 percent of its allowance: vendor and security office notified"
        ),
        "maintenance.daylog_entry_add": _("O&M log entry added"),
        "maintenance.daylog_sign": _("O&M log day countersigned"),
        "maintenance.daylog_addendum_add": _("Addendum to a countersigned O&M log day added"),
        "maintenance.daylog_addendum_sign": _("Addendum to an O&M log day signed"),
        "maintenance.daylog_pdf": _("O&M log printed as PDF"),
        "maintenance.sla_report_pdf": _("Vendor SLA report printed as PDF"),
        "maintenance.daylog_overdue": _(
            "O&M log day not countersigned 24 h after its end: security office notified"
        ),
        "maintenance.function_test_marker": _(
            "Weekly function test started: marker event of the logging test"
        ),
        "maintenance.function_test_sign": _("Weekly function test signed"),
        "maintenance.ticket_sla_breach": _(
            "Fault ticket past its deadline: security chief notified"
        ),
    }
)
