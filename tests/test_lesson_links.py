"""Every relative link in a lesson's prose (and in its student copy) opens a file of the course."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")) + sorted((ROOT / "lessons" / "student").glob("*.ipynb"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _relative_links(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    links = [m.group(1) for c in cells if c["cell_type"] == "markdown" for m in LINK.finditer("".join(c["source"]))]
    return [link for link in links if not re.match(r"^[a-z]+:|^#", link)]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "lessons")))
def test_every_relative_link_in_a_lesson_opens_a_file(notebook):
    links = _relative_links(notebook)
    broken = [link for link in links if not (notebook.parent / unquote(link.split("#")[0])).is_file()]
    assert not broken, f"{notebook.name}: links to missing files: {broken}"


def test_the_lessons_cite_the_reference_shipped_with_the_course():
    cited = [p for p in NOTEBOOKS if any(link.endswith("docs/reference.md") for link in _relative_links(p))]
    assert cited, "no lesson links docs/reference.md"
    assert "## 3. What the seed article gets right and wrong" in (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
