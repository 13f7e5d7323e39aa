from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.cameras.labels import check_reason_text
from apps.cameras.models import Camera, Site
from apps.cameras.selectors import camera_get
from apps.core.api.permissions import role_permission

from .. import selectors, services
from ..filters import PatrolCheckFilterSet, PatrolRunFilterSet
from ..models import PatrolCheck, PatrolRun


class PatrolRunSerializer(serializers.ModelSerializer):
    """A run as the requesting user may see it: counts cover their cameras only (M-1.3)."""

    progress = serializers.SerializerMethodField()
    active_cameras = serializers.SerializerMethodField()

    class Meta:
        model = PatrolRun
        fields = [
            "id",
            "kind",
            "scheduled_for",
            "started_at",
            "finished_at",
            "trigger",
            "started_by",
            "site",
            "camera",
            "state",
            "active_cameras",
            "signed_by",
            "signed_at",
            "sign_note",
            "progress",
        ]

    def _progress(self, run: PatrolRun) -> dict[str, int]:
        # A list page comes with its counts from runs_with_progress (one query per page);
        # a single run (detail, start, sign) is counted on its own.
        if not hasattr(run, "progress"):
            run.progress = selectors.run_progress(run=run, user=self.context["request"].user)
        return run.progress

    def get_progress(self, run: PatrolRun) -> dict[str, int]:
        return self._progress(run)

    def get_active_cameras(self, run: PatrolRun) -> int:
        return self._progress(run)["active_cameras"]


class PatrolStartSerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(), required=False, allow_null=True
    )
    camera = serializers.PrimaryKeyRelatedField(
        queryset=Camera.objects.all(), required=False, allow_null=True
    )


class PatrolCheckSerializer(serializers.ModelSerializer):
    camera_code = serializers.CharField(source="camera.code", read_only=True)
    flagged = serializers.BooleanField(read_only=True)
    # The reason in the request's language (Accept-Language); ``reason`` stays the probe's
    # English, ``reason_code`` and ``reason_params`` what it was rendered from (issue 14 §1).
    reason_text = serializers.SerializerMethodField()
    # Pictures by the scoped view's address, never by their storage path (M-3.1).
    snapshot = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = PatrolCheck
        fields = [
            "id",
            "run",
            "camera",
            "camera_code",
            "state",
            "checked_at",
            "verdict",
            "failing_layer",
            "reason",
            "reason_code",
            "reason_params",
            "reason_text",
            "findings",
            "metrics",
            "latency_ms",
            "scene_changed",
            "covered_by_work_order",
            "flagged",
            "review",
            "review_note",
            "reviewed_by",
            "reviewed_at",
            "snapshot",
            "thumbnail",
        ]

    def _image_url(self, check: PatrolCheck, kind: str) -> str | None:
        if not getattr(check, kind):
            return None
        url = reverse("check_image", args=[check.pk, kind])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_reason_text(self, check: PatrolCheck) -> str:
        return check_reason_text(check)

    def get_snapshot(self, check: PatrolCheck) -> str | None:
        return self._image_url(check, "snapshot")

    def get_thumbnail(self, check: PatrolCheck) -> str | None:
        return self._image_url(check, "thumbnail")


class ReviewSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["confirmed_fault", "false_alarm"])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SignSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PatrolRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Patrol runs (M-2.1); POST starts one; /sign/ countersigns (M-2.2)."""

    queryset = PatrolRun.objects.none()
    serializer_class = PatrolRunSerializer
    permission_classes = [role_permission(*selectors.VIEW_ROLES)]
    filterset_class = PatrolRunFilterSet

    def get_queryset(self):
        return selectors.run_list(user=self.request.user)

    def paginate_queryset(self, queryset):
        # Every run of the page gets its progress in one grouped query (issue 15 §2).
        page = super().paginate_queryset(queryset)
        if page is None:
            return None
        return selectors.runs_with_progress(page, user=self.request.user)

    def filter_queryset(self, queryset):
        # The filters (daily runs unless asked for re-checks) choose what a list shows; one run
        # is found by its id whatever its kind.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_permissions(self):
        # Writes by a role that may not make them are refused (403) before any lookup.
        roles = {"create": selectors.CHECK_ROLES, "sign": selectors.SIGN_ROLES}.get(self.action)
        if roles is not None:
            return [role_permission(*roles)()]
        return super().get_permissions()

    @extend_schema(request=PatrolStartSerializer, responses={201: PatrolRunSerializer})
    def create(self, request):
        serializer = PatrolStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        camera = serializer.validated_data.get("camera")
        if camera is not None:
            camera = camera_get(user=request.user, pk=camera.pk)
        if not selectors.patrol_may_start(user=request.user, camera=camera):
            raise PermissionDenied(_("Your role cannot start a patrol."))
        run = services.patrol_run_start(
            by=request.user,
            trigger=PatrolRun.Trigger.MANUAL,
            site=serializer.validated_data.get("site"),
            camera=camera,
        )
        return Response(
            PatrolRunSerializer(run, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=SignSerializer, responses=PatrolRunSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.patrol_run_sign(
            run=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(PatrolRunSerializer(run, context=self.get_serializer_context()).data)


class PatrolCheckViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PatrolCheck.objects.none()
    serializer_class = PatrolCheckSerializer
    permission_classes = [role_permission(*selectors.VIEW_ROLES)]
    filterset_class = PatrolCheckFilterSet

    def get_queryset(self):
        return selectors.check_list(user=self.request.user)

    def get_permissions(self):
        if self.action == "review":
            return [role_permission(*selectors.REVIEW_ROLES)()]
        return super().get_permissions()

    @extend_schema(request=ReviewSerializer, responses=PatrolCheckSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = services.patrol_check_review(
            check=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(PatrolCheckSerializer(check, context={"request": request}).data)
