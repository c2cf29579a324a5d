"""Issue 12 item 3: one language at a time. Walk every view and form in Chinese and in English and
fail on any text of the catalogue's other language that shows on the screen.

The screen's text is what the compositor draws (what ``export_screenshot`` would save), read as plain
text. A string counts as the other language's when it is a catalogue text of that language, cut at
its ``{placeholders}``, that:

- for the English walk: has at least two CJK characters;
- for the Chinese walk: has at least two words or six letters;

and is neither project data (the plan's own words — 项目, 养老 — appear in names and contents) nor
part of a text of the shown language (the filter syntax ``category:`` in the Chinese placeholder, and
"语言 Language" in the language command, are meant to be bilingual).

The walk is a list of steps (name, keys, what must be on screen): add a view by adding a step.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from babel.messages.pofile import read_po
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot

from tests.tui.conftest import MakeApp, drive, settle, until
from tests.tui.test_progress_undo import fill
from tracker.db import reading
from tracker.messages import LOCALE_DIR
from tracker.models import Category, Plan, Project
from tracker.tui.screens.progress_form import ProgressFormScreen

CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^}]*\}")
TEXTUAL_ENGLISH = ("Search for commands", "Change the current theme", "Quit the application", "Show help for the")
"""Textual's own English, which the interface must not show in Chinese (the palette's prompt and entries)."""


def screen_text(app: Any) -> str:
    """Everything the app draws now (every layer of the screen and the screens under a modal)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


@cache
def catalogue(language: str) -> tuple[str, ...]:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "tracker.po").open("rb") as handle:
        return tuple(m.string for m in read_po(handle) if m.id and m.string)


@cache
def fragments(language: str) -> frozenset[str]:
    """The pieces of ``language``'s texts that would betray it on the other language's screen."""
    pieces = set()
    for text in catalogue(language):
        for piece in PLACEHOLDER.split(text):
            piece = piece.strip(" \t\n:：，,;；.。()（）·/…%")
            if language == "zh" and len(CJK.findall(piece)) >= 2:
                pieces.add(piece)
            elif language == "en" and not CJK.search(piece) and (
                len(piece.split()) >= 2 or len(re.findall(r"[A-Za-z]", piece)) >= 6
            ):
                pieces.add(piece)
    own = "\n".join(catalogue("en" if language == "zh" else "zh"))
    return frozenset(p for p in pieces if p not in own)


@cache
def data_words(engine: Engine) -> str:
    """Every text of the bundled data the screens may show (project fields, categories, plans)."""
    with reading(engine) as session:
        texts = [
            str(value)
            for project in session.exec(select(Project))
            for value in project.model_dump().values()
            if isinstance(value, str)
        ]
        texts += [c.name for c in session.exec(select(Category))]
        texts += [str(v) for p in session.exec(select(Plan)) for v in p.model_dump().values() if isinstance(v, str)]
    return "\n".join(texts)


def shown(piece: str, text: str) -> bool:
    """``piece`` on screen as words of its own: "progress" inside a binding id (record_progress,
    shown in the help for tracker.toml [keys]) is an identifier, not English."""
    if CJK.search(piece):
        return piece in text
    return re.search(rf"(?<![A-Za-z_]){re.escape(piece)}(?![A-Za-z_])", text) is not None


def foreign(text: str, language: str, engine: Engine) -> list[str]:
    """The other language's fragments on a screen of ``language`` that are not data."""
    other = "en" if language == "zh" else "zh"
    data = data_words(engine)
    found = [p for p in fragments(other) if shown(p, text) and p not in data]
    if language == "zh":
        found += [word for word in TEXTUAL_ENGLISH if word in text]
    return sorted(found)


Step = Callable[[Pilot[Any]], Awaitable[None]]


