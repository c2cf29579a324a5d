"""Issue 13: the plans' indicators in the same warning system and the same filter language as the projects.

Figures worked by hand from data/plans/jiading.txt (序号 / 指标名称 / 单位 / 指标类型 / 指标定义 /
“十三五”末期数 / 2025年目标值):

- 2 社区长者食堂, 约束性, 8 at the end of 十三五 (2020) → 12 in 2025: the path rises 0.8 a year, so
  it expects 9.6 in 2022. 9 recorded for 2022 is behind it: binding, so at risk (red).
- 11 社会组织总数, 预期性, 641 → 800: (800 − 641) / 5 = 31.8 a year, 704.6 expected in 2022. 700 is
  behind (yellow); 710 would be on track.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CliRun
from tracker.db import reading
from tracker.filters import FilterError, parse
from tracker.indicators.filters import matches, parse_indicator_filter
from tracker.indicators.store import import_indicators, iter_indicators
from tracker.paths import data_dir

PLANS = data_dir() / "plans"
AS_OF = "2023-06-30"
JIADING = "嘉定区民政事业发展“十四五”规划"


def _ids(cli: CliRun) -> dict[str, int]:
    rows = json.loads(cli("indicator", "list", "--format", "json", "plan:嘉定").stdout)
    return {r["seq"]: r["id"] for r in rows}


@pytest.fixture
def recorded(cli: CliRun) -> dict[str, int]:
    """Jiading imported beside the 87 projects, with 9 for indicator 2 and 700 for indicator 11 in 2022."""
    assert cli("import-indicators", str(PLANS / "jiading.txt")).exit_code == 0
    ids = _ids(cli)
    assert cli("indicator", "record", str(ids["2"]), "--year", "2022", "9").exit_code == 0
    assert cli("indicator", "record", str(ids["11"]), "--year", "2022", "700").exit_code == 0
    return ids


def _warnings(cli: CliRun, *words: str) -> tuple[int, dict]:
    result = cli("--as-of", AS_OF, "warnings", "--format", "json", *words)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_indicators_behind_their_path_are_warnings(cli: CliRun, recorded: dict[str, int]) -> None:
    code, data = _warnings(cli, "plan:嘉定")
    assert code == 1
    items = [(i["code"], i["rule"], i["severity"], i["kind"]) for i in data["items"]]
    assert items == [
        (f"I{recorded['2']}", "indicator_at_risk", "red", "indicator"),
        (f"I{recorded['11']}", "indicator_behind", "yellow", "indicator"),
    ]  # Jiading has no projects: plan:嘉定 selects only its indicators
    first = data["items"][0]
    assert first["name"] == "社区长者食堂"
    assert first["message"] == f"{JIADING}: 9 in 2022 is behind the path to its target 12 (binding)"
    assert "2022年实际值 9" in first["message_zh"] and "约束性" in first["message_zh"]
    assert data["counts"]["indicator_at_risk"] == {"red": 1, "yellow": 0}
    assert data["counts"]["indicator_behind"] == {"red": 0, "yellow": 1}
    assert data["counts"]["overdue"] == {"red": 0, "yellow": 0}


def test_the_whole_portfolio_lists_projects_first_then_indicators(cli: CliRun, recorded: dict[str, int]) -> None:
    _, data = _warnings(cli)
    kinds = [i["kind"] for i in data["items"]]
    assert kinds.count("indicator") == 2 and kinds.count("project") > 50
    assert kinds == sorted(kinds, key=["project", "indicator"].index)  # the projects', then the indicators'


def test_one_filter_language_selects_both(cli: CliRun, recorded: dict[str, int]) -> None:
    assert [i["rule"] for i in _warnings(cli, "+at_risk")[1]["items"]] == ["indicator_at_risk"]
    assert [i["rule"] for i in _warnings(cli, "attribute:预期性")[1]["items"]] == ["indicator_behind"]
    assert [i["name"] for i in _warnings(cli, "社会组织总数")[1]["items"]] == ["社会组织总数"]
    # a project term matches no indicator; an indicator term no project
    assert {i["kind"] for i in _warnings(cli, "category:残障")[1]["items"]} == {"project"}
    assert {i["kind"] for i in _warnings(cli, "+overdue")[1]["items"]} == {"project"}
    code, data = _warnings(cli, "+behind", "-社会组织")
    assert (code, data["items"]) == (0, [])


def test_table_csv_and_exit_status(cli: CliRun, recorded: dict[str, int]) -> None:
    table = cli("--as-of", AS_OF, "warnings", "plan:嘉定")
    assert table.exit_code == 1
    assert "2 warnings (1 red, 1 yellow) on 0 projects and 2 indicators" in " ".join(table.stdout.split())
    csv_text = cli("--as-of", AS_OF, "warnings", "plan:嘉定", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == "code,name,rule,severity,message,message_zh,kind"
    assert csv_text.splitlines()[1].startswith(f"I{recorded['2']},社区长者食堂,indicator_at_risk,red,")
    # on track: 710 is above the 704.6 the path expects in 2022; the binding one is corrected to 10
    assert cli("indicator", "record", str(recorded["11"]), "--year", "2022", "710").exit_code == 0
    assert cli("indicator", "record", str(recorded["2"]), "--year", "2022", "10").exit_code == 0
    assert _warnings(cli, "plan:嘉定") == (0, _warnings(cli, "plan:嘉定")[1])
    assert _warnings(cli, "plan:嘉定")[1]["items"] == []


def test_no_value_is_no_warning(cli: CliRun) -> None:
    """Imported, nothing recorded: every indicator is no_data, which is not a warning."""
    assert cli("import-indicators", str(PLANS / "jiading.txt")).exit_code == 0
    code, data = _warnings(cli, "plan:嘉定")
    assert (code, data["items"]) == (0, [])


def test_indicator_list_speaks_the_shared_language(cli: CliRun, recorded: dict[str, int], workdir: Path) -> None:
    def seqs(*words: str) -> list[str]:
        result = cli("--as-of", AS_OF, "indicator", "list", "--format", "json", *words)
        assert result.exit_code == 0, result.stderr
        return [r["seq"] for r in json.loads(result.stdout)]

    assert seqs("plan:嘉定", "+at_risk or +behind") == ["2", "11"]
    assert seqs("plan:嘉定", "(+at_risk", "or", "+behind)", "-attribute:binding") == ["11"]
    assert len(seqs("plan:嘉定", "-+no_data")) == 2
    assert len(seqs("plan:嘉定", "not", "+no_data", "or", "name:床位")) == 2 + 3  # 4, 5 and 6 name 床位
    assert seqs("plan=嘉定") == []  # = is the whole name
    assert seqs(f"plan={JIADING}", "attribute!=binding", "社会组织") == ["11", "12"]


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (("indicator", "list", "total>100"), "total> selects projects, not indicators"),
        (("indicator", "list", "+overdue"), "+overdue selects projects, not indicators"),
        (("indicator", "list", "attribute:maybe"), "neither 约束性/binding nor 预期性/expected"),
        (("list", "+behind"), "+behind selects indicators (tracker indicator list, tracker warnings), not projects"),
        (("export", "attribute:约束性"), "attribute: selects indicators"),
    ],
)
def test_a_term_that_does_not_apply_is_an_error_with_a_caret(cli: CliRun, words: tuple[str, ...], says: str) -> None:
    result = cli(*words)
    assert result.exit_code == 2
    assert says in result.stderr
    assert "^" in result.stderr  # the caret under the term


def test_saved_views_work_for_indicators(cli: CliRun, recorded: dict[str, int], workdir: Path, db_path: Path) -> None:
    assert cli("view", "save", "risky", "+at_risk or +behind").exit_code == 0
    rows = json.loads(cli("--as-of", AS_OF, "indicator", "list", "--format", "json", "@risky").stdout)
    assert [r["seq"] for r in rows] == ["2", "11"]


FILTERS = ["", "社区", "plan:嘉定", "plan:安岳", "-plan:嘉定", "attribute:binding", "attribute!=约束性",
           "name:床位", "name=社区长者食堂", "床位 or 社会", "-(床位 or 社会)", "plan:嘉定 -name:率",
           "total>1", "category:老年", "-total>1", "not district:雨湖区"]  # fmt: skip


@given(st.lists(st.sampled_from(FILTERS), min_size=1, max_size=3), st.sampled_from([" ", " or "]))
@settings(max_examples=60, deadline=None)
def test_sql_and_python_judge_every_status_free_filter_alike(engine_with_indicators, parts: list[str], glue: str) -> None:
    """The SQL where of an indicator filter and its Python judgement (used once a status is in it) agree."""
    from datetime import date

    text = glue.join(f"({p})" if p else "x" for p in parts).replace("(x)", "x")
    node = parse(text, None, "any")
    selected = parse_indicator_filter(text, None, "any")
    with reading(engine_with_indicators) as session:
        everything = list(iter_indicators(session, date(2023, 6, 30)))
        by_sql = {line.id for line in iter_indicators(session, date(2023, 6, 30), selected.where)}
    assert by_sql == {line.id for line in everything if matches(node, line)}


@pytest.fixture(scope="module")
def engine_with_indicators(tmp_path_factory: pytest.TempPathFactory):
    from tracker.db import make_engine
    from tracker.migrations import upgrade

    path = tmp_path_factory.mktemp("ind") / "t.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    for name in ("jiading.txt", "anyue.txt"):
        import_indicators(engine, PLANS / name)
    from tracker.indicators.store import record_value

    record_value(engine, 2, 2022, "9")  # 社区长者食堂: at risk
    record_value(engine, 11, 2022, "700")  # 社会组织总数: behind
    record_value(engine, 1, 2021, "100")  # 长期失能老人养老服务覆盖率: met
    yield engine
    engine.dispose()


def test_parse_refuses_by_subject_at_the_term() -> None:
    with pytest.raises(FilterError) as info:
        parse("plan:嘉定 +behind", None, "project")
    assert (info.value.position, info.value.length) == (8, 7)
    with pytest.raises(FilterError) as info:
        parse("plan:嘉定 share>0", None, "indicator")
    assert (info.value.position, info.value.length) == (8, 5)
    assert str(parse("+behind total>1 attribute:约束性", None, "any")) == "+behind total>1 attribute:binding"


def test_export_of_indicators(cli: CliRun, recorded: dict[str, int], tmp_path: Path) -> None:
    """``tracker export --of indicators``: the indicators the filter selects, status as of --as-of."""
    import csv
    import io

    import openpyxl

    result = cli("--as-of", AS_OF, "export", "--of", "indicators", "plan:嘉定", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 14  # Jiading: 序号 1–14
    assert list(rows[0])[:12] == ["id", "plan", "table", "seq", "name", "unit", "attribute", "target_text",
                                  "target_value", "baseline_text", "latest_value", "status"]
    two = rows[1]
    assert (two["name"], two["latest_value"], two["latest_year"], two["status"], two["kind"]) == (
        "社区长者食堂", "9", "2022", "at_risk", "targets")
    data = json.loads(cli("--as-of", AS_OF, "export", "--of", "indicators", "+behind").stdout)
    assert [(r["name"], r["intermediate"]) for r in data] == [("社会组织总数", {})]
    book = tmp_path / "指标.xlsx"
    written = cli("--as-of", AS_OF, "export", "--of", "indicators", "--output", str(book))
    assert written.exit_code == 0 and "wrote 14 indicators" in written.stderr
    sheet = openpyxl.load_workbook(book)["indicators"]
    assert sheet.max_row == 15 and sheet["E3"].value == "社区长者食堂"
    bad = cli("export", "--of", "indicators", "share>1")
    assert bad.exit_code == 2 and "share> selects projects, not indicators" in bad.stderr
    assert cli("export", "--of", "things").exit_code == 2


def test_the_list_is_readable_on_an_80_column_terminal(
    cli: CliRun, recorded: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One table per plan, titled with the plan (no plan column to squeeze the names); names wrap."""
    from rich.cells import cell_len

    import tracker.cli.output as output

    def terminal() -> object:
        import sys

        from rich.console import Console

        return Console(file=sys.stdout, width=80, color_system=None)  # what an 80-column terminal gets

    monkeypatch.setattr(output, "console", terminal)
    result = cli("--as-of", AS_OF, "indicator", "list", "plan:嘉定")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].rstrip() == JIADING
    assert max(cell_len(line) for line in lines) <= 80
    assert any("│ 社区长者食堂" in line and "9 (2022)" in line and "at_risk" in line for line in lines)
    assert lines[-1] == "14 indicators, status as of 2023-06-30"


