"""The monthly vendor SLA report over the API (M-2.4): the figures the page shows, from the same
computation (reports.py) in the caller's scope (a vendor engineer: their own company's tickets
only, whatever vendor is asked for). Durations in seconds (null when there is none to count)."""

from datetime import timedelta

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.permissions import role_permission

from .. import reports
from ..report_views import REPORT_ROLES
from .daylog import month_param


def _seconds(span: timedelta | None) -> int | None:
    return None if span is None else int(span.total_seconds())


class SeverityRowSerializer(serializers.Serializer):
    severity = serializers.CharField(help_text="general, major, or all (the total)")
    label = serializers.CharField(allow_blank=True)
    tickets = serializers.IntegerField()
    acknowledge_median_seconds = serializers.SerializerMethodField()
    acknowledge_p90_seconds = serializers.SerializerMethodField()
    clear_median_seconds = serializers.SerializerMethodField()
    clear_p90_seconds = serializers.SerializerMethodField()
    within = serializers.IntegerField(help_text="cleared within the allowance")
    decided = serializers.IntegerField(help_text="cleared, or past the deadline while open")
    within_share = serializers.FloatField(allow_null=True, help_text="within / decided")

    def get_acknowledge_median_seconds(self, row) -> int | None:
        return _seconds(row.acknowledge_median)

    def get_acknowledge_p90_seconds(self, row) -> int | None:
        return _seconds(row.acknowledge_p90)

    def get_clear_median_seconds(self, row) -> int | None:
        return _seconds(row.clear_median)

    def get_clear_p90_seconds(self, row) -> int | None:
        return _seconds(row.clear_p90)


class BreachSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(source="ticket.pk")
    number = serializers.CharField(source="ticket.number")
    camera_code = serializers.CharField(source="ticket.camera.code", default=None, allow_null=True)
    severity = serializers.CharField(source="ticket.severity")
    reported_at = serializers.DateTimeField(source="ticket.reported_at")
    overrun_seconds = serializers.SerializerMethodField()
    open = serializers.BooleanField(help_text="still not cleared")

    def get_overrun_seconds(self, breach) -> int:
        return int(breach.overrun.total_seconds())


class CountSerializer(serializers.Serializer):
    name = serializers.CharField()
    tickets = serializers.IntegerField()


class VendorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SlaReportSerializer(serializers.Serializer):
    month = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    vendor = VendorSerializer(allow_null=True, help_text="the vendor reported on; null: all")
    rows = SeverityRowSerializer(many=True)
    total = SeverityRowSerializer()
    breaches = BreachSerializer(many=True, help_text="largest overrun first")
    by_camera = CountSerializer(many=True)
    by_location = CountSerializer(many=True)


class SlaReportView(APIView):
    """The month's vendor SLA figures (M-2.4): tickets reported in the local month by severity,
    time to acknowledge and to clear (median, p90), the share within the SLA, the breaches,
    faults by camera and by location."""

    permission_classes = [role_permission(*REPORT_ROLES)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.STR, description="YYYY-MM; this month when left out"
            ),
            OpenApiParameter(
                "vendor",
                OpenApiTypes.INT,
                description="a maintenance vendor's id; all when left out (a vendor engineer: "
                "always their own company)",
            ),
        ],
        responses=SlaReportSerializer,
    )
    def get(self, request):
        year, month = month_param(request)
        _vendors, vendor = reports.report_vendors(
            user=request.user, vendor_id=request.query_params.get("vendor")
        )
        report = reports.sla_report(
            user=request.user, year=year, month=month, vendor_id=vendor.pk if vendor else None
        )
        body = {
            "month": f"{year:04d}-{month:02d}",
            "first_day": report.first_day,
            "last_day": report.last_day,
            "vendor": {"id": vendor.pk, "name": vendor.name} if vendor else None,
            "rows": report.rows,
            "total": report.total,
            "breaches": report.breaches,
            "by_camera": [{"name": n, "tickets": c} for n, c in report.by_camera],
            "by_location": [{"name": n, "tickets": c} for n, c in report.by_location],
        }
        return Response(SlaReportSerializer(body).data)
