"""Write the generated badges and lesson table into README files between two markers.

Usage (from anywhere; paths are relative to the repository root)::

    python tools/update_readme_links.py            # rewrite README.md and lessons/README.md
    python tools/update_readme_links.py --check    # exit 1 and name the stale files, write nothing
    python tools/update_readme_links.py lessons/README.md [--repo URL] [--branch main]

Each file must hold exactly one ``<!-- links:start -->`` line followed later by one
``<!-- links:end -->`` line; everything between them is replaced by
:func:`margin_lab.links.readme_block`, with lesson links relative to the file's folder. Text
outside the markers is never touched. The table comes from ``margin_lab.links.LESSONS`` and the
repository address from pyproject.toml, so after editing either, run this tool again.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from margin_lab.links import LESSON_DIR, readme_block  # noqa: E402

START = "<!-- links:start -->"
END = "<!-- links:end -->"
DEFAULT_FILES = ("README.md", f"{LESSON_DIR}/README.md")


def replace_block(text: str, block: str, *, name: str = "text") -> str:
    """``text`` with everything between the two marker lines replaced by ``block``.

    >>> print(replace_block("intro\\n<!-- links:start -->\\nold\\n<!-- links:end -->\\nrest\\n", "new"))
    intro
    <!-- links:start -->
    new
    <!-- links:end -->
    rest
    <BLANKLINE>
    """
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == START]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ValueError(
            f"{name} must hold one line {START!r} followed by one line {END!r}, "
            f"found {len(starts)} start and {len(ends)} end markers"
        )
    head, tail = lines[: starts[0] + 1], lines[ends[0]:]
    return "".join(head) + block.rstrip("\n") + "\n" + "".join(tail)


def lesson_prefix(readme: Path) -> str:
    """The relative path from ``readme``'s folder to the lessons folder, ending in '/' (or '')."""
    relative = os.path.relpath(ROOT / LESSON_DIR, readme.resolve().parent)
    return "" if relative == "." else relative.replace(os.sep, "/") + "/"


def expected_text(readme: Path, *, repo: str | None = None, branch: str = "main") -> str:
    """The README's text as this tool would write it."""
    text = readme.read_text(encoding="utf-8")
    block = readme_block(repo=repo, branch=branch, lesson_prefix=lesson_prefix(readme))
    return replace_block(text, block, name=str(readme))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the launch-links block into README files.")
    parser.add_argument("files", nargs="*", help=f"README files (default: {', '.join(DEFAULT_FILES)})")
    parser.add_argument("--check", action="store_true", help="report stale files and exit 1; write nothing")
    parser.add_argument("--repo", default=None, help="repository address (default: pyproject's Repository)")
    parser.add_argument("--branch", default="main", help="branch the links launch (default: main)")
    args = parser.parse_args(argv)
    stale = []
    for name in args.files or DEFAULT_FILES:
        path = Path(name) if Path(name).is_absolute() else ROOT / name
        try:
            wanted = expected_text(path, repo=args.repo, branch=args.branch)
        except (OSError, ValueError) as error:
            parser.exit(2, f"update_readme_links: error: {error}\n")
        if wanted == path.read_text(encoding="utf-8"):
            continue
        stale.append(name)
        if not args.check:
            path.write_text(wanted, encoding="utf-8")
            print(f"updated {name}")
    if args.check and stale:
        print(f"links out of date in {', '.join(stale)}: run python tools/update_readme_links.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
