"""Shared by the registers' query-count tests (issue 15): how often a page asks the database,
and how many rows it shows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_and_rows(client, path: str) -> tuple[int, int]:
    """(queries, rows shown) for one GET of a register page (its ``rows``) or an API list (its
    ``results``); the answer must be 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    if response.get("Content-Type", "").startswith("application/json"):
        shown = len(response.json()["results"])
    else:
        shown = len(response.context["rows"])
    return len(queries), shown
