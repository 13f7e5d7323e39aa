"""The shift presets every office starts from (M-1.2): three 8-hour or two 12-hour shifts.

Kept present after every ``migrate`` (and after a test database flush) by a post_migrate
handler, like the role groups; migration 0002 created them first. A preset the office stopped
using stays as it is (found by its code, not recreated)."""

from datetime import time

# (code, unique name, start, hours); pages show the translated label of ``code``.
PRESETS = [
    ("8h_night", "Night shift (8 h)", time(0, 0), 8),
    ("8h_day", "Day shift (8 h)", time(8, 0), 8),
    ("8h_evening", "Evening shift (8 h)", time(16, 0), 8),
    ("12h_day", "Day shift (12 h)", time(8, 0), 12),
    ("12h_night", "Night shift (12 h)", time(20, 0), 12),
]


def shift_presets_sync(**kwargs) -> None:
    from .models import ShiftTemplate

    for code, name, start, hours in PRESETS:
        ShiftTemplate.objects.get_or_create(
            preset=code, defaults={"name": name, "start_time": start, "length_hours": hours}
        )
