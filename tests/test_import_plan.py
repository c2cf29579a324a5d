"""The plan importer on the real annex: counts, every irregular cell kind, exact sums, idempotence.

Expected figures are transcribed by hand from data/xiangtan_plan.txt (line numbers in comments),
not produced by the importer.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.db import create_schema, make_engine, reading
from tracker.importing.load import import_plan_file
from tracker.importing.plan_text import parse_plan_file, parse_plan_text
from tracker.models import AuditEntry, Category, Operation, Plan, Project
from tracker.portfolio import find

D = Decimal

# (total, planned) per project in published order, read off annex 1 (lines 916–2918).
CATEGORY_ROWS: dict[int, list[tuple[str, str]]] = {
    1: [("1500", "1500"), ("300", "300"), ("200", "200"), ("500", "500"), ("1500", "1500"), ("100", "100"),
        ("500", "500"), ("670", "670")],
    2: [("6800", "6800"), ("500", "500"), ("680", "680"), ("100", "100"), ("3000", "3000"), ("1000", "1000"),
        ("1000", "1000"), ("3460.44", "3460.44"), ("5409.88", "5409.88"), ("10477", "10477"), ("2000", "2000"),
        ("14700", "14700"), ("1500", "1500"), ("200", "120"), ("1170", "696"), ("800", "500"), ("20000", "20000"),
        ("100000", "100000"), ("1100", "1100"), ("8000", "8000"), ("3500", "3500"), ("22200", "22200"),
        ("5000", "5000"), ("1200", "1200"), ("480", "480"), ("840", "840"), ("3000", "3000"), ("2000", "2000"),
        ("1200", "1200"), ("1650", "1650"), ("2150", "2150"), ("3000", "3000"), ("300", "300"), ("250", "250"),
        ("3500", "3500"), ("300", "300"), ("300", "300"), ("3000", "3000"), ("2520", "2520"), ("400", "400"),
        ("2000", "2000"), ("720", "720"), ("5000", "5000"), ("300", "300"), ("300", "300"), ("230", "230"),
        ("8500", "8500"), ("500", "500"), ("150", "150"), ("30", "30")],
    3: [("16700", "16700"), ("3970", "3970"), ("26000", "15000"), ("418", "418"), ("1101", "1101"),
        ("1378", "1378"), ("1600", "1600")],
    4: [("500", "500"), ("350", "350"), ("880", "880"), ("280", "280"), ("8000", "8000"), ("2100", "2100"),
        ("4612", "4612"), ("1100", "1100"), ("1000", "1000"), ("30000", "30000"), ("100000", "100000"),
        ("500", "500"), ("3200", "2560"), ("3800", "3040"), ("1200", "1200"), ("2000", "2000"), ("4125", "4125"),
        ("5000", "5000")],
    5: [("3855.8", "3855.8"), ("1800", "1800"), ("1200", "1200"), ("350", "300")],
}


def test_counts(engine: Engine) -> None:
    with reading(engine) as s:
        assert s.exec(select(func.count(Project.id))).one() == 87
        per_category = dict(
            s.exec(
                select(Category.ordinal, func.count(Project.id))
                .join(Project, Project.category_id == Category.id)
                .group_by(Category.ordinal)
            ).all()
        )
    assert per_category == {1: 8, 2: 50, 3: 7, 4: 18, 5: 4}


def test_plan_and_categories_as_published(engine: Engine) -> None:
    with reading(engine) as s:
        plan = s.exec(select(Plan)).one()
        cats = s.exec(select(Category).order_by(Category.ordinal)).all()
    assert plan.name == "湘潭市“十四五”民政事业发展规划"
    assert plan.region == "湘潭市"
    assert (plan.period_start, plan.period_end) == (2021, 2025)
    assert (plan.published_count, plan.published_total, plan.published_planned) == (87, D("592917.92"), D("579613.92"))
    assert (plan.source_first_line, plan.source_last_line, plan.published_line) == (866, 2918, 888)
    assert [(c.ordinal, c.name, c.published_count, c.published_total, c.published_planned, c.source_line) for c in cats] == [
        (1, "儿童福利类项目", 8, D("5270"), D("5270"), 902),
        (2, "老年人福利类项目", 50, D("356417.32"), D("355563.32"), 1092),
        (3, "城乡社区治理类项目", 7, D("51167"), D("40167"), 2220),
        (4, "社会公益类项目", 18, D("172857.8"), D("171457.8"), 2398),
        (5, "残障人福利类项目", 4, D("7205.8"), D("7155.8"), 2808),
    ]


@pytest.mark.parametrize("ordinal", [1, 2, 3, 4, 5])
def test_category_rows_and_sums_exact(engine: Engine, ordinal: int) -> None:
    expected = CATEGORY_ROWS[ordinal]
    with reading(engine) as s:
        rows = s.exec(
            select(Project.seq, Project.total_investment, Project.planned_investment)
            .join(Category, Category.id == Project.category_id)
            .where(Category.ordinal == ordinal)
            .order_by(Project.seq)
        ).all()
        total, planned = s.exec(
            select(func.sum(Project.total_investment), func.sum(Project.planned_investment))
            .join(Category, Category.id == Project.category_id)
            .where(Category.ordinal == ordinal)
        ).one()
    assert [(seq, t, p) for seq, t, p in rows] == [(i + 1, D(t), D(p)) for i, (t, p) in enumerate(expected)]
    assert total == sum((D(t) for t, _ in expected), D(0))
    assert planned == sum((D(p) for _, p in expected), D(0))


def test_row_sums_by_hand() -> None:
    """The published subtotals of categories 2 and 4 are not what their rows add up to (see `tracker check`)."""
    assert sum((D(t) for t, _ in CATEGORY_ROWS[2]), D(0)) == D("256417.32")
    assert sum((D(t) for t, _ in CATEGORY_ROWS[4]), D(0)) == D("168647")
    grand = sum((D(t) for rows in CATEGORY_ROWS.values() for t, _ in rows), D(0))
    assert grand == D("488707.12")


def _project(engine: Engine, code: str) -> Project:
    with reading(engine) as s:
        row = find(s, code)
    assert row is not None, code
    return row.project


def test_plain_row(engine: Engine) -> None:
    p = _project(engine, "1-1")  # lines 916–936
    assert (p.name, p.nature, p.owner) == ("湘潭市未成年人救助保护中心基础设施改扩建项目", "改扩建", "湘潭市未成年人救助保护中心")
    assert p.content == "湘潭市未成年人救助保护中心基础设施改扩建。"
    assert (p.start_text, p.finish_text, p.start_year, p.start_month, p.finish_year, p.finish_month) == (
        "2021", "2024", 2021, None, 2024, None)
    assert (p.total_investment, p.planned_investment, p.social_share_pct, p.note) == (D(1500), D(1500), None, "")
    assert (p.source_first_line, p.source_last_line) == (916, 936)
    assert p.status == "not_started" and p.version == 1


def test_month_cells_and_note(engine: Engine) -> None:
    p = _project(engine, "1-6")  # lines 1026–1046: 2021.1 / 2021.8, a note
    assert (p.start_text, p.finish_text) == ("2021.1", "2021.8")
    assert (p.start_year, p.start_month, p.finish_year, p.finish_month) == (2021, 1, 2021, 8)
    assert p.note == "“十四五”计划期间安装电梯和改建无障碍通道"


def test_year_ranges(engine: Engine) -> None:
    p = _project(engine, "2-14")  # lines 1416/1418: 2021-2023 both
    assert (p.start_text, p.finish_text, p.start_year, p.finish_year) == ("2021-2023", "2021-2023", 2021, 2023)
    assert (p.total_investment, p.planned_investment) == (D(200), D(120))
    p = _project(engine, "2-31")  # lines 1790/1792: 2021-2022 / 2022-2024 → earliest start, latest finish
    assert (p.start_year, p.finish_year) == (2021, 2024)
    p = _project(engine, "3-1")  # 2021-2023 / 2022-2024
    assert (p.start_year, p.finish_year) == (2021, 2024)


def test_percent_shares_and_social_capital(engine: Engine) -> None:
    p = _project(engine, "2-9")  # line 1300: 9.24%
    assert (p.total_investment, p.social_share_pct) == (D("5409.88"), D("9.24"))
    assert _project(engine, "2-13").social_share_pct == D("33.3")  # line 1402
    assert _project(engine, "4-11").social_share_pct == D(100)  # line 2650
    assert _project(engine, "2-10").social_share_pct == D(5)  # line 1336


def test_multi_line_nature_and_owners(engine: Engine) -> None:
    p = _project(engine, "3-5")  # lines 2326–2334: 新建 / 改建, three owners on three lines
    assert p.nature == "新建、改建"
    assert p.owner == "韶山市民政局、清溪镇人民政府、银田镇人民政府"
    assert p.content.startswith("新建清溪镇高新社区")
    p = _project(engine, "3-7")  # lines 2378–2384: two owners, content on two lines
    assert p.owner == "湘潭高新区、双马街道办事处"
    assert p.content.splitlines() == [
        "1.对新塘里社区新移交社区用房进行装修改造。",  # line 2382
        (  # line 2384, copied whole
            "2.马家河片区邻里中心(老旧小区外配套的项目)涉及小区3个,建设任务284户。补齐小区公共服务、基础设施短板。"
            "建设内容:新建邻里中心4000平米,包括老年日间照料、育儿托管中心、便民中心等公共服务设施,完善区域供排水、"
            "照明、无障碍、垃圾中转等公共基础设施,新增停车位100个及配套的标识标线。"
        ),
    ]


def test_owners_separated_by_spaces_and_stray_space(engine: Engine) -> None:
    assert _project(engine, "2-43").owner == "韶山人民医院、韶山市卫健局、韶山市民政局"  # line 2050
    assert _project(engine, "2-24").owner == "湘乡市民政局"  # line 1632: "湘乡市 民政局"


def test_multi_line_content(engine: Engine) -> None:
    lines = _project(engine, "2-10").content.splitlines()  # lines 1312–1326
    assert len(lines) == 8
    assert lines[0] == "1、建设内容" and lines[6] == "2、建设规模"
    assert len(_project(engine, "5-1").content.splitlines()) == 6  # lines 2830–2840


def test_nature_vocabulary(engine: Engine) -> None:
    assert _project(engine, "2-38").nature == "新建或续建"  # line 1938
    assert _project(engine, "2-40").nature == "续建"


def test_last_row_of_table(engine: Engine) -> None:
    p = _project(engine, "5-4")  # lines 2898–2918
    assert (p.name, p.total_investment, p.planned_investment) == ("韶山市重度残疾人康复中心项目", D(350), D(300))
    assert (p.source_first_line, p.source_last_line) == (2898, 2918)


def test_normalisation_report_lists_every_irregular_kind(plan_path: Path) -> None:
    parsed = parse_plan_file(plan_path)
    seen = {(n.code, n.kind) for n in parsed.normalisations}
    assert {("1-6", "month"), ("2-14", "range"), ("2-9", "percent"), ("3-5", "multi-line"),
            ("2-24", "spaces"), ("2-43", "spaces"), ("2-10", "multi-line")} <= seen
    percent = sorted(n.code for n in parsed.normalisations if n.kind == "percent")
    assert percent == sorted(["2-9", "2-10", "2-13", "2-17", "2-18", "4-9", "4-10", "4-11"])


def test_excerpt_alone_imports_the_same(plan_path: Path, tmp_path: Path) -> None:
    """Cells are recognised, not line numbers: the annex cut out of the document reads the same."""
    lines = plan_path.read_text(encoding="utf-8").splitlines()
    excerpt = tmp_path / "annex.txt"
    excerpt.write_text("\n".join(lines[861:2918]) + "\n", encoding="utf-8")
    whole, part = parse_plan_file(plan_path), parse_plan_file(excerpt)
    assert len(part.projects) == 87
    strip = lambda p: (p.code, p.name, p.owner, p.content, p.total_investment, p.planned_investment)
    assert [strip(p) for p in part.projects] == [strip(p) for p in whole.projects]
    assert part.projects[0].first_line == 916 - 861


def test_another_plan_in_the_same_shape_imports(tmp_path: Path) -> None:
    text = "\n\n".join([
        "附件2", "某县“十三五”民政事业发展规划重点项目表",
        "序号", "项目名称", "建设性质", "项目建设主体", "主要建设内容和规模", "开工年份", "竣工年份",
        "总投资(万元)", "“十三五”计划投资(万元)", "社会投资占比(%)", "备注",
        "总计项目(2)", "\u00a0", "\u00a0", "30.5", "20", "\u00a0", "\u00a0",
        "一、养老类项目(2个)", "\u00a0", "\u00a0", "30.5", "20", "\u00a0", "\u00a0",
        "1", "敬老院", "新建", "某县民政局", "床位50张。", "2016", "2017", "10.5", "10", "\u00a0", "\u00a0",
        "2", "日间照料中心", "改建", "某镇人民政府", "面积200平方米。", "2018.3", "2019-2020", "20", "10", "50%", "备注一",
    ]) + "\n"
    parsed = parse_plan_text(text, "other.txt")
    assert (parsed.name, parsed.region, parsed.period_start, parsed.period_end) == (
        "某县“十三五”民政事业发展规划", "某县", 2016, 2020)
    second = parsed.projects[1]
    assert (second.code, second.start_year, second.start_month, second.finish_year, second.social_share_pct, second.note) == (
        "1-2", 2018, 3, 2020, D(50), "备注一")


def _snapshot(engine: Engine) -> tuple[int, int, int, list[tuple[str, int]]]:
    with reading(engine) as s:
        return (
            s.exec(select(func.count(Project.id))).one(),
            s.exec(select(func.count(Operation.id))).one(),
            s.exec(select(func.count(AuditEntry.id))).one(),
            sorted(s.exec(select(Project.code, Project.version)).all()),
        )


def test_reimport_is_idempotent(engine: Engine, plan_path: Path) -> None:
    before = _snapshot(engine)
    result = import_plan_file(engine, plan_path)
    assert (result.created, result.updated, result.removed, result.unchanged) == ([], [], [], 87)
    assert result.operation_id is None
    assert _snapshot(engine) == before


def test_reimport_of_a_corrected_text_updates_only_what_changed(engine: Engine, plan_path: Path, tmp_path: Path) -> None:
    lines = plan_path.read_text(encoding="utf-8").splitlines()
    assert lines[1273] == "3460.44" and lines[1275] == "3460.44"  # 2-8 total and planned, lines 1274/1276
    lines[1273] = "3460.45"
    corrected = tmp_path / "corrected.txt"
    corrected.write_text("\n".join(lines), encoding="utf-8")
    result = import_plan_file(engine, corrected)
    assert result.updated == ["2-8"] and result.unchanged == 86
    p = _project(engine, "2-8")
    assert (p.total_investment, p.version) == (D("3460.45"), 2)


def test_fresh_database_from_plan_file(tmp_path: Path, plan_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    create_schema(engine)
    result = import_plan_file(engine, plan_path)
    assert len(result.created) == 87 and result.operation_id is not None
    assert [u.code for u in result.unplaced] == ["4-11"]
