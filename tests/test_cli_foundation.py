"""The CLI contract of issue 2: init, import-plan, list, show, export, edit and the global options.

Expected figures are copied by hand from data/xiangtan_plan.txt (line numbers in comments), never
from the program's output or from data/xiangtan_projects.csv, which ``make data`` regenerates from
the program itself.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tracker.export import EXPORT_KEYS

ISSUE_KEYS = [
    "code", "plan", "category", "seq", "name", "nature", "owner", "district", "content", "note", "start_text",
    "finish_text", "start_year", "start_month", "finish_year", "finish_month", "total_investment",
    "planned_investment", "social_share_pct", "social_capital", "status",
]

D = Decimal

# 2-9's content cell, line 1290 of data/xiangtan_plan.txt, copied whole.
CONTENT_2_9 = (
    "项目建设用地面积6308.51㎡,建筑面积10499.56㎡。其中地下室面积3468.54㎡。地上9F层地下B1层,养护床位210个。"
    "(1)项目建设用地的征拆、场平;(2)新建一栋老年养护楼(9F+1D);(3)项目红线范围内的道路、广场、挡土墙护坡、围墙、"
    "室外活动场地、绿化、水电、消防、安防、室外照明等配套工程建设;(4)项目所需家具及有关设备购置。"
)

# A sample of rows from every category, copied by hand from annex 1:
# code: (category, name, nature, owner, start, finish, total, planned, share %, note)
SOURCE_ROWS: dict[str, tuple[str, str, str, str, str, str, str, str, str, str]] = {
    # lines 916–936
    "1-1": ("儿童福利类项目", "湘潭市未成年人救助保护中心基础设施改扩建项目", "改扩建", "湘潭市未成年人救助保护中心",
            "2021", "2024", "1500", "1500", "", ""),
    # lines 1026–1046: months in the year cells, a note
    "1-6": ("儿童福利类项目", "湘乡市流浪人员及未成年人救助服务中心改扩建项目", "改扩建", "湘乡市流浪人员及未成年人救助服务中心",
            "2021.1", "2021.8", "100", "100", "", "“十四五”计划期间安装电梯和改建无障碍通道"),
    # lines 1260–1280
    "2-8": ("老年人福利类项目", "湘潭市雨湖区公办养老机构服务能力提升项目", "改扩建", "雨湖区民政局",
            "2021", "2022", "3460.44", "3460.44", "", ""),
    # lines 1282–1302
    "2-9": ("老年人福利类项目", "湘潭市雨湖区老年养护院(二期)建设项目", "新建", "雨湖区民政局",
            "2021", "2023", "5409.88", "5409.88", "9.24", ""),
    # lines 1406–1426: year ranges, planned below total
    "2-14": ("老年人福利类项目", "湘潭县云湖桥镇中心敬老院建设项目", "改扩建", "云湖桥镇人民政府",
             "2021-2023", "2021-2023", "200", "120", "", ""),
    # lines 2044–2064: three owners separated by runs of no-break spaces (line 2050)
    "2-43": ("老年人福利类项目", "韶山市养老院(医养结合)建设项目", "新建", "韶山人民医院、韶山市卫健局、韶山市民政局",
             "2021", "2025", "5000", "5000", "", ""),
    # lines 2322–2348: two natures and three owners on lines of their own
    "3-5": ("城乡社区治理类项目", "韶山市社区综合服务设施建设项目", "新建、改建", "韶山市民政局、清溪镇人民政府、银田镇人民政府",
            "2021", "2023", "1101", "1101", "", ""),
    # lines 2632–2652
    "4-11": ("社会公益类项目", "湖南湘水缘圆满殡仪服务中心及配套用房工程项目", "新建", "湖南湘水缘长生陵园有限公司",
             "2021", "2025", "100000", "100000", "100", ""),
    # lines 2676–2696
    "4-13": ("社会公益类项目", "韶山市公墓山建设项目(第一期)", "新建", "韶山市民政局",
             "2021", "2023", "3200", "2560", "", ""),
    # lines 2822–2852: content on six lines
    "5-1": ("残障人福利类项目", "湘潭市精神康复特护楼项目", "新建", "湘潭市精神卫生福利中心",
            "2021", "2023", "3855.8", "3855.8", "", ""),
    # lines 2898–2918: the last row of the table
    "5-4": ("残障人福利类项目", "韶山市重度残疾人康复中心项目", "改扩建", "韶山市民政局",
            "2021", "2022", "350", "300", "", ""),
}

# What the rows of each category add up to, by hand from the annex (not the published subtotals, two
# of which are wrong: see `tracker check`). Category 1 (lines 916–1090): 1500 + 300 + 200 + 500 + 1500
# + 100 + 500 + 670 = 5270, planned the same. Category 3 (2234–2396): 16700 + 3970 + 26000 + 418 + 1101
# + 1378 + 1600 = 51167; planned 15000 instead of 26000 for 3-3 → 40167. Category 5 (2822–2918): 3855.8
# + 1800 + 1200 + 350 = 7205.8; planned 300 instead of 350 for 5-4 → 7155.8. Categories 2 and 4 row by
# row in tests/test_import_plan.py (CATEGORY_ROWS): 256417.32 / 255563.32 and 168647 / 167247.
ROW_SUMS: dict[str, tuple[int, Decimal, Decimal]] = {
    "儿童福利类项目": (8, D("5270"), D("5270")),
    "老年人福利类项目": (50, D("256417.32"), D("255563.32")),
    "城乡社区治理类项目": (7, D("51167"), D("40167")),
    "社会公益类项目": (18, D("168647"), D("167247")),
    "残障人福利类项目": (4, D("7205.8"), D("7155.8")),
}
# 5270 + 256417.32 + 51167 + 168647 + 7205.8 = 488707.12; 5270 + 255563.32 + 40167 + 167247 + 7155.8 = 475403.12
GRAND_SUM = (87, D("488707.12"), D("475403.12"))


def _export(cli: CliRun) -> list[dict[str, object]]:
    result = cli("export", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout, parse_float=Decimal)


def test_init_then_export_json_gives_all_87_exact(cli: CliRun, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    init = cli("init", db=str(db))
    assert init.exit_code == 0 and "87 projects" in init.stdout
    result = cli("export", "--format", "json", db=str(db))
    records = json.loads(result.stdout, parse_float=Decimal)
    assert len(records) == 87
    assert list(records[0])[: len(ISSUE_KEYS)] == ISSUE_KEYS
    by_code = {r["code"]: r for r in records}
    assert by_code["2-9"] == {
        "code": "2-9", "plan": "湘潭市“十四五”民政事业发展规划", "category": "老年人福利类项目", "seq": 9,
        "name": "湘潭市雨湖区老年养护院(二期)建设项目", "nature": "新建", "owner": "雨湖区民政局", "district": "雨湖区",
        "content": CONTENT_2_9, "note": "", "start_text": "2021", "finish_text": "2023", "start_year": 2021,
        "start_month": None, "finish_year": 2023, "finish_month": None, "total_investment": Decimal("5409.88"),
        "planned_investment": Decimal("5409.88"), "social_share_pct": Decimal("9.24"),
        # 5409.88 × 9.24% = 499.872912 万元 (by hand: 5409.88 × 0.0924)
        "social_capital": Decimal("499.872912"), "status": "not_started",
    } | {k: by_code["2-9"][k] for k in by_code["2-9"] if k not in ISSUE_KEYS}
    assert by_code["1-6"]["start_month"] == 1 and by_code["1-6"]["finish_month"] == 8
    assert by_code["2-18"]["social_capital"] == Decimal(24000)  # 100000 × 24%
    assert by_code["4-11"]["district"] is None


def test_json_numbers_are_written_as_published(cli: CliRun) -> None:
    text = cli("export", "--format", "json").stdout
    assert '"total_investment": 3460.44,' in text  # 2-8, line 1274
    assert '"social_share_pct": 9.24,' in text
    assert '"total_investment": 1500,' in text and "1500.0" not in text
    assert "湘潭" in text  # not \\u-escaped


def _agrees_with_the_source(text: str) -> None:
    """The CSV ``text`` holds the hand-copied sample rows, 2-9's whole content, and the hand row sums."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 87
    by_code = {r["code"]: r for r in rows}
    fields = ("category", "name", "nature", "owner", "start_text", "finish_text")
    for code, (category, name, nature, owner, start, finish, total, planned, share, note) in SOURCE_ROWS.items():
        row = by_code[code]
        assert tuple(row[f] for f in fields) == (category, name, nature, owner, start, finish), code
        assert (D(row["total_investment"]), D(row["planned_investment"])) == (D(total), D(planned)), code
        assert row["social_share_pct"] == share and row["note"] == note, code
    assert by_code["2-9"]["content"] == CONTENT_2_9
    assert by_code["2-9"]["social_capital"] == "499.872912"  # 5409.88 × 0.0924, by hand
    assert by_code["5-1"]["content"].splitlines()[:2] == ["建设内容:", "1、原福利金属制品厂厂房拆除外运,场地平整;"]
    sums: dict[str, tuple[int, Decimal, Decimal]] = {}
    for r in rows:
        count, total, planned = sums.get(r["category"], (0, D(0), D(0)))
        sums[r["category"]] = (count + 1, total + D(r["total_investment"]), planned + D(r["planned_investment"]))
    assert sums == ROW_SUMS
    grand = (sum(c for c, _, _ in sums.values()), sum(t for _, t, _ in sums.values()), sum(p for _, _, p in sums.values()))
    assert grand == GRAND_SUM


