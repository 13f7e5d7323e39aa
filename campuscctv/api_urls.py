from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from apps.accounts.api.views import DepartmentViewSet, UserViewSet, me_view
from apps.audit.api.views import AuditEventViewSet
from apps.cameras.api.views import CameraViewSet
from apps.core.api.views import api_not_found_view
from apps.duty.api.handover import (
    AbnormalEventViewSet,
    HandoverViewSet,
    HoldViewSet,
    IncidentViewSet,
)
from apps.duty.api.views import (
    AssignmentViewSet,
    CenterAccessViewSet,
    EntryViewSet,
    ShiftTemplateViewSet,
)
from apps.exports.api.views import ExportJobViewSet
from apps.maintenance.api.daylog import DayLogViewSet
from apps.maintenance.api.function_tests import FunctionTestViewSet
from apps.maintenance.api.sla_report import SlaReportView
from apps.maintenance.api.views import FaultTicketViewSet, ServiceContractViewSet
from apps.patrol.api.views import PatrolCheckViewSet, PatrolRunViewSet
from apps.requests.api.delegations import DelegationViewSet
from apps.requests.api.views import AccessRegisterViewSet, FootageRequestViewSet

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("users", UserViewSet, basename="user")
router.register("audit/events", AuditEventViewSet, basename="audit-event")
router.register("cameras", CameraViewSet, basename="camera")
router.register("patrol/runs", PatrolRunViewSet, basename="patrol-run")
router.register("patrol/checks", PatrolCheckViewSet, basename="patrol-check")
router.register("maintenance/contracts", ServiceContractViewSet, basename="maintenance-contract")
router.register("maintenance/tickets", FaultTicketViewSet, basename="maintenance-ticket")
router.register("maintenance/daylogs", DayLogViewSet, basename="maintenance-daylog")
router.register(
    "maintenance/function-tests", FunctionTestViewSet, basename="maintenance-function-test"
)
router.register("exports", ExportJobViewSet, basename="export")
router.register("requests", FootageRequestViewSet, basename="footage-request")
router.register("requests/access-register", AccessRegisterViewSet, basename="footage-access")
router.register("requests/delegations", DelegationViewSet, basename="footage-delegation")
router.register("duty/assignments", AssignmentViewSet, basename="duty-assignment")
router.register("duty/templates", ShiftTemplateViewSet, basename="duty-template")
router.register("duty/entries", EntryViewSet, basename="duty-entry")
router.register("duty/access", CenterAccessViewSet, basename="duty-access")
router.register("duty/handovers", HandoverViewSet, basename="duty-handover")
router.register("duty/abnormal-events", AbnormalEventViewSet, basename="duty-abnormal-event")
router.register("duty/incidents", IncidentViewSet, basename="duty-incident")
router.register("duty/holds", HoldViewSet, basename="duty-hold")

urlpatterns = [
    path("me/", me_view, name="api-me"),
    path("maintenance/sla-report/", SlaReportView.as_view(), name="api-maintenance-sla-report"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
    # Last: any other /api/.../ address is a JSON 404 (without a slash, APPEND_SLASH first).
    re_path(r"^(?P<path>.*)/$", api_not_found_view),
]
