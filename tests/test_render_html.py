"""tools/render_html.py: static lesson pages keep the figures and the widgets' saved state.

One small notebook is executed for real (nbclient, the same way tools/execute_lessons.py stores
widget state): a slider and an Output widget whose figure is set from the kernel, as the widget
kit does, plus one static figure. Rendering it must keep both PNGs, the widget state and the
script that draws the widgets, and must not touch the network.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import socket
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

ROOT = Path(__file__).resolve().parents[1]

KERNEL_CODE = '''
import base64, io
import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

def png(colour):
    fig = Figure(figsize=(2, 1), dpi=50)
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([0, 1], [1, 0], color=colour)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

output = widgets.Output()
output.outputs = ({"output_type": "display_data", "metadata": {},
                   "data": {"image/png": base64.b64encode(png("#0072B2")).decode(), "text/plain": "<Figure>"}},)
display(Image(png("#D55E00")))
widgets.VBox([widgets.IntSlider(value=10, min=1, max=50, description="leverage"), output])
'''


def _tool():
    spec = importlib.util.spec_from_file_location("render_html", ROOT / "tools" / "render_html.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    from nbclient import NotebookClient

    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# 99 · A tiny lesson\n\n**Time:** 1 minutes"),
                                v4.new_code_cell(KERNEL_CODE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    path = tmp_path_factory.mktemp("lessons") / "99_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def _pngs(executed: Path) -> tuple[str, str]:
    nb = nbformat.read(executed, as_version=4)
    static = next(o["data"]["image/png"] for o in nb.cells[1].outputs if "image/png" in o.get("data", {}))
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    inside = next(m["state"]["outputs"][0]["data"]["image/png"] for m in state.values() if m["model_name"] == "OutputModel")
    return static.strip(), inside.strip()


def test_the_page_holds_the_widget_state_the_manager_script_and_both_figures(executed, tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("render_html opened a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    page = _tool().render_notebook(executed, tmp_path)
    text = page.read_text(encoding="utf-8")
    static, inside = _pngs(executed)
    assert base64.b64decode(static).startswith(b"\x89PNG") and base64.b64decode(inside).startswith(b"\x89PNG")
    assert f"data:image/png;base64,{static}" in text  # the static figure, inline
    state_json = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">\s*(.*?)\s*</script>', text, re.S)
    assert state_json, "widget state script missing"
    state = json.loads(state_json[1])["state"]
    assert {m["model_name"] for m in state.values()} >= {"VBoxModel", "IntSliderModel", "OutputModel"}
    figures = [m["state"]["outputs"][0]["data"]["image/png"].strip() for m in state.values() if m["model_name"] == "OutputModel"]
    assert figures == [inside]  # the widget's figure travels inside the saved state
    view = re.search(r'<script type="application/vnd.jupyter.widget-view\+json">\s*(.*?)\s*</script>', text, re.S)
    assert view and json.loads(view[1])["model_id"] in state
    assert "@jupyter-widgets/html-manager" in text and "embed-amd.js" in text


def test_a_local_widget_manager_replaces_the_cdn_one(executed, tmp_path):
    text = _tool().render_notebook(executed, tmp_path, widget_renderer_url="./vendor/embed-amd.js").read_text()
    assert "'./vendor/embed-amd.js'" in text and "unpkg.com" not in text


def test_a_notebook_showing_widgets_without_saved_state_is_refused(executed, tmp_path):
    nb = nbformat.read(executed, as_version=4)
    del nb.metadata["widgets"]
    stripped = tmp_path / "99_stripped.ipynb"
    nbformat.write(nb, stripped)
    with pytest.raises(ValueError, match="99_stripped.ipynb: shows widgets but holds no saved widget state"):
        _tool().render_notebook(stripped, tmp_path / "site")


def test_the_command_writes_one_page_per_notebook_and_an_index_linking_them(executed, tmp_path, capsys):
    out = tmp_path / "site"
    assert _tool().main([str(executed), "--out", str(out)]) == 0
    assert (out / "99_tiny.html").is_file()
    index = (out / "index.html").read_text()
    assert '<a href="99_tiny.html">99 · A tiny lesson</a>' in index
    assert "99_tiny.ipynb -> " in capsys.readouterr().out


def test_lesson_pages_are_found_in_lesson_order_without_the_student_copies(tmp_path):
    for name in ("01_b.ipynb", "00_a.ipynb", "README.md", "student/00_a.ipynb", "notes.ipynb"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    assert [p.name for p in _tool().lesson_notebooks(tmp_path)] == ["00_a.ipynb", "01_b.ipynb"]
