"""Role users and shared fixtures. Objects come from tests/factories.py."""

import importlib

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


# What the migrations seed and every deployment has: the role groups, the shift presets (M-1.2)
# and the default routing policy (M-3.3).
SEED_MIGRATIONS = [
    ("apps.accounts.migrations.0002_role_groups", "create_role_groups"),
    ("apps.duty.migrations.0002_presets_and_no_overlap", "_presets"),
    ("apps.requests.migrations.0002_default_policy", "create_default"),
]


@pytest.fixture(autouse=True)
def _seed_data_after_flush(request):
    """A transactional test ends by flushing every table, the migrations' seed data included, so
    a later transactional test (a browser journey, say) would meet a site no deployment has — no
    routing policy, no presets. Each one puts the seed back first."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    _seed()


def _seed() -> None:
    from django.apps import apps

    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A database kept with --reuse-db was left flushed by the last transactional test of the
    run before: seed it for the tests that roll back, too."""
    with django_db_blocker.unblock():
        _seed()


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
