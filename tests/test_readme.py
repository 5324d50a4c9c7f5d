"""The README's ten-line example runs and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_example_prints_what_its_comments_promise():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Ten lines: isolated vs cross\s+```python\n(.*?)```", text, re.S).group(1)
    promised = [line.split("#", 1)[1].split(":", 1)[0].strip() for line in block.splitlines()
                if line.startswith("print(") and "#" in line]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    printed = out.getvalue().strip().splitlines()
    assert printed == promised
