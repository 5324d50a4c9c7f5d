"""Render every lesson to a static HTML page with its widgets' saved state (``make html``).

Usage::

    python tools/render_html.py                      # lessons/NN_*.ipynb -> site/
    python tools/render_html.py --out /tmp/site lessons/03_liquidation_mechanics.ipynb
    python tools/render_html.py --widget-renderer-url ./embed-amd.js   # a local widget manager

Each page is nbconvert's ``lab`` HTML with the stored outputs (PNG figures inline as data
URIs, the plain-text summaries) and the notebook's saved widget state
(``application/vnd.jupyter.widget-state+json``), plus ``index.html`` linking the pages with each
lesson's title and time from ``margin_lab.links.LESSONS``. Nothing is executed: render after
``make outputs``. A notebook that shows widgets but has no saved widget state is refused, since
its controls could not appear.

Network: rendering reads only local files. The pages, once opened in a browser, load scripts
from public CDNs: the Jupyter widgets HTML manager (``@jupyter-widgets/html-manager``'s
``embed-amd.js`` from unpkg.com, which draws the controls and the figures inside them from the
saved state), RequireJS and MathJax (cdnjs). Offline, a page still shows its text and static
figures but not the widgets; pass ``--widget-renderer-url`` (and host RequireJS yourself) to
serve a local copy instead.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from margin_lab.links import LESSONS  # noqa: E402

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HTML_MANAGER = "@jupyter-widgets/html-manager"


def lesson_notebooks(folder: Path = ROOT / "lessons") -> list[Path]:
    """The lesson notebooks ``NN_*.ipynb`` in ``folder``, in lesson order (student copies excluded)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def _shows_widgets(nb) -> bool:
    return any(
        WIDGET_VIEW in output.get("data", {})
        for cell in nb.cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def _title(nb, path: Path) -> str:
    for item in LESSONS:
        if item.file == path.name:
            return item.label
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def render_notebook(path: Path, out_dir: Path, *, widget_renderer_url: str = "") -> Path:
    """Write ``out_dir/<stem>.html`` for one executed notebook and return its path."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    has_state = WIDGET_STATE in nb.metadata.get("widgets", {})
    if _shows_widgets(nb) and not has_state:
        raise ValueError(
            f"{path.name}: shows widgets but holds no saved widget state (metadata.widgets); "
            "re-execute it with tools/execute_lessons.py so its controls can be rendered"
        )
    exporter = HTMLExporter(template_name="lab")
    if widget_renderer_url:
        exporter.widget_renderer_url = widget_renderer_url
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(nb, path)}})
    if has_state:
        manager = widget_renderer_url or HTML_MANAGER
        if WIDGET_STATE not in body or manager not in body:
            raise RuntimeError(f"{path.name}: nbconvert left out the widget state or the widget manager script")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def render_index(pages: list[tuple[Path, Path]], out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` linking each (notebook, page) pair in order."""
    import nbformat

    minutes = {item.file: item.minutes for item in LESSONS}
    rows = []
    for notebook, page in pages:
        title = _title(nbformat.read(notebook, as_version=4), notebook)
        time = f" <small>({minutes[notebook.name]} minutes)</small>" if notebook.name in minutes else ""
        rows.append(f'    <li><a href="{html.escape(page.name)}">{html.escape(title)}</a>{time}</li>')
    text = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><title>margin-lab lessons</title></head>',
        "<body>",
        "  <h1>margin-lab: the lessons</h1>",
        "  <p>Static pages with each lesson's stored outputs and the widgets' initial state. "
        "To move the controls, open the lessons in JupyterLab (Binder, a JupyterHub or <code>make lab</code>).</p>",
        "  <ul>",
        *rows,
        "  </ul>",
        "</body>",
        "</html>",
        "",
    ])
    target = out_dir / "index.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render lessons to static HTML with their widget state.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: lessons/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    parser.add_argument("--widget-renderer-url", default="", help="URL of the widgets HTML manager (default: unpkg CDN)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or lesson_notebooks()
    if not notebooks:
        parser.exit(2, "render_html: error: no lesson notebooks found in lessons/\n")
    pages = []
    for notebook in notebooks:
        try:
            page = render_notebook(notebook, args.out, widget_renderer_url=args.widget_renderer_url)
        except (OSError, ValueError) as error:
            parser.exit(1, f"render_html: error: {error}\n")
        pages.append((notebook, page))
        print(f"{notebook.name} -> {page}")
    print(f"index -> {render_index(pages, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
