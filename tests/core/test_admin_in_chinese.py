"""M-1.1: the security chief's admin reads in Chinese — role names, not group codes; schedules
by name and in words, not crontab strings; no English left on the pages he opens (issue 14 §1)."""

import re

import pytest
from django.contrib.auth.models import Group
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Role
from apps.core.admin_config import crontab_describe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# What these pages showed in English before (issue 14 §1), as whole words.
LEFTOVERS = [
    *Role.values,  # group codes in the role picker, filter and group pages
    "(m/h/dM/MY/d)",  # beat's crontab string
    "At 06:00",  # cron-descriptor's English
    "Daily patrol of every camera",
    "Resume stalled patrol runs",
    "Crontab translation",
    "Translation:",
    "Human readable",
    "Scheduler",
    "Task Name",
    "Schedule",
    "Arguments",
    "Execution Options",
    "Model name",
    "Add link",
    "Change or view list link",
    "you’ll be able to edit more user options",
    "Can add",
    "Can change",
    "Can view",
    "groups this user belongs to",
]


@pytest.fixture
def chief_client(client, security_chief):
    security_chief.is_staff = True
    security_chief.save()
    device = TOTPDevice.objects.create(user=security_chief, name="phone", confirmed=True)
    client.force_login(security_chief)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # as django_otp.login does
    session.save()
    return client


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<option[^>]*>[A-Z][a-z]+/[^<]*</option>", " ", html)  # time-zone names
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _chief_pages(operator) -> list[str]:
    daily = PeriodicTask.objects.get(task="apps.patrol.tasks.patrol_daily")
    group = Group.objects.get(name=Role.DUTY_OPERATOR)
    return [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{operator.pk}/change/",
        "/admin/accounts/department/",
        "/admin/auth/group/",
        f"/admin/auth/group/{group.pk}/change/",
        "/admin/django_celery_beat/periodictask/",
        "/admin/django_celery_beat/periodictask/add/",
        f"/admin/django_celery_beat/periodictask/{daily.pk}/change/",
        "/admin/django_celery_beat/crontabschedule/",
        f"/admin/django_celery_beat/crontabschedule/{daily.crontab_id}/change/",
    ]


def test_chief_admin_pages_have_no_english_leftovers(chief_client):
    operator = UserFactory(roles=[Role.DUTY_OPERATOR], full_name="王五")
    found = {}
    for path in _chief_pages(operator):
        response = chief_client.get(path, **ZH)
        assert response.status_code == 200, path
        text = _visible_text(response.content.decode())
        hits = [w for w in LEFTOVERS if re.search(rf"(?<![\w/.]){re.escape(w)}(?![\w])", text)]
        if hits:
            found[path] = hits
    assert found == {}


def test_roles_read_by_name_and_schedules_in_words(chief_client):
    operator = UserFactory(roles=[Role.DUTY_OPERATOR])
    page = chief_client.get(f"/admin/accounts/user/{operator.pk}/change/", **ZH).content.decode()
    assert "监控中心值守人员" in page and "维保单位工程师" in page
    assert "职责分离" in page  # the roles field's help text
    tasks = _visible_text(
        chief_client.get("/admin/django_celery_beat/periodictask/", **ZH).content.decode()
    )
    assert "每天 06:00" in tasks and "每日巡检" in tasks
    crons = chief_client.get("/admin/django_celery_beat/crontabschedule/", **ZH)
    assert "每天 06:00" in crons.content.decode() and "0 6 * * *" in crons.content.decode()


def test_english_admin_reads_in_english(chief_client):
    tasks = _visible_text(
        chief_client.get("/admin/django_celery_beat/periodictask/").content.decode()
    )
    assert "Every day at 06:00" in tasks and "Daily patrol of every camera (M-2.1)" in tasks
    page = chief_client.get("/admin/auth/group/").content.decode()
    assert "Duty operator" in page and ">duty_operator<" not in page


@pytest.mark.parametrize(
    ("fields", "english", "chinese"),
    [
        (("0", "6", "*", "*", "*"), "Every day at 06:00", "每天 06:00"),
        (
            ("30", "22", "*", "*", "1,5"),
            "Every Monday, Friday at 22:30",
            "每周星期一、星期五 22:30",
        ),
        (("0", "3", "1", "*", "*"), "Every month on day 1 at 03:00", "每月 1 日 03:00"),
        (("15", "*", "*", "*", "*"), "Every hour at minute 15", "每小时第 15 分"),
    ],
)
def test_crontab_described_in_both_languages(fields, english, chinese):
    from django.utils import translation

    minute, hour, dom, month, dow = fields
    crontab = CrontabSchedule(
        minute=minute,
        hour=hour,
        day_of_month=dom,
        month_of_year=month,
        day_of_week=dow,
        timezone="Asia/Shanghai",
    )
    assert crontab_describe(crontab) == english
    with translation.override("zh-hans"):
        assert crontab_describe(crontab) == chinese
    crontab.timezone = "UTC"
    assert crontab_describe(crontab) == f"{english} (UTC)"


def test_chief_changes_the_patrol_time_and_renames_the_task(chief_client):
    daily = PeriodicTask.objects.get(task="apps.patrol.tasks.patrol_daily")
    url = f"/admin/django_celery_beat/crontabschedule/{daily.crontab_id}/change/"
    fields = {"minute": "30", "hour": "7", "day_of_month": "*", "month_of_year": "*"}
    fields |= {"day_of_week": "*", "timezone": "Asia/Shanghai"}
    assert chief_client.post(url, fields, **ZH).status_code == 302
    listing = chief_client.get("/admin/django_celery_beat/periodictask/", **ZH).content.decode()
    assert "每天 07:30" in _visible_text(listing)

    url = f"/admin/django_celery_beat/periodictask/{daily.pk}/change/"
    form = chief_client.get(url, **ZH).context["adminform"].form
    data = {
        name: value
        for name in form.fields
        if (value := form.initial.get(name)) is not None and not isinstance(value, bool)
    }
    data |= {
        "name": "早间巡检",
        "enabled": "on",
        "regtask": daily.task,
        "crontab": daily.crontab_id,
    }
    response = chief_client.post(url, data, **ZH)
    assert response.status_code == 302, response.context["adminform"].form.errors
    daily.refresh_from_db()
    assert daily.name == "早间巡检" and daily.task == "apps.patrol.tasks.patrol_daily"
    listing = _visible_text(
        chief_client.get("/admin/django_celery_beat/periodictask/").content.decode()
    )
    assert "早间巡检" in listing  # a name the chief typed reads as typed, in every language
