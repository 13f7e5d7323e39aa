"""M-3.5: a submitted request gets 调阅-YYYY-NNNNNN, gapless per year, also when many are
submitted at once."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from apps.requests.models import FootageRequest, RequestNumberCounter
from apps.requests.services import request_number_next, request_submit
from tests.requests.helpers import filed

pytestmark = pytest.mark.django_db


def test_numbers_follow_each_other_within_a_year(applicant):
    year = date.today().year
    first = filed(applicant, submit=True)
    second = filed(applicant, submit=True)
    assert first.number == f"调阅-{year}-000001"
    assert second.number == f"调阅-{year}-000002"
    assert first.application_date is not None


def test_a_draft_has_no_number_yet(applicant):
    assert filed(applicant).number is None


def test_a_rolled_back_submission_gives_its_number_back(applicant):
    year = date.today().year
    request = filed(applicant)
    with pytest.raises(RuntimeError), transaction.atomic():
        request_submit(request=request, by=applicant)
        raise RuntimeError("the rest of the transaction failed")
    again = request_submit(request=FootageRequest.objects.get(pk=request.pk), by=applicant)
    assert again.number == f"调阅-{year}-000001"


def test_each_year_counts_from_one(db):
    with transaction.atomic():
        assert request_number_next(year=2031) == "调阅-2031-000001"
        assert request_number_next(year=2032) == "调阅-2032-000001"
        assert request_number_next(year=2031) == "调阅-2031-000002"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_concurrent_submitters_get_distinct_gapless_numbers():
    workers, each = 8, 5
    start = threading.Barrier(workers)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def work():
        try:
            start.wait()
            for _ in range(each):
                with transaction.atomic():
                    numbers.append(request_number_next(year=2040))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    expected = [f"调阅-2040-{n:06d}" for n in range(1, workers * each + 1)]
    assert sorted(numbers) == expected
    assert RequestNumberCounter.objects.get(year=2040).last == workers * each
