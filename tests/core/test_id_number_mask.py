"""PIPL, M-3.3.1(1): an ID document number is shown masked so that fewer than half of its
characters show, whatever its length; a resident ID keeps its documented form
1101**********1234 (apps/core/masking.py)."""

import pytest

from apps.core.masking import id_number_mask

DIGITS = "12345678901234567890"

# Length → the mask of its first `length` characters of DIGITS, written out by hand.
MASKS = {
    1: "*",
    2: "**",
    3: "***",
    4: "****",
    5: "1***5",
    6: "1****6",
    7: "1*****7",
    8: "1******8",
    9: "12*****89",
    10: "12******90",
    11: "12*******01",
    12: "12********12",
    13: "123*******123",
    14: "123********234",
    15: "123*********345",
    16: "123**********456",
    17: "1234*********4567",
    18: "1234**********5678",
    19: "1234***********6789",
    20: "1234************7890",
}


@pytest.mark.parametrize(("length", "masked"), sorted(MASKS.items()))
def test_fewer_than_half_of_the_characters_show_at_any_length(length, masked):
    number = DIGITS[:length]
    assert id_number_mask(number) == masked
    assert len(masked) == length
    shown = [i for i, char in enumerate(masked) if char != "*"]
    assert 2 * len(shown) < length
    assert all(masked[i] == number[i] for i in shown)


def test_the_table_covers_every_length_from_1_to_20():
    assert sorted(MASKS) == list(range(1, 21))


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199003071234", "1101**********1234"),  # as the docs and the pages show it
        ("11010519491231002X", "1101**********002X"),
        ("110123456", "11*****56"),  # was 1101*3456: eight of nine characters
        ("E12345678", "E1*****78"),  # a passport
        ("", ""),
    ],
)
def test_documented_forms(number, masked):
    assert id_number_mask(number) == masked
