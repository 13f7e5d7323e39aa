"""Demo people: departments and one user per role (for the embedded demo only)."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .models import Department, Role, User

DEMO_PASSWORD = "campus-demo-2026"
# 20 bytes, hex: the TOTP key of every demo user whose role requires two-factor.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

DEMO_DEPARTMENTS = [
    ("保卫处", Department.Kind.SECURITY_OFFICE),
    ("计算机学院", Department.Kind.INTERNAL),
    ("学院领导", Department.Kind.LEADERSHIP),
    ("安防维保科技有限公司", Department.Kind.MAINTENANCE_VENDOR),
]
# username, full name, role, department
DEMO_USERS = [
    ("operator", "王值班", Role.DUTY_OPERATOR, "保卫处"),
    ("custodian", "李管理", Role.FOOTAGE_CUSTODIAN, "保卫处"),
    ("staff", "赵保卫", Role.SECURITY_STAFF, "保卫处"),
    ("chief", "张处长", Role.SECURITY_CHIEF, "保卫处"),
    ("depthead", "陈主任", Role.DEPARTMENT_HEAD, "计算机学院"),
    ("leader", "刘分管", Role.LEADER_IN_CHARGE, "学院领导"),
    ("principal", "周院长", Role.PRINCIPAL_LEADER, "学院领导"),
    ("vendor", "孙工程师", Role.VENDOR_ENGINEER, "安防维保科技有限公司"),
    ("auditor", "吴审计", Role.AUDITOR, "保卫处"),
    ("applicant", "郑老师", Role.APPLICANT, "计算机学院"),
]


def demo_people_create() -> list[tuple[str, str, str, bool]]:
    """Create what is missing; return (username, password, role, needs_totp) rows."""
    departments = {}
    for name, kind in DEMO_DEPARTMENTS:
        departments[name] = Department.objects.filter(name=name).first() or (
            services.department_create(by=None, name=name, kind=kind)
        )
    rows = []
    for username, full_name, role, department in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                by=None,
                username=username,
                password=DEMO_PASSWORD,
                roles=[role],
                department=departments[department],
                full_name=full_name,
                is_staff=(role == Role.SECURITY_CHIEF),
            )
        needs_totp = role in settings.OTP_REQUIRED_ROLES
        if needs_totp and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
        rows.append((username, DEMO_PASSWORD, str(role.label), needs_totp))
    return rows
