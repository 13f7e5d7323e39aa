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
