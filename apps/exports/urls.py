from django.urls import path

from . import views

urlpatterns = [
    path("", views.export_list_view, name="exports"),
    path("<int:pk>/", views.export_detail_view, name="export_detail"),
    path("<int:pk>/progress/", views.export_progress_view, name="export_progress"),
    path("<int:pk>/download/", views.export_download_view, name="export_download"),
]
