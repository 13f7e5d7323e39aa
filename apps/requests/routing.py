"""The route of a footage request as data (M-3.3): which approvals it needs, in order.

A routing policy is a JSON document (stored as versions in ``RoutingPolicy``)::

    {"routes": {"internal": [STEP, ...], "student": [...], "law_enforcement": [...],
                "external": [...]},
     "extra": [{"when": {"special": true}, "types": ["internal"], "steps": [STEP, ...]},
               {"when": {"mode": "copy"}, "steps": [STEP, ...]}]}

    STEP = {"role": "<accounts Role value>", "kind": "approval" | "document_check",
            "scope": "" | "department"}

``route_for`` takes the requester type's steps, then appends the steps of every ``extra`` rule
whose ``when`` matches the request (and whose ``types``, if given, list its type). A step that
occurs twice keeps only its last place, so copy mode's "leader-in-charge then principal
leader" (M-3.3.5) comes after the other approvals in that order, whatever the type.

``scope: department`` means the head of the applicant's own department (M-3.3.1(1)).
``route_for`` is pure Python (the table-driven test drives it with plain objects); only the
policy checker's sentences are translated.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

REQUESTER_TYPES = ("internal", "student", "law_enforcement", "external")
MODES = ("view", "copy")
STEP_KINDS = ("approval", "document_check")
STEP_SCOPES = ("", "department")
APPROVER_ROLES = (
    "department_head",
    "security_staff",
    "security_chief",
    "leader_in_charge",
    "principal_leader",
)
WHEN_KEYS = {"special": bool, "classified": bool, "mode": str}


@dataclass(frozen=True)
class Step:
    role: str
    kind: str = "approval"
    scope: str = ""


class Routable(Protocol):
    requester_type: str
    mode: str
    special: bool
    classified: bool


# The default policy (version 1), from the measures. Copy mode asks both leaders for every
# copy (M-3.3.5), also of law enforcement, where M-3.3.3 alone would let the leader-in-charge
# approve a copy: the stricter reading is the default (docs/requests.md).
DEFAULT_RULES: dict[str, Any] = {
    "routes": {
        "internal": [  # M-3.3.1(1)-(2)
            {"role": "department_head", "kind": "approval", "scope": "department"},
            {"role": "security_chief", "kind": "approval", "scope": ""},
        ],
        "student": [  # M-3.3.2
            {"role": "security_chief", "kind": "approval", "scope": ""},
        ],
        "law_enforcement": [  # M-3.3.3
            {"role": "security_staff", "kind": "document_check", "scope": ""},
            {"role": "leader_in_charge", "kind": "approval", "scope": ""},
        ],
        "external": [  # M-3.3.4
            {"role": "security_staff", "kind": "document_check", "scope": ""},
            {"role": "principal_leader", "kind": "approval", "scope": ""},
        ],
    },
    "extra": [
        {  # M-3.3.1(4)
            "when": {"special": True},
            "types": ["internal"],
            "steps": [{"role": "leader_in_charge", "kind": "approval", "scope": ""}],
        },
        {  # M-3.3.5
            "when": {"mode": "copy"},
            "steps": [
                {"role": "leader_in_charge", "kind": "approval", "scope": ""},
                {"role": "principal_leader", "kind": "approval", "scope": ""},
            ],
        },
    ],
}


def _step(raw: Mapping[str, Any]) -> Step:
    return Step(role=raw["role"], kind=raw.get("kind", "approval"), scope=raw.get("scope", ""))


def _matches(rule: Mapping[str, Any], request: Routable) -> bool:
    types = rule.get("types")
    if types is not None and request.requester_type not in types:
        return False
    return all(getattr(request, key) == value for key, value in rule.get("when", {}).items())


def route_for(request: Routable, rules: Mapping[str, Any]) -> list[Step]:
    """The approval steps of ``request`` under the policy ``rules`` (M-3.3), in order."""
    steps = [_step(raw) for raw in rules["routes"][request.requester_type]]
    for rule in rules.get("extra", []):
        if _matches(rule, request):
            steps += [_step(raw) for raw in rule["steps"]]
    # A step named twice keeps its last place (see the module's docstring).
    kept: list[Step] = []
    for step in reversed(steps):
        if step not in kept:
            kept.insert(0, step)
    return kept


def _steps_problems(steps: Any, where: str) -> list[str]:
    if not isinstance(steps, list):
        return [_("%(where)s: a list of steps") % {"where": where}]
    problems = []
    for n, raw in enumerate(steps, 1):
        at = {"where": where, "n": n}
        if not isinstance(raw, dict) or set(raw) - {"role", "kind", "scope"}:
            problems.append(_("%(where)s step %(n)d: an object with role, kind and scope") % at)
            continue
        if raw.get("role") not in APPROVER_ROLES:
            problems.append(
                _("%(where)s step %(n)d: role must be one of %(roles)s")
                % {**at, "roles": ", ".join(APPROVER_ROLES)}
            )
        if raw.get("kind", "approval") not in STEP_KINDS:
            problems.append(
                _("%(where)s step %(n)d: kind must be one of %(kinds)s")
                % {**at, "kinds": ", ".join(STEP_KINDS)}
            )
        scope = raw.get("scope", "")
        if scope not in STEP_SCOPES:
            problems.append(_("%(where)s step %(n)d: scope must be empty or 'department'") % at)
        elif scope == "department" and raw.get("role") != "department_head":
            problems.append(
                _("%(where)s step %(n)d: only a department head has a department scope") % at
            )
    return problems


def rules_problems(rules: Any) -> list[str]:
    """What is wrong with a policy document, as sentences naming the place (in the user's
    language); [] when none. Every requester type needs a route with at least one approval
    (M-3.1: nothing without permission)."""
    if not isinstance(rules, dict) or set(rules) - {"routes", "extra"}:
        return [_("the policy is an object with 'routes' and optionally 'extra'")]
    routes = rules.get("routes")
    if not isinstance(routes, dict):
        return [_("'routes' is an object with a list of steps per requester type")]
    problems = []
    for name in sorted(set(routes) - set(REQUESTER_TYPES)):
        problems.append(_("routes: unknown requester type %(name)r") % {"name": name})
    for name in REQUESTER_TYPES:
        if name not in routes:
            problems.append(_("routes: no route for %(name)r") % {"name": name})
            continue
        problems += _steps_problems(routes[name], f"routes.{name}")
        if isinstance(routes[name], list) and not any(
            isinstance(raw, dict) and raw.get("kind", "approval") == "approval"
            for raw in routes[name]
        ):
            problems.append(_("routes.%(name)s: at least one approval step") % {"name": name})
    extra = rules.get("extra", [])
    if not isinstance(extra, list):
        return [*problems, _("'extra' is a list of rules")]
    for n, rule in enumerate(extra, 1):
        where = _("extra rule %(n)d") % {"n": n}
        if not isinstance(rule, dict) or set(rule) - {"when", "types", "steps"}:
            problems.append(_("%(where)s: an object with when, types and steps") % {"where": where})
            continue
        when = rule.get("when", {})
        if not isinstance(when, dict):
            problems.append(_("%(where)s: 'when' is an object") % {"where": where})
            when = {}
        for key, value in when.items():
            if key not in WHEN_KEYS or not isinstance(value, WHEN_KEYS[key]):
                problems.append(
                    _("%(where)s: 'when' takes special/classified (true/false), mode")
                    % {"where": where}
                )
            elif key == "mode" and value not in MODES:
                problems.append(_("%(where)s: mode must be view or copy") % {"where": where})
        types = rule.get("types")
        if types is not None and (not isinstance(types, list) or set(types) - set(REQUESTER_TYPES)):
            problems.append(_("%(where)s: 'types' lists requester types") % {"where": where})
        problems += _steps_problems(rule.get("steps"), where)
    return problems
