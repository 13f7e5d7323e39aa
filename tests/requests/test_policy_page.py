"""M-3.3, M-3.3.5: the routing policy page shows what each version does; the security chief
publishes a new version from it; a bad document is refused with where it is wrong."""

import json

import pytest

from apps.requests.models import RoutingPolicy
from apps.requests.routing import DEFAULT_RULES
from tests.patrol.helpers import verified_login

pytestmark = pytest.mark.django_db


def test_everyone_who_files_sees_how_requests_are_routed(client, applicant):
    client.force_login(applicant)
    text = client.get("/requests/policy/").content.decode()
    # Law enforcement, copy: the document check, then both leaders (M-3.3.5, the default).
    assert (
        "Document check by the security office: Security staff → Leader-in-charge → "
        "Principal leader"
    ) in text
    assert 'data-testid="policy-form"' not in text
    assert client.post("/requests/policy/", {"rules": "{}"}).status_code == 403


def test_the_chief_publishes_a_version(client, security_chief):
    verified_login(client, security_chief)
    rules = {**DEFAULT_RULES, "extra": DEFAULT_RULES["extra"][1:]}  # no special rule
    response = client.post(
        "/requests/policy/", {"rules": json.dumps(rules), "note": "no special"}, follow=True
    )
    assert "Version 2 published" in response.content.decode()
    assert RoutingPolicy.objects.get(version=2).rules == rules


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("{not json", "Not valid JSON: line 1, column 2"),
        ('{"routes": {"internal": []}}', "no route for &#x27;student&#x27;"),
    ],
)
def test_a_bad_document_is_refused_and_kept(client, security_chief, typed, message):
    verified_login(client, security_chief)
    response = client.post("/requests/policy/", {"rules": typed})
    text = response.content.decode()
    assert message in text
    assert response.context["form"]["rules"].value() == typed  # what was typed stays
    assert RoutingPolicy.objects.count() == 1
