"""The app lives at apps.requests with the label footage_requests: the HTTP library
``requests`` (imported by benchmarks/pages.py) is still the library, and the app's tables do
not take the library's name."""

import importlib

from django.apps import apps

from apps.requests.models import FootageRequest


def test_the_http_library_is_still_the_library():
    library = importlib.import_module("requests")
    assert hasattr(library, "Session") and "site-packages" in library.__file__


def test_the_app_label():
    config = apps.get_app_config("footage_requests")
    assert config.name == "apps.requests"
    assert FootageRequest._meta.db_table == "footage_requests_footagerequest"
