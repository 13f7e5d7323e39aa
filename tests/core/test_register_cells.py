"""A register row's cells (apps/core ui `register_cells`): what the template loop rendered —
escaped, localised, local time, the first cell linked to the row's page (issue 15 made it one
call per row)."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe


class _Row:
    def get_absolute_url(self) -> str:
        return "/things/7/?a=1&b=2"


def _render(obj, cells) -> str:
    template = Template("{% load ui %}{% register_cells obj cells %}")
    return template.render(Context({"obj": obj, "cells": cells}))


def test_cells_are_escaped_and_the_first_links_to_the_row(settings):
    html = _render(_Row(), ["A<1>", "<b>x</b>", mark_safe("<i>kept</i>")])
    assert html == (
        '<td><a href="/things/7/?a=1&amp;b=2">A&lt;1&gt;</a></td>'
        "<td>&lt;b&gt;x&lt;/b&gt;</td><td><i>kept</i></td>"
    )


def test_a_row_without_a_page_has_no_link():
    assert _render(object(), ["one", 2]) == "<td>one</td><td>2</td>"


def test_times_show_in_local_time_and_numbers_localised(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override("en"):
        html = _render(object(), [datetime(2026, 12, 1, 16, 30, tzinfo=UTC), 1.5, None])
    assert "Dec. 2, 2026, 12:30 a.m." in html
    assert html.endswith("<td>1.5</td><td>None</td>")
