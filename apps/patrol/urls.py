from django.urls import path

from . import views

urlpatterns = [
    path("", views.PatrolRunRegisterView.as_view(), name="patrol_runs"),
    path("start/", views.patrol_start_view, name="patrol_start"),
    path("faults/", views.FaultRecordRegisterView.as_view(), name="fault_records"),
    path("<int:pk>/", views.patrol_run_detail_view, name="patrol_run_detail"),
    path("<int:pk>/progress/", views.patrol_run_progress_view, name="patrol_run_progress"),
    path("<int:pk>/sign/", views.patrol_run_sign_view, name="patrol_run_sign"),
    path("checks/<int:pk>/review/", views.patrol_check_review_view, name="patrol_check_review"),
    path("checks/<int:pk>/images/<str:kind>/", views.patrol_check_image_view, name="check_image"),
    path("cameras/<int:pk>/history/", views.camera_history_view, name="camera_history"),
]
