"""Demo footage requests for the embedded demo (issue 17): all four requester types in
various states — approved and retrieved with its query result, a copy handed over and
acknowledged, a rejection, waiting at the leaders, waiting for the document check — and one
delegation. Made through the services, as the users would."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import User
from apps.cameras.models import Camera

from . import delegation, services
from .models import FootageRequest

DEMO_ID = "11010519491231002X"  # GB 11643's own example number
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_HANDLERS = ("郑老师", "王同学", "李警官", "赵律师")
NEEDS = {
    "internal": (),
    "student": ("student_id",),
    "law_enforcement": ("evidence_notice", "officer_id"),
    "external": ("certificate", "handler_id"),
}


def _file(by: User, requester_type: str, *, mode: str, cameras, days_ago: int, **fields):
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(days=days_ago)
    request = services.request_file(
        by=by,
        requester_type=requester_type,
        mode=mode,
        cameras=cameras,
        span_from=end - timedelta(hours=1),
        span_to=end,
        handler_id_type="resident_id",
        handler_id_number=DEMO_ID,
        **fields,
    )
    for kind in NEEDS[requester_type]:
        upload = SimpleUploadedFile(f"{kind}.pdf", DEMO_PDF, "application/pdf")
        services.request_attach(request=request, by=by, kind=kind, upload=upload)
    return services.request_submit(request=request, by=by)


def _decide(request: FootageRequest, people: dict, *, until: int | None = None, reject=""):
    """Each step by a holder of its role, up to step ``until``; ``reject``: the last one
    rejects with that comment."""
    for step in request.steps.order_by("order"):
        if until is not None and step.order > until:
            break
        approver = people[step.role]
        last = until is not None and step.order == until
        request = services.request_decide(
            request=request,
            by=approver,
            approve=not (reject and last),
            comment=reject if (reject and last) else "同意",
            password=DEMO_PASSWORD,
        )
    return request


def _retrieve(request: FootageRequest, people: dict) -> FootageRequest:
    chief, custodian = people["security_chief"], people["footage_custodian"]
    request = services.request_custodian_assign(request=request, by=chief, custodian=custodian)
    services.retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="保卫处档案服务器 NAS-1 /调阅备份",
    )
    return request


def demo_requests_create() -> list[str]:
    if FootageRequest.objects.filter(handler_name__in=DEMO_HANDLERS).exists():
        return ["Footage requests: the demo requests are there already."]
    cameras = list(Camera.objects.exclude(status=Camera.Status.DECOMMISSIONED).order_by("code"))
    names = {
        "applicant": "applicant",
        "department_head": "depthead",
        "security_staff": "staff",
        "security_chief": "chief",
        "leader_in_charge": "leader",
        "principal_leader": "principal",
        "footage_custodian": "custodian",
    }
    people = {role: User.objects.filter(username=name).first() for role, name in names.items()}
    if not cameras or None in people.values():
        return ["Footage requests: no demo cameras or users, none made."]
    applicant, staff = people["applicant"], people["security_staff"]

    # Internal view: approved, retrieved, the query result reported (the whole route).
    internal = _file(
        applicant,
        "internal",
        mode="view",
        cameras=cameras[:2],
        days_ago=3,
        applying_unit="",
        handler_name="郑老师",
        reason="实验室门禁记录异常，需核对进出人员",
        place_detail="实验楼二层走廊",
    )
    internal = _retrieve(_decide(internal, people), people)
    services.request_result_report(
        request=internal,
        by=people["footage_custodian"],
        query_result="录像显示 21:40 一名人员进入实验室，已移交学院核实。",
    )
    # Internal copy: all four approvals, retrieved, the copy handed over and acknowledged.
    internal_copy = _file(
        applicant,
        "internal",
        mode="copy",
        cameras=cameras[:1],
        days_ago=2,
        applying_unit="",
        handler_name="郑老师",
        reason="学生电动车被盗，报案需复制录像",
        place_detail="南大门入口",
    )
    internal_copy = _retrieve(_decide(internal_copy, people), people)
    copy = services.copy_record(
        request=internal_copy,
        by=people["footage_custodian"],
        file_name="南大门-录像.mp4",
        medium="usb",
        recipient="郑老师",
        destination="派出所报案材料",
        handed_over_at=timezone.now(),
        sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    )
    services.copy_acknowledge(copy=copy, by=applicant)
    # Student help: rejected by the security chief; a student copy waiting at the leaders.
    student = _file(
        applicant,
        "student",
        mode="view",
        cameras=cameras[1:2] or cameras[:1],
        days_ago=1,
        applying_unit="计算机学院 2024 级",
        handler_name="王同学",
        reason="图书馆遗失书包",
        place_detail="图书馆大厅",
    )
    _decide(student, people, until=1, reject="请先到图书馆服务台登记遗失物品")
    student_copy = _file(
        applicant,
        "student",
        mode="copy",
        cameras=cameras[:1],
        days_ago=1,
        applying_unit="计算机学院 2024 级",
        handler_name="王同学",
        reason="宿舍区道路交通事故，需复制录像交保险公司",
        place_detail="宿舍区主干道",
    )
    _decide(student_copy, people, until=1)
    # Law enforcement and other external units: filed by security staff for the requester,
    # waiting for the document check (by another staff member: nobody checks what they filed).
    _file(
        staff,
        "law_enforcement",
        mode="copy",
        cameras=cameras[:2],
        days_ago=5,
        applying_unit="市公安局某某派出所",
        handler_name="李警官",
        reason="盗窃案件侦查取证",
        place_detail="校园东侧道路",
    )
    _file(
        staff,
        "external",
        mode="view",
        cameras=cameras[:1],
        days_ago=4,
        applying_unit="某某律师事务所",
        handler_name="赵律师",
        reason="民事纠纷取证（附法院调查令）",
        place_detail="行政楼门厅",
    )
    # The security chief away next week: the deputy (security staff) decides meanwhile.
    start = timezone.now() + timedelta(days=7)
    delegation.delegation_record(
        by=people["security_chief"],
        principal=people["security_chief"],
        delegate=staff,
        role="security_chief",
        starts_at=start,
        ends_at=start + timedelta(days=3),
        reason="外出培训",
    )
    return [
        "Footage requests: 6 (internal view approved, retrieved, result reported; internal "
        "copy approved, copied, acknowledged; student view rejected; student copy at the "
        "leader-in-charge; law enforcement and external at the document check) and a "
        "delegation of the security chief next week."
    ]
