"""Link each lesson's first use of a glossary term to its entry in lessons/GLOSSARY.md.

Usage::

    python tools/link_glossary.py                      # every lesson: add the missing links
    python tools/link_glossary.py --check              # exit 1 and name lessons that miss a link
    python tools/link_glossary.py lessons/04_managing_isolated.ipynb

The glossary's entries are its bold paragraphs (``**Maintenance margin (`maintenance_margin`,
MM).**``); each carries an anchor ``<a id="maintenance-margin"></a>`` (the tool adds missing
ones to GLOSSARY.md). An entry's terms are its name, each side of a " / ", and a plain-word
alias in brackets ("Perpetual (perp)" gives "perpetual" and "perp").

In each lesson, the first use of each term (in cell order, singular or plural, any case) is
turned into ``[use](GLOSSARY.md#anchor)``, unless the lesson already links that entry. Only the
text of markdown cells changes, one line per link at most, and never inside a heading, a link,
inline code, a code block, a formula or an HTML tag, nor in a cell tagged ``solution`` (its
answer is replaced in the student copy). Longer terms win ("maintenance margin rate" before
"maintenance margin" before "margin"). Words too common to mean the term ("long", "short") are
not linked. Running the tool twice changes nothing. Code cells and outputs are never touched,
so the stored outputs stay valid; regenerate the student copies afterwards
(``python tools/student_copies.py``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "lessons" / "GLOSSARY.md"
ENTRY = re.compile(r"^(?:<a id=\"([^\"]+)\"></a>)?\*\*(.+?)\.\*\*", re.M)
#: Glossary terms that are also everyday words in the lessons' prose: never linked.
TOO_COMMON = {"long", "short"}
PROTECTED = re.compile(
    r"```.*?```"                      # code blocks
    r"|`[^`\n]*`"                     # inline code
    r"|\$\$.*?\$\$|\$[^$\n]+\$"       # formulas
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"     # links and images
    r"|<[^>\n]+>"                     # HTML tags
    r"|\"[^\"\n]*\"|“[^”\n]*”"           # quotations (an article's title, a misconception)
    r"|^#{1,6} [^\n]*",               # headings
    re.S | re.M,
)


@dataclass(frozen=True)
class Entry:
    """One glossary entry: its anchor and the terms that name it."""

    anchor: str
    title: str
    terms: tuple[str, ...]


def slug(title: str) -> str:
    """The anchor of an entry: its name in lower case, words joined by '-'.

    >>> slug("Maintenance margin rate"), slug("Unrealised P&L"), slug("ADL")
    ('maintenance-margin-rate', 'unrealised-pl', 'adl')
    """
    return re.sub(r"[^a-z0-9]+", "-", title.lower().replace("&", "")).strip("-")


def _name(bold: str) -> str:
    return re.split(r" \(", bold, maxsplit=1)[0].strip()


def entries(text: str) -> list[Entry]:
    """The entries of a glossary text, in order.

    >>> [(e.anchor, e.terms) for e in entries("**Perpetual (perp).** A contract.\\n\\n**One-way mode / hedge mode.** x")]
    [('perpetual', ('perpetual', 'perp')), ('one-way-mode-hedge-mode', ('one-way mode', 'hedge mode'))]
    """
    found = []
    for match in ENTRY.finditer(text):
        bold = match[2]
        name = _name(bold)
        terms = [part.strip() for part in name.split(" / ")]
        alias = re.search(r"\(([a-z][a-z -]*)\)$", bold)  # a plain-word alias: "(perp)", "(funding rate)"
        if alias and "`" not in alias[1]:
            terms.append(alias[1].strip())
        terms = [t for t in dict.fromkeys(t.lower() for t in terms) if t and t not in TOO_COMMON]
        found.append(Entry(match[1] or slug(name), name, tuple(terms)))
    return found


def anchored_glossary(text: str) -> str:
    """The glossary with an ``<a id="...">`` anchor in front of every entry that lacks one."""
    def add(match: re.Match) -> str:
        if match[1]:
            return match[0]
        (entry,) = entries(match[0] + " x")
        return f'<a id="{entry.anchor}"></a>{match[0]}'

    return ENTRY.sub(add, text)


def _term_pattern(term: str) -> re.Pattern:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<![\w-])(" + r"\s".join(words) + r"(?:s|es)?)(?![\w-])", re.I)


def link_cells(sources: list[str], glossary: list[Entry], target: str = "GLOSSARY.md") -> list[str]:
    """The markdown sources with each entry's first use linked (see the module docstring).

    >>> glossary = entries("**Margin level (`margin_level`).** x\\n\\n**Maintenance margin (`mm`, MM).** y")
    >>> link_cells(["# Margin level\\nThe maintenance margin and the margin level.", "margin level again"], glossary)
    ['# Margin level\\nThe [maintenance margin](GLOSSARY.md#maintenance-margin) and the [margin level](GLOSSARY.md#margin-level).', 'margin level again']
    """
    out = list(sources)
    already = {anchor for text in out for anchor in re.findall(rf"\]\({re.escape(target)}#([\w-]+)\)", text)}
    # Entries with longer terms first, so "maintenance margin rate" takes its words before
    # "maintenance margin" looks; each entry links its earliest use by any of its terms.
    for entry in sorted(glossary, key=lambda e: -max((len(t) for t in e.terms), default=0)):
        if entry.anchor in already or not entry.terms:
            continue
        for index, text in enumerate(out):
            hits = [hit for term in entry.terms if (hit := _first_free(_term_pattern(term), text)) is not None]
            if hits:
                start, end = min(hits, key=lambda span: (span[0], -span[1]))
                out[index] = f"{text[:start]}[{text[start:end]}]({target}#{entry.anchor}){text[end:]}"
                break
    return out


def _first_free(pattern: re.Pattern, text: str) -> tuple[int, int] | None:
    blocked = [m.span() for m in PROTECTED.finditer(text)]
    for match in pattern.finditer(text):
        start, end = match.span(1)
        if "\n" in text[start:end] or any(a < end and start < b for a, b in blocked):
            continue
        return start, end
    return None


def link_notebook(path: Path, glossary: list[Entry]) -> str:
    """The notebook file's text with its glossary links added (the same text when none are missing)."""
    raw = Path(path).read_text(encoding="utf-8")
    notebook = json.loads(raw)
    cells = [c for c in notebook["cells"] if c["cell_type"] == "markdown" and "solution" not in c["metadata"].get("tags", [])]
    before = ["".join(c["source"]) for c in cells]
    after = link_cells(before, glossary)
    if after == before:
        return raw
    for cell, old, new in zip(cells, before, after):
        if new != old:
            cell["source"] = new.splitlines(keepends=True)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", type=Path, help="lesson notebooks (default: lessons/NN_*.ipynb)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a link is missing")
    args = parser.parse_args(argv)
    text = GLOSSARY.read_text(encoding="utf-8")
    anchored = anchored_glossary(text)
    glossary = entries(anchored)
    stale = []
    if anchored != text:
        stale.append(GLOSSARY)
        if not args.check:
            GLOSSARY.write_text(anchored, encoding="utf-8")
    for lesson in args.lessons or sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        new = link_notebook(lesson, glossary)
        if new != lesson.read_text(encoding="utf-8"):
            stale.append(lesson)
            if not args.check:
                lesson.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{'missing glossary links in' if args.check else 'linked'} {path}", file=sys.stderr if args.check else sys.stdout)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
