"""Delegation while an approver is away (M-3.3): who may stand in for whom, and when.

An approver (or the security chief for them) records a delegation: the delegate, the role
delegated, from–to and the reason. During it the delegate sees the steps of that role the
approver could decide, and decides them; the step keeps "X for Y (delegation #n)". The
approver keeps their own right to decide meanwhile.

The rules (each refusal a sentence, M-3.3):

* only the approvals a person holds in their own right are delegated — never one held by
  delegation, so a delegation is never passed on (no chain);
* never to oneself; to an active account; the delegate is not away then themselves, and the
  approver does not act for someone else then (one hop only); one delegate per approver and
  role at a time;
* by role (``DELEGATE_RULES``): a department head's step goes only to a member of the same
  department (the deputy head, whatever their role; never outside the department, whose
  requests it concerns: M-3.3.1(1)); the security chief's to security staff (the deputy
  chief); a college leader's to another college leader. A document check is any security
  staff member's already and is not delegated;
* a delegate never signs two steps of one request (M-3.3.5 asks two leaders for a copy:
  the leader-in-charge standing in for the principal leader does not sign both).
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role, User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation
from apps.core.notifications import notify

from .models import ApprovalDelegation, RequestStep

# The roles whose approvals may be delegated, and whom each may go to: "department" (a member
# of the principal's department) or the roles the delegate must hold.
DELEGATE_RULES: dict[str, str | tuple[str, ...]] = {
    Role.DEPARTMENT_HEAD: "department",
    Role.SECURITY_CHIEF: (Role.SECURITY_STAFF,),
    Role.LEADER_IN_CHARGE: (Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER),
    Role.PRINCIPAL_LEADER: (Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER),
}
DELEGATING_ROLES = tuple(DELEGATE_RULES)
# Who sees every delegation (the chief records them for others; auditors check them).
SEE_ALL_ROLES = (Role.SECURITY_CHIEF, Role.AUDITOR)
REASON_MAX = 200


def delegation_state(delegation: ApprovalDelegation, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if delegation.revoked_at is not None:
        return "revoked"
    if now < delegation.starts_at:
        return "upcoming"
    if now >= delegation.ends_at:
        return "ended"
    return "active"


STATE_LABELS = {
    "revoked": gettext_lazy("revoked"),
    "upcoming": gettext_lazy("upcoming"),
    "ended": gettext_lazy("ended"),
    "active": gettext_lazy("in effect"),
}


def delegations_in_effect(*, at: datetime | None = None) -> QuerySet[ApprovalDelegation]:
    """Delegations in effect at ``at`` (now): not revoked, within from–to, and the principal
    still active and still holding the role (a delegation gives nobody more than the
    principal has)."""
    at = at or timezone.now()
    return ApprovalDelegation.objects.filter(
        revoked_at=None,
        starts_at__lte=at,
        ends_at__gt=at,
        principal__is_active=True,
        principal__groups__name=F("role"),
        delegate__is_active=True,
    )


def delegated_step_q(user: User) -> Q:
    """Steps ``user`` may decide for someone away (M-3.3): the role a delegation in effect
    gives, a department head's only of the principal's department. A subquery, so a list
    costs no query more."""
    if user.pk is None or not user.is_active:
        return Q(pk__in=[])
    held = delegations_in_effect().filter(delegate=user, role=OuterRef("role"))
    same_department = Q(
        role=Role.DEPARTMENT_HEAD, principal__department_id=OuterRef("department_id")
    )
    return Q(Exists(held.filter(same_department | ~Q(role=Role.DEPARTMENT_HEAD))))


def step_delegation(*, user: User, step: RequestStep) -> ApprovalDelegation | None:
    """The delegation in effect under which ``user`` may decide ``step``, or None."""
    if not user.is_active:
        return None
    held = delegations_in_effect().filter(delegate=user, role=step.role)
    if step.department_id is not None:
        held = held.filter(principal__department_id=step.department_id)
    return held.select_related("principal").order_by("pk").first()


def step_delegates(*, step: RequestStep) -> QuerySet[User]:
    """Who stands in now for the holders of ``step`` (they are told it waits, as they are)."""
    held = delegations_in_effect().filter(role=step.role)
    if step.department_id is not None:
        held = held.filter(principal__department_id=step.department_id)
    return User.objects.filter(pk__in=held.values("delegate_id"))


def delegation_list(*, user: User) -> QuerySet[ApprovalDelegation]:
    """The delegations ``user`` may see: the security chief and auditors all; anyone else
    those they gave, hold or recorded."""
    qs = ApprovalDelegation.objects.select_related(
        "principal", "delegate", "created_by", "revoked_by"
    ).order_by("-starts_at", "-pk")
    if not user.is_active:
        return qs.none()
    if user.is_superuser or user.has_any_role(*SEE_ALL_ROLES):
        return qs
    return qs.filter(Q(principal=user) | Q(delegate=user) | Q(created_by=user))


def delegation_get(*, user: User, pk: int) -> ApprovalDelegation:
    return get_object_or_404(delegation_list(user=user), pk=pk)  # out of scope = 404


def may_record_for(*, by: User, principal: User) -> bool:
    """An approver records their own absence; the security chief anyone's."""
    return by.has_role(Role.SECURITY_CHIEF) or (
        by.pk == principal.pk and by.has_any_role(*DELEGATING_ROLES)
    )


def principal_choices(*, by: User) -> QuerySet[User]:
    """Whom ``by`` may record a delegation for: themselves, or (the chief) every approver."""
    holders = User.objects.filter(is_active=True, groups__name__in=DELEGATING_ROLES).distinct()
    if by.has_role(Role.SECURITY_CHIEF):
        return holders.order_by("username")
    return holders.filter(pk=by.pk)


