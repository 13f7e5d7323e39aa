"""Requests for the tests, made through the services (what a user would do)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import Department
from apps.requests.models import FootageRequest
from apps.requests.services import request_attach, request_file, request_submit
from tests.factories import CameraFactory, DepartmentFactory, UserFactory

VALID_ID = "11010519491231002X"  # GB 11643's own example: check character X
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"x" * 40 + b"\xff\xd9"

# What each requester type must show before it is submitted (M-3.3).
NEEDS = {
    "internal": (),
    "student": ("student_id",),
    "law_enforcement": ("evidence_notice", "officer_id"),
    "external": ("certificate", "handler_id"),
}


def pdf(name: str = "notice.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def internal_department(name: str = "School of Engineering") -> Department:
    return DepartmentFactory(name=name, kind=Department.Kind.INTERNAL)


def applicant_in(department: Department, username: str = "applicant1"):
    return UserFactory(username=username, roles=["applicant"], department=department)


def filed(
    by,
    requester_type: str = "internal",
    *,
    mode: str = "view",
    cameras=None,
    classified: bool = False,
    special: bool = False,
    submit: bool = False,
    **fields,
) -> FootageRequest:
    now = timezone.now()
    values = {
        "applying_unit": "",
        "handler_name": "Li Ming",
        "handler_id_type": "resident_id",
        "handler_id_number": VALID_ID,
        "reason": "Bicycle stolen outside the library",
        "place_detail": "Library north door",
        "span_from": now - timedelta(days=2, hours=1),
        "span_to": now - timedelta(days=2),
        **fields,
    }
    if requester_type != "internal" and not values["applying_unit"]:
        values["applying_unit"] = "City Police, Campus Station"
    request = request_file(
        by=by,
        requester_type=requester_type,
        mode=mode,
        cameras=[CameraFactory()] if cameras is None else cameras,
        classified=classified,
        special=special,
        **values,
    )
    if submit:
        for kind in NEEDS[requester_type]:
            request_attach(request=request, by=by, kind=kind, upload=pdf(f"{kind}.pdf"))
        request = request_submit(request=request, by=by)
    return request


def approved(by, requester_type: str = "student", **kwargs) -> FootageRequest:
    """A request filed, submitted and approved by every step of its route (M-3.3), each
    step by a holder of its role (made here if missing; a department head of the request's
    department), a leader with the password."""
    from apps.requests.services import request_decide
    from tests.factories import TEST_PASSWORD

    request = filed(by, requester_type, submit=True, **kwargs)
    for step in request.steps.order_by("order"):
        name = f"approver-{step.role}-{step.department_id or 0}"
        approver = UserFactory(username=name, roles=[step.role], department=step.department)
        request = request_decide(
            request=request, by=approver, approve=True, comment="ok", password=TEST_PASSWORD
        )
    assert request.state == FootageRequest.State.APPROVED
    return request
