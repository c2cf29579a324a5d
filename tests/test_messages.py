"""The one catalogue (tracker/locale): complete, compiled, and what it renders.

Babel is a dev tool: these tests use it to extract the msgids from the code and to compile the .po
files again; the program itself reads the .mo files with the standard library.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tracker import messages
from tracker.errors import RefusedError
from tracker.messages import LANGUAGES, LOCALE_DIR, Phrase, cli_language, translate
from tracker.models import Status

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"t": None, "tr": (2,), "translate": (2,), "of": None, "at": None, "Phrase": None}
"""The calls whose first (or given) string argument is a msgid: as ``make messages`` extracts them."""
PLACEHOLDER = re.compile(r"\{(\w*)[^}]*\}")


def po(language: str):  # noqa: ANN201 - a babel Catalog
    with (LOCALE_DIR / language / "LC_MESSAGES" / "tracker.po").open("rb") as handle:
        return read_po(handle, locale=language)


def used_msgids() -> set[str]:
    """Every literal msgid the code passes to the catalogue, plus the families built from data
    (``status.<value>``, ``dim.<dimension>``, …) whose members the tests can enumerate."""
    keywords = {name: spec or (1,) for name, spec in KEYWORDS.items()}
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(ROOT / "tracker"), keywords=keywords, comment_tags=())
    }
    from tracker.rollups import DIMENSIONS
    from tracker.tui.app import VIEWS
    from tracker.tui.screens.edit_project import FIELDS as EDIT_FIELDS
    from tracker.tui.columns import COLUMNS
    from tracker.tui.screens.check import OK, DIFFERS, ACCEPTED, UNPUBLISHED
    from tracker.tui.screens.progress_form import FIELDS as PROGRESS_FIELDS
    from tracker.tui.widgets.progress_history import COLUMNS as HISTORY_COLUMNS
    from tracker.warnings import INDICATOR_RULES, RULES

    found |= {f"status.{s.value}" for s in Status}
    found |= {f"dim.{d}" for d in DIMENSIONS}
    found |= {f"view.{v}" for v in VIEWS}
    found |= {f"field.{f}" for f in (*EDIT_FIELDS, *PROGRESS_FIELDS)}
    found |= {f"col.{c}" for c in COLUMNS} | {f"col.{c}" for c in HISTORY_COLUMNS}
    found |= {f"check.state.{s}" for s in (OK, DIFFERS, ACCEPTED, UNPUBLISHED)}
    found |= {f"check.field.{f}" for f in ("total", "planned", "count")}
    from tracker.indicators.status import STATUSES

    found |= {f"indicator.status.{s}" for s in STATUSES}
    found |= {f"severity.{s}" for s in ("red", "yellow", "green")}
    found |= {f"rule.{r}" for r in (*RULES, *INDICATOR_RULES)}
    found |= {f"district_source.{s}" for s in ("gazetteer", "user", "none")}
    found |= {"op.progress", "op.correct"}
    return found


def test_every_msgid_the_code_uses_is_translated_in_both_catalogues() -> None:
    used = used_msgids()
    assert len(used) > 170  # the extraction found the code's calls, not nothing
    for language in LANGUAGES:
        catalog = po(language)
        missing = sorted(key for key in used if catalog.get(key) is None)
        empty = sorted(key for key in used if catalog.get(key) is not None and not catalog.get(key).string)
        assert not missing, f"{language}: not in the catalogue: {missing}"
        assert not empty, f"{language}: empty translation: {empty}"


def test_both_catalogues_hold_the_same_keys_with_the_same_placeholders() -> None:
    zh, en = ({m.id: m.string for m in po(language) if m.id} for language in ("zh", "en"))
    assert zh.keys() == en.keys()
    for key in zh:
        assert zh[key] and en[key], key
        assert set(PLACEHOLDER.findall(zh[key])) == set(PLACEHOLDER.findall(en[key])), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_mo_is_compiled_from_its_po(language: str) -> None:
    """`make messages` after every .po change: a stale .mo would show yesterday's words."""
    compiled = io.BytesIO()
    write_mo(compiled, po(language))
    committed = (LOCALE_DIR / language / "LC_MESSAGES" / "tracker.mo").read_bytes()
    assert committed == compiled.getvalue(), f"run `make messages`: {language}/tracker.mo is out of date"


def test_the_mo_files_are_packaged_and_read_without_babel() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'artifacts = ["tracker/locale/*/LC_MESSAGES/*.mo"]' in pyproject
    assert "import babel" not in (ROOT / "tracker" / "messages.py").read_text(encoding="utf-8")
    messages.catalogue.cache_clear()
    assert translate("zh", "app.title") == "民政重点项目跟踪"
    assert translate("en", "app.title") == "Civil-affairs key projects"
    assert messages.catalogue("zh") is messages.catalogue("zh")  # read once, then kept


