"""The zh-hans catalogue is complete and uses the terms of the Measures (measures.md, term table).

The .po file is read directly (no polib); the compiled .mo is read through Django, so the
second half needs `manage.py compilemessages` first (scripts/install.sh does it).
"""

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from apps.accounts.models import Department, Role

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# Words that must not stand in for the spec's terms (保卫处, 监控中心值守人员, 维保单位 …).
OFF_SPEC_TERMS = (
    "保卫科",
    "保安处",
    "保安部",
    "安保处",
    "值班员",
    "维修单位",
    "维保公司",
    "监控室",
)

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def po_entries(path: Path) -> list[Entry]:
    """A small .po reader: active entries only (obsolete `#~` ones are skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    keyword = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            entry, keyword = None, ""
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if entry is None or keyword:
                entry, keyword = Entry(), ""
                entries.append(entry)
            entry.flags.update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert entry is not None and keyword, f"continuation line out of place: {raw!r}"
            value = _unquote(line)
            if keyword == "msgid":
                entry.msgid += value
            elif keyword == "msgid_plural":
                entry.msgid_plural += value
            elif keyword == "msgctxt":
                entry.msgctxt += value
            else:
                entry.msgstrs[-1] += value
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstrs):
            entry = Entry()
            entries.append(entry)
        assert entry is not None, f"unexpected line: {raw!r}"
        if keyword == "msgctxt":
            entry.msgctxt = _unquote(value)
        elif keyword == "msgid":
            entry.msgid = _unquote(value)
        elif keyword == "msgid_plural":
            entry.msgid_plural = _unquote(value)
        elif keyword.startswith("msgstr"):
            entry.msgstrs.append(_unquote(value))
        else:
            raise AssertionError(f"unexpected line: {raw!r}")
    return [e for e in entries if e.msgid or e.msgctxt]  # drop the header


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing"
    found = po_entries(PO_PATH)
    assert len(found) > 100, f"only {len(found)} entries read from {PO_PATH}: parser broken?"
    return found


def _listing(entries: list[Entry]) -> str:
    return "\n".join(f"  {e.label!r}" for e in entries)


def test_every_entry_is_translated_and_not_fuzzy(entries):
    untranslated = [e for e in entries if not e.msgstrs or not all(e.msgstrs)]
    fuzzy = [e for e in entries if "fuzzy" in e.flags]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated msgid(s):\n{_listing(untranslated)}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy msgid(s):\n{_listing(fuzzy)}")
    assert not problems, f"{PO_PATH} is incomplete:\n" + "\n".join(problems)


def test_header_is_final_and_plural_rule_is_chinese():
    text = PO_PATH.read_text(encoding="utf-8")
    header = text[: text.index('msgid ""')]
    assert "fuzzy" not in header, "the catalogue header is still marked fuzzy"
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text


def test_placeholders_are_kept(entries):
    wrong = []
    for e in entries:
        wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        for msgstr in e.msgstrs:
            if msgstr and set(PLACEHOLDER.findall(msgstr)) != wanted:
                wrong.append(f"  {e.label!r} -> {msgstr!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_off_spec_terms_are_not_used(entries):
    wrong = [
        f"  {e.label!r} -> {s!r} ({term})"
        for e in entries
        for s in e.msgstrs
        for term in OFF_SPEC_TERMS
        if term in s
    ]
    assert not wrong, "use the Measures' terms (measures.md) instead of:\n" + "\n".join(wrong)


def test_compiled_catalogue_matches_the_po(entries):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run manage.py compilemessages"
    with MO_PATH.open("rb") as handle:
        catalog = gnu_gettext.GNUTranslations(handle)._catalog
    stale = []
    for e in entries:
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        got = catalog.get((key, 0)) if e.msgid_plural else catalog.get(key)
        if got != e.msgstrs[0]:
            stale.append(f"  {e.label!r}: .mo has {got!r}")
    assert not stale, f"{MO_PATH} is stale, run compilemessages:\n" + "\n".join(stale)


SPEC_TERMS = {
    # measures.md term table
    "Security office": "保卫处",
    "Security chief": "保卫处长",
    "Footage custodian": "专职管理人员",
    "Duty operator": "监控中心值守人员",
    "Maintenance vendor": "维保单位",
    "maintenance vendor": "维保单位",
    "Department head": "部门负责人",
    "Leader-in-charge": "分管领导",
    "Principal leader": "学院主要领导",
    # measures.zh.txt wording and the product's fixed labels
    "Daily patrol": "每日巡检",
    "Daily patrol record": "每日巡检记录",
    "filed on (备案)": "备案日期",
    "reference snapshot": "基准画面",
    "verdict": "诊断结论",
    "audit event": "审计事件",
    "work order": "工单",
    "Fault": "故障",
    "time cleared": "故障排除时间",
    "symptom": "故障现象",
}


@pytest.mark.parametrize(("english", "chinese"), SPEC_TERMS.items())
def test_spec_terms_in_zh_hans(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese


def test_model_labels_render_in_zh_hans():
    with translation.override("zh-hans"):
        assert str(Role.DUTY_OPERATOR.label) == "监控中心值守人员"
        assert str(Role.SECURITY_CHIEF.label) == "保卫处长"
        assert str(Role.FOOTAGE_CUSTODIAN.label) == "专职管理人员"
        assert str(Department.Kind.SECURITY_OFFICE.label) == "保卫处"
        assert "监控中心" in translation.gettext("Log in to the monitoring center")
        assert (
            translation.ngettext(
                "Page %(n)s of %(total)s · %(counter)s record",
                "Page %(n)s of %(total)s · %(counter)s records",
                2,
            )
            % {"n": 1, "total": 3, "counter": 2}
            == "第 1 / 3 页 · 共 2 条记录"
        )


def test_english_stays_english():
    with translation.override("en"):
        assert translation.gettext("Security chief") == "Security chief"
        assert str(Role.DUTY_OPERATOR.label) == "Duty operator"
