"""M-3.5, PIPL: the handler's resident ID number is checked with its GB 11643 check digit and
shown masked."""

import pytest

from apps.core.exceptions import RuleViolation
from apps.core.masking import id_number_mask
from apps.requests.ids import resident_id_check_digit, resident_id_problem
from apps.requests.inputs import id_number_clean


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002X", None),  # GB 11643-1999's example, check character X
        ("110105194912310021", "check_digit"),  # same, wrong last character
        ("440524188001010014", None),  # born 1880
        ("110101199003071234", "check_digit"),
        ("110101199003074514", None),
        ("11010119900307451", "format"),  # 17 characters
        ("1101011990030745141", "format"),  # 19
        ("01010119900307451X", "format"),  # leading zero: no such region
        ("110101199013074518", "birth_date"),  # month 13
        ("110101199002304517", "birth_date"),  # 30 February
        ("11010120990101451X", "birth_date"),  # born in 2099 (check character right)
        ("1101011990030745AX", "format"),
    ],
)
def test_resident_id_problems(number, problem):
    assert resident_id_problem(number) == problem


def test_check_digit_table():
    assert resident_id_check_digit("11010519491231002") == "X"
    assert resident_id_check_digit("44052418800101001") == "4"


@pytest.mark.parametrize(
    ("id_type", "typed", "stored"),
    [
        ("resident_id", "11010519491231002x", "11010519491231002X"),  # lower-case x accepted
        ("resident_id", " 110105 19491231 002X ", "11010519491231002X"),
        ("passport", "E12345678", "E12345678"),
        ("officer_id", "JH-0123456", "JH-0123456"),
    ],
)
def test_numbers_are_stored_normalised(id_type, typed, stored):
    assert id_number_clean(id_type, typed) == stored


@pytest.mark.parametrize(
    ("id_type", "typed", "message"),
    [
        ("resident_id", "110105194912310021", "check digit is wrong"),
        ("resident_id", "12345", "18 characters"),
        ("resident_id", "110101199013074518", "valid birth date"),
        ("passport", "E1", "4 to 32"),
        ("passport", "E1234<script>", "4 to 32"),
        ("passport", "", "Enter the handler"),
        ("driving_licence", "E1234567", "type of ID document"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(id_type, typed, message):
    with pytest.raises(RuleViolation, match=message):
        id_number_clean(id_type, typed)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199003071234", "1101**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("E12345678", "E1*****78"),
        ("AB123456", "A******6"),
        ("", ""),
    ],
)
def test_mask(number, masked):
    assert id_number_mask(number) == masked
