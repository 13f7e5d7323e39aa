"""Schemathesis over /api/schema/: every operation, as each kind of API user, gets no 5xx and
answers as its schema says (status codes, content type, body), issue 13 §4.

In-process through the WSGI app on the test database; bounded (few examples per operation,
derandomised so a run is repeatable). Token users for roles without two-factor; a verified
session (with its CSRF token) for the security chief, whose role must pass TOTP (M-1.1a)."""

from itertools import product

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.models import Role
from tests.factories import CameraFactory, UserFactory, VendorFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
TOKEN_ROLES = [Role.DUTY_OPERATOR, Role.VENDOR_ENGINEER, Role.AUDITOR, Role.APPLICANT]


def _verified_session(user) -> dict:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    csrf = _get_new_csrf_string()
    return {
        "headers": {"X-CSRFToken": csrf},
        "cookies": {django_settings.SESSION_COOKIE_NAME: session.session_key, "csrftoken": csrf},
    }


@pytest.fixture
def api_users(db):
    """How to call as one user per role that uses the API, and some records to find."""
    vendor = VendorFactory(name="Schemathesis vendor")
    cameras = [CameraFactory(vendor=vendor), CameraFactory()]
    finished_run({cameras[0]: outcome("fault", "Picture is black."), cameras[1]: outcome("ok")})
    headers = {}
    for role in TOKEN_ROLES:
        extra = {"department": vendor} if role == Role.VENDOR_ENGINEER else {}
        user = UserFactory(roles=[role], username=f"st-{role}", **extra)
        token = Token.objects.create(user=user)
        headers[role] = {"headers": {"Authorization": f"Token {token.key}"}}
    chief = UserFactory(roles=[Role.SECURITY_CHIEF], username="st-chief")
    headers[Role.SECURITY_CHIEF] = _verified_session(chief)
    return headers


@pytest.fixture
def wsgi_app():
    """The site's WSGI app on the test's transaction: as Django's test client does, keep the
    handler from closing the connection at the start and end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_users, wsgi_app):
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        wsgi_app,
        **api_users[Role.DUTY_OPERATOR],
    )


# Driven by hand, one hypothesis run per operation: schemathesis' lazy pytest fixtures do not
# work with pytest 9 yet.
SETTINGS = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_api_conforms_to_its_schema_for_every_role(api_schema, api_users):
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15  # the whole API, not a schema that failed to load

    for operation, mode in product(operations, GenerationMode):

        @SETTINGS
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            for credentials in api_users.values():
                case.call_and_validate(checks=CHECKS, **credentials)

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to send wrong (e.g. /api/me/)
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
