"""Launch links for the course, all generated from one table of lessons and one repository address.

Every link opens the **student copies** in ``lessons/student/`` by default: the same lessons
with every answer cell empty and every self-check unanswered, so nothing a learner clicks shows
an answer before they try. Instructors ask for the lessons with their worked answers
(``lessons/``) with ``solutions=True`` (``--solutions`` on the command line).

Three ways to open a lesson without installing anything:

* **Binder** (mybinder.org) builds the repository from ``binder/`` and opens JupyterLab: the
  whole course at ``lessons/student/00_start_here.ipynb`` (``urlpath=lab/tree/...``) or one lesson in
  JupyterLab's single-document mode (``urlpath=doc/tree/...``).
* **nbgitpuller** on a class JupyterHub: ``<hub>/hub/user-redirect/git-pull?repo=...&branch=...
  &urlpath=lab/tree/<clone dir>/lessons/...`` clones (first click) or merges (later clicks) the
  repository into the learner's home folder, keeping the learner's edits. A hub that sets
  ``NBGITPULLER_PARENTPATH`` clones into that folder instead: pass it as ``parent_path``
  (``--parent-path``; the command line reads the variable when it runs on the hub).
* **Colab** opens one notebook straight from GitHub:
  ``https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/lessons/<file>``.

The repository's public address is written once, in ``pyproject.toml`` under
``[project.urls] Repository``. It is read at run time: from that file when running from a
checkout (a fork edits one line, and every link follows), otherwise from the installed
distribution's metadata (its ``Project-URL: Repository, ...`` line).

Command line (also installed as the console script ``margin-lab-links``); it needs only the
standard library, so it runs from a bare checkout with any Python >= 3.11::

    python -m margin_lab.links --hub https://hub.example.edu [--repo URL] [--branch main]
                               [--clone-dir NAME] [--parent-path DIR] [--student | --solutions]
                               [--format markdown|text]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from ._checks import require_choice, require_text

__all__ = [
    "LESSONS", "Lesson", "LinkFormat", "Repository", "binder_badge", "binder_url", "colab_badge",
    "colab_setup_cell", "colab_url", "find_lesson", "links_report", "main", "nbgitpuller_url",
    "readme_block", "repository", "repository_url",
]

DISTRIBUTION = "margin-lab"
LESSON_DIR = "lessons"
STUDENT_DIR = f"{LESSON_DIR}/student"
PARENT_PATH_ENV = "NBGITPULLER_PARENTPATH"
BINDER = "https://mybinder.org"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
COLAB = "https://colab.research.google.com"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course: its number, notebook file, title, time and objectives."""

    number: int
    file: str
    title: str
    minutes: int
    objectives: str

    @property
    def path(self) -> str:
        """The notebook's path inside the repository, e.g. ``lessons/00_start_here.ipynb``."""
        return f"{LESSON_DIR}/{self.file}"

    @property
    def student_path(self) -> str:
        """The student copy's path (no answers), e.g. ``lessons/student/00_start_here.ipynb``."""
        return f"{STUDENT_DIR}/{self.file}"

    def notebook(self, solutions: bool = False) -> str:
        """The path a link opens: the student copy, or with ``solutions`` the lesson with answers.

        >>> find_lesson(3).notebook(), find_lesson(3).notebook(solutions=True)
        ('lessons/student/03_liquidation_mechanics.ipynb', 'lessons/03_liquidation_mechanics.ipynb')
        """
        if not isinstance(solutions, bool):
            raise TypeError(f"solutions must be True or False, got {solutions!r}")
        return self.path if solutions else self.student_path

    @property
    def label(self) -> str:
        """``"03 · Liquidation mechanics"``: the heading the notebook opens with."""
        return f"{self.number:02d} · {self.title}"


