from django.conf import settings
from django.db.models import QuerySet

from .models import Department, Role, User


def user_list(*, user: User) -> QuerySet[User]:
    """The security chief manages people and sees all; others see only themselves."""
    qs = User.objects.select_related("department").prefetch_related("groups")
    if user.has_role("security_chief") or user.is_superuser:
        return qs
    return qs.filter(pk=user.pk)


def department_list(*, user: User) -> QuerySet[Department]:
    return Department.objects.all()


def admin_access(*, user) -> bool:
    """Who may open /admin/ and assign roles: the security chief and superusers (M-1.1)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_role(Role.SECURITY_CHIEF))
    )


def otp_required(*, user) -> bool:
    """Two-factor is tied to the roles in OTP_REQUIRED_ROLES and to admin access: a superuser
    made by ``createsuperuser`` holds no role, yet holds every key (M-1.1a)."""
    return bool(
        user.is_authenticated
        and (user.has_any_role(*settings.OTP_REQUIRED_ROLES) or admin_access(user=user))
    )
