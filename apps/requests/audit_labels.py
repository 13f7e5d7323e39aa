"""Labels of the actions the footage-request services record, for the audit register (M-4.2)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.labels import action_labels_register

action_labels_register(
    {
        "requests.request_file": _("Footage request filed"),
        "requests.request_update": _("Footage request draft changed"),
        "requests.attachment_add": _("Document attached to a footage request"),
        "requests.request_submit": _("Footage request submitted"),
        "requests.step_approve": _("Footage request approved (one step)"),
        "requests.step_reject": _("Footage request rejected"),
        "requests.handler_id_reveal": _("Handler's ID number shown"),
        "requests.attachment_open": _("Footage request document opened"),
        "requests.policy_publish": _("Routing policy published"),
        "requests.custodian_assign": _("Footage custodian assigned to a request"),
        "requests.retrieval_record": _("Footage retrieval recorded"),
        "requests.result_report": _("Query result reported to the applicant"),
        "requests.copy_record": _("Footage copy handed over"),
        "requests.copy_acknowledge": _("Receipt of a footage copy acknowledged"),
        "requests.copy_verify": _("Footage copy checked against its SHA-256"),
        "requests.delegation_record": _("Approval delegated while the approver is away"),
        "requests.delegation_revoke": _("Approval delegation revoked"),
        "requests.copy_link_issue": _("Download link for a footage copy issued"),
        "requests.copy_link_revoke": _("Download link for a footage copy revoked"),
        "requests.copy_download": _("Footage copy downloaded"),
        "requests.copy_download_refused": _("Footage copy download refused"),
        "requests.request_pdf": _("Footage request form printed as PDF"),
        "requests.access_register_pdf": _("Footage access register printed as PDF"),
    }
)