#: The one table of lessons. README.md, lessons/README.md and every launch link come from it;
#: tests/test_links.py checks it against the notebooks' own titles and time estimates.
LESSONS: tuple[Lesson, ...] = (
    Lesson(0, "00_start_here.ipynb", "Start here", 25,
           "Find your way around the course and watch a 10x isolated long liquidate while the rest of the wallet survives."),
    Lesson(1, "01_margin_leverage_equity.ipynb", "Margin, leverage and equity", 35,
           "Compute notional, initial margin, unrealised P&L, equity and margin level, and read two opposite margin-ratio conventions."),
    Lesson(2, "02_isolated_setup.ipynb", "Setting up an isolated position", 30,
           "Give one trade its own collateral, say what is and is not at risk, and compare an exchange article's steps with what venues do."),
    Lesson(3, "03_liquidation_mechanics.ipynb", "Liquidation mechanics", 50,
           "Derive the liquidation and bankruptcy prices, see why venues watch a mark price, and watch fees, funding and tiers move the trigger."),
    Lesson(4, "04_managing_isolated.ipynb", "Managing an isolated position", 40,
           "Keep a position alive by adding margin, reducing size or placing a stop-loss, and watch funding drain it over days."),
    Lesson(5, "05_cross_margin.ipynb", "Cross margin", 40,
           "Compute a cross liquidation price from the whole wallet, see that one cross position is an isolated one backed by the whole free wallet, and watch one losing position drain the others."),
    Lesson(6, "06_choosing_a_mode.ipynb", "Choosing a mode", 50,
           "Compare isolated and cross with the same money at risk, with error bars, for one big bet, unrelated and correlated bets and a hedged pair, then answer the question for your own trades."),
    Lesson(7, "07_venues_differ.ipynb", "Venues differ", 35,
           "Put one position on each venue preset, check an exchange article's claims and explain your own exchange's numbers."),
    Lesson(8, "08_capstone.ipynb", "Capstone", 40,
           "Choose modes and collateral for a small portfolio, stress it with four scenarios and justify the plan."),
    Lesson(9, "09_collateral_in_the_coin.ipynb", "Collateral in the coin", 40,
           "Work the seed article's 0.1 BTC short through, compare coin and USDT collateral, and see why a 1x inverse short is a dollar hedge."),
)


class LinkFormat(str, Enum):
    """How :func:`links_report` and the command line print the links."""

    MARKDOWN = "markdown"
    TEXT = "text"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Repository:
    """A git repository's public address, split into the parts the link formats need."""

    url: str
    host: str
    owner: str
    name: str

    @property
    def on_github(self) -> bool:
        return self.host in ("github.com", "www.github.com")


def find_lesson(key: Lesson | int | str) -> Lesson:
    """The lesson with this number (``3``), file name or stem (``"03_liquidation_mechanics"``).

    >>> find_lesson(3).file
    '03_liquidation_mechanics.ipynb'
    >>> find_lesson("05_cross_margin").title
    'Cross margin'
    """
    if isinstance(key, Lesson):
        return key
    if isinstance(key, bool) or not isinstance(key, (int, str)):
        raise TypeError(f"lesson must be a lesson number, file name or Lesson, got {key!r} of type {type(key).__name__}")
    for item in LESSONS:
        if key in (item.number, item.file, item.file.removesuffix(".ipynb"), item.path):
            return item
    known = ", ".join(f"{item.number} ({item.file})" for item in LESSONS)
    raise ValueError(f"lesson must be one of {known}, got {key!r}")


def repository_url() -> str:
    """The repository's public address from ``[project.urls] Repository``.

    From ``pyproject.toml`` when running from a checkout of margin-lab, else from the installed
    distribution's ``Project-URL`` metadata. Raises ``LookupError`` when neither holds it.

    >>> repository_url()
    'https://github.com/margin-lab/margin-lab'
    """
    found = _url_from_pyproject(Path(__file__).resolve().parents[1] / "pyproject.toml")
    found = found or _url_from_metadata()
    if found is None:
        raise LookupError(
            "cannot find the repository address: run from a checkout whose pyproject.toml has "
            "[project.urls] Repository, install margin-lab (pip install -e .), or pass repo=..."
        )
    return found


def _url_from_pyproject(path: Path) -> str | None:
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        project = tomllib.load(handle).get("project", {})
    if project.get("name") != DISTRIBUTION:
        return None
    return project.get("urls", {}).get("Repository")


def _url_from_metadata(path: list[str] | None = None) -> str | None:
    for dist in importlib.metadata.distributions(name=DISTRIBUTION, path=path or sys.path):
        for entry in dist.metadata.get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip().lower() == "repository" and url.strip():
                return url.strip()
    return None


def repository(url: str | None = None) -> Repository:
    """Parse and check a repository address (default: :func:`repository_url`).

    >>> repository("https://github.com/margin-lab/margin-lab.git/")
    Repository(url='https://github.com/margin-lab/margin-lab', host='github.com', owner='margin-lab', name='margin-lab')
    """
    text = repository_url() if url is None else require_text("repo", url).strip()
    parts = urlsplit(text)
    segments = [s for s in parts.path.split("/") if s]
    if (
        parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
        or "@" in parts.netloc or len(segments) != 2 or segments[1] == ".git" or re.search(r"\s", text)
    ):
        raise ValueError(f"repo must be a repository address like https://github.com/<owner>/<name>, got {text!r}")
    owner, name = segments[0], segments[1].removesuffix(".git")
    clean = f"{parts.scheme}://{parts.netloc}/{owner}/{name}"
    return Repository(url=clean, host=parts.hostname.lower(), owner=owner, name=name)


