"""Issue 15's rule for every register: the requests list, queue, CSV and API list cost a fixed
number of queries whatever the number of requests (the visibility test is one EXISTS, not a
query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CameraFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import filed

pytestmark = pytest.mark.django_db

URLS = ("/requests/", "/requests/queue/", "/requests/?format=csv", "/api/requests/")


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", URLS)
def test_queries_do_not_grow_with_the_rows(client, applicant, security_chief, url):
    camera = CameraFactory()
    filed(applicant, cameras=[camera], submit=True)
    verified_login(client, security_chief)
    few = _count(client, url)
    for n in range(6):
        filed(applicant, cameras=[camera], submit=True, classified=n % 2 == 0)
    assert _count(client, url) == few
