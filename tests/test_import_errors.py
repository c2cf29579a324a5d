"""Bad plan files: each gives an error naming file, line and field, and leaves the database untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.conftest import CliRun
from tracker.db import reading
from tracker.importing.load import import_plan_file
from tracker.importing.plan_text import PlanFormatError
from tracker.models import AuditEntry, Operation, Project


def _state(engine: Engine) -> tuple[int, int, int, int]:
    with reading(engine) as s:
        return (
            s.exec(select(func.count(Project.id))).one(),
            s.exec(select(func.sum(Project.total_investment))).one(),
            s.exec(select(func.count(Operation.id))).one(),
            s.exec(select(func.count(AuditEntry.id))).one(),
        )


def _lines(plan_path: Path) -> list[str]:
    return plan_path.read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _expect_error(engine: Engine, path: Path) -> PlanFormatError:
    before = _state(engine)
    with pytest.raises(PlanFormatError) as info:
        import_plan_file(engine, path)
    assert _state(engine) == before
    assert str(path) in str(info.value)
    return info.value


def test_empty_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    assert "empty" in _expect_error(engine, path).message


def test_not_a_plan(engine: Engine, tmp_path: Path, plan_path: Path) -> None:
    path = _write(tmp_path, "other.txt", _lines(plan_path)[:800])  # the body of the plan, no annex
    err = _expect_error(engine, path)
    assert "not a key-project table" in err.message and "序号" in err.message


def test_truncated_mid_row(engine: Engine, tmp_path: Path, plan_path: Path) -> None:
    path = _write(tmp_path, "cut.txt", _lines(plan_path)[:1290])  # stops in the content of 2-9 (line 1290)
    err = _expect_error(engine, path)
    assert err.line == 1290 and err.field_name == "开工年份" and "truncated" in err.message


def test_truncated_at_a_row_boundary(engine: Engine, tmp_path: Path, plan_path: Path) -> None:
    path = _write(tmp_path, "cut.txt", _lines(plan_path)[:2896])  # ends after 5-3's note (line 2896)
    err = _expect_error(engine, path)
    assert err.line == 2896 and "truncated" in err.message and "5-3" in err.message


def test_not_utf8(engine: Engine, tmp_path: Path, plan_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("\n".join(_lines(plan_path)[:1000]).encode("gb18030"))
    err = _expect_error(engine, path)
    assert "not UTF-8" in err.message and err.line == 1  # the first Chinese character is on line 1


def test_amount_that_does_not_parse(engine: Engine, tmp_path: Path, plan_path: Path) -> None:
    lines = _lines(plan_path)
    assert lines[1295] == "5409.88"  # 2-9 total, line 1296
    lines[1295] = "5409,88元"
    err = _expect_error(engine, _write(tmp_path, "bad.txt", lines))
    assert (err.line, err.field_name) == (1296, "总投资(万元)")
    assert "2-9" in err.message and "5409,88元" in err.message


def test_share_that_does_not_parse(engine: Engine, tmp_path: Path, plan_path: Path) -> None:
    lines = _lines(plan_path)
    assert lines[1299] == "9.24%"  # line 1300
    lines[1299] = "约9%"
    err = _expect_error(engine, _write(tmp_path, "bad.txt", lines))
    assert (err.line, err.field_name) == (1300, "社会投资占比(%)")


def test_category_amount_that_does_not_parse(engine: Engine, tmp_path: Path, plan_path: Path) -> None:
    lines = _lines(plan_path)
    assert lines[1097] == "356417.32"  # line 1098
    lines[1097] = "三十五万"
    err = _expect_error(engine, _write(tmp_path, "bad.txt", lines))
    assert (err.line, err.field_name) == (1098, "总投资(万元)")


def test_cli_reports_the_error_and_exits_1(cli: CliRun, tmp_path: Path, plan_path: Path) -> None:
    lines = _lines(plan_path)
    lines[1295] = "x"
    path = _write(tmp_path, "bad.txt", lines)
    result = cli("import-plan", str(path))
    assert result.exit_code == 1
    assert f"{path}:1296: 总投资(万元):" in result.stderr


def test_cli_missing_file(cli: CliRun, tmp_path: Path) -> None:
    result = cli("import-plan", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1 and "cannot be read" in result.stderr
