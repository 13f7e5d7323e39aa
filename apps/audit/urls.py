from django.urls import path

from . import views

urlpatterns = [
    path("", views.AuditEventRegisterView.as_view(), name="audit_events"),
    path("<int:sequence>/", views.event_detail_view, name="audit_event"),
]
