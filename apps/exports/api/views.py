"""/api/exports/: the user's own background exports (issue 15); POST starts one for a register
and a search (the register page's query string), as the register's export button does."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from apps.core.api.permissions import IsAuthenticatedUser
from apps.core.exceptions import RuleViolation

from .. import selectors, services
from ..models import ExportJob
from ..views import export_file_response


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "register",
            "query",
            "state",
            "rows_done",
            "rows_total",
            "size",
            "sha256",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, job: ExportJob) -> str | None:
        """The API's own download (a token works), while the file is there."""
        if job.state != ExportJob.State.DONE or services.export_is_expired(job):
            return None
        return reverse("export-download", args=[job.pk])


class ExportRequestSerializer(serializers.Serializer):
    register = serializers.CharField(max_length=64, help_text="e.g. cameras.cameras")
    query = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="the register page's query string, e.g. status=active&site=3",
    )


class ExportJobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ExportJob.objects.none()  # the schema's model; requests use the selector
    serializer_class = ExportJobSerializer
    permission_classes = [IsAuthenticatedUser]

    def get_queryset(self):
        return selectors.export_list(user=self.request.user)

    @extend_schema(request=ExportRequestSerializer, responses={201: ExportJobSerializer})
    def create(self, request):
        form = ExportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            job = services.export_request(by=request.user, **form.validated_data)
        except PermissionError:
            raise PermissionDenied from None
        return Response(ExportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="the CSV"),
            404: OpenApiResponse(description="not yours, or no such export"),
            409: OpenApiResponse(description="not finished yet"),
            410: OpenApiResponse(description="expired: its file is gone, export again"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The finished file, to its owner only (others: 404), each download audited (M-4.2),
        as the page's download link; an API token is enough (issue 15)."""
        job = self.get_object()
        if services.export_is_expired(job):
            return Response({"detail": "This export has expired."}, status=status.HTTP_410_GONE)
        if job.state != ExportJob.State.DONE:
            return Response(
                {"detail": "This export has not finished yet.", "state": job.state},
                status=status.HTTP_409_CONFLICT,
            )
        try:
            path = services.export_download(job=job, by=request.user)
        except RuleViolation:  # purged meanwhile
            return Response({"detail": "This export has expired."}, status=status.HTTP_410_GONE)
        except FileNotFoundError:
            raise NotFound from None
        return export_file_response(job, path)
