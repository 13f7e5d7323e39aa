"""Writes about people: each one audited in its own transaction."""

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.services import changes_between, event_append
from apps.core.exceptions import RuleViolation

from .models import Department, Role, User

USER_AUDITED_FIELDS = (
    "username",
    "full_name",
    "phone",
    "staff_number",
    "department_id",
    "is_active",
    "email",
)


def _user_snapshot(user: User) -> dict:
    snapshot = {name: getattr(user, name) for name in USER_AUDITED_FIELDS}
    snapshot["roles"] = sorted(user.groups.values_list("name", flat=True)) if user.pk else []
    return snapshot


@transaction.atomic
def user_create(
    *,
    by: User | None,
    username: str,
    password: str,
    roles: list[str],
    department: Department | None = None,
    **fields,
) -> User:
    """Create a person with roles (M-1.1: the security office designates its staff)."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise RuleViolation(f"Unknown role(s): {', '.join(sorted(unknown))}")
    user = User(username=username, department=department, **fields)
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    event_append(
        actor=by,
        action="accounts.user_create",
        target=user,
        clause="M-1.1",
        data={"after": _user_snapshot(user)},
    )
    return user


def user_record_change(*, by: User | None, user: User, before: dict) -> None:
    """Record an edit made elsewhere (admin form) with before/after values (M-1.3)."""
    changes = changes_between(before, _user_snapshot(user))
    if changes:
        event_append(
            actor=by,
            action="accounts.user_update",
            target=user,
            clause="M-1.1",
            data={"changes": changes},
        )


def department_create(*, by: User | None, name: str, kind: str) -> Department:
    return department_save(
        by=by, department=Department(name=name, kind=kind), changed=["name", "kind"]
    )


@transaction.atomic
def department_save(*, by: User | None, department: Department, changed: list[str]) -> Department:
    """A department added or edited (admin, demo data), with the fields that changed."""
    adding = department.pk is None
    department.save()
    event_append(
        actor=by,
        action="accounts.department_create" if adding else "accounts.department_update",
        target=department,
        clause="M-1.1",
        data={"name": department.name, "kind": department.kind, "changed": changed},
    )
    return department


@transaction.atomic
def password_changed(*, user: User) -> None:
    event_append(actor=user, action="accounts.password_change", target=user, clause="M-1.1a")


@transaction.atomic
def otp_device_confirm(*, user: User, device: TOTPDevice) -> None:
    """The user proved the authenticator works: the device becomes their second factor."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    event_append(actor=user, action="accounts.otp_enrol", target=user, clause="M-1.1a")


def snapshot_for_change(user: User) -> dict:
    return _user_snapshot(user)
