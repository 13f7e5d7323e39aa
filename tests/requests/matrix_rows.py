"""The footage requests' rows of the role × URL table (M-1.2, M-3.1, M-3.3).

The world files its requests through the services as the users the table logs in
(``matrix-applicant``, made here first with an internal department; the table's login finds
them by name). Each write acts on its own request, so one row's success never changes
another's.
"""

import hashlib
import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import Department, Role
from apps.requests.routing import DEFAULT_RULES
from tests.core.matrix import EVERYONE, Row, _get
from tests.factories import DepartmentFactory, UserFactory
from tests.requests.helpers import PDF, VALID_ID, approved, filed

VIEW = frozenset(
    {
        Role.APPLICANT,
        Role.DEPARTMENT_HEAD,
        Role.SECURITY_STAFF,
        Role.SECURITY_CHIEF,
        Role.FOOTAGE_CUSTODIAN,
        Role.LEADER_IN_CHARGE,
        Role.PRINCIPAL_LEADER,
        Role.AUDITOR,
    }
)
FILERS = frozenset({Role.APPLICANT, Role.SECURITY_STAFF})
DECIDERS = frozenset(
    {
        Role.DEPARTMENT_HEAD,
        Role.SECURITY_STAFF,
        Role.SECURITY_CHIEF,
        Role.LEADER_IN_CHARGE,
        Role.PRINCIPAL_LEADER,
    }
)
REVEALERS = frozenset({Role.SECURITY_STAFF, Role.SECURITY_CHIEF})
# Who sees a submitted student request (no department, the security chief's route): the
# filer, the security office, custodians and auditors. For the others it is out of scope.
STUDENT_SEERS = frozenset(
    {Role.APPLICANT, Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.FOOTAGE_CUSTODIAN, Role.AUDITOR}
)
STUDENT_HIDDEN = frozenset({Role.DEPARTMENT_HEAD, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER})
# The access register (台账, M-3.4) and who assigns or verifies (M-1.1b, M-3.4).
REGISTER = frozenset(
    {Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.FOOTAGE_CUSTODIAN, Role.AUDITOR}
)
ASSIGNERS = frozenset({Role.SECURITY_STAFF, Role.SECURITY_CHIEF, Role.FOOTAGE_CUSTODIAN})
CUSTODIAN = frozenset({Role.FOOTAGE_CUSTODIAN})
VERIFIERS = ASSIGNERS
MATRIX_SHA256 = "ab" * 32
# Who records delegations (M-3.3): for themselves; the security chief also for others.
DELEGATORS = frozenset(
    {Role.DEPARTMENT_HEAD, Role.SECURITY_CHIEF, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER}
)
SEE_ALL_DELEGATIONS = frozenset({Role.SECURITY_CHIEF, Role.AUDITOR})


