"""The one exception for a user's mistake or a broken rule of the measures."""


class RuleViolation(Exception):
    """Raised by services; views show it as a form error, the API as a 400."""

    def __init__(self, message: str, *, clause: str = "") -> None:
        super().__init__(message)
        self.message = str(message)
        self.clause = clause
