"""Append messages to the catalogue (tracker/locale/{zh,en}/LC_MESSAGES/tracker.po); never removes one.

Two uses, both run by hand or by ``make messages`` (a dev tool: it imports Babel; the program does not):

1. Move entries of an old-style ``STRINGS`` table (``key → (Chinese, English)``, the dict that
   tracker/tui/i18n.py held before the catalogue) into both .po files — e.g. a branch that added
   entries to ``STRINGS`` while the catalogue was being built::

       git show other-branch:tracker/tui/i18n.py > /tmp/old_i18n.py
       .venv/bin/python scripts/strings_to_po.py /tmp/old_i18n.py   # any .py file defining STRINGS
       make messages                                                # compile the .mo files

   A key already in a catalogue keeps its text there (pass ``--replace`` to overwrite it).
   Only the ``STRINGS = {...}`` assignment is evaluated (it must be a literal), so the rest of the file
   may import anything.

2. ``--pot tracker/locale/tracker.pot``: add every msgid extracted from the code that a .po lacks,
   with an empty translation, which tests/test_messages.py then reports until someone fills it in.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "tracker" / "locale"
LANGUAGES = ("zh", "en")


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "tracker.po"


def load(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(
            locale=language, domain="tracker", project="tracker", charset="utf-8", fuzzy=False,
            header_comment="# The messages of tracker in one language (docs/languages.md).",
        )
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain="tracker")


def save(language: str, catalog: Catalog) -> None:
    catalog.fuzzy = False  # a fuzzy header would make the compiler skip the whole file
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=False, include_lineno=False)


def strings_from(source: Path) -> dict[str, tuple[str, str]]:
    """The literal ``STRINGS`` dict assigned in ``source`` (a Python file), without running the file."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign):
            target = node.target
        else:
            target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id == "STRINGS" and node.value is not None:
            return dict(ast.literal_eval(node.value))
    raise SystemExit(f"{source}: no STRINGS = {{...}} literal found")


def add_strings(strings: dict[str, tuple[str, str]], *, replace: bool = False) -> list[str]:
    """Add each ``key → (zh, en)`` to both catalogues; the keys added (or replaced)."""
    touched: list[str] = []
    for index, language in enumerate(LANGUAGES):
        catalog = load(language)
        for key, pair in strings.items():
            existing = catalog.get(key)
            if existing is None or not existing.string or replace:
                if existing is not None:
                    existing.string = pair[index]
                else:
                    catalog.add(key, pair[index])
                if key not in touched:
                    touched.append(key)
        save(language, catalog)
    return touched


def add_template(pot: Path) -> list[str]:
    """Add each msgid of the template ``pot`` that a catalogue lacks, untranslated."""
    with pot.open("rb") as handle:
        template = read_po(handle)
    added: list[str] = []
    for language in LANGUAGES:
        catalog = load(language)
        for message in template:
            if message.id and catalog.get(message.id) is None:
                catalog.add(message.id, "")
                added.append(f"{language}: {message.id}")
        save(language, catalog)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, help="a .py file with a STRINGS = {key: (zh, en)} literal")
    parser.add_argument("--pot", type=Path, help="a template extracted by pybabel: add its missing msgids")
    parser.add_argument("--replace", action="store_true", help="overwrite texts of keys already in a catalogue")
    args = parser.parse_args(argv)
    if args.source is None and args.pot is None:
        parser.error("give a source file with STRINGS, or --pot")
    if args.source is not None:
        for key in add_strings(strings_from(args.source), replace=args.replace):
            print(f"added {key}")
    if args.pot is not None:
        for line in add_template(args.pot):
            print(f"untranslated (fill it in): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
