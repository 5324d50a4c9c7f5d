"""How long a lesson takes a learner working alone, estimated from what is in it.

Usage::

    python tools/lesson_pace.py            # one line per lesson: counts, estimate, stated time

The lessons state a time in their opening cell ("**Time:** 20 minutes"); a class found them
optimistic. This tool counts what a learner has to do in each lesson and charges a pace for
each part. The pace is an assumption for a careful first reading by someone new to the topic,
not a measurement of a class: calibrate it with the times of your own first group.

* prose: 120 words a minute (careful reading of technical text; fluent reading of easy prose is
  about twice as fast);
* a code cell that is neither an explorer nor a self-check: 0.5 minutes (run it, read its output);
* an explorer (a cell showing an interactive widget): 3 minutes (move a few controls, read the summary);
* a self-check (multiple choice or predict-then-run): 1.5 minutes;
* an exercise (a cell tagged ``solution``; the learner writes the answer): 4 minutes.

instructors/workshop_guide.md quotes these estimates; tests/test_workshop_guide.py keeps them equal.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 120
MINUTES_PER_CODE_CELL = 0.5
MINUTES_PER_EXPLORER = 3.0
MINUTES_PER_SELF_CHECK = 1.5
MINUTES_PER_EXERCISE = 4.0
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SELF_CHECK = re.compile(r"\b(multiple_choice|predict_then_run)\(")
WORD = re.compile(r"[A-Za-z0-9][\w'.,%-]*")
STATED = re.compile(r"\*\*Time:\*\*\s*(\d+)\s*minutes")


@dataclass(frozen=True)
class Pace:
    """What one lesson asks of a learner, and the minutes that takes at the assumed pace."""

    lesson: str
    words: int
    code_cells: int
    explorers: int
    self_checks: int
    exercises: int
    stated: int | None

    @property
    def minutes(self) -> int:
        """The estimate, rounded to whole minutes.

        >>> Pace("x", words=1200, code_cells=4, explorers=1, self_checks=2, exercises=1, stated=10).minutes
        22
        """
        total = (self.words / WORDS_PER_MINUTE + self.code_cells * MINUTES_PER_CODE_CELL
                 + self.explorers * MINUTES_PER_EXPLORER + self.self_checks * MINUTES_PER_SELF_CHECK
                 + self.exercises * MINUTES_PER_EXERCISE)
        return round(total)


def pace(path: Path) -> Pace:
    """Count the parts of one lesson notebook (cells tagged ``solution`` count as exercises only)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    words = code = explorers = checks = exercises = 0
    stated = None
    for cell in cells:
        source = "".join(cell["source"])
        if "solution" in cell["metadata"].get("tags", []):
            exercises += 1
        elif cell["cell_type"] == "markdown":
            words += len(WORD.findall(source))
            if stated is None and (match := STATED.search(source)):
                stated = int(match[1])
        elif cell["cell_type"] == "code":
            if SELF_CHECK.search(source):
                checks += 1
            elif any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", [])):
                explorers += 1
            else:
                code += 1
    return Pace(Path(path).name, words, code, explorers, checks, exercises, stated)


def lesson_paces(folder: Path = ROOT / "lessons") -> list[Pace]:
    """Every lesson (``NN_*.ipynb``) in order."""
    return [pace(p) for p in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))]


def main() -> int:
    paces = lesson_paces()
    for item in paces:
        print(f"{item.lesson:34} {item.words:5d} words, {item.code_cells:2d} code cells, {item.explorers} explorers, "
              f"{item.self_checks} self-checks, {item.exercises} exercises: about {item.minutes:3d} minutes "
              f"(stated {item.stated})")
    print(f"whole course: about {sum(p.minutes for p in paces)} minutes "
          f"(stated {sum(p.stated or 0 for p in paces)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
