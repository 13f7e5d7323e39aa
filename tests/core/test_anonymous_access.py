"""M-1.2: without login every page redirects to the login page and every API answers 401/403."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = ("accounts/login/", "healthz", "i18n/")


def _all_paths(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _all_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            path = prefix + route
            path = path.replace("^", "").replace("$", "").replace("\\.(?P<format>[a-z0-9]+)/?", "")
            for converter in ("<int:pk>", "<int:sequence>", "<pk>", "<sequence>", "<int:id>"):
                path = path.replace(converter, "1")
            if "<" in path or "(?P" in path:
                path = path.split("<")[0].split("(?P")[0]
            yield "/" + path


def test_every_url_refuses_anonymous_users(client):
    checked = 0
    for path in sorted(set(_all_paths())):
        if path.lstrip("/").startswith(PUBLIC) or path == "/admin/login/":
            continue
        response = client.get(path)
        if response.status_code == 301:  # APPEND_SLASH
            response = client.get(response["Location"])
        if path.startswith("/api/"):
            assert response.status_code in (401, 403), path
        else:
            assert response.status_code in (302, 401, 403, 404, 405), path
            if response.status_code == 302:
                assert "login" in response["Location"] or response["Location"] == "/admin/", path
        checked += 1
    assert checked > 10