def _github(repo: str | None) -> Repository:
    found = repository(repo)
    if not found.on_github:
        raise ValueError(f"repo must be on github.com for Binder and Colab links, got {found.url!r}")
    return found


_BAD_BRANCH = re.compile(r"(\.\.|[\s~^:?*\[\\]|@\{|^[-/.]|[/.]$|\.lock$|//)")


def _branch(branch: str) -> str:
    text = require_text("branch", branch)
    if _BAD_BRANCH.search(text):
        raise ValueError(
            f"branch must be a git branch name (no spaces, '..', '~^:?*[\\' or '@{{'; not starting "
            f"with '-', '/' or '.'; not ending with '/', '.' or '.lock'), got {branch!r}"
        )
    return text


def _hub(hub: str) -> str:
    text = require_text("hub", hub).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or "@" in parts.netloc or re.search(r"\s", text):
        raise ValueError(f"hub must be an http(s) address of a JupyterHub such as https://hub.example.edu, got {hub!r}")
    return text.rstrip("/")


def _clone_dir(clone_dir: str) -> str:
    text = require_text("clone_dir", clone_dir)
    if text in (".", "..") or re.search(r"[/\\\s]", text):
        raise ValueError(f"clone_dir must be one folder name (no '/', spaces, '.' or '..'), got {clone_dir!r}")
    return text


def _parent_path(parent_path: str) -> str:
    text = require_text("parent_path", parent_path).strip()
    parts = text.rstrip("/").split("/")
    if text.startswith(("/", "~")) or any(p in ("", ".", "..") or re.search(r"[\\\s]", p) for p in parts):
        raise ValueError(
            f"parent_path must be a folder relative to the learner's home, as in NBGITPULLER_PARENTPATH "
            f"(e.g. 'courses'; no '..', spaces, leading '/' or '~'), got {parent_path!r}"
        )
    return "/".join(parts)


def binder_url(lesson: Lesson | int | str | None = None, *, repo: str | None = None, branch: str = "main",
               solutions: bool = False) -> str:
    """A mybinder.org link: the whole course in JupyterLab, or one lesson on its own.

    Without a lesson, JupyterLab opens at lesson 00 with the file browser; with one, that
    notebook opens in JupyterLab's single-document mode. The student copy unless ``solutions``.

    >>> binder_url(repo="https://github.com/margin-lab/margin-lab")
    'https://mybinder.org/v2/gh/margin-lab/margin-lab/main?urlpath=lab/tree/lessons/student/00_start_here.ipynb'
    >>> binder_url(5, repo="https://github.com/margin-lab/margin-lab", solutions=True)
    'https://mybinder.org/v2/gh/margin-lab/margin-lab/main?urlpath=doc/tree/lessons/05_cross_margin.ipynb'
    """
    found = _github(repo)
    view, item = ("lab", LESSONS[0]) if lesson is None else ("doc", find_lesson(lesson))
    ref = quote(_branch(branch), safe="")
    target = f"{view}/tree/{item.notebook(solutions)}"
    return f"{BINDER}/v2/gh/{found.owner}/{found.name}/{ref}?urlpath={quote(target, safe='/')}"


def nbgitpuller_url(
    hub: str,
    lesson: Lesson | int | str | None = None,
    *,
    repo: str | None = None,
    branch: str = "main",
    clone_dir: str | None = None,
    parent_path: str | None = None,
    solutions: bool = False,
) -> str:
    """An nbgitpuller link for a JupyterHub: pull the repository, then open a lesson in JupyterLab.

    The repository lands in ``clone_dir`` (default: the repository's name) in the learner's home
    folder, or under ``parent_path`` when the hub sets ``NBGITPULLER_PARENTPATH`` (nbgitpuller
    clones into ``<server root>/<NBGITPULLER_PARENTPATH>/<targetpath>``, so the lesson's
    ``urlpath`` must name that folder too); a ``targetpath`` is added only when it differs from
    the default. Every value is URL-encoded. Without a lesson the link opens lesson 00; the
    student copy unless ``solutions``.

    >>> nbgitpuller_url("https://hub.example.edu/", 3, repo="https://github.com/margin-lab/margin-lab")
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fmargin-lab%2Fmargin-lab&branch=main&urlpath=lab%2Ftree%2Fmargin-lab%2Flessons%2Fstudent%2F03_liquidation_mechanics.ipynb'
    """
    base = _hub(hub)
    found = repository(repo)
    folder = found.name if clone_dir is None else _clone_dir(clone_dir)
    item = LESSONS[0] if lesson is None else find_lesson(lesson)
    where = folder if parent_path is None else f"{_parent_path(parent_path)}/{folder}"
    query = {"repo": found.url, "branch": _branch(branch), "urlpath": f"lab/tree/{where}/{item.notebook(solutions)}"}
    if folder != found.name:
        # nbgitpuller's handler reads the lowercase argument (its docs spell it targetPath).
        query["targetpath"] = folder
    return f"{base}/hub/user-redirect/git-pull?{urlencode(query, quote_via=quote, safe='')}"


