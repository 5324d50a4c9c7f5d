"""tools/render_html.py: self-contained static lesson pages, widgets as static snapshots.

One small notebook is executed for real (nbclient, the same way tools/execute_lessons.py stores
widget state): a box of controls (slider, dropdown, toggle buttons, radio buttons, button), an
Output widget whose figure is set from the kernel as the widget kit does, the summary under it,
plus one static figure. Rendering it must show both PNGs and the controls as saved, load
nothing from the network and not touch the network itself. The expected values come from the
kernel code below, never from the rendered page.
"""

from __future__ import annotations

import base64
import importlib.util
import sys
import re
import socket
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat import v4

ROOT = Path(__file__).resolve().parents[1]
NOTE = "Static snapshot: open the notebook in JupyterLab (or Binder) to move the controls."
SUMMARY = "Liquidation at 18,090.45 USDT, 9.55 % below the entry."

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
controls = widgets.HBox([
    widgets.FloatSlider(value=0.005, min=0, max=0.05, step=0.0005, description="Maintenance rate",
                        readout_format=".2%", tooltip="a fraction"),
    widgets.Dropdown(options=["Custom", "Bybit", "BitMEX"], value="Bybit", description="Venue preset"),
    widgets.ToggleButtons(options=["Long", "Short"], value="Short", description="Side"),
])
widgets.VBox([
    widgets.HTML(value="<b>Tiny explorer</b>"),
    widgets.IntSlider(value=10, min=1, max=50, description="leverage"),
    controls,
    widgets.RadioButtons(options=["sooner", "later"], value="later", description="Your prediction"),
    widgets.Button(description="Run it", button_style="primary"),
    output,
    widgets.HTML(value="<p>SUMMARY</p>"),
    widgets.Label(value="margin level < 1.5 & falling"),
])
'''.replace("SUMMARY", SUMMARY)


def _tool():
    spec = importlib.util.spec_from_file_location("render_html", ROOT / "tools" / "render_html.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the tool loads
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


@pytest.fixture(scope="module")
def page(executed, tmp_path_factory) -> str:
    """The rendered page, with every socket refused while rendering."""
    with pytest.MonkeyPatch.context() as patch:
        def no_network(*args, **kwargs):
            raise AssertionError("render_html opened a socket")

        patch.setattr(socket, "socket", no_network)
        target = _tool().render_notebook(executed, tmp_path_factory.mktemp("site"))
    return target.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def snapshot(page):
    soup = BeautifulSoup(page, "html.parser")
    views = soup.select(".mlab-snapshot")
    assert len(views) == 1, "one widget view is shown, so one snapshot"
    return views[0]


def _pngs(executed: Path) -> tuple[str, str]:
    nb = nbformat.read(executed, as_version=4)
    static = next(o["data"]["image/png"] for o in nb.cells[1].outputs if "image/png" in o.get("data", {}))
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    inside = next(m["state"]["outputs"][0]["data"]["image/png"] for m in state.values() if m["model_name"] == "OutputModel")
    return "".join(static.split()), "".join(inside.split())


def test_the_page_loads_no_script_or_stylesheet_from_an_http_url(page):
    soup = BeautifulSoup(page, "html.parser")
    script_urls = [s.get("src") for s in soup.find_all("script") if s.get("src")]
    urls_in_scripts = [s.string for s in soup.find_all("script") if s.string and re.search(r"https?://", s.string)]
    link_urls = [link.get("href") for link in soup.find_all("link") if re.match(r"https?:", link.get("href") or "")]
    assert script_urls == [] and urls_in_scripts == [] and link_urls == []
    assert not re.search(r"unpkg\.com|cdnjs|require\.min\.js|mathjax", page, re.I)
    assert "application/vnd.jupyter.widget-state+json" not in page  # nothing left to read it
    assert soup.find_all("style"), "nbconvert's inline CSS is kept"


def test_the_static_figure_and_the_widget_s_figure_are_both_inline_images(page, executed, snapshot):
    static, inside = _pngs(executed)
    assert base64.b64decode(static).startswith(b"\x89PNG") and base64.b64decode(inside).startswith(b"\x89PNG")
    sources = [img["src"] for img in BeautifulSoup(page, "html.parser").find_all("img")]
    assert f"data:image/png;base64,{static}" in sources
    (figure,) = snapshot.select(".mlab-output img")
    assert figure["src"] == f"data:image/png;base64,{inside}"


def test_a_figure_whose_text_is_only_the_figure_repr_takes_its_alt_text_from_the_summary(snapshot):
    (figure,) = snapshot.select(".mlab-output img")
    assert figure["alt"] == f"Figure: {SUMMARY}"


def test_the_snapshot_carries_the_note_and_the_summary(snapshot):
    assert snapshot.select_one(".mlab-note").get_text() == NOTE
    assert snapshot.get_text().count(NOTE) == 1
    assert SUMMARY in snapshot.get_text()
    assert snapshot.find("b", string="Tiny explorer"), "an HTML widget's markup is kept"


def test_a_slider_is_a_disabled_range_input_with_its_description_and_value(snapshot):
    slider = snapshot.select_one('input[type="range"][max="50"]')
    assert slider.has_attr("disabled")
    assert (slider["min"], slider["max"], slider["value"]) == ("1", "50", "10")
    label = slider.find_parent("label")
    assert label.find("span").get_text() == "leverage" and label.find("output").get_text() == "10"


def test_a_fraction_slider_shows_its_value_in_its_readout_format(snapshot):
    slider = snapshot.select_one('input[type="range"][max="0.05"]')
    label = slider.find_parent("label")
    assert slider["value"] == "0.005" and slider.has_attr("disabled") and label["title"] == "a fraction"
    assert label.find("span").get_text() == "Maintenance rate" and label.find("output").get_text() == "0.50%"


def test_choices_show_the_chosen_option_and_cannot_be_changed(snapshot):
    select = snapshot.select_one("select")
    assert select.has_attr("disabled") and select.find_parent("label").find("span").get_text() == "Venue preset"
    assert [o.get_text() for o in select.find_all("option")] == ["Custom", "Bybit", "BitMEX"]
    assert [o.get_text() for o in select.find_all("option", selected=True)] == ["Bybit"]
    toggles = snapshot.select('[role="group"][aria-label="Side"] button')
    assert [(b.get_text(), b["aria-pressed"], b.has_attr("disabled")) for b in toggles] == [
        ("Long", "false", True), ("Short", "true", True)]
    radios = snapshot.select('fieldset input[type="radio"]')
    assert snapshot.select_one("fieldset legend").get_text() == "Your prediction"
    assert [(r.parent.get_text().strip(), r.has_attr("checked"), r.has_attr("disabled")) for r in radios] == [
        ("sooner", False, True), ("later", True, True)]
    (button,) = snapshot.select("button.mlab-button")
    assert button.get_text() == "Run it" and button.has_attr("disabled")


def test_label_text_is_escaped_not_read_as_markup(page, snapshot):
    assert "margin level &lt; 1.5 &amp; falling" in page
    assert snapshot.select_one(".mlab-label").get_text() == "margin level < 1.5 & falling"


@pytest.mark.parametrize(
    "value, fmt, shown",
    # d3-format semantics (github.com/d3/d3-format): "," groups thousands, "%" multiplies by
    # 100, "d" rounds to an integer, "~" trims insignificant trailing zeros.
    [(20_000.0, ",.0f", "20,000"), (0.005, ".2%", "0.50%"), (0.0005, ".3%", "0.050%"), (25_000, ",d", "25,000"),
     (4.6, "d", "5"), (0.5, ".2~f", "0.5"), (1.2, None, "1.2")],
)
def test_slider_readouts_follow_d3_format(value, fmt, shown):
    assert _tool().readout(value, fmt) == shown


def test_a_notebook_showing_widgets_without_saved_state_is_refused(executed, tmp_path):
    nb = nbformat.read(executed, as_version=4)
    del nb.metadata["widgets"]
    stripped = tmp_path / "99_stripped.ipynb"
    nbformat.write(nb, stripped)
    with pytest.raises(ValueError, match="99_stripped.ipynb: shows widgets but holds no saved widget state"):
        _tool().render_notebook(stripped, tmp_path / "site")


def test_a_shown_widget_missing_from_the_saved_state_is_refused(executed, tmp_path):
    nb = nbformat.read(executed, as_version=4)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    slider = next(key for key, model in state.items() if model["model_name"] == "IntSliderModel")
    del state[slider]
    broken = tmp_path / "99_broken.ipynb"
    nbformat.write(nb, broken)
    with pytest.raises(ValueError, match=f"99_broken.ipynb: widget model {slider} is shown but missing"):
        _tool().render_notebook(broken, tmp_path / "site")


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


# --- answers folded, formulas typeset, links kept inside the site ---------------------------------

QUIZ_CELL = '''right = "the mark price"
ml.multiple_choice(
    "What triggers a liquidation?", ["the last price", right], answer=right,
    explanation="Venues watch a fair MARKPRICE.", why_not={"the last price": "One trade can spike it."},
)'''
SOLUTION_TEXT = "Correct: SOLUTIONNUMBER 19,095.48"


@pytest.fixture(scope="module")
def folded(tmp_path_factory) -> BeautifulSoup:
    """A lesson page with a formula, links, a self-check and a solution cell (no kernel needed:
    the self-check's answer comes from its call's arguments, not from widget state)."""
    solution = v4.new_code_cell("answer = 19_095.48\nml.check(answer)", metadata={"tags": ["solution"]})
    solution.outputs = [v4.new_output("stream", name="stdout", text=SOLUTION_TEXT + "\n")]
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# 98 · Folded\n\nThe price is $$P_\\text{liq} = \\frac{EP - M/Q}{1 - r}$$ and "
                             "$r$ is a rate, costing 5 $ or $10. See [the reference](../docs/reference.md#tiers), "
                             "[lesson 03](03_liquidation_mechanics.ipynb), [the glossary](GLOSSARY.md) and "
                             "[the code](../margin_lab/margin.py)."),
        v4.new_code_cell(QUIZ_CELL),
        solution,
    ])
    path = tmp_path_factory.mktemp("lessons") / "98_folded.ipynb"
    nbformat.write(nb, path)
    target = _tool().render_notebook(path, tmp_path_factory.mktemp("site"))
    return BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")


def _outside_details(soup: BeautifulSoup) -> str:
    copy_ = BeautifulSoup(str(soup), "html.parser")
    for details in copy_.find_all("details"):
        details.decompose()
    return copy_.get_text()


def test_a_self_check_s_answer_and_explanation_sit_in_a_closed_details(folded):
    (answer,) = folded.select("details.mlab-answer")
    assert not answer.has_attr("open")
    assert answer.select_one(".mlab-answer-text").get_text() == "the mark price"
    assert "MARKPRICE" in answer.get_text() and "One trade can spike it." in answer.get_text()
    outside = _outside_details(folded)
    assert "MARKPRICE" not in outside and "One trade can spike it" not in outside
    assert "multiple_choice" not in folded.get_text(), "the cell's code spells out the answer: not shown"


def test_a_solution_cell_is_folded_with_its_output(folded):
    (solution,) = folded.select("details.mlab-solution")
    assert not solution.has_attr("open")
    assert SOLUTION_TEXT in solution.get_text() and "19_095.48" in solution.get_text()
    assert "SOLUTIONNUMBER" not in _outside_details(folded)


def test_formulas_become_svg_images_with_their_tex_as_alt_text_and_dollars_stay_money(folded):
    images = folded.select("img.mlab-math")
    assert [img["alt"] for img in images] == [r"P_\text{liq} = \frac{EP - M/Q}{1 - r}", "r"]
    assert "mlab-display" in images[0]["class"] and "mlab-display" not in images[1]["class"]
    for img in images:
        svg = base64.b64decode(img["src"].removeprefix("data:image/svg+xml;base64,"))
        assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg and b"<path" in svg
    text = folded.get_text()
    assert "5 $ or $10" in text and "\\frac" not in text and "$$" not in text


def test_links_point_to_pages_of_the_site_or_to_the_repository(folded):
    hrefs = [a["href"] for a in folded.select(".jp-RenderedMarkdown a[href]") if "anchor-link" not in a.get("class", [])]
    assert hrefs == ["reference.html#tiers", "03_liquidation_mechanics.html", "glossary.html",
                     "https://github.com/margin-lab/margin-lab/blob/main/margin_lab/margin.py"]


def test_a_link_out_of_the_repository_and_a_formula_mathtext_cannot_set_are_refused():
    tool = _tool()
    with pytest.raises(ValueError, match="leaves the repository"):
        tool.site_link("../../etc/passwd", "lessons/03_x.ipynb")
    with pytest.raises(ValueError, match=r"03_x.ipynb: matplotlib's mathtext cannot typeset the formula '\\\\nosuchcommand"):
        tool.typeset_math("$$\\nosuchcommand{x}$$", name="03_x.ipynb")


@pytest.mark.parametrize("lesson", sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_every_self_check_in_the_lessons_has_its_answer_among_its_options(lesson):
    tool = _tool()
    nb = nbformat.read(lesson, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and re.search(r"\b(multiple_choice|predict_then_run)\(", c.source)]
    for cell in cells:
        (quiz,) = tool.quizzes(cell.source)
        assert quiz.answer in quiz.options and len(quiz.options) >= 2, cell.source
        assert quiz.question and quiz.explanation, cell.source


def test_the_glossary_page_keeps_github_heading_anchors(tmp_path):
    page = _tool().render_markdown_page("lessons/GLOSSARY.md", tmp_path)
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    headings = [line[3:].strip() for line in (ROOT / "lessons" / "GLOSSARY.md").read_text().splitlines() if line.startswith("## ")]
    assert headings
    for heading in headings:
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        assert soup.find(id=slug) is not None, slug
    assert soup.select_one('nav a[href="index.html"]'), "every page links back to the index"