def _form(requester_type: str):
    def data(world: dict) -> dict:
        end = timezone.localtime() - timedelta(days=1)
        return {
            "requester_type": requester_type,
            "applying_unit": "Matrix unit",
            "handler_name": "Matrix handler",
            "handler_id_type": "resident_id",
            "handler_id_number": VALID_ID,
            "mode": "view",
            "cameras": [world["camera"]],
            "place_detail": "Matrix hall",
            "span_from": (end - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "span_to": end.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Matrix reason",
        }

    return data


def _api_form(requester_type: str):
    def data(world: dict) -> dict:
        end = timezone.now() - timedelta(days=1)
        return {
            **_form(requester_type)(world),
            "span_from": (end - timedelta(hours=1)).isoformat(),
            "span_to": end.isoformat(),
        }

    return data


def _attachment(world: dict) -> dict:
    return {"kind": "other", "file": SimpleUploadedFile("notice.pdf", PDF, "application/pdf")}


def _approved_span(pk: int):
    from apps.requests.models import FootageRequest

    request = FootageRequest.objects.get(pk=pk)
    return request.span_from, request.span_to


def _retrieval(world: dict) -> dict:
    """Within the approval: the approved request's own span (no deviation, no reason)."""
    start, end = _approved_span(world["req_retrieve"])
    return {
        "cameras": [world["camera"]],
        "span_from": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
        "span_to": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"),
        "backup_location": "Matrix archive",
    }


def _copy(world: dict) -> dict:
    return {
        "sha256": MATRIX_SHA256,
        "file_name": "matrix.mp4",
        "medium": "usb",
        "recipient": "Matrix receiver",
        "destination": "Matrix case file",
        "handed_over_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def _api_retrieval(world: dict) -> dict:
    start, end = _approved_span(world["req_retrieve_api"])
    return {
        "cameras": [world["camera"]],
        "span_from": start.isoformat(),
        "span_to": end.isoformat(),
        "backup_location": "Matrix archive",
    }


def _api_copy(world: dict) -> dict:
    return {**_copy(world), "handed_over_at": timezone.now().isoformat()}


def _verify(world: dict) -> dict:
    return {"file": SimpleUploadedFile("matrix.mp4", b"matrix footage", "video/mp4")}


def _delegation(world: dict) -> dict:
    """The security chief records the leader-in-charge's absence (the principal leader stands
    in): another approver naming someone else is refused (403)."""
    now = timezone.localtime()
    return {
        "principal": world["deleg_lic"],
        "role": Role.LEADER_IN_CHARGE,
        "delegate": world["deleg_pl"],
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "Matrix: away at a conference",
    }


def _api_delegation(world: dict) -> dict:
    now = timezone.now()
    return {
        "principal": world["deleg_lic_api"],
        "role": Role.LEADER_IN_CHARGE,
        "delegate": world["deleg_pl"],
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        "reason": "Matrix: away over the API",
    }


MATRIX_FOOTAGE = b"matrix footage"


def _link(world: dict) -> dict:
    return {
        "file": SimpleUploadedFile("matrix.mp4", MATRIX_FOOTAGE, "video/mp4"),
        "recipient": world["matrix_applicant"],
    }


ROWS = [
    # The Chinese PDFs (M-3.5, M-3.4), scoped as the pages.
    _get("/requests/{req_student}/pdf/", STUDENT_SEERS, not_found=STUDENT_HIDDEN),
    _get("/requests/access-register/pdf/", REGISTER),
    # Download links of a copy (M-3.4): the custodian issues, the office revokes, the
    # recipient (the filer, matrix-applicant) alone downloads; anyone else 404.
    Row(
        "POST",
        "/requests/{req_copy}/copies/{copy_link}/links/",
        CUSTODIAN,
        _link,
        ("requests.copy_link_issue", "M-3.4"),
    ),
    Row(
        "POST",
        "/requests/{req_copy}/copies/{copy_link}/links/{link_revoke}/revoke/",
        ASSIGNERS,
        {},
        ("requests.copy_link_revoke", "M-3.4"),
    ),
    _get(
        "/requests/downloads/{download_token}/",
        {Role.APPLICANT},
        not_found=EVERYONE - {Role.APPLICANT},
    ),
    Row(
        "POST",
        "/api/requests/{req_copy}/copies/{copy_link}/links/",
        CUSTODIAN,
        _link,
        ("requests.copy_link_issue", "M-3.4"),
    ),
    Row(
        "POST",
        "/api/requests/{req_copy}/copies/{copy_link}/links/{link_revoke_api}/revoke/",
        ASSIGNERS,
        {},
        ("requests.copy_link_revoke", "M-3.4"),
        json=True,
    ),
    _get("/requests/delegations/", VIEW),
    _get("/requests/delegations/?format=csv", VIEW),
    _get("/requests/delegations/new/", DELEGATORS),
    Row(
        "POST",
        "/requests/delegations/new/",
        frozenset({Role.SECURITY_CHIEF}),
        _delegation,
        ("requests.delegation_record", "M-3.3"),
    ),
    _get(
        "/requests/delegations/{delegation}/",
        SEE_ALL_DELEGATIONS,
        not_found=VIEW - SEE_ALL_DELEGATIONS,
    ),
    Row(
        "POST",
        "/requests/delegations/{delegation_revoke}/revoke/",
        frozenset({Role.SECURITY_CHIEF}),
        {},
        ("requests.delegation_revoke", "M-3.3"),
        not_found=DELEGATORS - {Role.SECURITY_CHIEF},
    ),
    _get("/api/requests/delegations/", VIEW),
    Row(
        "POST",
        "/api/requests/delegations/",
        frozenset({Role.SECURITY_CHIEF}),
        _api_delegation,
        ("requests.delegation_record", "M-3.3"),
        json=True,
    ),
    Row(
        "POST",
        "/api/requests/delegations/{delegation_revoke_api}/revoke/",
        frozenset({Role.SECURITY_CHIEF}),
        {},
        ("requests.delegation_revoke", "M-3.3"),
        not_found=DELEGATORS - {Role.SECURITY_CHIEF},
        json=True,
    ),
    _get("/api/requests/access-register/", REGISTER),
    _get("/api/requests/access-register/{retrieval_result}/", REGISTER),
    Row(
        "POST",
        "/api/requests/{req_assign_api}/custodian/",
        ASSIGNERS,
        lambda world: {"custodian": world["matrix_custodian"]},
        ("requests.custodian_assign", "M-1.1b"),
        json=True,
    ),
    Row(
        "POST",
        "/api/requests/{req_retrieve_api}/retrieval/",
        CUSTODIAN,
        _api_retrieval,
        ("requests.retrieval_record", "M-3.3.1"),
        json=True,
    ),
    Row(
        "POST",
        "/api/requests/{req_result_api}/result/",
        CUSTODIAN,
        {"query_result": "Matrix result over the API"},
        ("requests.result_report", "M-3.3.1"),
        json=True,
    ),
    Row(
        "POST",
        "/api/requests/{req_copy}/copies/",
        CUSTODIAN,
        _api_copy,
        ("requests.copy_record", "M-3.4"),
        json=True,
    ),
    Row(
        "POST",
        "/api/requests/{req_copy}/copies/{copy_api}/acknowledge/",
        frozenset({Role.FOOTAGE_CUSTODIAN, Role.APPLICANT}),
        {},
        ("requests.copy_acknowledge", "M-3.4"),
        json=True,
    ),
    Row(
        "POST",
        "/api/requests/{req_copy}/copies/{copy}/verify/",
        VERIFIERS,
        _verify,
        ("requests.copy_verify", "M-3.4"),
    ),
    _get("/requests/", VIEW),
    _get("/requests/access-register/", REGISTER),
    _get("/requests/access-register/?deviates=false&format=csv", REGISTER),
    Row(
        "POST",
        "/requests/{req_assign}/custodian/",
        ASSIGNERS,
        lambda world: {"custodian": world["matrix_custodian"]},
        ("requests.custodian_assign", "M-1.1b"),
    ),
    Row(
        "POST",
        "/requests/{req_retrieve}/retrieval/",
        CUSTODIAN,
        _retrieval,
        ("requests.retrieval_record", "M-3.3.1"),
    ),
    Row(
        "POST",
        "/requests/{req_result}/result/",
        CUSTODIAN,
        {"query_result": "Matrix result"},
        ("requests.result_report", "M-3.3.1"),
    ),
    Row(
        "POST", "/requests/{req_copy}/copies/", CUSTODIAN, _copy, ("requests.copy_record", "M-3.4")
    ),
    Row(
        "POST",
        "/requests/{req_copy}/copies/{copy}/acknowledge/",
        frozenset({Role.FOOTAGE_CUSTODIAN, Role.APPLICANT}),
        {},
        ("requests.copy_acknowledge", "M-3.4"),
    ),
    Row(
        "POST",
        "/requests/{req_copy}/copies/{copy}/verify/",
        VERIFIERS,
        _verify,
        ("requests.copy_verify", "M-3.4"),
    ),
    _get("/requests/?state=in_approval&requester_type=student&format=csv", VIEW),
    # An applicant's queue: what they decide as a department head's deputy (delegation).
    _get("/requests/queue/", DECIDERS | {Role.APPLICANT}),
    _get("/requests/new/", FILERS),
    Row(
        "POST",
        "/requests/new/",
        frozenset({Role.APPLICANT}),
        _form("internal"),
        ("requests.request_file", "M-3.5"),
        label="POST /requests/new/ (internal)",
    ),
    Row(
        "POST",
        "/requests/new/",
        frozenset({Role.SECURITY_STAFF}),
        _form("law_enforcement"),
        ("requests.request_file", "M-3.5"),
        label="POST /requests/new/ (law enforcement)",
    ),
    _get("/requests/{req_student}/", STUDENT_SEERS, not_found=STUDENT_HIDDEN),
    _get(
        "/requests/{req_student}/attachments/{req_student_attachment}/",
        STUDENT_SEERS,
        not_found=STUDENT_HIDDEN,
    ),
    _get(
        "/requests/{req_draft_edit}/edit/",
        {Role.APPLICANT},
        not_found=frozenset({Role.SECURITY_STAFF}),
    ),
    Row(
        "POST",
        "/requests/{req_draft_edit}/edit/",
        frozenset({Role.APPLICANT}),
        _form("internal"),
        ("requests.request_update", "M-3.5"),
        not_found=frozenset({Role.SECURITY_STAFF}),
    ),
    Row(
        "POST",
        "/requests/{req_draft_attach}/attach/",
        frozenset({Role.APPLICANT}),
        _attachment,
        ("requests.attachment_add", "M-3.3"),
        not_found=frozenset({Role.SECURITY_STAFF}),
    ),
    Row(
        "POST",
        "/requests/{req_draft_submit}/submit/",
        frozenset({Role.APPLICANT}),
        {},
        ("requests.request_submit", "M-3.3"),
        not_found=frozenset({Role.SECURITY_STAFF}),
    ),
    Row(
        "POST",
        "/requests/{req_decide}/decide/",
        frozenset({Role.SECURITY_CHIEF}),
        {"decision": "approve", "comment": "approved by the matrix"},
        ("requests.step_approve", "M-3.3"),
        not_found=STUDENT_HIDDEN,
    ),
    Row(
        "POST",
        "/requests/{req_student}/handler-id/",
        REVEALERS,
        {},
        ("requests.handler_id_reveal", "M-3.3"),
    ),
    _get("/requests/policy/", VIEW),
    Row(
        "POST",
        "/requests/policy/",
        frozenset({Role.SECURITY_CHIEF}),
        {"rules": json.dumps(DEFAULT_RULES), "note": "republished by the matrix"},
        ("requests.policy_publish", "M-3.3"),
    ),
    _get("/api/requests/", VIEW),
    _get("/api/requests/{req_student}/", STUDENT_SEERS, not_found=STUDENT_HIDDEN),
    Row(
        "POST",
        "/api/requests/",
        frozenset({Role.APPLICANT}),
        _api_form("student"),
        ("requests.request_file", "M-3.5"),
        json=True,
        label="POST /api/requests/ (student)",
    ),
    Row(
        "POST",
        "/api/requests/",
        frozenset({Role.SECURITY_STAFF}),
        _api_form("external"),
        ("requests.request_file", "M-3.5"),
        json=True,
        label="POST /api/requests/ (external)",
    ),
    Row(
        "POST",
        "/api/requests/{req_draft_attach_api}/attachments/",
        frozenset({Role.APPLICANT}),
        _attachment,
        ("requests.attachment_add", "M-3.3"),
        not_found=frozenset({Role.SECURITY_STAFF}),
    ),
    Row(
        "POST",
        "/api/requests/{req_draft_submit_api}/submit/",
        frozenset({Role.APPLICANT}),
        {},
        ("requests.request_submit", "M-3.3"),
        not_found=frozenset({Role.SECURITY_STAFF}),
        json=True,
    ),
    Row(
        "POST",
        "/api/requests/{req_decide_api}/decide/",
        frozenset({Role.SECURITY_CHIEF}),
        {"decision": "reject", "comment": "rejected over the API by the matrix"},
        ("requests.step_reject", "M-3.3"),
        not_found=STUDENT_HIDDEN,
        json=True,
    ),
]


def world(world: dict) -> dict:
    department = DepartmentFactory(name="Matrix school", kind=Department.Kind.INTERNAL)
    applicant = UserFactory(
        username=f"matrix-{Role.APPLICANT}", roles=[Role.APPLICANT], department=department
    )
    from apps.cameras.models import Camera

    cameras = [Camera.objects.get(pk=world["camera"])]
    student = filed(applicant, "student", cameras=cameras, submit=True)
    custody = _custody_world(applicant, cameras)
    return {
        **custody,
        **_delegation_world(),
        "req_student": student.pk,
        "req_student_attachment": student.attachments.get().pk,
        "req_draft_attach": filed(applicant, cameras=cameras).pk,
        "req_draft_edit": filed(applicant, cameras=cameras).pk,
        "req_draft_submit": filed(applicant, cameras=cameras).pk,
        "req_decide": filed(applicant, "student", cameras=cameras, submit=True).pk,
        "req_draft_attach_api": filed(applicant, cameras=cameras).pk,
        "req_draft_submit_api": filed(applicant, cameras=cameras).pk,
        "req_decide_api": filed(applicant, "student", cameras=cameras, submit=True).pk,
    }


def _custody_world(applicant, cameras) -> dict:
    """Approved student requests (the security chief's route; a copy also both leaders'),
    for the retrieval and custody rows (M-1.1b, M-3.4): one to assign, one assigned to the
    table's custodian, one retrieved, a copy request retrieved with a copy handed over."""
    from apps.requests.services import copy_record, request_custodian_assign, retrieval_record

    custodian = UserFactory(
        username=f"matrix-{Role.FOOTAGE_CUSTODIAN}", roles=[Role.FOOTAGE_CUSTODIAN]
    )
    chief = UserFactory(username="matrix-assigning-chief", roles=[Role.SECURITY_CHIEF])

    def assigned(**kwargs):
        request = approved(applicant, "student", cameras=cameras, **kwargs)
        return request_custodian_assign(request=request, by=chief, custodian=custodian)

    def retrieved(**kwargs):
        request = assigned(**kwargs)
        retrieval_record(
            request=request,
            by=custodian,
            cameras=cameras,
            span_from=request.span_from,
            span_to=request.span_to,
            backup_location="Matrix archive",
        )
        return request

    copy_request = retrieved(mode="copy")
    copy, copy_api = (
        copy_record(
            request=copy_request,
            by=custodian,
            file_name=f"matrix-{n}.mp4",
            medium="disc",
            recipient="Matrix receiver",
            destination="Matrix case file",
            handed_over_at=timezone.now(),
            sha256=MATRIX_SHA256,
        )
        for n in (1, 2)
    )
    result = retrieved()
    from apps.requests.links import link_issue

    copy_link = copy_record(
        request=copy_request,
        by=custodian,
        file_name="matrix-download.mp4",
        medium="download",
        recipient="Matrix applicant",
        destination="Matrix case file",
        handed_over_at=timezone.now(),
        sha256=hashlib.sha256(MATRIX_FOOTAGE).hexdigest(),
    )

    def link():
        upload = SimpleUploadedFile("matrix.mp4", MATRIX_FOOTAGE, "video/mp4")
        return link_issue(copy=copy_link, by=custodian, upload=upload, recipient=applicant)

    return {
        "matrix_applicant": applicant.pk,
        "copy_link": copy_link.pk,
        "link_revoke": link().pk,
        "link_revoke_api": link().pk,
        "download_token": link().token,
        "matrix_custodian": custodian.pk,
        "req_assign": approved(applicant, "student", cameras=cameras).pk,
        "req_assign_api": approved(applicant, "student", cameras=cameras).pk,
        "req_retrieve": assigned().pk,
        "req_retrieve_api": assigned().pk,
        "req_result": result.pk,
        "retrieval_result": result.retrieval.pk,
        "req_result_api": retrieved().pk,
        "req_copy": copy_request.pk,
        "copy": copy.pk,
        "copy_api": copy_api.pk,
    }


def _delegation_world() -> dict:
    """College leaders outside the table's logins, and delegations between two others
    in the coming weeks (M-3.3), recorded by a chief outside the table too."""
    from apps.requests.delegation import delegation_record

    lic = UserFactory(username="matrix-deleg-lic", roles=[Role.LEADER_IN_CHARGE])
    pl = UserFactory(username="matrix-deleg-pl", roles=[Role.PRINCIPAL_LEADER])
    lic_api = UserFactory(username="matrix-deleg-lic-api", roles=[Role.LEADER_IN_CHARGE])
    away = UserFactory(username="matrix-deleg-away", roles=[Role.PRINCIPAL_LEADER])
    stand_in = UserFactory(username="matrix-deleg-stand-in", roles=[Role.LEADER_IN_CHARGE])
    chief = UserFactory(username="matrix-delegating-chief", roles=[Role.SECURITY_CHIEF])
    now = timezone.now()

    def later(days: int):
        return delegation_record(
            by=chief,
            principal=away,
            delegate=stand_in,
            role=Role.PRINCIPAL_LEADER,
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days + 1),
            reason="Matrix absence",
        ).pk

    return {
        "deleg_lic": lic.pk,
        "deleg_pl": pl.pk,
        "deleg_lic_api": lic_api.pk,
        "delegation": later(10),
        "delegation_revoke": later(12),
        "delegation_revoke_api": later(14),
    }