def colab_url(lesson: Lesson | int | str, *, repo: str | None = None, branch: str = "main",
              solutions: bool = False) -> str:
    """A Google Colab link opening one lesson notebook straight from GitHub (the student copy
    unless ``solutions``).

    >>> colab_url(0, repo="https://github.com/margin-lab/margin-lab")
    'https://colab.research.google.com/github/margin-lab/margin-lab/blob/main/lessons/student/00_start_here.ipynb'
    """
    found = _github(repo)
    item = find_lesson(lesson)
    return f"{COLAB}/github/{found.owner}/{found.name}/blob/{quote(_branch(branch), safe='/')}/{item.notebook(solutions)}"


def colab_setup_cell(*, repo: str | None = None, branch: str = "main") -> str:
    """The line to run first in Colab: install margin-lab from the repository, then enable widgets.

    >>> print(colab_setup_cell(repo="https://github.com/margin-lab/margin-lab"))
    %pip install --quiet "margin-lab @ git+https://github.com/margin-lab/margin-lab@main"
    from google.colab import output; output.enable_custom_widget_manager()
    """
    found = repository(repo)
    return (
        f'%pip install --quiet "{DISTRIBUTION} @ git+{found.url}@{_branch(branch)}"\n'
        "from google.colab import output; output.enable_custom_widget_manager()"
    )


def binder_badge(lesson: Lesson | int | str | None = None, *, repo: str | None = None, branch: str = "main",
                 solutions: bool = False) -> str:
    """Markdown for the "launch binder" badge pointing at :func:`binder_url`.

    >>> binder_badge(repo="https://github.com/margin-lab/margin-lab")
    '[![Launch the course on Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/margin-lab/margin-lab/main?urlpath=lab/tree/lessons/student/00_start_here.ipynb)'
    """
    what = "the course" if lesson is None else find_lesson(lesson).label
    return f"[![Launch {what} on Binder]({BINDER_BADGE})]({binder_url(lesson, repo=repo, branch=branch, solutions=solutions)})"


def colab_badge(lesson: Lesson | int | str, *, repo: str | None = None, branch: str = "main",
                solutions: bool = False) -> str:
    """Markdown for the "Open in Colab" badge pointing at :func:`colab_url`."""
    item = find_lesson(lesson)
    return f"[![Open {item.label} in Colab]({COLAB_BADGE})]({colab_url(item, repo=repo, branch=branch, solutions=solutions)})"


def readme_block(*, repo: str | None = None, branch: str = "main", lesson_prefix: str = "lessons/") -> str:
    """The generated block between ``<!-- links:start -->`` and ``<!-- links:end -->``.

    Badges, then one table row per lesson (time, objectives, Binder and Colab links), every
    link opening the student copy; ``lesson_prefix`` is the relative path from the README to the
    lessons folder (``"lessons/"`` in the repository root, ``""`` inside lessons/).
    """
    total = sum(item.minutes for item in LESSONS)
    lines = [
        f"{binder_badge(repo=repo, branch=branch)} {colab_badge(0, repo=repo, branch=branch)}",
        "",
        "| lesson | time | you will | open |",
        "|---|---|---|---|",
    ]
    for item in LESSONS:
        launch = (f"[Binder]({binder_url(item, repo=repo, branch=branch)}) · "
                  f"[Colab]({colab_url(item, repo=repo, branch=branch)})")
        local = f"{lesson_prefix}{item.student_path.removeprefix(LESSON_DIR + '/')}"
        lines.append(f"| [{item.label}]({local}) | {item.minutes} min | {item.objectives} | {launch} |")
    lines += [
        "",
        f"The whole course takes about {total} minutes ({total / 60:.1f} hours). Every link opens the "
        "exercise copies in `lessons/student/`: answer cells are empty and nothing shows an answer before "
        "you try. Teaching on a JupyterHub? `python -m margin_lab.links --hub https://your-hub.example.edu` "
        "prints an nbgitpuller link for every lesson; instructors add `--solutions` for the lessons with "
        "their worked answers (see instructors/README.md).",
    ]
    return "\n".join(lines)


