"""Self-checks: a multiple-choice question and a "predict, then run" question.

Both are plain ipywidgets (radio buttons, a button, HTML feedback) answered in the kernel: no
JavaScript, the same feedback for the same choice every time. Both return handles with
``.choose(option)`` and ``.check()`` so tests (and instructors) can drive them without a
browser; ``.check()`` returns the :class:`margin_lab.exercises.Feedback` it shows.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._checks import require_text
from ..exercises import Feedback
from ..plots._style import DPI, FIGSIZE, render
from ._kit import WidgetHandle, text_html

__all__ = ["MultipleChoice", "PredictThenRun", "multiple_choice", "predict_then_run"]

_RIGHT = "<span style='color: #009E73'>&#10004;</span> "
_WRONG = "<span style='color: #D55E00'>&#10008;</span> "


def _options(options: Sequence[str], answer: str) -> tuple[list[str], str]:
    if isinstance(options, str) or not isinstance(options, Sequence):
        raise TypeError(f"options must be a list of strings, got {options!r}")
    cleaned = [require_text(f"options[{i}]", option) for i, option in enumerate(options)]
    if len(cleaned) < 2:
        raise ValueError(f"options must hold at least 2 choices, got {cleaned!r}")
    if len(set(cleaned)) != len(cleaned):
        raise ValueError(f"options must be different from each other, got {cleaned!r}")
    if answer not in cleaned:
        raise ValueError(f"answer must be one of the options {cleaned!r}, got {answer!r}")
    return cleaned, answer


class _Choice(WidgetHandle):
    """Radio buttons, a button and a feedback line: the part both self-checks share."""

    def __init__(self, kind: str, question: str, options: Sequence[str], answer: str, *, label: str,
                 button: str, button_tooltip: str, extra: Sequence[Any] = ()):
        import ipywidgets as widgets

        self.question = require_text("question", question)
        self.options, self.answer = _options(options, answer)
        self.radio = widgets.RadioButtons(
            options=self.options,
            value=None,
            description=label,
            tooltip=f"Pick one of the {len(self.options)} options, then press '{button}'",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.button = widgets.Button(description=button, tooltip=button_tooltip, button_style="primary")
        self.feedback = widgets.HTML(value="")
        self.last: Feedback | None = None
        self.button.on_click(lambda _button: self.check())
        view = widgets.VBox(
            [widgets.HTML(value=f"<b>{html.escape(self.question)}</b>"), self.radio, self.button, *extra,
             self.feedback]
        )
        super().__init__(view, f"{kind}: {self.question} ({len(self.options)} options)")

    def choose(self, option: str) -> None:
        """Select ``option`` as if clicked (it must be one of the options)."""
        if option not in self.options:
            raise ValueError(f"option must be one of {self.options!r}, got {option!r}")
        self.radio.value = option

    def check(self) -> Feedback:  # pragma: no cover - overridden
        raise NotImplementedError

    def _show(self, feedback: Feedback) -> Feedback:
        badge = _RIGHT if feedback.correct else _WRONG
        self.feedback.value = badge + html.escape(feedback.message)
        self.last = feedback
        return feedback


class MultipleChoice(_Choice):
    """A multiple-choice self-check; see :func:`multiple_choice`."""

    def __init__(self, question: str, options: Sequence[str], answer: str, explanation: str,
                 why_not: Mapping[str, str] | None = None):
        super().__init__("Multiple choice", question, options, answer, label="Your answer", button="Check",
                         button_tooltip="Check your answer and see why")
        self.explanation = require_text("explanation", explanation)
        self.why_not = dict(why_not or {})
        unknown = set(self.why_not) - set(self.options)
        if unknown:
            raise ValueError(f"why_not keys must be options, got {sorted(unknown)!r}")

    def check(self) -> Feedback:
        """Judge the selected option, show the feedback and return it."""
        chosen = self.radio.value
        if chosen is None:
            return self._show(Feedback(False, "Choose an option first, then press Check."))
        if chosen == self.answer:
            return self._show(Feedback(True, f"Correct: “{chosen}”. {self.explanation}"))
        reason = f" {self.why_not[chosen]}" if chosen in self.why_not else ""
        message = f"Not quite: you chose “{chosen}”.{reason} The answer is “{self.answer}”. {self.explanation}"
        return self._show(Feedback(False, message))


class PredictThenRun(_Choice):
    """Predict first, then run the calculation; see :func:`predict_then_run`."""

    def __init__(self, question: str, options: Sequence[str], answer: str, reveal: Any, *,
                 explanation: str = "", draw: Callable[..., Any] | None = None):
        import ipywidgets as widgets

        if not (isinstance(reveal, str) or callable(reveal) or callable(getattr(reveal, "summary", None))):
            raise TypeError(
                f"reveal must be a text, a result with summary() or a function returning one, got {reveal!r}"
            )
        self._reveal, self._draw = reveal, draw
        self.explanation = explanation
        self.outcome: Any = None
        self.result_text = widgets.HTML(value="")
        extra: list[Any] = [self.result_text]
        self.output = None
        if draw is not None:
            height = round(FIGSIZE[1] * DPI) + 12
            self.output = widgets.Output(layout=widgets.Layout(height=f"{height}px", overflow="hidden"))
            extra.insert(0, self.output)
        super().__init__("Predict, then run", question, options, answer, label="Your prediction", button="Run it",
                         button_tooltip="Lock in your prediction, run the calculation and compare", extra=extra)

    def check(self) -> Feedback:
        """Run the calculation, show its result and judge the prediction; return the verdict."""
        predicted = self.radio.value
        if predicted is None:
            return self._show(Feedback(False, "Make a prediction first, then press Run it."))
        outcome = self._reveal() if callable(self._reveal) else self._reveal
        text = outcome if isinstance(outcome, str) else outcome.summary()
        if self.output is not None and self._draw is not None:
            self.output.outputs = (render(self._draw, outcome).output(),)
        self.outcome = outcome
        self.result_text.value = text_html(text)
        after = f" {self.explanation}" if self.explanation else ""
        if predicted == self.answer:
            return self._show(Feedback(True, f"Correct: you predicted “{predicted}”, and the run agrees.{after}"))
        return self._show(
            Feedback(False, f"Not quite: you predicted “{predicted}”; the run shows “{self.answer}”.{after}")
        )


def multiple_choice(
    question: str,
    options: Sequence[str],
    answer: str,
    explanation: str,
    *,
    why_not: Mapping[str, str] | None = None,
) -> MultipleChoice:
    """A multiple-choice self-check: radio buttons, a Check button and feedback.

    Parameters
    ----------
    question : str
    options : list of str
        At least two, all different, shown in this order (no shuffling: deterministic).
    answer : str
        The right option.
    explanation : str
        Why; shown with every verdict.
    why_not : mapping of option -> str, optional
        What is wrong with a tempting wrong option, shown when it is chosen.

    Examples
    --------
    >>> quiz = multiple_choice("What triggers a liquidation?", ["the last price", "the mark price"],
    ...                        answer="the mark price", explanation="Venues use a mark (fair) price.")
    >>> quiz.choose("the last price")
    >>> quiz.check().correct
    False
    >>> quiz.choose("the mark price")
    >>> quiz.check()
    Correct: “the mark price”. Venues use a mark (fair) price.
    """
    return MultipleChoice(question, options, answer, explanation, why_not)


def predict_then_run(
    question: str,
    options: Sequence[str],
    answer: str,
    reveal: Any,
    *,
    explanation: str = "",
    draw: Callable[..., Any] | None = None,
) -> PredictThenRun:
    """A "predict, then run" self-check: commit to a prediction, then see the calculation.

    Parameters
    ----------
    question, options, answer
        As for :func:`multiple_choice`.
    reveal : str, result with ``summary()``, or a function of no arguments returning either
        What the run shows. A result is computed in the lesson cell (``reveal=liquidation_path(...)``);
        its summary, and its figure when ``draw`` is given, stay hidden until "Run it".
    explanation : str
        Added to the verdict.
    draw : callable, optional
        ``draw_<thing>(ax, result)`` to show the result as a figure.

    Examples
    --------
    >>> from margin_lab import liquidation_path
    >>> check = predict_then_run("A 0.1 % closing fee: does liquidation move toward or away from the entry?",
    ...                          ["toward", "away"], answer="toward",
    ...                          reveal=liquidation_path("long", leverage=20, fee_rate=0.001))
    >>> check.choose("away")
    >>> check.check().correct
    False
    """
    return PredictThenRun(question, options, answer, reveal, explanation=explanation, draw=draw)
