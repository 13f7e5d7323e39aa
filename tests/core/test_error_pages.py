"""Clear 403/404/500 pages in both languages."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "text"), [("en", "Not found"), ("zh-hans", "未找到")])
def test_404_page(client, duty_operator, language, text):
    client.force_login(duty_operator)
    client.cookies["django_language"] = language
    response = client.get("/cameras/999999/")
    assert response.status_code == 404
    assert text in response.content.decode() and b"error-404" in response.content


@pytest.mark.parametrize(("language", "text"), [("en", "Server error"), ("zh-hans", "服务器错误")])
def test_500_page(language, text):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("en", "Not allowed"), ("zh-hans", "无权访问")])
def test_403_page(client, duty_operator, language, text):
    client.force_login(duty_operator)
    client.cookies["django_language"] = language
    response = client.get("/audit/")
    assert response.status_code == 403 and text in response.content.decode()
