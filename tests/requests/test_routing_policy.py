"""M-3.3, M-3.3.5: routes are data. Every requester type × mode × special × classified under
the default policy and under a second version; a request keeps the version it was routed by."""

from dataclasses import dataclass
from itertools import product

import pytest

from apps.requests.routing import DEFAULT_RULES, Step, route_for, rules_problems

DH = Step("department_head", scope="department")
SC = Step("security_chief")
CHECK = Step("security_staff", kind="document_check")
LIC = Step("leader_in_charge")
PL = Step("principal_leader")


@dataclass
class Req:
    requester_type: str
    mode: str
    special: bool
    classified: bool


# The default (v1): M-3.3.1-3.3.4, special adds the leader-in-charge to internal requests
# (M-3.3.1(4)), every copy both leaders in that order (M-3.3.5, stricter than M-3.3.3).
V1 = {
    ("internal", "view", False): [DH, SC],
    ("internal", "view", True): [DH, SC, LIC],
    ("internal", "copy", False): [DH, SC, LIC, PL],
    ("internal", "copy", True): [DH, SC, LIC, PL],
    ("student", "view", False): [SC],
    ("student", "view", True): [SC],
    ("student", "copy", False): [SC, LIC, PL],
    ("student", "copy", True): [SC, LIC, PL],
    ("law_enforcement", "view", False): [CHECK, LIC],
    ("law_enforcement", "view", True): [CHECK, LIC],
    ("law_enforcement", "copy", False): [CHECK, LIC, PL],
    ("law_enforcement", "copy", True): [CHECK, LIC, PL],
    ("external", "view", False): [CHECK, PL],
    ("external", "view", True): [CHECK, PL],
    ("external", "copy", False): [CHECK, LIC, PL],
    ("external", "copy", True): [CHECK, LIC, PL],
}

# A second version: law enforcement may copy on the leader-in-charge alone (the lenient
# M-3.3.3 reading), special cases of every type go to the leader-in-charge, and classified
# requests also to the security chief.
V2_RULES = {
    "routes": DEFAULT_RULES["routes"],
    "extra": [
        {"when": {"special": True}, "steps": [{"role": "leader_in_charge"}]},
        {
            "when": {"mode": "copy"},
            "types": ["internal", "student", "external"],
            "steps": [{"role": "leader_in_charge"}, {"role": "principal_leader"}],
        },
        {"when": {"classified": True}, "steps": [{"role": "security_chief"}]},
    ],
}


def _v2(requester_type, mode, special, classified):
    route = {
        "internal": [DH, SC],
        "student": [SC],
        "law_enforcement": [CHECK, LIC],
        "external": [CHECK, PL],
    }[requester_type]
    if special:
        route = [s for s in route if s != LIC] + [LIC]
    if mode == "copy" and requester_type != "law_enforcement":
        route = [s for s in route if s not in (LIC, PL)] + [LIC, PL]
    if classified:
        route = [s for s in route if s != SC] + [SC]
    return route


CASES = list(
    product(
        ("internal", "student", "law_enforcement", "external"),
        ("view", "copy"),
        (False, True),
        (False, True),
    )
)


@pytest.mark.parametrize(("requester_type", "mode", "special", "classified"), CASES)
def test_default_policy(requester_type, mode, special, classified):
    request = Req(requester_type, mode, special, classified)
    # Classified changes who sees the request, not its route (M-3.3.1(1)).
    assert route_for(request, DEFAULT_RULES) == V1[(requester_type, mode, special)]


@pytest.mark.parametrize(("requester_type", "mode", "special", "classified"), CASES)
def test_second_version(requester_type, mode, special, classified):
    request = Req(requester_type, mode, special, classified)
    assert route_for(request, V2_RULES) == _v2(requester_type, mode, special, classified)


def test_law_enforcement_copy_differs_between_the_readings():
    request = Req("law_enforcement", "copy", False, False)
    assert route_for(request, DEFAULT_RULES) == [CHECK, LIC, PL]  # M-3.3.5, the default
    assert route_for(request, V2_RULES) == [CHECK, LIC]  # M-3.3.3 alone


def test_both_versions_are_valid_policies():
    assert rules_problems(DEFAULT_RULES) == []
    assert rules_problems(V2_RULES) == []


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ([], "an object"),
        ({"routes": {}}, "no route for 'internal'"),
        (
            {"routes": {**DEFAULT_RULES["routes"], "student": []}},
            "routes.student: at least one approval step",
        ),
        (
            {"routes": {**DEFAULT_RULES["routes"], "student": [{"role": "auditor"}]}},
            "role must be one of",
        ),
        (
            {"routes": {**DEFAULT_RULES["routes"], "visitor": [{"role": "security_chief"}]}},
            "unknown requester type 'visitor'",
        ),
        (
            {
                "routes": {
                    **DEFAULT_RULES["routes"],
                    "student": [{"role": "security_chief", "scope": "department"}],
                }
            },
            "only a department head",
        ),
        (
            {"routes": DEFAULT_RULES["routes"], "extra": [{"when": {"mode": "burn"}, "steps": []}]},
            "mode must be view or copy",
        ),
        (
            {"routes": DEFAULT_RULES["routes"], "extra": [{"when": {"weekday": 1}, "steps": []}]},
            "'when' takes",
        ),
    ],
)
def test_bad_policies_say_what_is_wrong(rules, problem):
    assert any(problem in text for text in rules_problems(rules)), rules_problems(rules)
