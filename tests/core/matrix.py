"""The role × URL table's shared pieces: the row type and the role sets.

``tests/core/test_role_url_matrix.py`` holds the rows of the first apps; each later app keeps its
own rows beside its tests, in ``tests/<app>/matrix_rows.py``: a list ``ROWS`` of ``Row`` and a
function ``world(world: dict) -> dict`` returning the objects its rows name (``{key}`` in a
path), built on the shared world (its vendor, cameras, runs). The table test reads every such
module listed in ``MATRIX_APPS``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from apps.accounts.models import Role

# Apps whose rows live in tests/<app>/matrix_rows.py (a missing module is an app not yet built).
MATRIX_APPS = ("exports", "maintenance", "requests", "duty", "compliance")

EVERYONE = frozenset(Role.values)
VIEWERS = frozenset(
    {
        Role.DUTY_OPERATOR,
        Role.SECURITY_STAFF,
        Role.SECURITY_CHIEF,
        Role.VENDOR_ENGINEER,
        Role.FOOTAGE_CUSTODIAN,
        Role.AUDITOR,
        Role.LEADER_IN_CHARGE,
        Role.PRINCIPAL_LEADER,
    }
)
VENDOR = frozenset({Role.VENDOR_ENGINEER})
OFFICE_VIEWERS = VIEWERS - VENDOR
PATROLLERS = frozenset({Role.DUTY_OPERATOR, Role.SECURITY_STAFF, Role.SECURITY_CHIEF})
REVIEWERS = PATROLLERS
SIGNERS = frozenset({Role.SECURITY_STAFF, Role.SECURITY_CHIEF})
NO_CAMERA_ACCESS = frozenset({Role.APPLICANT, Role.DEPARTMENT_HEAD})
TWO_FACTOR = {"security_chief", "leader_in_charge", "principal_leader", "footage_custodian"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"matrix" * 20 + b"\xff\xd9"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # "{camera}" etc.: keys of the world fixture
    allowed: frozenset[str]
    data: Callable[[dict], dict] | dict | None = None
    # (action, clause) an allowed write leaves; None: a write that is no evidence (mark read)
    audit: tuple[str, str] | None = None
    not_found: frozenset[str] = frozenset()  # roles for whom the object is out of scope
    json: bool = False
    peer: bool = False  # the allowed write needs a real camera peer (slow test)
    follow: bool = False  # judge the page a redirect leads to (the admin's login hop)
    label: str = ""

    def __str__(self) -> str:
        return self.label or f"{self.method} {self.path}"


def _get(path: str, allowed, **kwargs) -> Row:
    return Row("GET", path, frozenset(allowed), **kwargs)
