from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list_view, name="notifications"),
    path("read/", views.notification_read_all_view, name="notifications_read_all"),
    path("<int:pk>/read/", views.notification_read_view, name="notification_read"),
]