def test_export_csv_agrees_with_the_source_text(cli: CliRun) -> None:
    result = cli("export", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    _agrees_with_the_source(result.stdout)


def test_bundled_normalised_csv_is_current_and_agrees_with_the_source_text(cli: CliRun, data_path: Path) -> None:
    """data/xiangtan_projects.csv is what the export writes today (``make data`` regenerates it), and,
    since a regenerated file would carry any bug of the program, it is held to the source text too."""
    bundled = (data_path / "xiangtan_projects.csv").read_text(encoding="utf-8-sig")
    _agrees_with_the_source(bundled)
    exported = cli("export", "--format", "csv").stdout
    assert exported.replace("\r\n", "\n") == bundled.replace("\r\n", "\n")


def test_export_to_file(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    result = cli("export", "--format", "json", "--output", str(out))
    assert result.exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 87


def test_init_again_never_destroys(cli: CliRun) -> None:
    assert cli("edit", "4-11", "district=湘潭县").exit_code == 0
    again = cli("init")
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    assert {r["code"]: r for r in _export(cli)}["4-11"]["district"] == "湘潭县"
    forced = cli("init", "--force")
    assert forced.exit_code == 0
    assert {r["code"]: r for r in _export(cli)}["4-11"]["district"] is None


def test_user_district_survives_reimport(cli: CliRun, plan_path: Path) -> None:
    assert cli("edit", "4-11", "district=湘潭县").exit_code == 0
    assert cli("import-plan", str(plan_path)).exit_code == 0
    show = json.loads(cli("show", "4-11", "--format", "json").stdout)
    assert show["district"] == "湘潭县" and show["version"] == 2


def test_edit_validates_and_checks_version(cli: CliRun) -> None:
    bad = cli("edit", "2-9", "total=12.3.4", "district=火星区")
    assert bad.exit_code == 1
    assert "total_investment" in bad.stderr and "district" in bad.stderr
    ok = cli("edit", "2-9", "share=10%", "--expect-version", "1")
    assert ok.exit_code == 0 and "version 2" in ok.stdout
    stale = cli("edit", "2-9", "share=11", "--expect-version", "1")
    assert stale.exit_code == 1 and "changed by someone else" in stale.stderr
    assert json.loads(cli("show", "2-9", "--format", "json").stdout)["social_share_pct"] == 10


def test_show_text_and_unknown_code(cli: CliRun) -> None:
    result = cli("show", "3-5")
    assert result.exit_code == 0
    assert "韶山市民政局、清溪镇人民政府、银田镇人民政府" in result.stdout and "2322-2348" in result.stdout
    missing = cli("show", "9-99")
    assert missing.exit_code == 1 and "no project" in missing.stderr


def test_global_options_after_the_command(cli: CliRun, tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    assert cli("init", "--db", str(db)).exit_code == 0
    assert db.exists()


def test_missing_database_is_exit_2(cli: CliRun, tmp_path: Path) -> None:
    result = cli("export", db=str(tmp_path / "missing.db"))
    assert result.exit_code == 2 and "tracker init" in result.stderr


def test_export_keys_start_with_the_issue_contract() -> None:
    assert list(EXPORT_KEYS[: len(ISSUE_KEYS)]) == ISSUE_KEYS


@pytest.mark.slow
def test_python_m_tracker_and_env_db(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    env = {"TRACKER_DB": str(db), "PATH": "/usr/bin:/bin"}
    init = subprocess.run([sys.executable, "-m", "tracker", "init"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    out = subprocess.run([sys.executable, "-m", "tracker", "list", "--format", "json"], capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    assert out.returncode == 0 and len(json.loads(out.stdout)) == 87
