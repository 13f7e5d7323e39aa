from django.urls import path

from . import views

urlpatterns = [
    path("", views.CameraRegisterView.as_view(), name="camera_list"),
    path("new/", views.camera_onboard_view, name="camera_onboard"),
    path("import/", views.camera_import_view, name="camera_import"),
    path("places/", views.places_view, name="camera_places"),
    path("<int:pk>/", views.camera_detail_view, name="camera_detail"),
    path("<int:pk>/edit/", views.camera_edit_view, name="camera_edit"),
    path("<int:pk>/credentials/", views.camera_credentials_view, name="camera_credentials"),
    path("<int:pk>/images/<str:kind>/", views.camera_image_view, name="camera_image"),
]
