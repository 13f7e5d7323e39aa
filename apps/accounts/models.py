"""People, departments and roles (M-1.1, M-1.2: only authorised people operate the system)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are auth groups named by these values (created by a data migration)."""

    DUTY_OPERATOR = "duty_operator", _("Duty operator")
    FOOTAGE_CUSTODIAN = "footage_custodian", _("Footage custodian")
    SECURITY_STAFF = "security_staff", _("Security staff")
    SECURITY_CHIEF = "security_chief", _("Security chief")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    LEADER_IN_CHARGE = "leader_in_charge", _("Leader-in-charge")
    PRINCIPAL_LEADER = "principal_leader", _("Principal leader")
    VENDOR_ENGINEER = "vendor_engineer", _("Vendor engineer")
    AUDITOR = "auditor", _("Auditor")
    APPLICANT = "applicant", _("Applicant")


class Department(models.Model):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal department")
        SECURITY_OFFICE = "security_office", _("Security office")
        MAINTENANCE_VENDOR = "maintenance_vendor", _("Maintenance vendor")
        LEADERSHIP = "leadership", _("College leadership")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    staff_number = models.CharField(
        _("staff/student number"), max_length=32, blank=True, db_index=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_names(self) -> frozenset[str]:
        """The user's roles, cached per instance (one query)."""
        if not hasattr(self, "_role_names"):
            self._role_names = frozenset(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_names

    def has_any_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.role_names.intersection(roles))

    @property
    def is_vendor_engineer(self) -> bool:
        return self.has_role(Role.VENDOR_ENGINEER)

    @property
    def is_security_chief(self) -> bool:
        return self.has_role(Role.SECURITY_CHIEF)
