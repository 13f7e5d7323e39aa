"""M-1.4, M-2.2 on a phone (390 × 844, touch): a duty operator reviews flagged results and a
security-office staffer countersigns the run by tapping; the note box is wide enough to write
in and no button or choice breaks its text over lines (issue 14 §6). Both languages.

Screenshots go to test-artifacts/ (git-ignored)."""

from pathlib import Path

import pytest

from apps.patrol.models import PatrolCheck, PatrolRun
from tests.factories import TEST_PASSWORD, CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts")
PHONE = {"width": 390, "height": 844}

# Per element: how many distinct line boxes its own text occupies, its height, and the height
# one line of its text takes with its padding and border.
LINES_JS = """el => {
  const tops = new Set();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
  }
  const style = getComputedStyle(el);
  const px = name => parseFloat(style[name]) || 0;
  const box = el.getBoundingClientRect();
  return {
    text: el.innerText.trim(), lines: tops.size, height: box.height, width: box.width,
    oneLine: px('lineHeight') + px('paddingTop') + px('paddingBottom')
             + px('borderTopWidth') + px('borderBottomWidth'),
  };
}"""


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_as(user, locale="en-US"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", TEST_PASSWORD)
        page.tap("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def run_to_review(db):
    cameras = {code: CameraFactory(code=code) for code in ("BLACK", "FROZEN", "NORMAL")}
    return finished_run(
        {
            cameras["BLACK"]: outcome("fault", "Picture is black."),
            cameras["FROZEN"]: outcome("fault", "Picture is frozen."),
            cameras["NORMAL"]: outcome("ok"),
        }
    )


def _assert_fits_a_phone(page, row) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    note = row.locator("input[name=note]").bounding_box()
    assert note["width"] >= 300, note
    for control in row.locator(
        "[data-testid=review-form] label, [data-testid=review-form] button"
    ).all():
        shape = control.evaluate(LINES_JS)
        assert shape["lines"] == 1, shape  # the text is on one line, not a letter per line
        assert shape["height"] < shape["oneLine"] + 0.9 * (shape["oneLine"] or 1), shape
        assert shape["height"] >= 40, shape  # a finger-sized target


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_review_and_countersign_by_tapping_on_a_phone(
    phone, run_to_review, duty_operator, security_staff, locale
):
    ARTIFACTS.mkdir(exist_ok=True)
    tag = locale.split("-")[0]
    url = f"/patrol/{run_to_review.pk}/"
    page = phone(duty_operator, locale)
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == ("en" if tag == "en" else "zh-hans")
    black = page.locator("[data-testid=flagged] tr[data-camera=BLACK]")
    _assert_fits_a_phone(page, black)
    page.screenshot(path=str(ARTIFACTS / f"phone-review-{tag}.png"), full_page=True)

    black.locator("label:has(input[value=confirmed_fault])").tap()
    black.locator("input[name=note]").tap()
    black.locator("input[name=note]").fill("no picture on the wall either")
    black.locator("[data-testid=review-form] button").tap()
    page.wait_for_selector("tr[data-camera=BLACK] [data-testid=review-done]")
    frozen = page.locator("[data-testid=flagged] tr[data-camera=FROZEN]")
    _assert_fits_a_phone(page, frozen)
    frozen.locator("label:has(input[value=false_alarm])").tap()
    frozen.locator("input[name=note]").tap()
    frozen.locator("input[name=note]").fill("lens cleaned during the check")
    frozen.locator("[data-testid=review-form] button").tap()
    page.wait_for_selector("tr[data-camera=FROZEN] [data-testid=review-done]")
    page.screenshot(path=str(ARTIFACTS / f"phone-reviewed-{tag}.png"), full_page=True)
    reviews = dict(
        PatrolCheck.objects.filter(run=run_to_review).values_list("camera__code", "review")
    )
    assert reviews == {"BLACK": "confirmed_fault", "FROZEN": "false_alarm", "NORMAL": ""}

    staff = phone(security_staff, locale)
    staff.goto(url)
    form = staff.locator("[data-testid=sign-form]")
    assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert form.locator("textarea").bounding_box()["width"] >= 300
    button = form.locator("button").evaluate(LINES_JS)
    assert button["lines"] == 1 and button["width"] >= 300, button
    form.locator("textarea").tap()
    form.locator("textarea").fill("checked against the video wall")
    staff.screenshot(path=str(ARTIFACTS / f"phone-sign-{tag}.png"), full_page=True)
    form.locator("button").tap()
    staff.wait_for_selector("[data-testid=signed]")
    run_to_review.refresh_from_db()
    assert run_to_review.state == PatrolRun.State.SIGNED
    assert run_to_review.signed_by == security_staff
    assert run_to_review.sign_note == "checked against the video wall"


def test_availability_chart_on_a_phone_shows_axis_and_values(phone, run_to_review, duty_operator):
    ARTIFACTS.mkdir(exist_ok=True)
    camera = PatrolCheck.objects.get(run=run_to_review, camera__code="NORMAL").camera
    page = phone(duty_operator)
    page.goto(f"/cameras/{camera.pk}/")
    page.wait_for_selector("[data-testid=availability-table]")
    ticks = page.locator("[data-testid=availability-tick]")
    assert ticks.count() == 5 and all(t.is_visible() for t in ticks.all())
    boxes = [t.bounding_box() for t in ticks.all()]
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] < right["x"]  # date labels do not overlap
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in boxes)
    assert page.locator("[data-testid=availability-table] td").first.inner_text() == "100%"
    page.locator("[data-testid=availability-chart]").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "phone-availability.png"))
