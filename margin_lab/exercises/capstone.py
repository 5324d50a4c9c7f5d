"""Exercise checks for lesson 8, the capstone: a whole plan under a loss budget.

:func:`check_plan` replays the learner's plan (a :class:`margin_lab.replay.Portfolio` of legs
with their modes, leverage and collateral) through every named stress scenario with
:func:`margin_lab.plots.stress_test` and returns a :class:`PlanVerdict`: per scenario the worst
loss against the budget, pass or fail, and for each failure a hint that names the leg to change
and how. :func:`check_worst_case_loss` checks the most a plan can lose on any path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._checks import require_number
from ..model import MarginMode
from ..replay import Leg, Portfolio
from ..studies.capstone import STRESS_DAYS, ScenarioLoss, StressTest, stress_test
from ..text import number
from ..worst_case import leg_collateral, leg_entry_price, worst_case_loss
from .feedback import Feedback, close_to, judge, tolerance_or

__all__ = ["PlanVerdict", "check_plan", "check_worst_case_loss"]


@dataclass(frozen=True, repr=False)
class PlanVerdict(Feedback):
    """The verdict on a plan: ``correct`` when every scenario stays within the budget (and the
    plan keeps the trade ideas, when they were given); ``message`` gives the numbers; ``hints``
    one sentence per failed scenario; ``stress`` the full :class:`StressTest`."""

    budget: float
    stress: StressTest
    hints: tuple[str, ...]

    @property
    def outcomes(self) -> tuple[ScenarioLoss, ...]:
        return self.stress.outcomes


def _name(leg: Leg) -> str:
    return f"{leg.leverage:g}x {leg.symbol} {leg.side.value}"


def _names(symbols: Sequence[str]) -> str:
    symbols = list(dict.fromkeys(symbols))
    return symbols[0] if len(symbols) == 1 else ", ".join(symbols[:-1]) + " and " + symbols[-1]


def _by_day(outcome: ScenarioLoss) -> str:
    """'BTC (day 8) and ETH, SOL (day 10)': the liquidated symbols grouped by day, in order."""
    groups: dict[float, list[str]] = {}
    for event, day in zip(outcome.liquidations, outcome.liquidation_days):
        groups.setdefault(day, []).append(event.symbol)
    return _names([f"{_names(symbols)} (day {day:g})" for day, symbols in groups.items()])


def _open_losses(outcome: ScenarioLoss, legs: dict[str, Leg]) -> list[tuple[float, Leg]]:
    """(unrealised loss, leg) for each leg still open at the worst close, biggest first."""
    records = outcome.replay.records
    worst = records[outcome.times.index(outcome.worst_day)]
    entries = records[0].marks
    losses = []
    for symbol, mark in worst.marks.items():
        leg = legs[symbol]
        entry = leg.entry_price or entries[symbol]
        losses.append((-leg.side.sign * leg.size * (mark - entry), leg))
    return sorted(losses, key=lambda pair: -pair[0])


def _hint(outcome: ScenarioLoss, plan: Portfolio, budget: float) -> str:
    legs = {leg.symbol: leg for leg in plan.legs}
    name = outcome.scenario
    cross = [(e, d) for e, d in zip(outcome.liquidations, outcome.liquidation_days)
             if e.margin_mode is MarginMode.CROSS]
    isolated = [e for e in outcome.liquidations if e.margin_mode is MarginMode.ISOLATED]
    if cross:
        culprit = legs[max(cross, key=lambda pair: pair[0].loss)[0].symbol]
        whole = outcome.worst_loss >= outcome.start_value * (1 - 1e-9)
        lost = "lost the whole wallet" if whole else f"took the plan's loss to {number(outcome.worst_loss)}"
        together = f" ({_names([e.symbol for e, _ in cross])} closed together)" if len(cross) > 1 else ""
        return (f"In the {name} your cross pool was liquidated on day {cross[0][1]:g}{together} and {lost}: "
                f"isolate the {_name(culprit)} (its collateral then caps its loss) or cut its size; in cross "
                "its leverage setting changes nothing.")
    if isolated:
        biggest = max(isolated, key=lambda e: e.loss)
        if biggest.loss > budget:
            return (f"In the {name} the isolated {_name(legs[biggest.symbol])} was liquidated and lost "
                    f"{number(biggest.loss)}, more than the whole {number(budget)} budget: give it less collateral "
                    "(a higher leverage: liquidated sooner, yet it loses at most its collateral) or cut its size.")
        collateral = sum(leg_collateral(leg) for leg in plan.legs if leg.mode is MarginMode.ISOLATED)
        symbols = [e.symbol for e in isolated]
        legs_were = f"{_names(symbols)} {'leg was' if len(set(symbols)) == 1 else 'legs were'}"
        return (f"In the {name} the isolated {legs_were} liquidated and lost {number(sum(e.loss for e in isolated))}: "
                f"with {number(collateral)} of isolated collateral the plan can lose more than the "
                f"{number(budget)} budget. Put less collateral at risk, or keep a hedged pair together in cross, "
                "where one leg's gain offsets the other's loss.")
    loss, leg = _open_losses(outcome, legs)[0]
    fix = ("set a stop-loss" if leg.mode is MarginMode.ISOLATED else "isolate it, so its collateral caps the loss")
    return (f"In the {name} nothing was liquidated, but at the day {outcome.worst_day:g} close the open "
            f"{_name(leg)} was down {number(loss)}: a position that is not liquidated loses its size times the "
            f"move. Cut its size, or {fix}.")


def _kept_ideas(plan: Portfolio, ideas: Portfolio | None) -> str:
    """'' when ``plan`` keeps every trade idea (wallet, symbols, sides, sizes), else what changed."""
    if ideas is None:
        return ""
    if not isinstance(ideas, Portfolio):
        raise TypeError(f"ideas must be a Portfolio (the trade ideas to keep) or None, got {ideas!r}")
    want = sorted((leg.symbol, leg.side.value, float(leg.size)) for leg in ideas.legs)
    have = sorted((leg.symbol, leg.side.value, float(leg.size)) for leg in plan.legs)
    if want == have and float(plan.balance) == float(ideas.balance):
        return ""
    listed = "; ".join(f"{s} {side} {size:g}" for s, side, size in want)
    return (f"keep the trade ideas and the {number(ideas.balance)} wallet ({listed}) and change only modes, "
            "leverage or collateral: this plan changes them.")


def check_plan(
    plan: Portfolio,
    budget: float = 1_500.0,
    scenarios: Sequence[str] = tuple(STRESS_DAYS),
    *,
    ideas: Portfolio | None = None,
    explanation: str = "",
) -> PlanVerdict:
    """Replay ``plan`` through every scenario and judge its worst loss against ``budget``.

    Parameters
    ----------
    plan : Portfolio
        The learner's plan: ``ml.Portfolio(balance, legs=(ml.Leg(...), ...), fee_rate=...)``;
        each leg's symbol starts with BTC, ETH or SOL.
    budget : float
        The most the plan may lose at any daily close, quote currency, > 0.
    scenarios : sequence of str
        Among "crash", "grind", "squeeze", "whipsaw" (default: all four).
    ideas : Portfolio, optional
        Trade ideas the plan must keep: the same wallet and, per symbol, the same side and size.
    explanation : str
        A sentence added to every verdict.

    Returns
    -------
    PlanVerdict
        A :class:`margin_lab.exercises.Feedback` whose repr is the message, plus ``budget``,
        ``stress`` (per-scenario results) and ``hints``.

    Notes
    -----
    The loss is the wallet at the start minus the account equity at the worst daily close
    (isolated collateral and unrealised P&L included, fees paid). An all-isolated plan can never
    lose more than its collateral plus fees (:func:`margin_lab.plots.worst_case_loss`); a cross
    leg puts the whole wallet behind it (REFERENCE.md §4: "cross only risks that one position" is
    wrong). Taught in lessons/08_capstone.ipynb.

    Examples
    --------
    >>> from margin_lab.replay import Leg, Portfolio
    >>> legs = (Leg("BTC", "long", size=1, leverage=10, mode="cross"),)
    >>> verdict = check_plan(Portfolio(10_000, legs), budget=1_500, scenarios=("crash",))
    >>> verdict.correct, verdict.hints[0][:60]
    (False, 'In the crash your cross pool was liquidated on day 10 and lo')
    >>> check_plan(Portfolio(10_000, (Leg("BTC", "long", size=1, leverage=20),)), budget=1_500).correct
    True
    """
    test = stress_test(plan, budget, scenarios)
    changed = _kept_ideas(plan, ideas)
    hints = tuple(_hint(o, plan, test.budget) for o in test.outcomes if not o.passed)
    n = len(test.outcomes)
    lines = []
    if changed:
        lines.append(f"Not quite: {changed}")
    elif test.passed:
        lines.append(f"Correct: the plan stays within the {number(test.budget)} budget in all {n} scenarios.")
    else:
        lines.append(f"Not quite: the plan loses more than the {number(test.budget)} budget in "
                     f"{len(test.failed)} of {n} scenarios ({', '.join(test.failed)}).")
    for o in test.outcomes:
        mark = "pass" if o.passed else "FAIL"
        end = f"{'gain' if o.final_loss < 0 else 'loss'} at the end {number(abs(o.final_loss))}"
        gone = f"; liquidated {_by_day(o)}" if o.liquidations else ""
        lines.append(f"- {o.scenario}: worst loss {number(o.worst_loss)} (day {o.worst_day:g}) vs "
                     f"{number(test.budget)}: {mark}; {end}{gone}.")
    lines += [f"Hint: {hint}" for hint in hints]
    if test.passed:
        hit = [o.scenario for o in test.outcomes if o.liquidated]
        if hit:
            lines.append(f"Within budget, yet legs were liquidated in {len(hit)} of {n} scenarios ({', '.join(hit)}): "
                         "isolated caps a loss, it does not prevent it.")
    bound = ("the whole wallet: a cross leg shares it" if any(leg.mode is MarginMode.CROSS for leg in plan.legs)
             else "the isolated collateral plus opening fees")
    lines.append(f"Most this plan can lose on any path: {number(test.worst_case)} ({bound}).")
    if explanation:
        lines.append(explanation)
    return PlanVerdict(test.passed and not changed, "\n".join(lines), test.budget, test, hints)


def check_worst_case_loss(
    answer: float,
    plan: Portfolio,
    *,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the most ``plan`` can lose on any price path (quote currency).

    All isolated: Σ collateral + the opening fees (taker fee × each leg's value); with a cross
    leg: the whole wallet. Default tolerance: 0.5 % of the answer, at least 0.5.

    Examples
    --------
    A 20x BTC long (1 at 20,000: 1,000 collateral) and a 10x ETH long (6 at 1,000: 600), with a
    0.05 % fee on the 26,000 opened (13): 1,613.

    >>> from margin_lab.replay import Leg, Portfolio
    >>> plan = Portfolio(10_000, (Leg("BTC", "long", 1, 20), Leg("ETH", "long", 6, 10)), fee_rate=0.0005)
    >>> check_worst_case_loss(1_613, plan).correct
    True
    >>> check_worst_case_loss(1_600, plan)  # doctest: +ELLIPSIS
    Not quite: ... That is the collateral alone: opening each leg also paid its fee from the wallet.
    """
    answer = require_number("answer", answer, hint="an amount, e.g. 1600")
    expected = worst_case_loss(plan)
    tolerance = tolerance_or(tolerance, max(0.5, 0.005 * expected))
    cross = any(leg.mode is MarginMode.CROSS for leg in plan.legs)
    collateral = sum(leg_collateral(leg) for leg in plan.legs)
    value = sum(leg.size * leg_entry_price(leg) for leg in plan.legs)
    hint = ""
    if close_to(answer, expected, tolerance):
        pass
    elif cross and any(close_to(answer, c, tolerance) for c in (collateral, collateral + value * plan.fee_rate)):
        hint = "That counts each leg's initial margin, but a cross leg is backed by the whole wallet."
    elif close_to(answer, collateral, tolerance):
        hint = "That is the collateral alone: opening each leg also paid its fee from the wallet."
    elif close_to(answer, value, tolerance):
        hint = "That is the positions' value: an isolated leg can lose only the collateral behind it."
    elif not cross and close_to(answer, float(plan.balance), tolerance):
        hint = "The whole wallet is at risk only with a cross leg: isolated legs lose at most their collateral."
    statement = f"the most this plan can lose is {number(expected)}"
    return judge(answer, expected, tolerance, statement, hint, explanation)
