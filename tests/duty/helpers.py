"""Shared pieces of the duty tests: the presets by code, operators."""

from apps.duty.models import ShiftTemplate
from tests.factories import UserFactory


def preset(code: str) -> ShiftTemplate:
    return ShiftTemplate.objects.get(preset=code)


def operator(username: str, **kwargs):
    return UserFactory(roles=["duty_operator"], username=username, **kwargs)


def in_zh_catalogue(msgid: str) -> bool:
    """The lead merges /tmp/zh/duty.json into the zh-hans catalogue; the Chinese tests run
    once the message is there (and then fail on a wrong translation)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(msgid) != msgid


def shift_from(person, start, hours: int, *, by):
    """``person`` on a shift starting at the aware time ``start`` (local), ``hours`` long: an
    office template for that start time, assigned on that local day."""
    from django.utils import timezone

    from apps.duty.services import roster_assign

    local = timezone.localtime(start)
    template, _ = ShiftTemplate.objects.get_or_create(
        name=f"Test {local:%H:%M} {hours}h",
        defaults={"start_time": local.time(), "length_hours": hours},
    )
    return roster_assign(operator=person, template=template, day=local.date(), by=by)
