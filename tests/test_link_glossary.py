"""Glossary links: each lesson's first use of a glossary term links to the term's entry.

The linker is tested on small texts whose expected links are written out here; on the real
course, the lessons listed in LINKED must be current (``python tools/link_glossary.py --check``
would add nothing), every glossary entry carries its anchor, and every glossary link in a
lesson or a student copy reaches an anchor that exists.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import link_glossary  # noqa: E402

#: Every lesson of the course, 00 to 09 (issue 17: "the first use of each glossary term in the
#: course, in lesson order, defines it or links to its glossary entry"). Each lesson links its own
#: first use, so a learner who opens any lesson from a link finds the definition too.
LINKED = sorted(p.name for p in (Path(__file__).resolve().parents[1] / "lessons").glob("[0-9][0-9]_*.ipynb"))
GLOSSARY = """**Margin level (`margin_level`).** a

**Maintenance margin (`maintenance_margin`, MM).** b

**Maintenance margin rate (`maintenance_rate`, r).** c

**Perpetual (perp).** d

**Long / short (`side`).** e
"""


def _entries():
    return link_glossary.entries(link_glossary.anchored_glossary(GLOSSARY))


def test_the_first_use_in_a_lesson_is_linked_and_later_uses_are_not():
    cells = ["Intro: no term here.", "The margin level falls.\nThe margin level falls again.", "margin levels"]
    out = link_glossary.link_cells(cells, _entries())
    assert out[0] == cells[0]
    assert out[1] == "The [margin level](GLOSSARY.md#margin-level) falls.\nThe margin level falls again."
    assert out[2] == "margin levels"


def test_a_longer_term_wins_and_plurals_and_case_are_kept():
    out = link_glossary.link_cells(["Maintenance margin rates differ; the maintenance margin is 100."], _entries())
    assert out == ["[Maintenance margin rates](GLOSSARY.md#maintenance-margin-rate) differ; "
                   "the [maintenance margin](GLOSSARY.md#maintenance-margin) is 100."]


def test_headings_code_formulas_links_quotes_and_common_words_are_left_alone():
    cells = ["## The margin level\n`margin level` $margin level$ [margin level](x.md) \"margin level\" a long short",
             "A perp."]
    out = link_glossary.link_cells(cells, _entries())
    assert out == [cells[0], "A [perp](GLOSSARY.md#perpetual)."]


def test_an_entry_the_lesson_already_links_is_not_linked_again_and_a_second_run_changes_nothing():
    cells = ["See [here](GLOSSARY.md#margin-level). The margin level and the maintenance margin."]
    once = link_glossary.link_cells(cells, _entries())
    assert once == ["See [here](GLOSSARY.md#margin-level). The margin level and the "
                    "[maintenance margin](GLOSSARY.md#maintenance-margin)."]
    assert link_glossary.link_cells(once, _entries()) == once


def test_a_term_split_over_two_lines_is_not_linked_so_each_link_changes_one_line():
    assert link_glossary.link_cells(["the margin\nlevel"], _entries()) == ["the margin\nlevel"]


def test_every_entry_gets_an_anchor_once():
    anchored = link_glossary.anchored_glossary(GLOSSARY)
    assert re.findall(r'<a id="([^"]+)"></a>', anchored) == [
        "margin-level", "maintenance-margin", "maintenance-margin-rate", "perpetual", "long-short"]
    assert link_glossary.anchored_glossary(anchored) == anchored


def test_the_course_glossary_has_every_anchor():
    text = (ROOT / "lessons" / "GLOSSARY.md").read_text(encoding="utf-8")
    assert link_glossary.anchored_glossary(text) == text, "run python tools/link_glossary.py"


@pytest.mark.parametrize("name", LINKED)
def test_a_linked_lesson_is_current(name):
    path = ROOT / "lessons" / name
    glossary = link_glossary.entries((ROOT / "lessons" / "GLOSSARY.md").read_text(encoding="utf-8"))
    assert link_glossary.link_notebook(path, glossary) == path.read_text(encoding="utf-8"), (
        f"{name} misses glossary links: run python tools/link_glossary.py {path.relative_to(ROOT)}")


@pytest.mark.parametrize("path", sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
                         + sorted((ROOT / "lessons" / "student").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.parent.name + "/" + p.stem)
def test_every_glossary_link_reaches_an_anchor(path):
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', (ROOT / "lessons" / "GLOSSARY.md").read_text(encoding="utf-8")))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for target, anchor in re.findall(r"\]\(((?:\.\./)?GLOSSARY\.md)#([\w-]+)\)", text):
        assert (path.parent / target).is_file(), f"{path.name}: {target} does not exist from {path.parent.name}/"
        assert anchor in anchors, f"{path.name}: no glossary entry {anchor!r}"


def _unlinked_before_the_link(cells: list[str], glossary) -> list[tuple[str, str]]:
    """(anchor, text) of each entry a lesson links while an earlier use of its terms is not linked."""
    text = "\n\n".join(cells)
    late = []
    for entry in glossary:
        link = re.search(rf"\]\(GLOSSARY\.md#{re.escape(entry.anchor)}\)", text)
        if link is None:
            continue
        start = text.rfind("[", 0, link.start())
        for term in entry.terms:
            hit = link_glossary._first_free(link_glossary._term_pattern(term), text)
            if hit is not None and hit[0] < start:
                late.append((entry.anchor, text[hit[0]:hit[1]]))
    return late


def test_a_link_placed_after_an_unlinked_use_is_caught():
    cells = ["The margin level falls.", "Later: the [margin level](GLOSSARY.md#margin-level)."]
    assert _unlinked_before_the_link(cells, _entries()) == [("margin-level", "margin level")]
    assert _unlinked_before_the_link(list(reversed(cells)), _entries()) == []


def test_the_course_is_every_lesson_from_00_to_09():
    assert [name[:2] for name in LINKED] == [f"{n:02d}" for n in range(10)]


@pytest.mark.parametrize("name", LINKED)
def test_the_first_use_of_each_linked_term_is_the_linked_one(name):
    """The linker skips an entry a lesson already links; this makes sure that link comes first."""
    glossary = link_glossary.entries((ROOT / "lessons" / "GLOSSARY.md").read_text(encoding="utf-8"))
    cells = json.loads((ROOT / "lessons" / name).read_text(encoding="utf-8"))["cells"]
    prose = ["".join(c["source"]) for c in cells
             if c["cell_type"] == "markdown" and "solution" not in c["metadata"].get("tags", [])]
    assert _unlinked_before_the_link(prose, glossary) == [], f"{name}: a term is used before its glossary link"
