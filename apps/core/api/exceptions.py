from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.exceptions import RuleViolation


def exception_handler(exc, context):
    """RuleViolation from a service becomes a 400 with its message (and clause)."""
    if isinstance(exc, RuleViolation):
        body = {"detail": exc.message}
        if exc.clause:
            body["clause"] = exc.clause
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