INDICATOR_TERMS = st.sampled_from(
    ["plan:嘉定", "plan=安岳县“十四五”民政事业发展规划", "attribute:约束性", "attribute=expected", "attribute!=binding",
     "name:床位", "+met", "+on_track", "+behind", "+at_risk", "+no_data", "+no-data", "社区", "total>1", "+overdue"]
)  # fmt: skip
INDICATOR_SOUP = st.recursive(
    INDICATOR_TERMS,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
        st.builds(lambda a, b: f"{a} or {b}", inner, inner),
        st.builds(lambda a: f"-({a})", inner),
    ),
    max_leaves=8,
)


@given(st.one_of(INDICATOR_SOUP, st.text(max_size=40)), st.sampled_from(["indicator", "any"]))
@settings(max_examples=150, deadline=None)
def test_any_indicator_filter_is_a_list_or_a_filter_error_and_its_negation_is_the_rest(
    engine_with_indicators, text: str, subject: str
) -> None:
    """Any text, as an indicator filter: a FilterError with a place, or a filter whose SQL runs and whose
    negation keeps exactly the indicators it leaves out (statuses as of 2023-06-30, 9 recorded for 2)."""
    from datetime import date

    try:
        selected = parse_indicator_filter(text, None, subject)  # type: ignore[arg-type]
    except FilterError as exc:
        assert 0 <= exc.position <= len(text) and exc.message
        return
    if not text.strip():
        return
    negated = parse_indicator_filter(f"-({text})", None, subject)  # type: ignore[arg-type]
    with reading(engine_with_indicators) as session:
        every = {line.id for line in iter_indicators(session, date(2023, 6, 30))}
        kept = {line.id for line in iter_indicators(session, date(2023, 6, 30), selected.where) if selected.keeps(line)}
        left = {line.id for line in iter_indicators(session, date(2023, 6, 30), negated.where) if negated.keeps(line)}
    assert kept | left == every and not kept & left


def test_the_list_keys_are_one_contract() -> None:
    from tracker.cli.indicator import KEYS
    from tracker.indicators.store import EXPORT_KEYS, LIST_KEYS

    assert KEYS == LIST_KEYS == EXPORT_KEYS[: len(LIST_KEYS)]


@pytest.mark.parametrize("ident", ["99999999999999999999", "0", "-3"])
def test_an_indicator_id_out_of_range_is_a_usage_error(cli: CliRun, ident: str) -> None:
    result = cli("indicator", "record", "--year", "2022", "--", ident, "5")
    assert result.exit_code == 2, result.output
    assert "tracker: ID:" in result.stderr and "out of range" in result.stderr and "internal error" not in result.stderr
