from django.urls import path

from . import daylog_pdf, daylog_views, report_views, views, weekly_test_views

urlpatterns = [
    # the O&M daily log (M-2.2)
    path("daylog/", daylog_views.daylog_month_view, name="maintenance_daylog"),
    path(
        "daylog-month/<str:month>/pdf/",
        daylog_pdf.daylog_month_pdf_view,
        name="maintenance_daylog_month_pdf",
    ),
    path("daylog/<str:day>/", daylog_views.daylog_day_view, name="maintenance_daylog_day"),
    path("daylog/<str:day>/pdf/", daylog_pdf.daylog_day_pdf_view, name="maintenance_daylog_pdf"),
    path(
        "daylog/<str:day>/entry/", daylog_views.daylog_entry_view, name="maintenance_daylog_entry"
    ),
    path("daylog/<str:day>/sign/", daylog_views.daylog_sign_view, name="maintenance_daylog_sign"),
    path(
        "daylog/<str:day>/addendum/",
        daylog_views.daylog_addendum_view,
        name="maintenance_daylog_addendum",
    ),
    path(
        "daylog-addenda/<int:pk>/sign/",
        daylog_views.daylog_addendum_sign_view,
        name="maintenance_daylog_addendum_sign",
    ),
    # the monthly vendor SLA report (M-2.4)
    path("reports/sla/", report_views.sla_report_view, name="maintenance_sla_report"),
    path("reports/sla/pdf/", report_views.sla_report_pdf_view, name="maintenance_sla_report_pdf"),
    # the weekly function test (M-2.1)
    path(
        "function-tests/",
        weekly_test_views.function_test_list_view,
        name="maintenance_function_tests",
    ),
    path(
        "function-tests/start/",
        weekly_test_views.function_test_start_view,
        name="maintenance_function_test_start",
    ),
    path(
        "function-tests/<int:pk>/",
        weekly_test_views.function_test_detail_view,
        name="maintenance_function_test",
    ),
    path(
        "function-tests/<int:pk>/sign/",
        weekly_test_views.function_test_sign_view,
        name="maintenance_function_test_sign",
    ),
    path("contracts/", views.ContractRegisterView.as_view(), name="maintenance_contracts"),
    path("contracts/new/", views.contract_create_view, name="maintenance_contract_create"),
    path("contracts/<int:pk>/", views.contract_detail_view, name="maintenance_contract_detail"),
    path(
        "contracts/<int:pk>/document/",
        views.contract_document_view,
        name="maintenance_contract_document",
    ),
    path("tickets/", views.TicketRegisterView.as_view(), name="maintenance_tickets"),
    path("tickets/new/", views.ticket_open_view, name="maintenance_ticket_open"),
    path("photos/<int:pk>/", views.ticket_photo_view, name="maintenance_ticket_photo"),
    path("tickets/<int:pk>/", views.ticket_detail_view, name="maintenance_ticket_detail"),
    # One address per state change (the role × URL table tries each).
    *(
        path(
            f"tickets/<int:pk>/{verb}/",
            views.ticket_action_view,
            {"verb": verb},
            name=f"maintenance_ticket_{verb}",
        )
        for verb in views.TICKET_VERBS
    ),
]
