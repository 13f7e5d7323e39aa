"""Demo maintenance for the embedded demo (issue 16): the demo vendor's contract, a few fault
tickets in various states, a month of O&M log days (most countersigned; the last two ended
days not, one of them flagged) and this week's function test. Made through the services, so
each carries its history and audit events; what exists already is left alone."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import Department, Role, User
from apps.cameras.models import Camera

from . import daylog, services, weekly_test
from .models import DayLog, FaultTicket, FunctionTest, ServiceContract

# A minimal PDF standing in for the signed contract.
DEMO_CONTRACT_PDF = (
    b"%PDF-1.4\n% demo signed contract\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
)
DEMO_DAYS = 30


def _one(role: str) -> User | None:
    return User.objects.filter(is_active=True, groups__name=role).order_by("pk").first()


def _contract(vendor: Department, staff: User) -> int:
    if ServiceContract.objects.filter(vendor=vendor).exists():
        return 0
    today = timezone.localdate()
    services.contract_create(
        by=staff,
        vendor=vendor,
        number=f"WB-{today:%Y}-001",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=165),
        document=SimpleUploadedFile("contract.pdf", DEMO_CONTRACT_PDF, "application/pdf"),
        contacts="孙工程师 138-0000-0000（7×24 值班）",
    )
    return 1


def _tickets(operator: User, engineer: User, staff: User) -> int:
    if FaultTicket.objects.exists():
        return 0
    cameras = {
        c.code: c for c in Camera.objects.filter(code__in=["C003", "C004", "C005", "C006", "C008"])
    }
    if len(cameras) < 5:
        return 0
    now = timezone.now()

    def opened(code: str, symptom: str, severity: str = "general", minutes: int = 30):
        return services.ticket_open(
            by=operator,
            camera=cameras[code],
            symptom=symptom,
            severity=severity,
            occurred_at=now - timedelta(minutes=minutes),
        )

    opened("C008", "无信号，网络不通", "major")  # reported, waiting for the vendor
    acknowledged = opened("C004", "画面雪花")
    services.ticket_acknowledge(ticket=acknowledged, by=engineer)
    on_site = opened("C005", "画面冻结")
    services.ticket_acknowledge(ticket=on_site, by=engineer)
    services.ticket_on_site(ticket=on_site, by=engineer, note="已到现场检查交换机")
    services.ticket_pause_start(
        ticket=on_site, by=staff, reason="access_refused", note="机房钥匙在后勤处"
    )
    cleared = opened("C003", "画面全黑")
    services.ticket_acknowledge(ticket=cleared, by=engineer)
    services.ticket_clear(ticket=cleared, by=engineer, note="更换电源适配器")  # re-check waits
    closed = opened("C006", "画面过曝", minutes=90)
    services.ticket_acknowledge(ticket=closed, by=engineer)
    services.ticket_clear(ticket=closed, by=engineer, note="调整曝光参数")
    services.ticket_verify(ticket=closed, by=operator)
    services.ticket_close(ticket=closed, by=staff)
    return 5


_SHIFTS = [
    ("night", "系统运行正常，大屏 8 路画面在线", "", "", ""),
    ("day", "系统运行正常", "上午完成每日巡检", "C003 画面全黑", "已报维保单位"),
]


def _day_logs(operator: User, staff: User) -> int:
    today = timezone.localdate()
    made = 0
    for back in range(DEMO_DAYS, -1, -1):
        day = today - timedelta(days=back)
        if DayLog.objects.filter(day=day).exists():
            continue
        for shift, condition, events, faults, actions in _SHIFTS:
            daylog.day_log_entry_add(
                by=operator,
                day=day,
                shift=shift,
                system_condition=condition,
                events=events,
                faults=faults,
                actions=actions,
            )
        if back > 2:  # the last two ended days wait for their countersignature
            daylog.day_log_sign(by=staff, day=day, note="已核对")
        made += 1
    return made


def demo_maintenance_create() -> list[str]:
    vendor = Department.objects.filter(kind=Department.Kind.MAINTENANCE_VENDOR).first()
    operator, staff = _one(Role.DUTY_OPERATOR), _one(Role.SECURITY_STAFF)
    engineer = User.objects.filter(
        is_active=True, groups__name=Role.VENDOR_ENGINEER, department=vendor
    ).first()
    if vendor is None or operator is None or staff is None or engineer is None:
        return ["Demo maintenance: skipped (no demo vendor, operator, staff or engineer)"]
    contracts = _contract(vendor, staff)
    tickets = _tickets(operator, engineer, staff)
    days = _day_logs(operator, staff)
    tests = 0
    if not FunctionTest.objects.exists() and Camera.objects.exists():
        weekly_test.function_test_start(by=staff)
        tests = 1
    return [
        f"Demo maintenance: {contracts} contract, {tickets} fault tickets, {days} O&M log days, "
        f"{tests} weekly function test"
    ]
