"""Role users and shared fixtures. Objects come from tests/factories.py."""

import pytest

from tests.factories import UserFactory, VendorFactory

pytest_plugins = ["tests.peers.fixtures"]


def _role_user(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


@pytest.fixture
def duty_operator(db):
    return _role_user("duty_operator", username="operator1")


@pytest.fixture
def security_staff(db):
    return _role_user("security_staff", username="staff1")


@pytest.fixture
def security_chief(db):
    return _role_user("security_chief", username="chief1")


@pytest.fixture
def vendor_engineer(db):
    return _role_user(
        "vendor_engineer",
        username="vendor1",
        department=VendorFactory(name="Contracted vendor"),
    )


@pytest.fixture
def other_vendor_engineer(db):
    return _role_user(
        "vendor_engineer", username="vendor2", department=VendorFactory(name="Another vendor")
    )


@pytest.fixture
def auditor(db):
    return _role_user("auditor", username="auditor1")


@pytest.fixture(autouse=True)
def _fresh_audit_witness(settings, tmp_path):
    # Each test's chain starts empty (rolled back), so its witnessed head starts empty too.
    settings.AUDIT_WITNESS_PATH = str(tmp_path / "audit-witness.json")


@pytest.fixture(autouse=True)
def _english_by_default():
    # A page request activates its language for the thread; each test starts in English.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def pdf_signing_pair(settings, tmp_path):
    """A fresh site signing pair for sign_pdf / verify_pdf_signature (docs/pdf.md)."""
    from apps.core.pdf import signing_pair_create

    key, cert = tmp_path / "pdf-signing" / "key.pem", tmp_path / "pdf-signing" / "cert.pem"
    signing_pair_create(key_path=key, cert_path=cert, common_name="campuscctv test site")
    settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT = str(key), str(cert)
    return key, cert
