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


def _catalogue_with(settings, tmp_path, entries: dict[str, str]) -> None:
    """A zh-hans catalogue of these entries in front of the project's (not merged yet)."""
    import subprocess

    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    lines = ['msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr in entries.items():
        lines += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    (folder / "django.po").write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(["msgfmt", "-o", folder / "django.mo", folder / "django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


BAD_REQUEST_TEXT = (
    "The request could not be understood (a malformed address or form). Go back and try "
    "again; if it happens again, tell the security office."
)
BAD_REQUEST_ZH = {
    "Bad request": "请求无效",
    BAD_REQUEST_TEXT: "无法处理该请求（地址或表单格式有误）。"
    "请返回重试；如再次出现，请告知保卫处。",
}


@pytest.mark.parametrize(("language", "text"), [("en", "Bad request"), ("zh-hans", "请求无效")])
def test_400_page(client, settings, tmp_path, language, text):
    _catalogue_with(settings, tmp_path, BAD_REQUEST_ZH)
    client.cookies["django_language"] = language
    # An unknown Host header: Django's own bare "Bad Request (400)" page before templates/400.html.
    response = client.get("/", headers={"host": "not-this-site.example"})
    body = response.content.decode()
    assert response.status_code == 400
    assert text in body and 'data-testid="error-400"' in body
    assert "返回总览" in body if language == "zh-hans" else "Back to the overview" in body