def delegate_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("username")


def _overlapping(qs: QuerySet, starts_at: datetime, ends_at: datetime) -> QuerySet:
    return qs.filter(revoked_at=None, starts_at__lt=ends_at, ends_at__gt=starts_at)


def delegation_problem(
    *, principal: User, delegate: User, role: str, starts_at: datetime, ends_at: datetime
) -> str:
    """Why this delegation may not be recorded (the module's rules), or ""."""
    if role not in DELEGATE_RULES:
        return _(
            "Only a department head's, the security chief's or a college leader's approvals "
            "are delegated."
        )
    if not principal.has_role(role):
        return _("%(user)s does not hold the role %(role)s in their own right.") % {
            "user": principal,
            "role": Role(role).label,
        }
    if delegate.pk == principal.pk:
        return _("A delegation cannot be to oneself.")
    if not delegate.is_active:
        return _("The delegate's account is not active.")
    rule = DELEGATE_RULES[role]
    if rule == "department":
        if principal.department_id is None or delegate.department_id != principal.department_id:
            return _("A department head's approvals go only to a member of the same department.")
    elif not delegate.has_any_role(*rule):
        if role == Role.SECURITY_CHIEF:
            return _("The security chief's approvals go only to security staff.")
        return _("A college leader's approvals go only to another college leader.")
    if ends_at <= timezone.now():
        return _("The delegation would already be over: choose an end in the future.")
    if starts_at >= ends_at:
        return _("The delegation must end after it starts.")
    away = _overlapping(ApprovalDelegation.objects.filter(principal=delegate), starts_at, ends_at)
    if (clash := away.order_by("pk").first()) is not None:
        return _("%(user)s is away then too (delegation #%(number)d): choose someone present.") % {
            "user": delegate,
            "number": clash.pk,
        }
    acting = _overlapping(ApprovalDelegation.objects.filter(delegate=principal), starts_at, ends_at)
    if (clash := acting.order_by("pk").first()) is not None:
        return _(
            "%(user)s acts for someone else then (delegation #%(number)d): a delegation is "
            "never passed on."
        ) % {"user": principal, "number": clash.pk}
    same = _overlapping(
        ApprovalDelegation.objects.filter(principal=principal, role=role), starts_at, ends_at
    )
    if (clash := same.order_by("pk").first()) is not None:
        return _(
            "%(user)s already has a delegation of this role then (delegation #%(number)d)."
        ) % {"user": principal, "number": clash.pk}
    return ""


@transaction.atomic
def delegation_record(
    *,
    by: User,
    principal: User,
    delegate: User,
    role: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
) -> ApprovalDelegation:
    """Record that ``principal`` is away and ``delegate`` decides their ``role`` steps from
    ``starts_at`` (now at the earliest) to ``ends_at`` (M-3.3); the delegate is told."""
    if not may_record_for(by=by, principal=principal):
        raise RuleViolation(
            _("Only the approver themselves or the security chief records a delegation."),
            clause="M-3.3",
        )
    reason = (reason or "").strip()
    if not reason or "\x00" in reason or len(reason) > REASON_MAX:
        raise RuleViolation(
            _("Give the reason for the delegation (at most 200 characters)."), clause="M-3.3"
        )
    # Not in the past: decisions already taken were nobody's delegation.
    starts_at = max(starts_at, timezone.now())
    problem = delegation_problem(
        principal=principal, delegate=delegate, role=role, starts_at=starts_at, ends_at=ends_at
    )
    if problem:
        raise RuleViolation(problem, clause="M-3.3")
    delegation = ApprovalDelegation.objects.create(
        principal=principal,
        delegate=delegate,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        created_by=by,
    )
    event_append(
        actor=by,
        action="requests.delegation_record",
        target=delegation,
        clause="M-3.3",
        data={
            "delegation": delegation.pk,
            "principal": principal.pk,
            "delegate": delegate.pk,
            "role": role,
            "from": starts_at.isoformat(),
            "to": ends_at.isoformat(),
            "reason": reason,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [delegate],
            kind="requests.delegation_record",
            title=_("You stand in for %(user)s (delegation #%(number)d)")
            % {"user": principal, "number": delegation.pk},
            body=_("%(role)s, until %(end)s")
            % {
                "role": Role(role).label,
                "end": timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M"),
            },
            url="/requests/queue/",
        )
    return delegation


def may_revoke(*, by: User, delegation: ApprovalDelegation) -> bool:
    return by.is_active and (
        by.has_role(Role.SECURITY_CHIEF)
        or by.pk in (delegation.principal_id, delegation.created_by_id)
    )


@transaction.atomic
def delegation_revoke(*, delegation: ApprovalDelegation, by: User) -> ApprovalDelegation:
    """End a delegation now (the approver is back): the principal, who recorded it, or the
    security chief. Decisions already taken under it keep it."""
    if not may_revoke(by=by, delegation=delegation):
        raise RuleViolation(
            _("Only the approver, who recorded it or the security chief revokes a delegation."),
            clause="M-3.3",
        )
    now = timezone.now()
    won = ApprovalDelegation.objects.filter(
        pk=delegation.pk, revoked_at=None, ends_at__gt=now
    ).update(revoked_at=now, revoked_by=by)
    if not won:
        raise RuleViolation(_("The delegation is already over or revoked."), clause="M-3.3")
    delegation.refresh_from_db()
    event_append(
        actor=by,
        action="requests.delegation_revoke",
        target=delegation,
        clause="M-3.3",
        data={"delegation": delegation.pk, "principal": delegation.principal_id},
    )
    return delegation
