from django.db.models import QuerySet

from .models import Department, User


def user_list(*, user: User) -> QuerySet[User]:
    """The security chief manages people and sees all; others see only themselves."""
    qs = User.objects.select_related("department").prefetch_related("groups")
    if user.has_role("security_chief") or user.is_superuser:
        return qs
    return qs.filter(pk=user.pk)


def department_list(*, user: User) -> QuerySet[Department]:
    return Department.objects.all()
