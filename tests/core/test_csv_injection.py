"""CSV formula injection (OWASP): a cell that starts with = + - @ TAB or CR is written with a
leading single quote in every register export (M-4.2 evidence must be safe to open)."""

import csv
import io

import pytest

from apps.core.registers import spreadsheet_safe
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "=cmd|' /C calc'!A0"


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_failed_login_user_name_is_neutralised_in_the_audit_csv(client, auditor):
    client.post("/accounts/login/", {"username": PAYLOAD, "password": "whatever"})
    client.force_login(auditor)
    rows = _csv_rows(client.get("/audit/", {"action": "login_failed", "format": "csv"}))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + PAYLOAD in cells
    assert PAYLOAD not in cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells)


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"],
)
def test_camera_names_are_neutralised_in_the_camera_csv(client, duty_operator, name):
    CameraFactory(code="C1", name=name, location__building="=Evil building")
    client.force_login(duty_operator)
    header, row = _csv_rows(client.get("/cameras/", {"format": "csv"}))
    assert row[0] == "C1"
    assert row[1] == "'" + name
    assert row[2].startswith("'=Evil building")
    # the page itself shows the name as it was typed
    assert "=Evil building" in client.get("/cameras/").content.decode()


def test_plain_values_and_numbers_are_left_alone(client, duty_operator):
    CameraFactory(code="C2", name="东门 1 号", location__building="Library")
    client.force_login(duty_operator)
    _, row = _csv_rows(client.get("/cameras/", {"format": "csv"}))
    assert row[:2] == ["C2", "东门 1 号"] and row[2].startswith("Library")
    assert spreadsheet_safe(-5) == -5 and spreadsheet_safe(None) is None
    assert spreadsheet_safe("a=b") == "a=b" and spreadsheet_safe("") == ""
