from django.urls import path

from . import views

urlpatterns = [
    path("roster/", views.roster_view, name="duty_roster"),
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
]
