"""The weekly function test over the API (M-2.1): the weeks with their test and status, a
test, starting the week's test (the proposal and the marker event read back) and recording
its result with the signature, through the same services as the pages (weekly_test.py): a
role that never records one 403 before any lookup, no such test 404, a broken rule 400."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import weekly_test
from ..models import FunctionTest
from .daylog import may


class FunctionTestSerializer(serializers.ModelSerializer):
    camera_code = serializers.CharField(source="camera.code", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.get_username", read_only=True)
    signed_by = serializers.SerializerMethodField()

    class Meta:
        model = FunctionTest
        fields = [
            "id",
            "week",
            "camera",
            "camera_code",
            "moment",
            "proposed_at",
            "proposed_by",
            "marker_sequence",
            "marker_hash",
            "marker_verified",
            "retrieval_ok",
            "retrieval_note",
            "signed_at",
            "signed_by",
        ]

    def get_signed_by(self, test: FunctionTest) -> str | None:
        return test.signed_by.get_username() if test.signed_by_id else None


class WeekTestSerializer(FunctionTestSerializer):
    """The week's test in the list: what the weeks' two queries read."""

    class Meta(FunctionTestSerializer.Meta):
        fields = [
            "id",
            "camera",
            "camera_code",
            "moment",
            "marker_verified",
            "retrieval_ok",
            "signed_at",
            "signed_by",
        ]


class WeekSerializer(serializers.Serializer):
    """A week (its Monday) with its test: signed; started (this week, unsigned); due (this
    week, not started); unsigned or missing (a past week: flagged)."""

    week = serializers.DateField()
    status = serializers.ChoiceField(choices=["signed", "started", "due", "unsigned", "missing"])
    flagged = serializers.BooleanField()
    test = WeekTestSerializer(allow_null=True)


class FunctionTestSignWriteSerializer(serializers.Serializer):
    retrieval_ok = serializers.BooleanField(help_text="the footage was found and played")
    retrieval_note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="what was seen; required when the retrieval failed",
    )


class FunctionTestViewSet(viewsets.GenericViewSet):
    """The weekly function test (M-2.1); POST start/ begins this week's, {id}/sign/ records the
    retrieval's result and signs."""

    queryset = FunctionTest.objects.none()
    serializer_class = FunctionTestSerializer
    pagination_class = None
    lookup_value_regex = r"[0-9]{1,9}"

    def get_permissions(self):
        roles = weekly_test.WRITE_ROLES if self.action in ("start", "sign") else None
        return [may(roles or weekly_test.VIEW_ROLES)()]  # 403 before any lookup

    @extend_schema(responses=WeekSerializer(many=True))
    def list(self, request):
        """This week and the ones before (at most 12, none before the system's first use),
        newest first."""
        return Response(WeekSerializer(weekly_test.weeks(), many=True).data)

    def retrieve(self, request, pk=None):
        test = weekly_test.function_test_get(user=request.user, pk=pk)
        return Response(FunctionTestSerializer(test).data)

    @extend_schema(request=None, responses=FunctionTestSerializer)
    @action(detail=False, methods=["post"])
    def start(self, request):
        """Start this week's test: a random camera in service and moment of the last 30 days
        proposed, the marker event written and read back. Once a week: the week's test, if
        started already, is answered as it stands."""
        test = weekly_test.function_test_start(by=request.user)
        return Response(FunctionTestSerializer(test).data)

    @extend_schema(request=FunctionTestSignWriteSerializer, responses=FunctionTestSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Record whether the footage was retrieved and sign (the marker is read back again)."""
        test = weekly_test.function_test_get(user=request.user, pk=pk)
        body = FunctionTestSignWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        test = weekly_test.function_test_sign(by=request.user, test=test, **body.validated_data)
        return Response(FunctionTestSerializer(test).data)
