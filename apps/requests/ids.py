"""Identity documents of a request's handler (M-3.5; PIPL): the GB 11643 check digit of a PRC
resident ID number. The mask every page, export and API shows instead of the number is
``apps.core.masking.id_number_mask`` (shared with the duty app's visitors).

Plain functions, no Django: table-driven tests call them directly.
"""

import re
from datetime import date

# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_RESIDENT_ID = re.compile(r"[1-9]\d{16}[\dX]")


def resident_id_check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (0-9 or X)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def resident_id_normalise(number: str) -> str:
    """Spaces dropped and a lower-case x read as X: what people type, as stored."""
    return re.sub(r"\s+", "", number).upper()


def resident_id_problem(number: str) -> str | None:
    """Why ``number`` (normalised) is not a valid resident ID number, as a short code, or None:
    ``format`` (not 18 characters, digits with a final digit or X), ``birth_date`` (digits
    7-14 are not a real date, or a future one) or ``check_digit`` (the 18th character does not
    match)."""
    if not _RESIDENT_ID.fullmatch(number):
        return "format"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date"
    if born > date.today():
        return "birth_date"
    if resident_id_check_digit(number[:17]) != number[17]:
        return "check_digit"
    return None
