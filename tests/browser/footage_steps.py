"""Shared steps of the footage-request journeys (issue 17; M-3.3, M-3.5, M-1.1b, M-3.4): each
role in a browser context of its own, signed in through the login page (and the authenticator's
code for the roles that need it), and the request page's forms filled as a user would."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.selectors import otp_required
from tests.factories import TEST_PASSWORD

# A write that notifies and audits, on a machine shared with the whole suite: wait longer.
SLOW_MS = 60_000
FOOTAGE = b"\x00\x00\x00\x18ftypmp42" + b"exported frames " * 200


@pytest.fixture
def open_as(browser, live_server):
    """``open_as(user)`` → a page in a new browser context, signed in as ``user``."""
    contexts = []

    def _open(user):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        device = None
        if otp_required(user=user):  # an enrolled authenticator (M-1.1a)
            device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit]")
        if device:
            page.wait_for_url(re.compile(r"/accounts/otp/"))
            page.fill("#id_token", f"{totp(device.bin_key):06d}")
            page.click("form:has(#id_token) button[type=submit]")  # not the header's "Log out"
        page.wait_for_selector("[data-testid=current-user]")
        return page

    yield _open
    for context in contexts:
        context.close()


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def file_request(page, *, requester_type: str, mode: str, camera, unit: str = "", **text) -> str:
    """Fill the request form (M-3.5) and save the draft; return the request page's path."""
    end = timezone.now() - timedelta(days=1)
    page.goto("/requests/new/")
    page.select_option("[name=requester_type]", requester_type)
    if unit:
        page.fill("[name=applying_unit]", unit)
    page.fill("[name=handler_name]", text.get("handler_name", "李明"))
    page.select_option("[name=handler_id_type]", text.get("handler_id_type", "resident_id"))
    page.fill("[name=handler_id_number]", text["handler_id_number"])
    page.check(f"input[name=mode][value={mode}]")
    page.select_option("[name=cameras]", str(camera.pk))
    page.fill("[name=place_detail]", text.get("place_detail", "南大门入口"))
    page.fill("[name=span_from]", local(end - timedelta(hours=1)))
    page.fill("[name=span_to]", local(end))
    page.fill("[name=reason]", text["reason"])
    page.click("[data-testid=request-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    return "/requests/" + page.url.split("/requests/", 1)[1]


def attach(page, kind: str, name: str, content: bytes, mime: str = "application/pdf") -> None:
    form = page.locator("[data-testid=attach-form]")
    before = page.locator("[data-testid=attachments] a").count()
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=file]").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=attachments] a').length > n", arg=before
    )


def confirmed(page) -> str:
    """The page's message after a write; a refusal fails here with its own words."""
    page.wait_for_selector(".alert-success, .alert-danger", timeout=SLOW_MS)
    refusals = page.locator(".alert-danger")
    assert refusals.count() == 0, refusals.all_inner_texts()
    return page.inner_text(".alert-success")


def submit(page) -> str:
    """Submit for approval; return the success message the filer sees."""
    page.click("[data-testid=submit-request]")
    return confirmed(page)


def decide(page, url: str, comment: str, *, password: bool = False) -> str:
    """Approve the step waiting for this user (a leader signs with the password)."""
    page.goto(url)
    form = page.locator("[data-testid=decide-form]")
    form.locator("input[value=approve]").check()
    form.locator("textarea[name=comment]").fill(comment)
    if password:
        form.locator("input[name=password]").fill(TEST_PASSWORD)
    form.locator("button[type=submit]").click()
    return confirmed(page)


def signatures(page) -> list[str]:
    return [" ".join(s.split()) for s in page.locator("[data-testid=signature]").all_inner_texts()]


def retrieve(page, url: str, custodian, backup: str) -> None:
    """The custodian takes the approved request and records the retrieval (M-1.1b): the
    approved cameras and span, offered as the form's initial values."""
    page.goto(url)
    assign = page.locator("[data-testid=assign-form]")
    assign.locator("select[name=custodian]").select_option(str(custodian.pk))
    assign.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=retrieval-form]", timeout=SLOW_MS)
    page.fill("[data-testid=retrieval-form] [name=backup_location]", backup)
    page.click("[data-testid=retrieval-form] button[type=submit]")
    page.wait_for_selector("[data-testid=retrieval] dl", timeout=SLOW_MS)


def record_copy(page, *, recipient: str, destination: str, medium: str = "usb") -> None:
    """A copy handed over (M-3.4): the exported file's SHA-256 computed from the upload."""
    form = page.locator("[data-testid=copy-form]")
    form.locator("input[name=file]").set_input_files(
        {"name": "南大门-录像.mp4", "mimeType": "video/mp4", "buffer": FOOTAGE}
    )
    form.locator("select[name=medium]").select_option(medium)
    form.locator("input[name=recipient]").fill(recipient)
    form.locator("input[name=destination]").fill(destination)
    form.locator("input[name=handed_over_at]").fill(local(timezone.now()))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=copy]", timeout=SLOW_MS)


def report_result(page, text: str) -> None:
    page.fill("[data-testid=result-form] textarea", text)
    page.click("[data-testid=result-form] button[type=submit]")
    confirmed(page)


def field(page, label: str) -> str:
    """The request page's value for one of the form's labels (M-3.5)."""
    return page.inner_text(
        f"[data-testid=request-fields] dt:text-is('{label}') + dd", timeout=5_000
    ).strip()
