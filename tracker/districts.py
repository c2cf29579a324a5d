"""Place a project in a district from its owner and name, with the gazetteer in ``data/districts.toml``.

The rules live in the gazetteer's header. What cannot be placed is returned as unplaced with the
reason, never guessed: ``tracker check`` lists it and the user sets it (``tracker edit CODE
district=…``), and a value set by hand survives re-imports.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tracker.paths import gazetteer


@dataclass(frozen=True)
class District:
    name: str
    aliases: tuple[str, ...]
    townships: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Gazetteer:
    city: str
    city_level: str
    city_prefixes: tuple[str, ...]
    city_name_prefixes: tuple[str, ...]
    districts: tuple[District, ...]

    @property
    def all_names(self) -> tuple[str, ...]:
        """Every district a user may choose, the city level first."""
        return (self.city_level, *(d.name for d in self.districts))


@dataclass(frozen=True)
class Placement:
    district: str | None
    reason: str


@cache
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    raw = tomllib.loads((path or gazetteer()).read_text(encoding="utf-8"))
    return Gazetteer(
        city=raw["city"],
        city_level=raw["city_level"],
        city_prefixes=tuple(raw["city_prefixes"]),
        city_name_prefixes=tuple(raw["city_name_prefixes"]),
        districts=tuple(
            District(d["name"], tuple(d.get("aliases", ())), tuple(d.get("townships", ()))) for d in raw["district"]
        ),
    )


def _matches(text: str, districts: Iterable[District], words: str) -> set[str]:
    return {d.name for d in districts if any(w in text for w in getattr(d, words))}


def place(owner: str, name: str, gaz: Gazetteer | None = None) -> Placement:
    """The district of a project, by the first rule that gives exactly one answer."""
    gaz = gaz or load_gazetteer()
    levels = (
        ("owner", owner, "names"),
        ("name", name, "names"),
        ("owner", owner, "townships"),
        ("name", name, "townships"),
    )
    for where, text, words in levels:
        found = _matches(text, gaz.districts, words)
        if len(found) == 1:
            district = found.pop()
            kind = "district name" if words == "names" else "township"
            return Placement(district, f"{kind} in the {where}")
        if len(found) > 1:
            return Placement(None, f"the {where} names several districts: {', '.join(sorted(found))}")
    if owner.startswith(gaz.city_prefixes) or name.startswith(gaz.city_name_prefixes):
        return Placement(gaz.city_level, "a city-level body")
    return Placement(None, "neither owner nor name names a district, township or city-level body")


def validate(district: str, gaz: Gazetteer | None = None) -> str:
    """A district a user typed, checked against the gazetteer."""
    gaz = gaz or load_gazetteer()
    value = district.strip()
    if value in gaz.all_names:
        return value
    for d in gaz.districts:
        if value in d.aliases:
            return d.name
    from tracker.bounds import BoundsError  # a ValueError that can also say itself in Chinese

    raise BoundsError.of("error.district.unknown", district=repr(district), names=", ".join(gaz.all_names))
