"""Render every lesson to a self-contained static HTML page that works offline (``make html``).

Usage::

    python tools/render_html.py                      # lessons/NN_*.ipynb -> site/
    python tools/render_html.py --out /tmp/site lessons/03_liquidation_mechanics.ipynb

Each page is nbconvert's ``lab`` HTML of the stored outputs (PNG figures inline as data URIs,
the plain-text summaries, nbconvert's inline CSS), plus ``index.html`` linking the pages with
each lesson's title and time from ``margin_lab.links.LESSONS``. Nothing is executed: render
after ``make outputs``.

Widgets: every widget view a cell shows is replaced by a static snapshot built from the
notebook's saved widget state (``metadata.widgets``, ``application/vnd.jupyter.widget-state+json``),
under the note "Static snapshot: open the notebook in JupyterLab (or Binder) to move the
controls." The view's model tree is walked (boxes and their children, widget views stored
inside Output widgets) and drawn as disabled native HTML: a slider is a range input with its
description and value, a dropdown a ``<select>`` showing the chosen option, toggle buttons a
group of buttons with the chosen one pressed, radio buttons radio inputs, a button a button;
an Output widget shows its stored figures (``<img>``, alt text from the figure's text or the
summary next to it) and texts; HTML widgets keep their markup (margin_lab's own output),
Label text is escaped. A notebook that shows widgets but has no saved widget state, or whose
state lacks a shown model, is refused: its controls could not appear.

Answers stay folded: a cell tagged ``solution`` (input and output) sits in a closed
``<details>`` ("Show the solution"), and under every multiple-choice and "predict, then run"
snapshot a closed ``<details>`` holds the answer, its explanation and the notes on tempting
wrong options, read from the literal arguments of the cell's ``ml.multiple_choice(...)`` or
``ml.predict_then_run(...)`` call (the saved widget state holds only the question and options).
The code of such a cell is not shown, since its arguments spell out the answer.

Formulas are typeset when the page is built, offline, by matplotlib's mathtext (matplotlib is a
course dependency): each ``$...$`` and ``$$...$$`` in a lesson's text becomes an inline SVG
image whose alt text is the TeX. A formula mathtext cannot typeset is refused with its lesson.

Links are rewritten to pages of the site: a lesson (or its student copy) to its page,
``docs/reference.md``, ``lessons/GLOSSARY.md``, ``docs/troubleshooting.md`` and
``docs/hub_guide.md`` to ``reference.html``, ``glossary.html``, ``troubleshooting.html`` and
``hub_guide.html`` (rendered here too, headings
with GitHub's anchor ids), a README to ``index.html``; any other file of the repository to its
page on the repository's host. So ``site/`` can be published, copied or opened on its own.

Offline: a page loads nothing at all. RequireJS, the Jupyter widgets manager, MathJax and
Mermaid (all from public CDNs in nbconvert's template) are left out, and a page that would
still reference a script, stylesheet or module by http(s) URL is refused. A Mermaid block would
show as its text. Rendering reads only local files.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import html
import io
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from margin_lab.links import LESSONS, repository  # noqa: E402

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SNAPSHOT_NOTE = "Static snapshot: open the notebook in JupyterLab (or Binder) to move the controls."
MODEL_REF = "IPY_MODEL_"
FIGURE_REPR = re.compile(r"^<Figure\b[^>]*>$")  # matplotlib's default text/plain says nothing
SCRIPT = re.compile(r"<script\b.*?</script>", re.I | re.S)
EXTERNAL = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(https?:[^\"'\s>]+)"
    r"|\burl\(\s*[\"']?(https?:[^\"')\s]+)|@import\s+[\"'](https?:[^\"']+)",
    re.I,
)
URL = re.compile(r"https?://[^\"'\s<>)]+", re.I)

SNAPSHOT_CSS = """
.mlab-snapshot { border: 1px dashed var(--jp-border-color1, #bdbdbd); border-radius: 4px;
  padding: 6px 12px 10px; margin: 2px 0; }
.mlab-note { margin: 0 0 6px; font-size: 0.85em; font-style: italic; color: var(--jp-ui-font-color2, #616161); }
.mlab-box { display: flex; flex-direction: column; gap: 4px; }
.mlab-row { flex-flow: row wrap; gap: 4px 16px; align-items: center; }
.mlab-control { display: inline-flex; align-items: center; gap: 8px; margin: 2px 0; }
.mlab-control input[type=range] { width: 160px; }
.mlab-readout { font-variant-numeric: tabular-nums; }
.mlab-snapshot select:disabled { color: inherit; opacity: 1; }
.mlab-toggles { display: inline-flex; flex-wrap: wrap; gap: 2px; }
.mlab-snapshot button { font: inherit; padding: 2px 10px; color: #212121; background: #eeeeee;
  border: 1px solid #bdbdbd; border-radius: 2px; }
.mlab-snapshot button[aria-pressed=true] { background: #c7c7c7; font-weight: bold; }
.mlab-snapshot button.mlab-button { align-self: flex-start; }
.mlab-snapshot button.mlab-primary { color: #fff; background: #2196f3; border-color: #1976d2; opacity: 0.75; }
.mlab-radio { border: 0; margin: 0; padding: 0; display: flex; gap: 8px; }
.mlab-radio legend { float: left; margin-right: 8px; padding: 0; }
.mlab-radio span { display: flex; flex-direction: column; }
.mlab-output img { max-width: 100%; height: auto; }
.mlab-output pre { margin: 0; }
details.mlab-answer, details.mlab-solution { border-left: 4px solid #009E73; background: #f4faf7;
  margin: 6px 0 10px; padding: 4px 12px; }
details.mlab-solution { border-left-color: #0072B2; background: #f3f7fb; }
details.mlab-answer > summary, details.mlab-solution > summary { cursor: pointer; font-weight: bold; padding: 4px 0; }
img.mlab-math { vertical-align: middle; }
img.mlab-math.mlab-display { display: block; margin: 0.6em auto; }
nav.mlab-nav { font-size: 0.9em; padding: 8px 20px; border-bottom: 1px solid #e0e0e0; }
"""

SOLUTION_TAG = "solution"
SOLUTION_SUMMARY = "Show the solution (try the exercise first)"
ANSWER_SUMMARY = "Show the answer (decide first)"
NAV = ('<nav class="mlab-nav"><a href="index.html">All lessons</a> · <a href="glossary.html">Glossary</a> · '
       '<a href="reference.html">Reference</a> · <a href="troubleshooting.html">Troubleshooting</a></nav>')

TEMPLATE = (
    "{%- extends 'index.html.j2' -%}\n"
    "{% block body_header %}{{ super() }}" + NAV + "{% endblock body_header %}\n"
    "{% block any_cell %}{% if '" + SOLUTION_TAG + "' in cell.metadata.get('tags', []) %}"
    '<details class="mlab-solution"><summary>' + SOLUTION_SUMMARY + "</summary>{{ super() }}</details>"
    "{% else %}{{ super() }}{% endif %}{% endblock any_cell %}\n"
    "{%- block html_head_js -%}{%- endblock html_head_js -%}\n"
    "{% block jupyter_widgets %}{% endblock jupyter_widgets %}\n"
    '{% block extra_css %}<style type="text/css">' + SNAPSHOT_CSS + "</style>{% endblock extra_css %}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
)


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


def readout(value: Any, fmt: str | None) -> str:
    """A slider's value as its readout shows it; ``fmt`` is a d3-format string (the common subset).

    >>> readout(10.0, ",.0f"), readout(0.005, ".2%"), readout(25_000, ",d"), readout(0.5, ".2~f")
    ('10', '0.50%', '25,000', '0.5')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    spec = (fmt or "").replace("$", "")
    trim, spec = "~" in spec, spec.replace("~", "")
    try:
        if spec.endswith("d"):
            text = format(round(value), spec)
        elif spec[-1:] in {"f", "e", "%", "g"}:
            text = format(value, spec)
        else:
            text = f"{value:g}"
    except ValueError:
        text = f"{value:g}"
    if trim and "." in text:
        text = re.sub(r"\.?0+(?=\D*$)", "", text)
    return text


def _plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _attr(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _tip(tooltip: Any) -> str:
    return f' title="{_attr(tooltip)}"' if tooltip else ""


class Snapshot:
    """Static HTML for the widget views of one notebook, from its saved widget state."""

    def __init__(self, state: dict[str, Any], name: str):
        self.models = state.get("state", {})
        self.name = name
        self._radio_groups = 0

    def _model(self, model_id: str) -> dict[str, Any]:
        if model_id not in self.models:
            raise ValueError(
                f"{self.name}: widget model {model_id} is shown but missing from the saved widget state; "
                "re-execute the notebook with tools/execute_lessons.py"
            )
        return self.models[model_id]

    def _ref(self, value: Any) -> dict[str, Any] | None:
        if isinstance(value, str) and value.startswith(MODEL_REF):
            return self._model(value[len(MODEL_REF):])["state"]
        return None

    def view(self, model_id: str) -> str:
        """One top-level widget view: the note and the snapshot, in a framed block."""
        inner = self._widget(model_id, ())
        return f'<div class="mlab-snapshot"><p class="mlab-note">{html.escape(SNAPSHOT_NOTE)}</p>{inner}</div>'

    def _widget(self, model_id: str, path: tuple[str, ...], neighbours: tuple[str, ...] = ()) -> str:
        if model_id in path:
            raise ValueError(f"{self.name}: widget model {model_id} contains itself")
        model = self._model(model_id)
        kind, state = model.get("model_name", ""), model.get("state", {})
        layout = self._ref(state.get("layout")) or {}
        if layout.get("display") == "none" or layout.get("visibility") == "hidden":
            return ""
        path = (*path, model_id)
        if "children" in state:
            return self._box(kind, state, layout, path)
        if kind == "OutputModel":
            return self._output(state, path, neighbours)
        return self._control(kind, state)

    def _box(self, kind: str, state: dict[str, Any], layout: dict[str, Any], path: tuple[str, ...]) -> str:
        ids = [c[len(MODEL_REF):] for c in state.get("children", []) if isinstance(c, str) and c.startswith(MODEL_REF)]
        parts = []
        for i, child in enumerate(ids):
            neighbours = (*ids[i + 1:], *reversed(ids[:i]))  # the summary after an Output first
            parts.append(self._widget(child, path, neighbours))
        row = kind == "HBoxModel" or (kind == "BoxModel" and "column" not in (layout.get("flex_flow") or ""))
        return f'<div class="mlab-box{" mlab-row" if row else ""}">{"".join(parts)}</div>'

    def _control(self, kind: str, state: dict[str, Any]) -> str:
        description = html.escape(state.get("description") or "")
        title = _tip(state.get("tooltip"))
        label = f"<span>{description}</span>" if description else ""
        labels = [str(x) for x in state.get("_options_labels") or []]
        index = state.get("index")
        chosen = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else None
        if kind in {"HTMLModel", "HTMLMathModel"}:
            return f'<div class="mlab-html">{label}{state.get("value") or ""}</div>'
        if kind == "LabelModel":
            return f'<div class="mlab-label">{label}{html.escape(str(state.get("value") or ""))}</div>'
        if kind in {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "SelectionSliderModel"}:
            if kind == "SelectionSliderModel":
                bounds, shown = (0, max(len(labels) - 1, 0), 1, index or 0), html.escape(chosen or "")
            else:
                bounds = (state.get("min"), state.get("max"), state.get("step") or "any", state.get("value"))
                shown = html.escape(readout(state.get("value"), state.get("readout_format")))
            low, high, step, value = (_attr(x) for x in bounds)
            return (f'<label class="mlab-control mlab-slider"{title}>{label}<input type="range" min="{low}" '
                    f'max="{high}" step="{step}" value="{value}" disabled>'
                    f'<output class="mlab-readout">{shown}</output></label>')
        if kind in {"DropdownModel", "SelectModel"}:
            options = "".join(f'<option{" selected" if i == index else ""}>{html.escape(text)}</option>'
                              for i, text in enumerate(labels))
            return f'<label class="mlab-control mlab-dropdown"{title}>{label}<select disabled>{options}</select></label>'
        if kind == "ToggleButtonsModel":
            tips = state.get("tooltips") or []
            buttons = "".join(
                f'<button type="button" disabled aria-pressed="{"true" if i == index else "false"}"'
                f'{_tip(tips[i] if i < len(tips) else None)}>{html.escape(text)}</button>'
                for i, text in enumerate(labels))
            return (f'<div class="mlab-control mlab-toggle-buttons"{title}>{label}'
                    f'<span class="mlab-toggles" role="group" aria-label="{_attr(state.get("description") or "")}">'
                    f"{buttons}</span></div>")
        if kind == "RadioButtonsModel":
            self._radio_groups += 1
            name = f"mlab-radio-{self._radio_groups}"
            radios = "".join(
                f'<label><input type="radio" name="{name}" disabled{" checked" if i == index else ""}> '
                f"{html.escape(text)}</label>"
                for i, text in enumerate(labels))
            legend = f"<legend>{description}</legend>" if description else ""
            return f'<fieldset class="mlab-control mlab-radio" disabled{title}>{legend}<span>{radios}</span></fieldset>'
        if kind == "ButtonModel":
            style = " mlab-primary" if state.get("button_style") == "primary" else ""
            return f'<button type="button" class="mlab-button{style}" disabled{title}>{description}</button>'
        if kind in {"CheckboxModel", "ToggleButtonModel"}:
            checked = " checked" if state.get("value") else ""
            return f'<label class="mlab-control"{title}><input type="checkbox" disabled{checked}> {description}</label>'
        if kind in {"IntProgressModel", "FloatProgressModel"}:
            bounds = (_attr(state.get(x)) for x in ("min", "max", "value"))
            low, high, value = bounds
            return (f'<label class="mlab-control mlab-progress"{title}>{label}'
                    f'<progress max="{high}" value="{value}" data-min="{low}"></progress></label>')
        if "value" in state:  # any other control: its description and value as text
            value = html.escape(chosen if chosen is not None else str(state.get("value")))
            return f'<div class="mlab-control"{title}>{label}<span class="mlab-readout">{value}</span></div>'
        return ""

    def _output(self, state: dict[str, Any], path: tuple[str, ...], neighbours: tuple[str, ...]) -> str:
        parts = []
        for output in state.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") == "stream":
                parts.append(f"<pre>{html.escape(output.get('text', ''))}</pre>")
            elif output.get("output_type") == "error":
                parts.append(f"<pre>{html.escape(output.get('ename', ''))}: {html.escape(output.get('evalue', ''))}</pre>")
            elif WIDGET_VIEW in data:
                parts.append(self._widget(data[WIDGET_VIEW]["model_id"], path))
            elif mime := next((m for m in ("image/png", "image/jpeg", "image/svg+xml") if m in data), None):
                raw = str(data[mime])
                encoded = base64.b64encode(raw.encode()).decode() if mime == "image/svg+xml" else "".join(raw.split())
                alt = _attr(self._alt(str(data.get("text/plain", "")), neighbours))
                parts.append(f'<img src="data:{mime};base64,{encoded}" alt="{alt}">')
            elif "text/html" in data:
                parts.append(str(data["text/html"]))
            elif "text/plain" in data:
                parts.append(f"<pre>{html.escape(str(data['text/plain']))}</pre>")
        return f'<div class="mlab-output">{"".join(parts)}</div>' if parts else ""

    def _alt(self, text: str, neighbours: tuple[str, ...]) -> str:
        if text.strip() and not FIGURE_REPR.match(text.strip()):
            return text.strip()
        for model_id in neighbours:
            model = self.models.get(model_id, {})
            if model.get("model_name") in {"HTMLModel", "HTMLMathModel", "LabelModel"}:
                summary = _plain(str(model.get("state", {}).get("value") or ""))
                if summary:
                    return f"Figure: {summary}"
        return "Figure drawn from the widget's saved settings"


# --- formulas ------------------------------------------------------------------------------------

CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
# Pandoc's rule for inline math: "$" then a non-space; a non-space then "$" not followed by a digit.
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]*?\S)\$(?![\d$])")


def math_image(tex: str, *, display: bool = False, name: str = "text") -> str:
    r"""An ``<img>`` of ``tex`` typeset by matplotlib's mathtext as SVG (alt text: the TeX).

    >>> math_image("x_1", display=True).startswith('<img class="mlab-math mlab-display" alt="x_1" src="data:image/svg+xml;base64,')
    True
    """
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import math_to_image

    buffer = io.BytesIO()
    try:
        with matplotlib.rc_context({"mathtext.fontset": "cm", "svg.hashsalt": "margin-lab"}):
            math_to_image(f"${tex.strip()}$", buffer, format="svg", prop=FontProperties(size=16 if display else 13))
    except ValueError as error:
        raise ValueError(f"{name}: matplotlib's mathtext cannot typeset the formula {tex!r}: {error}") from None
    svg = re.sub(r"<metadata>.*?</metadata>", "", buffer.getvalue().decode("utf-8"), flags=re.S)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    kind = "mlab-math mlab-display" if display else "mlab-math"
    return f'<img class="{kind}" alt="{_attr(" ".join(tex.split()))}" src="data:image/svg+xml;base64,{data}">'


def typeset_math(markdown: str, *, name: str = "text") -> tuple[str, int]:
    """``markdown`` with every formula outside code replaced by its image; and how many there were.

    >>> text, count = typeset_math("Costs 5 $ or $10, but $x_1$ and `$y$` differ.")
    >>> count, text.count("<img"), "`$y$`" in text, "$10" in text
    (1, 1, True, True)
    """
    count = 0

    def display(match: re.Match) -> str:
        nonlocal count
        count += 1
        return math_image(match[1], display=True, name=name)

    def inline(match: re.Match) -> str:
        nonlocal count
        count += 1
        return math_image(match[1], name=name)

    parts = CODE.split(markdown)
    for i in range(0, len(parts), 2):  # even parts are outside code
        parts[i] = INLINE_MATH.sub(inline, DISPLAY_MATH.sub(display, parts[i]))
    return "".join(parts), count


# --- links ---------------------------------------------------------------------------------------

#: Repository files that are pages of the site, and the page each becomes.
SITE_PAGES = {
    "docs/reference.md": ("reference.html", "Reference: formulas and venue facts"),
    "lessons/GLOSSARY.md": ("glossary.html", "Glossary"),
    "docs/troubleshooting.md": ("troubleshooting.html", "Troubleshooting"),
    "docs/hub_guide.md": ("hub_guide.html", "Running margin-lab on a JupyterHub"),
}
INDEX_SOURCES = ("README.md", "lessons/README.md")
MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")
LESSON_FILE = re.compile(r"^lessons/(?:student/)?(\d\d_[^/]+)\.ipynb$")


def site_link(target: str, source: str) -> str:
    """Where a link written in repository file ``source`` points on the site.

    >>> site_link("../docs/reference.md#tiers", "lessons/03_x.ipynb")
    'reference.html#tiers'
    >>> site_link("04_managing_isolated.ipynb", "lessons/student/03_x.ipynb"), site_link("GLOSSARY.md", "lessons/01_x.ipynb")
    ('04_managing_isolated.html', 'glossary.html')
    >>> site_link("../margin_lab/margin.py", "lessons/03_x.ipynb")
    'https://github.com/margin-lab/margin-lab/blob/main/margin_lab/margin.py'
    >>> site_link("https://example.org/a.md", "docs/reference.md"), site_link("#top", "docs/reference.md")
    ('https://example.org/a.md', '#top')
    """
    if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^//", target, re.I):
        return target
    path, hash_, fragment = target.partition("#")
    joined = os.path.normpath(str(PurePosixPath(source).parent / path)).replace(os.sep, "/")
    anchor = f"{hash_}{fragment}"
    if joined in SITE_PAGES:
        return SITE_PAGES[joined][0] + anchor
    if joined in INDEX_SOURCES:
        return "index.html" + anchor
    if match := LESSON_FILE.match(joined):
        return f"{match[1]}.html{anchor}"
    if joined.startswith(".."):
        raise ValueError(f"{source}: the link {target!r} leaves the repository")
    return f"{repository().url}/blob/main/{joined}{anchor}"


def rewrite_links(markdown: str, source: str) -> str:
    """Every markdown link target in ``markdown`` (written in ``source``) as :func:`site_link` gives it."""
    return MD_LINK.sub(lambda m: m[1] + site_link(m[2], source) + m[3], markdown)


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a markdown heading: lower case, punctuation dropped, spaces to '-'.

    >>> github_slug("Liquidation price (P_liq) & tiers")
    'liquidation-price-p_liq--tiers'
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


# --- self-check answers --------------------------------------------------------------------------

QUIZZES = ("multiple_choice", "predict_then_run")


@dataclass
class Quiz:
    """The answer of one self-check, read from its call's literal arguments."""

    kind: str
    question: str
    options: list[str]
    answer: str | None
    explanation: str = ""
    why_not: dict[str, str] = field(default_factory=dict)

    def details(self) -> str:
        """The closed ``<details>`` that shows the answer and its explanation when opened."""
        if self.answer is None:
            body = "<p>Open this lesson in JupyterLab (Binder, a JupyterHub or <code>make lab</code>) to check your answer.</p>"
        else:
            body = f'<p><b>Answer:</b> <span class="mlab-answer-text">{html.escape(self.answer)}</span></p>'
            if self.explanation:
                body += f"<p>{html.escape(self.explanation)}</p>"
            if self.why_not:
                items = "".join(f"<li>“{html.escape(k)}”: {html.escape(v)}</li>" for k, v in self.why_not.items())
                body += f'<p>Tempting but wrong:</p><ul class="mlab-why-not">{items}</ul>'
            if self.kind == "predict_then_run":
                body += "<p><i>In JupyterLab, “Run it” also shows the calculation behind the answer.</i></p>"
        return f'<details class="mlab-answer"><summary>{ANSWER_SUMMARY}</summary>{body}</details>'


def _literal(node: ast.AST, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(item, names) for item in node.elts]
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_literal(k, names): _literal(v, names) for k, v in zip(node.keys, node.values)}
    return ast.literal_eval(node)


def quizzes(source: str) -> list[Quiz]:
    """The self-checks a code cell builds (``ml.multiple_choice(...)``, ``ml.predict_then_run(...)``).

    Arguments may be literals or names the cell assigned a literal to; an answer that is neither
    is ``None`` (the page then sends the learner to JupyterLab).

    >>> quiz, = quizzes('right = "b"\\nml.multiple_choice("Q?", ["a", right], answer=right, explanation="Because.")')
    >>> quiz.kind, quiz.options, quiz.answer, quiz.explanation
    ('multiple_choice', ['a', 'b'], 'b', 'Because.')
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: dict[str, Any] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            try:
                names[statement.targets[0].id] = _literal(statement.value, names)
            except (ValueError, TypeError, SyntaxError):
                pass
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        kind = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if kind not in QUIZZES:
            continue
        positional = ("question", "options", "answer", "explanation" if kind == "multiple_choice" else "reveal")
        given = dict(zip(positional, node.args)) | {k.arg: k.value for k in node.keywords if k.arg}
        values: dict[str, Any] = {}
        for key in ("question", "options", "answer", "explanation", "why_not"):
            try:
                values[key] = _literal(given[key], names) if key in given else None
            except (ValueError, TypeError, SyntaxError):
                values[key] = None
        found.append(Quiz(kind, str(values["question"] or ""), list(values["options"] or []),
                          values["answer"] if isinstance(values["answer"], str) else None,
                          values["explanation"] if isinstance(values["explanation"], str) else "",
                          values["why_not"] if isinstance(values["why_not"], dict) else {}))
    return found


def static_notebook(nb, name: str, source: str | None = None):
    """A copy of ``nb`` for the site: widget views as static snapshots (no widget state left),
    each self-check's answer in a closed ``<details>`` under it, formulas typeset, and links
    rewritten to site pages (``source``: the notebook's path in the repository, default
    ``lessons/<name>``)."""
    nb = copy.deepcopy(nb)
    source = source or f"lessons/{name}"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source, _ = typeset_math(rewrite_links(cell.source, source), name=name)
    state = nb.metadata.pop("widgets", {}).get(WIDGET_STATE)
    if state is None and _shows_widgets(nb):
        raise ValueError(
            f"{name}: shows widgets but holds no saved widget state (metadata.widgets); "
            "re-execute it with tools/execute_lessons.py so its controls can be rendered"
        )
    snapshot = Snapshot(state, name) if state is not None else None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        views = [o for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
        for output in views:
            data = output["data"]
            output["data"] = {"text/html": snapshot.view(data[WIDGET_VIEW]["model_id"]),
                              "text/plain": data.get("text/plain", "")}
        found = quizzes(cell.source)
        if found:
            # The call's arguments hold the answer: the page shows the snapshot, never the code.
            cell.metadata["transient"] = {"remove_source": True}
        answers = "".join(quiz.details() for quiz in found)
        if answers and views:
            views[-1]["data"]["text/html"] += answers
        elif answers:
            from nbformat.v4 import new_output

            cell.outputs.append(new_output("display_data", data={"text/html": answers, "text/plain": ""}))
    return nb


def external_resources(page: str) -> list[str]:
    """The http(s) URLs a page could load: any in a script, stylesheet links, CSS imports and urls."""
    in_scripts = [url for script in SCRIPT.findall(page) for url in URL.findall(script)]
    elsewhere = [next(url for url in match.groups() if url) for match in EXTERNAL.finditer(SCRIPT.sub("", page))]
    return in_scripts + elsewhere


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"margin_lab_static.html.j2": TEMPLATE})],
        template_file="margin_lab_static.html.j2",
    )


def _write_page(body: str, out_dir: Path, filename: str, name: str) -> Path:
    loads = external_resources(body)
    if loads or WIDGET_VIEW in body or WIDGET_STATE in body:
        raise RuntimeError(f"{name}: the page still needs the network or a widget manager: {loads}")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / filename
    target.write_text(body, encoding="utf-8")
    return target


def render_notebook(path: Path, out_dir: Path) -> Path:
    """Write ``out_dir/<stem>.html`` for one executed notebook and return its path."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    try:
        source = Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        source = f"lessons/{Path(path).name}"
    static = static_notebook(nb, path.name, source)
    body, _ = _exporter().from_notebook_node(static, resources={"metadata": {"name": _title(nb, path)}})
    return _write_page(body, out_dir, f"{path.stem}.html", path.name)


HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)


def render_markdown_page(source: str, out_dir: Path) -> Path:
    """Write one of :data:`SITE_PAGES` (a markdown file of the repository) as a page of the site.

    Headings also carry GitHub's anchor ids, so ``reference.md#some-heading`` links keep working.
    """
    from nbformat.v4 import new_markdown_cell, new_notebook

    filename, title = SITE_PAGES[source]
    text = (ROOT / source).read_text(encoding="utf-8")
    text, _ = typeset_math(rewrite_links(text, source), name=source)
    body, _ = _exporter().from_notebook_node(new_notebook(cells=[new_markdown_cell(text)]),
                                             resources={"metadata": {"name": title}})

    def add_slug(match: re.Match) -> str:
        slug = github_slug(_plain(re.sub(r'<a class="anchor-link".*?</a>', "", match[3])).rstrip("¶").strip())
        if f'id="{slug}"' in match[2]:
            return match[0]
        return f'<h{match[1]}{match[2]}><span id="{_attr(slug)}"></span>{match[3]}</h{match[1]}>'

    return _write_page(HEADING.sub(add_slug, body), out_dir, filename, source)


def render_index(pages: list[tuple[Path, Path]], out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` linking each (notebook, page) pair in order, then the other pages."""
    import nbformat

    minutes = {item.file: item.minutes for item in LESSONS}
    rows = []
    for notebook, page in pages:
        title = _title(nbformat.read(notebook, as_version=4), notebook)
        time = f" <small>({minutes[notebook.name]} minutes)</small>" if notebook.name in minutes else ""
        rows.append(f'    <li><a href="{html.escape(page.name)}">{html.escape(title)}</a>{time}</li>')
    extra = [f'    <li><a href="{filename}">{html.escape(title)}</a></li>' for filename, title in SITE_PAGES.values()
             if (out_dir / filename).is_file()]
    text = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><title>margin-lab lessons</title></head>',
        "<body>",
        "  <h1>margin-lab: the lessons</h1>",
        "  <p>Static pages with each lesson's stored outputs and a snapshot of its widgets as saved: the "
        "course without a kernel, for reading offline. Answers are folded away: decide first, then open "
        "<i>Show the answer</i> or <i>Show the solution</i>. "
        "To move the controls, open the lessons in JupyterLab (Binder, a JupyterHub or <code>make lab</code>).</p>",
        "  <ul>",
        *rows,
        "  </ul>",
        *(["  <h2>Also on this site</h2>", "  <ul>", *extra, "  </ul>"] if extra else []),
        "</body>",
        "</html>",
        "",
    ])
    target = out_dir / "index.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render lessons to self-contained static HTML (works offline).")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: lessons/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or lesson_notebooks()
    if not notebooks:
        parser.exit(2, "render_html: error: no lesson notebooks found in lessons/\n")
    pages = []
    for notebook in notebooks:
        try:
            page = render_notebook(notebook, args.out)
        except (OSError, ValueError) as error:
            parser.exit(1, f"render_html: error: {error}\n")
        pages.append((notebook, page))
        print(f"{notebook.name} -> {page}")
    for source in SITE_PAGES:
        try:
            print(f"{source} -> {render_markdown_page(source, args.out)}")
        except (OSError, ValueError) as error:
            parser.exit(1, f"render_html: error: {error}\n")
    print(f"index -> {render_index(pages, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
