"""District placement from the gazetteer, checked project by project against the published owners and names."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tracker.db import reading
from tracker.districts import place, validate
from tracker.portfolio import find


@pytest.mark.parametrize(
    ("code", "district"),
    [
        ("1-1", "市本级"),  # owner 湘潭市未成年人救助保护中心
        ("2-5", "市本级"),  # 城区老年人中央厨房…, owner 湘潭市民政局
        ("2-14", "湘潭县"),  # owner 云湖桥镇人民政府; the name says 湘潭县
        ("2-27", "韶山市"),  # owner 湘潭市景行养老服务有限公司 (a company), name 韶山市银田镇…
        ("2-45", "湘潭经开区"),  # 经开区日间照料中心项目, owner 社区
        ("2-46", "雨湖区"),  # owner 湘潭市雨湖区响水乡中心敬老院
        ("2-47", "湘潭经开区"),  # owner 响水乡人民政府, name 湘潭经开区…
        ("3-5", "韶山市"),  # three owners, the first 韶山市民政局
        ("3-7", "湘潭高新区"),
        ("4-7", "雨湖区"),  # two 雨湖区 township governments
        ("4-18", "湘潭经开区"),  # 九华农村公益性墓地 — 九华 is the 经开区
        ("2-13", "岳塘区"),
        ("2-24", "湘乡市"),
        ("4-11", None),  # 湖南湘水缘… owner and name name no place: flagged, not guessed
    ],
)
def test_placement(engine: Engine, code: str, district: str | None) -> None:
    with reading(engine) as s:
        row = find(s, code)
    assert row is not None
    assert row.project.district == district
    assert row.project.district_source == ("gazetteer" if district else None)


def test_ambiguous_owner_is_not_guessed() -> None:
    placement = place("雨湖区民政局、岳塘区民政局", "联合项目")
    assert placement.district is None and "several districts" in placement.reason


def test_validate_user_input() -> None:
    assert validate("韶山") == "韶山市"
    assert validate("市本级") == "市本级"
    with pytest.raises(ValueError, match="unknown district"):
        validate("火星区")
