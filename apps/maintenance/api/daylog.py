"""The O&M daily log over the API (M-2.2): the month's days, a day with its entries, the
system's entries, the countersignature and the addenda; an entry, the countersignature, an
addendum and an addendum's signature through the same services as the pages (daylog.py), with
the same refusals: a role that never writes 403 before any lookup, a day to come or an addendum
of another day 404, a broken rule 400 with its sentence and clause."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from .. import daylog
from ..daylog_views import _month
from ..models import DayLogAddendum, DayLogEntry


def may(roles) -> type[BasePermission]:
    """The pages' predicate (``daylog._may``: the roles, never a vendor engineer) as a DRF
    permission, so the API refuses exactly whom the pages refuse."""

    class May(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and daylog._may(user, roles))

    return May


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


class DayLogDaySerializer(serializers.Serializer):
    """One day of the month with its log's status (M-2.2)."""

    day = serializers.DateField()
    status = serializers.ChoiceField(
        choices=["signed", "overdue", "awaiting", "open", "none"],
        help_text="signed; overdue (unsigned 24 h after its end); awaiting (ended, unsigned); "
        "open (today); none (no log)",
    )
    entries = serializers.IntegerField()
    addenda_unsigned = serializers.IntegerField()
    signed_at = serializers.DateTimeField(source="log.signed_at", allow_null=True, default=None)
    signed_by = serializers.SerializerMethodField()

    def get_signed_by(self, row) -> str | None:
        return _username(row.log.signed_by) if row.log and row.log.signed_by_id else None


class DayLogEntrySerializer(serializers.ModelSerializer):
    written_by = serializers.CharField(source="written_by.get_username", read_only=True)

    class Meta:
        model = DayLogEntry
        fields = [
            "id",
            "shift",
            "system_condition",
            "events",
            "faults",
            "actions",
            "written_by",
            "written_at",
        ]


class SystemEntrySerializer(serializers.Serializer):
    """What the system recorded of the day (patrol runs, re-checks, the apps' providers)."""

    at = serializers.DateTimeField()
    label = serializers.CharField()
    url = serializers.CharField(allow_blank=True, default="")
    source = serializers.CharField(allow_blank=True, default="")
    clause = serializers.CharField(allow_blank=True, default="")


class DayLogAddendumSerializer(serializers.ModelSerializer):
    written_by = serializers.CharField(source="written_by.get_username", read_only=True)
    signed_by = serializers.SerializerMethodField()
    may_sign = serializers.SerializerMethodField()

    class Meta:
        model = DayLogAddendum
        fields = [
            "id",
            "text",
            "written_by",
            "written_at",
            "signed_at",
            "signed_by",
            "digest",
            "may_sign",
        ]

    def get_signed_by(self, addendum: DayLogAddendum) -> str | None:
        return _username(addendum.signed_by) if addendum.signed_by_id else None

    def get_may_sign(self, addendum: DayLogAddendum) -> bool:
        return daylog.addendum_may_sign(user=self.context["request"].user, addendum=addendum)


class DayLogDetailSerializer(serializers.Serializer):
    """A day of the O&M log as the day page shows it (M-2.2)."""

    day = serializers.DateField()
    status = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    signed_by = serializers.CharField(allow_null=True)
    sign_note = serializers.CharField(allow_blank=True)
    digest = serializers.CharField(allow_blank=True, help_text="SHA-256 of the signed day")
    entries = DayLogEntrySerializer(many=True)
    system_entries = SystemEntrySerializer(many=True)
    addenda = DayLogAddendumSerializer(many=True)
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="what the caller may do on the day now"
    )


class EntryWriteSerializer(serializers.Serializer):
    """A shift's entry (the page's form: the same fields and limits)."""

    shift = serializers.ChoiceField(choices=DayLogEntry.Shift.choices)
    system_condition = serializers.CharField(max_length=4000)
    events = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    faults = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    actions = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class DayLogSignWriteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AddendumWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


