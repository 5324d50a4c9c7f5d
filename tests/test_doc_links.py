"""The repository's markdown pages link to files that exist, and to headings that exist."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["README.md", "lessons/README.md", "lessons/GLOSSARY.md", "docs/troubleshooting.md", "docs/hub_guide.md",
         "instructors/README.md", "instructors/workshop_guide.md", "instructors/learner_profiles.md"]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _slugs(path: Path) -> set[str]:
    """GitHub's anchors for a markdown file's headings, plus explicit <a id="..."> anchors."""
    text = path.read_text(encoding="utf-8")
    headings = [line.lstrip("#").strip() for line in text.splitlines() if re.match(r"#{1,6} ", line)]
    slugs = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
    return slugs | set(re.findall(r'<a id="([^"]+)"', text))


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_reach_files_and_headings(page):
    source = ROOT / page
    broken = []
    for target in LINK.findall(source.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            continue
        path, _, anchor = target.partition("#")
        file = (source.parent / unquote(path)).resolve() if path else source
        if not file.is_file():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in _slugs(file):
            broken.append(target)
    assert not broken, f"{page}: broken links {broken}"