def links_report(
    hub: str,
    *,
    repo: str | None = None,
    branch: str = "main",
    clone_dir: str | None = None,
    format: LinkFormat | str = LinkFormat.MARKDOWN,
    parent_path: str | None = None,
    solutions: bool = False,
) -> str:
    """Every launch link for a class: Binder, nbgitpuller on ``hub`` and Colab, per lesson.

    The links open the student copies (no answers); ``solutions=True`` makes the instructors'
    set, which opens the lessons with their worked answers.

    >>> print(links_report("https://hub.example.edu", repo="https://github.com/margin-lab/margin-lab",
    ...                    format="text").splitlines()[0])
    margin-lab links: https://github.com/margin-lab/margin-lab (branch main), hub https://hub.example.edu
    """
    style = require_choice("format", format, LinkFormat)
    found, ref, base = repository(repo), _branch(branch), _hub(hub)
    pull = {"repo": found.url, "branch": ref, "clone_dir": clone_dir, "parent_path": parent_path, "solutions": solutions}
    rows = [("Whole course, opening at 00", sum(item.minutes for item in LESSONS),
             binder_url(repo=found.url, branch=ref, solutions=solutions), nbgitpuller_url(base, **pull), None)]
    for item in LESSONS:
        rows.append((item.label, item.minutes, binder_url(item, repo=found.url, branch=ref, solutions=solutions),
                     nbgitpuller_url(base, item, **pull),
                     colab_url(item, repo=found.url, branch=ref, solutions=solutions)))
    setup = colab_setup_cell(repo=found.url, branch=ref)
    title = f"margin-lab links: {found.url} (branch {ref}), hub {base}"
    which = (f"For instructors: these open the lessons WITH their worked answers ({LESSON_DIR}/). "
             "Do not hand them to learners." if solutions else
             f"For learners: these open the exercise copies ({STUDENT_DIR}/), with no answers shown.")
    if style is LinkFormat.TEXT:
        out = [title, which, ""]
        for label, minutes, binder, hub_link, colab in rows:
            out += [f"{label} ({minutes} minutes)", f"  Binder:     {binder}", f"  JupyterHub: {hub_link}"]
            out += [f"  Colab:      {colab}"] if colab else []
            out.append("")
        out += ["Colab: run this first in a lesson opened in Colab:", *(f"  {line}" for line in setup.splitlines())]
        return "\n".join(out)
    out = [f"## {title}", "", which, "", "| lesson | time | Binder | JupyterHub (nbgitpuller) | Colab |", "|---|---|---|---|---|"]
    for label, minutes, binder, hub_link, colab in rows:
        out.append(f"| {label} | {minutes} min | [launch]({binder}) | [launch]({hub_link}) | "
                   f"{f'[open]({colab})' if colab else '–'} |")
    out += ["", "In Colab, run this first:", "", "```python", setup, "```"]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m margin_lab.links`` / ``margin-lab-links``: print the links for a class."""
    parser = argparse.ArgumentParser(
        prog="margin-lab-links",
        description="Print Binder, nbgitpuller (JupyterHub) and Colab links for every margin-lab lesson.",
    )
    parser.add_argument("--hub", required=True, help="your JupyterHub's address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", default=None, help="repository address (default: pyproject's [project.urls] Repository)")
    parser.add_argument("--branch", default="main", help="branch to launch (default: main)")
    parser.add_argument("--clone-dir", default=None, help="folder nbgitpuller clones into (default: the repository's name)")
    parser.add_argument("--parent-path", default=os.environ.get(PARENT_PATH_ENV) or None,
                        help=f"the hub's {PARENT_PATH_ENV}, the folder nbgitpuller clones into "
                             f"(default: the {PARENT_PATH_ENV} variable where this runs, else the home folder)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--student", dest="solutions", action="store_false",
                       help=f"links open the exercise copies in {STUDENT_DIR}/ (the default: for learners)")
    which.add_argument("--solutions", dest="solutions", action="store_true",
                       help=f"links open the lessons with their worked answers in {LESSON_DIR}/ (for instructors)")
    parser.set_defaults(solutions=False)
    parser.add_argument("--format", default="markdown", choices=[f.value for f in LinkFormat], help="output format")
    args = parser.parse_args(argv)
    try:
        report = links_report(args.hub, repo=args.repo, branch=args.branch, clone_dir=args.clone_dir, format=args.format,
                              parent_path=args.parent_path, solutions=args.solutions)
    except (TypeError, ValueError, LookupError) as error:
        parser.exit(2, f"margin-lab-links: error: {error}\n")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
