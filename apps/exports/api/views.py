"""/api/exports/: the user's own background exports (issue 15); POST starts one for a register
and a search (the register page's query string), as the register's export button does."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.core.api.permissions import IsAuthenticatedUser

from .. import selectors, services
from ..models import ExportJob


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
        if job.state != ExportJob.State.DONE or services.export_is_expired(job):
            return None
        return reverse("export_download", args=[job.pk])


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
