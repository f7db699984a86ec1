"""The page names every module its entry module imports, directly or through
another module, as a ``<link rel="modulepreload">``: the browser fetches them
all at once instead of discovering them one import level after another. The
list is derived here from the modules' own import statements, so a module
added, removed or renamed without its preload fails this test."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "functions" / "web" / "static"
ENTRY = "app.js"
# Static import statements only: ``import {a} from "./x.js"`` (over several lines too) and ``import "./x.js"``.
# JSDoc's ``import("./x.js").Type`` is a type, not a request, and does not match.
IMPORT = re.compile(r"""^\s*(?:import|export)\s+(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']""", re.MULTILINE)


def imports_of(source: str) -> list[str]:
    return IMPORT.findall(source)


def imported_modules(entry: str = ENTRY) -> set[str]:
    """The modules reachable from the entry module by its import statements (the entry itself excluded)."""
    found: set[str] = set()
    pending = [entry]
    while pending:
        name = pending.pop()
        for specifier in imports_of((STATIC / name).read_text(encoding="utf-8")):
            assert specifier.startswith("./") and "/" not in specifier[2:], f"{name} imports {specifier}"
            module = specifier[2:]
            assert (STATIC / module).is_file(), f"{name} imports {specifier}, which is not in static/"
            if module not in found and module != entry:
                found.add(module)
                pending.append(module)
    return found


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.preloads: list[str] = []
        self.module_scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "link" and named.get("rel") == "modulepreload":
            self.preloads.append(named.get("href") or "")
        if tag == "script" and named.get("type") == "module":
            self.module_scripts.append(named.get("src") or "")


@pytest.fixture(scope="module")
def head() -> Head:
    parser = Head()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("source, expected", [
    ('import { a, b } from "./a.js";\n', ["./a.js"]),
    ('import {\n  a,\n  b,\n} from "./b.js";\n', ["./b.js"]),
    ("import * as c from './c.js';\n", ["./c.js"]),
    ('import "./d.js";\n', ["./d.js"]),
    ('export { e } from "./e.js";\n', ["./e.js"]),
    ('/** @typedef {import("./f.js").F} F */\nconst g = 1;\n', []),
])
def test_the_import_reader_reads_every_form_of_static_import(source, expected):
    assert imports_of(source) == expected


def test_the_entry_module_is_the_page_s_only_script(head):
    assert head.module_scripts == [f"/static/{ENTRY}"]


def test_the_page_preloads_exactly_the_modules_the_entry_imports(head):
    assert len(head.preloads) == len(set(head.preloads)), "a module is preloaded twice"
    assert all(href.startswith("/static/") for href in head.preloads), head.preloads
    preloaded = {href.removeprefix("/static/") for href in head.preloads}
    imported = imported_modules()
    assert preloaded - imported == set(), "preloaded but not imported"
    assert imported - preloaded == set(), "imported but not preloaded"

