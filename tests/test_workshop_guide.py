"""The workshop plans fit: minutes add up, start times follow, and every cut is named.

The estimates in the guide's pace table must match tools/lesson_pace.py (within 3 minutes, so a
reworded paragraph does not break the guide); a lesson given less class time than the estimate
must name what to skip, and every section it skips by name must exist in that lesson.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from margin_lab.links import LESSONS

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "instructors" / "workshop_guide.md"
PLANS = {"Plan A": 90, "Plan B": 240}


def _pace_tool():
    if "lesson_pace" not in sys.modules:  # dataclasses look their module up in sys.modules
        spec = importlib.util.spec_from_file_location("lesson_pace", ROOT / "tools" / "lesson_pace.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["lesson_pace"] = module
        spec.loader.exec_module(module)
    return sys.modules["lesson_pace"]


def _section(title: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"the guide has no section '## {title}'"
    return match[0]


def _rows(section: str) -> list[list[str]]:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("|---")]
    return rows[1:]  # without the header


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _headings(lesson_file: str) -> set[str]:
    cells = json.loads((ROOT / "lessons" / lesson_file).read_text(encoding="utf-8"))["cells"]
    return {line[3:].strip() for c in cells if c["cell_type"] == "markdown"
            for line in "".join(c["source"]).splitlines() if line.startswith("## ")}


def _estimates() -> dict[str, int]:
    return {p.lesson: p.minutes for p in _pace_tool().lesson_paces()}


def test_the_pace_table_quotes_the_stated_times_and_the_current_estimates():
    estimates = _estimates()
    rows = _rows(_section("How long the lessons take"))
    assert [row[0] for row in rows] == [item.label for item in LESSONS]
    for (label, stated, estimated), item in zip(rows, LESSONS):
        assert int(stated) == item.minutes, f"{label}: stated time differs from the lesson's"
        assert abs(int(estimated) - estimates[item.file]) <= 3, (
            f"{label}: the guide says {estimated} minutes, tools/lesson_pace.py now {estimates[item.file]}: update the guide")
    written = re.search(r"whole course is about (\d+) minutes", _section("How long the lessons take"))
    assert written and abs(int(written[1]) - sum(estimates.values())) <= 10


@pytest.mark.parametrize("plan", PLANS)
def test_a_plan_s_minutes_add_up_to_its_length_and_its_start_times_follow(plan):
    section = _section(plan)
    rows = _rows(section)
    minutes = [int(row[2]) for row in rows]
    assert sum(minutes) == PLANS[plan], f"{plan}: {minutes} adds up to {sum(minutes)}, not {PLANS[plan]}"
    starts = [_minutes(row[0]) for row in rows]
    assert starts[0] == 0
    assert starts == [sum(minutes[:i]) for i in range(len(rows))], f"{plan}: start times do not follow the minutes"
    assert f"{plan} adds up to {PLANS[plan]} minutes" in section
    closing = _section("Plan B")  # the closing note with both sums ends Plan B
    written = re.search(rf"{plan}: ([\d + ]+) = (\d+) minutes", closing)
    assert written and [int(x) for x in written[1].split("+")] == minutes and int(written[2]) == PLANS[plan]


@pytest.mark.parametrize("plan", PLANS)
def test_a_lesson_given_less_than_its_estimate_names_what_to_skip_and_the_sections_exist(plan):
    estimates = _estimates()
    by_label = {item.label: item for item in LESSONS}
    lessons_seen = []
    for start, what, minutes, skip in _rows(_section(plan)):
        if what not in by_label:
            continue
        item = by_label[what]
        lessons_seen.append(item.number)
        if int(minutes) < estimates[item.file]:
            assert skip, f"{plan}: {what} gets {minutes} of its {estimates[item.file]} minutes and names nothing to skip"
        headings = _headings(item.file)
        for quoted in re.findall(r"“([^”]+)”|\"([^\"]+)\"", skip):
            name = quoted[0] or quoted[1]
            assert name in headings, f"{plan}: {what} skips {name!r}, which is no heading of {item.file}"
    assert lessons_seen == sorted(lessons_seen) and 0 not in lessons_seen
    assert lessons_seen == ([1, 2, 3, 4, 5] if plan == "Plan A" else [1, 2, 3, 4, 5, 6, 7, 8])


def test_the_plans_make_time_to_log_in_and_send_lesson_00_ahead():
    for plan in PLANS:
        first = _rows(_section(plan))[0]
        assert first[1].startswith("Log in") and int(first[2]) >= 8, f"{plan}: 30 people need time to log in"
    before = _section("Before class")
    assert "Send before class" in before and "lesson 00" in before and "30 people" in before


def test_a_lesson_in_neither_plan_has_an_optional_module_that_names_its_time_and_skips_real_sections():
    in_plans = {row[1] for plan in PLANS for row in _rows(_section(plan))}
    outside = [item for item in LESSONS if item.number != 0 and item.label not in in_plans]
    assert outside, "every lesson is in a plan: drop this test or the module section"
    for item in outside:
        module = _section(f"Optional module: {item.label}")
        assert f"{item.minutes} minutes" in module, f"{item.label}: the module does not say how long the lesson takes"
        for quoted in re.findall(r"“([^”]+)”|\"([^\"]+)\"", module):
            name = quoted[0] or quoted[1]
            assert name in _headings(item.file), f"{item.label}: the module names {name!r}, which is no heading"
    pace_rows = [row[0] for row in _rows(_section("How long the lessons take"))]
    assert all(item.label in pace_rows for item in outside)
