"""How an identity document number is shown (PIPL): every page, export and API shows the mask,
never the number. Plain function, no Django. One rule for every app that holds such numbers
(a footage request's handler, a visitor in the duty app's entry register).
"""


def id_number_mask(number: str) -> str:
    """``110101199003071234`` → ``1101**********1234``: the first and last four characters
    stay, every other one is a star. A number of eight characters or fewer keeps only its last
    two (four and four would show it whole)."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * max(len(number) - 2, 0) + number[-2:]
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
