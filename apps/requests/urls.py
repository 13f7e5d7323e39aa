from django.urls import path

from . import delegation_views, links_views, pdf_views, views

urlpatterns = [
    path("", views.FootageRequestRegisterView.as_view(), name="footage_requests"),
    path("queue/", views.FootageRequestQueueView.as_view(), name="footage_request_queue"),
    path("new/", views.request_file_view, name="footage_request_new"),
    path("policy/", views.routing_policy_view, name="footage_request_policy"),
    path("access-register/", views.AccessRegisterView.as_view(), name="footage_access_register"),
    path(
        "access-register/pdf/",
        pdf_views.access_register_pdf_view,
        name="footage_access_register_pdf",
    ),
    path(
        "delegations/",
        delegation_views.DelegationRegisterView.as_view(),
        name="footage_delegations",
    ),
    path("delegations/new/", delegation_views.delegation_new_view, name="footage_delegation_new"),
    path(
        "delegations/<int:pk>/",
        delegation_views.delegation_detail_view,
        name="footage_delegation_detail",
    ),
    path(
        "delegations/<int:pk>/revoke/",
        delegation_views.delegation_revoke_view,
        name="footage_delegation_revoke",
    ),
    path("<int:pk>/", views.request_detail_view, name="footage_request_detail"),
    path("<int:pk>/pdf/", pdf_views.request_pdf_view, name="footage_request_pdf"),
    path("<int:pk>/edit/", views.request_edit_view, name="footage_request_edit"),
    path("<int:pk>/attach/", views.request_attach_view, name="footage_request_attach"),
    path("<int:pk>/submit/", views.request_submit_view, name="footage_request_submit"),
    path("<int:pk>/decide/", views.request_decide_view, name="footage_request_decide"),
    path("<int:pk>/handler-id/", views.request_handler_id_view, name="footage_request_handler_id"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.request_attachment_view,
        name="footage_request_attachment",
    ),
    path("<int:pk>/custodian/", views.request_assign_view, name="footage_request_assign"),
    path("<int:pk>/retrieval/", views.request_retrieval_view, name="footage_request_retrieval"),
    path("<int:pk>/result/", views.request_result_view, name="footage_request_result"),
    path("<int:pk>/copies/", views.request_copy_view, name="footage_request_copy"),
    path(
        "<int:pk>/copies/<int:copy_pk>/acknowledge/",
        views.copy_acknowledge_view,
        name="footage_copy_acknowledge",
    ),
    path(
        "<int:pk>/copies/<int:copy_pk>/links/",
        links_views.link_issue_view,
        name="footage_copy_link_issue",
    ),
    path(
        "<int:pk>/copies/<int:copy_pk>/links/<int:link_pk>/revoke/",
        links_views.link_revoke_view,
        name="footage_copy_link_revoke",
    ),
    path("downloads/<str:token>/", links_views.copy_download_view, name="footage_copy_download"),
    path(
        "<int:pk>/copies/<int:copy_pk>/verify/",
        views.copy_verify_view,
        name="footage_copy_verify",
    ),
]
