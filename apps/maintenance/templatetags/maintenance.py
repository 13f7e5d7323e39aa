"""Template helpers of the maintenance pages."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_hm(value: timedelta) -> str:
    """A clock duration as hours and minutes ("5 h 07 min"), its sign dropped."""
    if not isinstance(value, timedelta):
        return ""
    minutes = int(abs(value.total_seconds()) // 60)
    return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}
