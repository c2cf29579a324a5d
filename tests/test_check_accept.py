"""``tracker check --accept``: acknowledged findings, end to end on the bundled plan (six wrong published
totals), on SQLite and PostgreSQL: stable ids, exact figures, audited and undoable acceptances."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import CliRun

REASON = "published annex errors"
ANNEX = {
    "plan-total:9ab436b6af67",
    "plan-planned:9ab436b6af67",
    "category-total:4877bc96391e",
    "category-planned:4877bc96391e",
    "category-total:8292033d570b",
    "category-planned:8292033d570b",
}
"""The six findings on the published annex, by their ids (which never change)."""


def _json(cli: CliRun, *args: str, db: str | None = None) -> tuple[int, Any]:
    result = cli(*args, "--format", "json", db=db)
    return result.exit_code, json.loads(result.stdout)


def _loop(cli: CliRun, db: str | None = None) -> None:
    """The whole story: fails, accepted, passes, a figure changes, fails, undo, passes, undo, fails."""
    code, first = _json(cli, "check", db=db)
    assert code == 1 and first["counts"]["error"] == 6 and first["accepted"] == []
    assert {f["id"] for f in first["findings"] if f["severity"] == "error"} == ANNEX
    assert all(f["acceptance"] is None for f in first["findings"])
    assert _json(cli, "check", db=db)[1] == first  # ids (and everything else) stable across runs

    code, done = _json(cli, "check", "--accept-all", "--reason", REASON, db=db)
    assert code == 0 and done["ok"] is True and done["counts"] == {"error": 0, "warning": 4, "info": 0}
    assert set(done["recorded"]["ids"]) == ANNEX and isinstance(done["recorded"]["operation_id"], int)

    code, after = _json(cli, "check", db=db)
    assert code == 0 and after["ok"] is True
    assert {a["id"] for a in after["accepted"]} == ANNEX
    one = next(a for a in after["accepted"] if a["id"] == "category-total:8292033d570b")
    assert (one["reason"], one["severity"], one["category_ordinal"]) == (REASON, "error", 4)
    assert one["who"] and one["when"]
    assert one["acceptance"]["figures"] == {
        "published": "172857.8",
        "computed": "168647",
        "difference": "-4210.8",
        "unit": "万元",
    }
    text = cli("check", db=db)
    assert text.exit_code == 0 and "ACCEPTED (6)" in text.stdout
    assert text.stdout.splitlines()[-1] == "OK: 0 errors, 4 warnings, 0 info, 6 accepted"

    code, listed = _json(cli, "check", "--list-accepted", db=db)
    assert code == 0 and {a["id"] for a in listed} == ANNEX and all(a["reason"] == REASON for a in listed)

    # a project of category 4 changes its total: that category's total and the plan's total change figures
    assert cli("edit", "4-8", "total=1000", db=db).exit_code == 0
    code, changed = _json(cli, "check", db=db)
    assert code == 1 and changed["ok"] is False
    reopened = {f["id"]: f for f in changed["findings"] if f["acceptance"] is not None}
    assert set(reopened) == {"plan-total:9ab436b6af67", "category-total:8292033d570b"}
    assert reopened["category-total:8292033d570b"]["computed"] == 168547
    assert reopened["category-total:8292033d570b"]["acceptance"]["figures"]["computed"] == "168647"
    assert len(changed["accepted"]) == 4
    assert any(f["rule"] == "planned-over-total" and f["code"] == "4-8" for f in changed["findings"])  # a new one
    text = cli("check", db=db).stdout
    assert "an acceptance exists for other figures (published 172857.8 万元, computed 168647 万元" in text

    assert cli("undo", db=db).exit_code == 0  # the edit
    assert cli("check", db=db).exit_code == 0
    assert cli("undo", db=db).exit_code == 0  # the acceptance
    code, undone = _json(cli, "check", db=db)
    assert code == 1 and undone["accepted"] == [] and undone["counts"]["error"] == 6
    assert _json(cli, "check", "--list-accepted", db=db)[1] == []


def test_accept_all_edit_undo_on_sqlite(cli: CliRun) -> None:
    _loop(cli)


def test_accept_all_edit_undo_on_postgres(cli: CliRun, pg_url: str) -> None:
    _loop(cli, pg_url)


def test_accept_one_by_id_or_unique_start(cli: CliRun) -> None:
    result = cli("check", "--accept", "category-total:8292", "--reason", "typo in the annex")
    assert result.exit_code == 1  # five errors remain
    assert "Accepted 1 finding" in result.stdout
    assert "category-total:8292033d570b (error) line 2398" in result.stdout
    again = cli("check", "--accept", "category-total:8292033d570b", "--reason", "again")
    assert "already accepted" in again.stdout and "Nothing to accept" in again.stdout
    # a warning may be accepted too, by its full id
    code, data = _json(cli, "check", "--accept", "district-unplaced:7b001e03d610", "--reason", "private owner")
    assert code == 1 and data["counts"] == {"error": 5, "warning": 3, "info": 0}
    history = json.loads(cli("history", "--format", "json").stdout)
    kinds = [item["kind"] for item in history]
    assert kinds.count("accept") == 2 and history[0]["code"] == "4-11"  # a project's acceptance names it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--accept-all",), "need --reason"),
        (("--accept", "plan-total:9ab436b6af67", "--reason", "  "), "need --reason"),
        (("--reason", "why"), "goes with --accept"),
        (("--accept", "nope", "--reason", "x"), "no current finding has this id"),
        (("--accept", "category", "--reason", "x"), "more than one finding"),
        (("--accept-all", "--reason", "x", "--list-accepted"), "cannot be combined"),
    ],
)
def test_wrong_calls_exit_2_and_write_nothing(cli: CliRun, args: tuple[str, ...], message: str) -> None:
    result = cli("check", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert json.loads(cli("check", "--list-accepted", "--format", "json").stdout) == []
    assert all(item["kind"] != "accept" for item in json.loads(cli("history", "--format", "json").stdout))


def test_reaccepting_new_figures_updates_the_acceptance_and_undo_restores_it(cli: CliRun) -> None:
    assert cli("check", "--accept-all", "--reason", REASON).exit_code == 0
    assert cli("edit", "4-8", "total=1000").exit_code == 0
    code, _ = _json(cli, "check", "--accept", "category-total:8292033d570b", "--reason", "4-8 revised")
    assert code == 1  # plan-total and the new planned-over-total still fail
    listed = {a["id"]: a for a in _json(cli, "check", "--list-accepted")[1]}
    assert len(listed) == 6  # one acceptance per rule and subject, its figures now the new ones
    assert listed["category-total:8292033d570b"]["figures"]["computed"] == "168547"
    assert listed["category-total:8292033d570b"]["reason"] == "4-8 revised"
    assert cli("undo").exit_code == 0
    listed = {a["id"]: a for a in _json(cli, "check", "--list-accepted")[1]}
    assert listed["category-total:8292033d570b"]["figures"]["computed"] == "168647"
    assert listed["category-total:8292033d570b"]["reason"] == REASON


def test_rule_filter_and_ids_do_not_depend_on_figures(cli: CliRun) -> None:
    before = {f["id"] for f in _json(cli, "check")[1]["findings"]}
    assert cli("edit", "4-8", "total=1000").exit_code == 0
    after = {f["id"] for f in _json(cli, "check")[1]["findings"]}
    assert before <= after  # the same findings keep their ids when their figures change
    code, data = _json(cli, "check", "--rule", "category-total", "--accept-all", "--reason", REASON)
    assert code == 0 and set(data["recorded"]["ids"]) == {"category-total:4877bc96391e", "category-total:8292033d570b"}
    assert {a["id"] for a in _json(cli, "check", "--list-accepted", "--rule", "category-total")[1]} == set(
        data["recorded"]["ids"]
    )
    assert _json(cli, "check", "--list-accepted", "--rule", "plan-total")[1] == []