def keys(*pressed: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    return step


async def bad_amount(pilot: Pilot[Any]) -> None:
    """The progress form refusing an amount: the message under the field is the interface's."""
    form = pilot.app.screen
    assert isinstance(form, ProgressFormScreen)
    fill(form, month="2023-06", invested="2026-10")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def record_month(pilot: Pilot[Any]) -> None:
    """Something to undo: a month recorded for 2-18, then back to the list."""
    form = pilot.app.screen
    assert isinstance(form, ProgressFormScreen)
    fill(form, month="2023-06", status="in_progress", invested="120", progress_text="主体封顶")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def bad_filter(pilot: Pilot[Any]) -> None:
    await pilot.press("slash", *"total>abc")
    await until(pilot, lambda: bool(pilot.app.screen.filter_bar().error_text))
    await settle(pilot)


async def clear_filter(pilot: Pilot[Any]) -> None:
    await pilot.press("escape")
    pilot.app.action_clear_filter()
    await settle(pilot)


@dataclass(frozen=True)
class View:
    name: str
    step: Step
    shows: dict[str, str] = field(default_factory=dict)
    """language → a text that proves the step reached its view (so the walk cannot check a blank)."""
    after: Step | None = None
    """How to leave the view (so the next step starts from the list)."""


WALK: list[View] = [
    View("portfolio", keys("1"), {"zh": "十四五计划投资", "en": "Planned"}),
    View("rollups", keys("2"), {"zh": "按 类别 汇总", "en": "By category"}),
    View("warnings", keys("3"), {"zh": "项红灯", "en": "red ·"}),
    View("timeline", keys("4"), {"zh": "已过去的建设期", "en": "construction period passed"}, keys("1")),
    View("budget check", keys("5"), {"zh": "个公布数：6 个不一致", "en": "published figures: 6 differ"}, keys("1")),
    View("indicators", keys("6"), {"zh": "尚未导入主要指标", "en": "No indicators yet"}, keys("1")),
    View("filter error", bad_filter, {"zh": "筛选语法错误：total 须是以万元计的金额", "en": "Filter error: total takes an amount"},
         clear_filter),
    View("help", keys("question_mark"), {"zh": "按键一览", "en": "Keys (remap"}, keys("escape")),
    View("sort", keys("s"), {"zh": "排序方式", "en": "Sort by"}, keys("escape")),
    View("view picker", keys("v"), {"zh": "已保存的视图", "en": "Saved views"}, keys("escape")),
    View("column chooser", keys("c"), {"zh": "选择列", "en": "Choose columns"}, keys("escape")),
    View("detail", keys("slash", *"code=2-18", "enter", "enter"), {"zh": "项目详情", "en": "Project detail"}),
    View("edit form", keys("e"), {"zh": "编辑项目 2-18", "en": "Edit project 2-18"}, keys("escape")),
    View("progress form", keys("m"), {"zh": "填报 2-18 的月度进度", "en": "Record a month's progress for 2-18"}),
    View("progress error", bad_amount, {"zh": "金额 '2026-10' 不是数字", "en": "amount '2026-10' is not a number"},
         record_month),
    View("undo confirm", keys("u"), {"zh": "撤销：填报 2-18 2023-06 进度：在建，120 万元",
                                     "en": "Undo: progress 2-18 2023-06: in progress, 120 万元"}, keys("n")),
    View("undo", keys("u", "y")),  # its notice is a toast; the redo question below proves it was done
    View("redo confirm", keys("U"), {"zh": "重做：填报 2-18 2023-06 进度", "en": "Redo: progress 2-18 2023-06"},
         keys("n")),
    View("save view", keys("V"), {"zh": "把当前筛选保存为视图", "en": "Save the current filter as a view"}, keys("escape")),
    View("palette", keys("ctrl+p"), {"zh": "切换界面语言", "en": "Switch the interface language"}, keys("escape")),
]
"""Every view, form and dialog, in the order a walk can reach them."""


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_view_speaks_one_language(make_app: MakeApp, engine: Engine, language: str) -> None:
    seen: dict[str, list[str]] = {}

    async def body(pilot: Pilot[Any]) -> None:
        for view in WALK:
            await view.step(pilot)
            text = screen_text(pilot.app)
            proof = view.shows.get(language)
            assert proof is None or proof in text, f"{view.name} ({language}): {proof!r} not on screen:\n{text}"
            bad = foreign(text, language, engine)
            if bad:
                seen[view.name] = bad
            if view.after is not None:
                await view.after(pilot)

    drive(make_app(language), body)
    assert not seen, f"{language} interface shows the other language: {seen}"


@pytest.mark.parametrize("query", ["language", "语言", "中文", "English"])
def test_the_language_command_is_found_by_either_language_s_words(make_app: MakeApp, query: str) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*query)
        await until(pilot, lambda: "打开预警列表" not in screen_text(pilot.app))  # the list is filtered
        assert "切换界面语言（中文/English）" in screen_text(pilot.app), screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.language == "en"

    drive(make_app("zh"), body)


def test_a_form_error_is_chinese_in_the_chinese_interface(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await keys("slash", *"code=2-9", "enter", "enter")(pilot)
        await keys("m")(pilot)
        form = pilot.app.screen
        assert isinstance(form, ProgressFormScreen)
        await bad_amount(pilot)
        assert pilot.app.screen is form
        assert form.field("invested").error == "金额 '2026-10' 不是数字"
        fill(form, invested="1", month="2023-6")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.field("month").error == "月份 '2023-6' 须写作 YYYY-MM，例如 2023-06"

    drive(make_app("zh"), body)


def test_the_check_catches_either_language_and_spares_data(engine: Engine) -> None:
    """The walk's detector itself: a refusal left in English on a Chinese screen, Chinese words of the
    interface on an English one, Textual's English prompt; but not the plan's own words."""
    assert "is not a number" in foreign("本月完成投资：amount '2026-10' is not a number", "zh", engine)
    assert "Search for commands" in foreign("> Search for commands…", "zh", engine)
    assert "撤销上一次操作" in foreign("Undo  撤销上一次操作", "en", engine)
    assert foreign("2-18  湘潭市社会福利院  养老  Planned 1,200", "en", engine) == []  # data and English
    assert foreign("按键 record_progress 填报月度进度", "zh", engine) == []  # an id is not English
