"""M-1.2: every page and endpoint, tried by every role — allowed roles get the page, the others
a refusal (403, or 404 where the object is outside their scope), nobody a server error."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Role
from tests.factories import CameraFactory, UserFactory, VendorFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db

VIEWERS = {
    Role.DUTY_OPERATOR,
    Role.SECURITY_STAFF,
    Role.SECURITY_CHIEF,
    Role.VENDOR_ENGINEER,
    Role.FOOTAGE_CUSTODIAN,
    Role.AUDITOR,
    Role.LEADER_IN_CHARGE,
    Role.PRINCIPAL_LEADER,
}
EVERYONE = set(Role.values)
# path template → roles that get 200 (the vendor engineer's company maintains the camera)
MATRIX = {
    "/": EVERYONE,
    "/cameras/": VIEWERS,
    "/cameras/?format=csv": VIEWERS,
    "/cameras/new/": {Role.VENDOR_ENGINEER},
    "/cameras/import/": {Role.VENDOR_ENGINEER},
    "/cameras/places/": VIEWERS,
    "/cameras/{camera}/": VIEWERS,
    "/cameras/{camera}/edit/": {Role.VENDOR_ENGINEER},
    "/cameras/{camera}/credentials/": {Role.VENDOR_ENGINEER},
    "/patrol/": VIEWERS,
    "/patrol/{run}/": VIEWERS,
    "/patrol/{run}/progress/": VIEWERS,
    "/patrol/cameras/{camera}/history/": VIEWERS,
    "/audit/": {Role.AUDITOR},
    "/admin/": {Role.SECURITY_CHIEF},
    "/accounts/password/": EVERYONE,
    "/api/me/": EVERYONE,
    "/api/cameras/": VIEWERS,
    "/api/cameras/{camera}/": VIEWERS,
    "/api/patrol/runs/": VIEWERS,
    "/api/patrol/runs/{run}/": VIEWERS,
    "/api/patrol/checks/": VIEWERS,
    "/api/audit/events/": {Role.AUDITOR},
    "/api/users/": {Role.SECURITY_CHIEF},
    "/api/departments/": EVERYONE,
    "/api/schema/": EVERYONE,
}


@pytest.fixture
def world(db):
    vendor = VendorFactory(name="Matrix vendor")
    camera = CameraFactory(vendor=vendor)
    run = finished_run({camera: outcome("fault", "Picture is black.")})
    return {"camera": camera.pk, "run": run.pk, "vendor": vendor}


@pytest.mark.parametrize("role", Role.values)
def test_every_page_by_every_role(client, world, role):
    user = UserFactory(
        roles=[role],
        username=f"matrix-{role}",
        is_staff=True,
        **({"department": world["vendor"]} if role == Role.VENDOR_ENGINEER else {}),
    )
    client.force_login(user)
    if role in ("security_chief", "leader_in_charge", "principal_leader", "footage_custodian"):
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    failures = []
    for template, allowed in MATRIX.items():
        path = template.format(camera=world["camera"], run=world["run"])
        status = client.get(path).status_code
        expected_ok = role in allowed
        if (status == 200) != expected_ok or status >= 500:
            failures.append(f"{path}: {status} (expected {'200' if expected_ok else 'refusal'})")
    assert not failures, f"{role}: " + "; ".join(failures)
