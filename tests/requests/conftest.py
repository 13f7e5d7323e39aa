import pytest

from tests.factories import UserFactory
from tests.requests.helpers import applicant_in, internal_department


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.REQUEST_ATTACHMENTS_ROOT = str(tmp_path / "request-attachments")
    from django.utils.functional import empty

    from apps.requests.models import attachment_storage

    storage = attachment_storage()
    storage._wrapped = empty  # the storage reads the setting again
    yield
    storage._wrapped = empty


@pytest.fixture(autouse=True)
def _default_routing_policy(request):
    """Another app's transactional test flushes every table, the default policy the migration
    wrote included: a transactional test here puts it back first (M-3.3)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from apps.requests.models import RoutingPolicy
    from apps.requests.routing import DEFAULT_RULES

    RoutingPolicy.objects.get_or_create(
        version=1, defaults={"rules": DEFAULT_RULES, "note": "Default policy from the measures"}
    )


@pytest.fixture
def department(db):
    return internal_department()


@pytest.fixture
def applicant(department):
    return applicant_in(department)


@pytest.fixture
def department_head(department):
    return UserFactory(username="head1", roles=["department_head"], department=department)


@pytest.fixture
def leader_in_charge(db):
    return UserFactory(username="lic1", roles=["leader_in_charge"])


@pytest.fixture
def principal_leader(db):
    return UserFactory(username="pl1", roles=["principal_leader"])


@pytest.fixture
def custodian(db):
    return UserFactory(username="custodian1", roles=["footage_custodian"])
