"""Serializer fields shared by the apps' APIs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "08:00:00",
        "description": "Local wall-clock time in the site's time zone (TIME_ZONE), no offset.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day on the site's clock (a shift's start). JSON Schema's ``format: time`` is
    RFC 3339's full-time, which must carry an offset: a shift starts at 08:00 local time
    whatever the offset, so the schema says what the API sends, HH:MM[:SS]."""
