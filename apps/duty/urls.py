from django.urls import path

from . import handover_views, incident_views, views

urlpatterns = [
    path("incidents/", incident_views.IncidentRegisterView.as_view(), name="duty_incidents"),
    path("incidents/new/", incident_views.incident_new_view, name="duty_incident_new"),
    path("incidents/<int:pk>/", incident_views.incident_detail_view, name="duty_incident"),
    path("incidents/<int:pk>/holds/", incident_views.hold_place_view, name="duty_hold_place"),
    path("holds/<int:pk>/lift/", incident_views.hold_lift_view, name="duty_hold_lift"),
    path("roster/", views.roster_view, name="duty_roster"),
    path("roster/pdf/", views.roster_pdf_view, name="duty_roster_pdf"),
    path("roster/assign/", views.roster_assign_view, name="duty_roster_assign"),
    path("roster/copy/", views.roster_copy_view, name="duty_roster_copy"),
    path(
        "roster/assignments/<int:pk>/unassign/",
        views.roster_unassign_view,
        name="duty_roster_unassign",
    ),
    path(
        "roster/assignments/<int:pk>/check-in/",
        views.shift_check_in_view,
        name="duty_shift_check_in",
    ),
    path(
        "roster/assignments/<int:pk>/check-out/",
        views.shift_check_out_view,
        name="duty_shift_check_out",
    ),
    path("check-ins/", views.AttendanceRegisterView.as_view(), name="duty_attendance"),
    path("templates/", views.shift_templates_view, name="duty_templates"),
    path("entries/", views.EntryRegisterView.as_view(), name="duty_entries"),
    path("entries/new/", views.entry_new_view, name="duty_entry_new"),
    path("entries/<int:pk>/out/", views.entry_out_view, name="duty_entry_out"),
    path("access/", views.access_list_view, name="duty_access"),
    path("access/<int:pk>/revoke/", views.access_revoke_view, name="duty_access_revoke"),
    path("handovers/", handover_views.HandoverRegisterView.as_view(), name="duty_handovers"),
    path("handovers/new/", handover_views.handover_new_view, name="duty_handover_new"),
    path("handovers/<int:pk>/", handover_views.handover_detail_view, name="duty_handover"),
    path(
        "handovers/<int:pk>/acknowledge/",
        handover_views.handover_acknowledge_view,
        name="duty_handover_acknowledge",
    ),
    path("abnormal/", handover_views.AbnormalEventRegisterView.as_view(), name="duty_abnormals"),
    path("abnormal/new/", handover_views.abnormal_new_view, name="duty_abnormal_new"),
    path("abnormal/<int:pk>/", handover_views.abnormal_detail_view, name="duty_abnormal"),
    path(
        "abnormal/<int:pk>/acknowledge/",
        handover_views.abnormal_acknowledge_view,
        name="duty_abnormal_acknowledge",
    ),
]
