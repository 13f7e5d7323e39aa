"""How an identity document number is shown (PIPL): every page, export and API shows the mask,
never the number. Plain function, no Django. One rule for every app that holds such numbers
(a footage request's handler, a visitor in the duty app's entry register).
"""

# A resident ID (18 characters) keeps four at each end: its documented form 1101**********1234.
MAX_KEPT_PER_END = 4


def id_number_mask(number: str) -> str:
    """``110101199003071234`` → ``1101**********1234``: each end keeps (length - 1) // 4
    characters, at most four, and every other one is a star, so fewer than half ever show,
    whatever the length (PIPL, M-3.3.1(1)): ``E12345678`` → ``E1*****78``, ``AB123456`` →
    ``A******6``; four characters or fewer are all stars."""
    if not number:
        return ""
    kept = min(MAX_KEPT_PER_END, (len(number) - 1) // 4)
    if not kept:
        return "*" * len(number)
    return number[:kept] + "*" * (len(number) - 2 * kept) + number[-kept:]
