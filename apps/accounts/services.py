"""Writes about people: each one audited in its own transaction."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from apps.audit.services import changes_between, event_append
from apps.core.exceptions import RuleViolation

from .models import Department, Role, User
from .selectors import admin_access

# Separation of duties (GB/T 22239 level 3: system, security and audit administrators apart).
# The vendor's engineers change settings (M-1.3) and hold nothing of the college's; auditors
# read the evidence of everyone's acts and hold no office role, except applicant: a request
# is approved by others, so it gives no power over the system or the audit trail.
ROLES_COMBINABLE_WITH_AUDITOR = frozenset({Role.AUDITOR, Role.APPLICANT})

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
    user = User(username=username, department=department, **fields)
    roles_check(by=by, user=user, roles=roles, department=department)
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


def user_superuser_create(
    *, using: str = "default", username: str, password: str | None, **fields
) -> User:
    """A superuser made on the server with ``manage.py createsuperuser`` (M-1.1).

    The first account of an installation, with its first password, is on record like every
    other person the security office designates: by nobody (the server's operator), with
    the account's fields (never the password) and whether a password was set."""
    with transaction.atomic(using=using):
        user = User.objects.db_manager(using).create_superuser(
            username=username, password=password, **fields
        )
        event_append(
            actor=None,
            action="accounts.superuser_create",
            target=user,
            clause="M-1.1",
            data={
                "after": {**_user_snapshot(user), "is_superuser": True},
                "password_set": password is not None,
                "via": "manage.py createsuperuser",
            },
        )
    return user


def roles_check(
    *, by: User | None, user: User, roles, department: Department | None = None
) -> None:
    """Refuse an assignment that breaks the separation of duties (M-1.2), whoever asks.

    ``by`` None is the system itself (demo data, commands run on the server)."""
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise RuleViolation(
            _("Unknown role(s): %(roles)s") % {"roles": ", ".join(sorted(unknown))},
            clause="M-1.2",
        )
    if Role.VENDOR_ENGINEER in wanted:
        if len(wanted) > 1:
            raise RuleViolation(
                _(
                    "A vendor engineer may hold no other role: the maintenance vendor's "
                    "engineers change settings, the college's staff operate and oversee."
                ),
                clause="M-1.3",
            )
        if department is None or department.kind != Department.Kind.MAINTENANCE_VENDOR:
            raise RuleViolation(
                _("A vendor engineer belongs to a maintenance vendor's department."),
                clause="M-1.3",
            )
    if Role.AUDITOR in wanted and (wanted - ROLES_COMBINABLE_WITH_AUDITOR or user.is_superuser):
        raise RuleViolation(
            _(
                "An auditor may hold no other office role (system, security and audit "
                "administrators are kept apart); only the applicant role may be added."
            ),
            clause="M-1.2",
        )
    current = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    if by is not None and wanted != current:
        if not admin_access(user=by):
            raise RuleViolation(_("Only the security chief assigns roles."), clause="M-1.2")
        if user.pk is not None and by.pk == user.pk:
            raise RuleViolation(
                _("Nobody may change their own roles: ask another administrator."),
                clause="M-1.2",
            )


@transaction.atomic
def user_roles_assign(*, by: User | None, user: User, roles) -> User:
    """Give a person exactly these roles (M-1.1 designation, M-1.2 role-based access)."""
    roles_check(by=by, user=user, roles=roles, department=user.department)
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(set(roles))
    if before != after:
        user.groups.set(Group.objects.filter(name__in=after))
        user.__dict__.pop("_role_names", None)
        event_append(
            actor=by,
            action="accounts.roles_assign",
            target=user,
            clause="M-1.2",
            data={"before": before, "after": after},
        )
    return user


def user_record_change(*, by: User | None, user: User, before: dict) -> None:
    """Record an edit made elsewhere (admin form) with before/after values (M-1.3).

    Roles are recorded by user_roles_assign, not here."""
    after = _user_snapshot(user)
    changes = changes_between(
        {k: v for k, v in before.items() if k != "roles"},
        {k: v for k, v in after.items() if k != "roles"},
    )
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
def user_password_set(*, by: User | None, user: User, password: str | None) -> User:
    """Set (or, with None, disable) a person's password (M-1.1a).

    Every path goes here: the password page, the admin, other services. The API
    tokens made under the old password are deleted with it: a token that outlived the
    password would let whoever took the old one in."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    revoked, _deleted = Token.objects.filter(user=user).delete()
    event_append(
        actor=by,
        action="accounts.password_change",
        target=user,
        clause="M-1.1a",
        data={"tokens_revoked": revoked, "by_self": by is not None and by.pk == user.pk},
    )
    return user


@transaction.atomic
def otp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator key (replacing an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    event_append(actor=user, action="accounts.otp_setup_start", target=user, clause="M-1.1a")
    return device


@transaction.atomic
def otp_device_confirm(*, user: User, device: TOTPDevice) -> None:
    """The user proved the authenticator works: the device becomes their second factor."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    event_append(actor=user, action="accounts.otp_enrol", target=user, clause="M-1.1a")


def snapshot_for_change(user: User) -> dict:
    return _user_snapshot(user)