def month_param(request) -> tuple[int, int]:
    """The ``month`` query parameter (YYYY-MM) as year and month, this month when left out;
    anything else a 400 with the sentence."""
    text = request.query_params.get("month", "")
    chosen = _month(text) if text else None
    if text and chosen is None:  # malformed, or a year outside MIN_YEAR - MAX_YEAR
        raise ValidationError({"month": [_("Give the month as YYYY-MM, for example 2026-12.")]})
    today = timezone.localdate()
    return chosen or (today.year, today.month)


MONTH = OpenApiParameter(
    "month", OpenApiTypes.STR, description="YYYY-MM; this month when left out", required=False
)


class DayLogViewSet(viewsets.ViewSet):
    """The O&M daily log (M-2.2), one record per local day, addressed by the day (YYYY-MM-DD)."""

    lookup_field = "day"
    lookup_value_regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def get_permissions(self):
        roles = {
            "entry": daylog.WRITE_ROLES,
            "addendum": daylog.WRITE_ROLES,
            "sign": daylog.SIGN_ROLES,
            "addendum_sign": daylog.SIGN_ROLES,
        }.get(self.action, daylog.VIEW_ROLES)
        return [may(roles)()]  # 403 before any lookup

    def _answer(self, day: date, code: int = status.HTTP_200_OK) -> Response:
        log = daylog.day_log_find(day=day)
        user = self.request.user
        body = {
            "day": day,
            "status": daylog.day_status(log, day),
            "signed_at": log.signed_at if log else None,
            "signed_by": _username(log.signed_by) if log and log.signed_by_id else None,
            "sign_note": log.sign_note if log else "",
            "digest": log.digest if log else "",
            "entries": daylog.day_log_entries(log=log),
            "system_entries": daylog.system_entries(user=user, day=day, log=log),
            "addenda": daylog.day_log_addenda(log=log),
            "actions": sorted(daylog.day_log_actions(user=user, day=day, log=log)),
        }
        data = DayLogDetailSerializer(body, context={"request": self.request}).data
        return Response(data, status=code)

    @extend_schema(parameters=[MONTH], responses=DayLogDaySerializer(many=True))
    def list(self, request):
        """Every day of the month up to today, newest first, with its status."""
        year, month = month_param(request)
        days = daylog.day_log_month(user=request.user, year=year, month=month)
        return Response(DayLogDaySerializer(days, many=True).data)

    @extend_schema(responses=DayLogDetailSerializer)
    def retrieve(self, request, day=None):
        """A day: its entries, the system's entries, the countersignature and the addenda."""
        return self._answer(daylog.day_parse(day))

    @extend_schema(request=EntryWriteSerializer, responses={201: DayLogDetailSerializer})
    @action(detail=True, methods=["post"])
    def entry(self, request, day=None):
        """A duty operator's entry for a shift of the day (while it is not countersigned)."""
        the_day = daylog.day_parse(day)
        body = EntryWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        daylog.day_log_entry_add(by=request.user, day=the_day, **body.validated_data)
        return self._answer(the_day, status.HTTP_201_CREATED)

    @extend_schema(request=DayLogSignWriteSerializer, responses=DayLogDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, day=None):
        """The security office countersigns the ended day (not whoever wrote an entry of it)."""
        the_day = daylog.day_parse(day)
        body = DayLogSignWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        daylog.day_log_sign(by=request.user, day=the_day, **body.validated_data)
        return self._answer(the_day)

    @extend_schema(request=AddendumWriteSerializer, responses={201: DayLogDetailSerializer})
    @action(detail=True, methods=["post"])
    def addendum(self, request, day=None):
        """A correction to the countersigned day; it waits for its own signature."""
        the_day = daylog.day_parse(day)
        body = AddendumWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        daylog.day_log_addendum_add(by=request.user, day=the_day, **body.validated_data)
        return self._answer(the_day, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DayLogDetailSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"addenda/(?P<addendum>[0-9]{1,9})/sign",
        url_name="addendum-sign",
    )
    def addendum_sign(self, request, day=None, addendum=None):
        """The security office signs an addendum of the day (not its author)."""
        the_day = daylog.day_parse(day)
        # An addendum of another day is not found under this one.
        found = get_object_or_404(
            DayLogAddendum.objects.select_related("log", "written_by"),
            pk=addendum,
            log__day=the_day,
        )
        daylog.day_log_addendum_sign(by=request.user, addendum=found)
        return self._answer(the_day)