def test_translate_fills_values_and_escapes_control_characters() -> None:
    assert translate("zh", "detail.gone", code="2-18") == "项目 2-18 已不存在"
    assert translate("en", "detail.gone", code="2-18") == "Project 2-18 no longer exists"
    assert translate("en", "detail.gone", code="2-\x1b[31m18") == "Project 2-\\x1b[31m18 no longer exists"
    assert "\x1b" not in translate("zh", "undo.confirm", summary="a\x1bb\x07")
    with pytest.raises(KeyError):
        translate("zh", "no.such.key")


def test_a_domain_error_keeps_its_english_and_speaks_chinese_when_asked() -> None:
    from tracker.money import MoneyError, parse_wan
    from tracker.progress import ProgressError, parse_amount

    with pytest.raises(MoneyError) as money:
        parse_wan("2026-10")
    assert str(money.value) == "amount '2026-10' is not a number"
    assert money.value.user_message() == "amount '2026-10' is not a number"
    assert money.value.user_message("en") == "amount '2026-10' is not a number"
    assert money.value.user_message("zh") == "金额 '2026-10' 不是数字"
    with pytest.raises(ProgressError) as progress:
        parse_amount("2026-10")
    assert str(progress.value) == "invested: amount '2026-10' is not a number"
    assert progress.value.user_message("zh") == "本月完成投资：金额 '2026-10' 不是数字"
    assert progress.value.field_message("zh") == "金额 '2026-10' 不是数字"
    assert progress.value.field_message("en") == "amount '2026-10' is not a number"
    assert parse_amount("1,200.5") == Decimal("1200.5")


def test_a_nested_phrase_and_a_plain_error_render_in_the_asked_language() -> None:
    from tracker.filters import FilterError, parse

    with pytest.raises(FilterError) as caught:
        parse("+overdu")
    assert str(caught.value).startswith("unknown tag +overdu (did you mean +overdue?); tags: +overdue")
    assert caught.value.user_message("zh").startswith("未知的标签 +overdu（是否想输入 +overdue？）；可用标签：+overdue")
    assert str(Phrase("filter.none_saved")) == "none saved"
    plain = RefusedError("no code")
    assert plain.user_message("zh") == "no code"  # no message id: its English, as before


def test_the_cli_language_follows_tracker_language_then_the_locale() -> None:
    assert cli_language({}) == "en"
    assert cli_language({"LANG": "C"}) == "en"
    assert cli_language({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert cli_language({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}) == "en"  # LC_ALL first, as POSIX says
    assert cli_language({"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert cli_language({"LANG": "en_US.UTF-8", "TRACKER_LANGUAGE": "zh"}) == "zh"
    assert cli_language({"LANG": "zh_CN.UTF-8", "TRACKER_LANGUAGE": "en"}) == "en"
    assert cli_language({"LANG": "zh_CN.UTF-8", "TRACKER_LANGUAGE": "fr"}) == "zh"  # not a language: ignored


def test_the_undo_text_names_the_operation_and_fields_in_the_language() -> None:
    from tracker.operation_text import describe

    summary = "edit 2-18: finish_text, finish_year, finish_month"
    assert describe("edit", summary, "zh") == "编辑 2-18：竣工年份、竣工年份（年）、竣工月份"
    assert describe("edit", summary, "en") == "edit 2-18: Finish, Finish year, Finish month"
    month = "progress 2-9 2023-06: 在建, 120 万元"
    assert describe("progress", month, "zh") == "填报 2-9 2023-06 进度：在建，120 万元"
    assert describe("progress", month, "en") == "progress 2-9 2023-06: in progress, 120 万元"
    assert describe("import-plan", "import plan.txt: 湘潭", "zh") == "导入规划：import plan.txt: 湘潭"


def test_strings_to_po_appends_a_branch_s_new_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the lead runs at merge for STRINGS entries other branches added (docs/languages.md)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import strings_to_po
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    monkeypatch.setattr(strings_to_po, "LOCALE", tmp_path / "locale")
    source = tmp_path / "i18n.py"
    source.write_text(
        'from typing import Final\nimport textual\nSTRINGS: Final[dict[str, tuple[str, str]]] = {\n'
        '    "app.title": ("别的标题", "Another title"),\n'
        '    "budget.title": ("预算执行 {year}", "Budget {year}"),\n}\n',
        encoding="utf-8",
    )
    assert strings_to_po.main([str(source)]) == 0
    for language, text in (("zh", "预算执行 {year}"), ("en", "Budget {year}")):
        with strings_to_po.po_path(language).open("rb") as handle:
            catalog = read_po(handle)
        assert catalog.get("budget.title").string == text
        assert catalog.get("app.title").string == translate(language, "app.title")  # kept, not overwritten
        assert len(catalog) == len(po(language)) + 1
