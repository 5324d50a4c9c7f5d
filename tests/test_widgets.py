"""The explorer kit and the lesson 1-3 explorers, driven without a browser.

Each explorer is moved control by control through ``set`` (and once through a widget's own
value, as a browser does); the figure must change and the numbers in the result and summary
must match formulas derived here by hand (REFERENCE.md §1 with the collateral equal to the
initial margin Q·EP/L), not numbers the explorer printed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from margin_lab.widgets import (
    Explorer,
    isolated_setup_explorer,
    leverage_explorer,
    liquidation_explorer,
    multiple_choice,
    predict_then_run,
    slider,
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def lever():
    return leverage_explorer()


@pytest.fixture(scope="module")
def setup():
    return isolated_setup_explorer()


@pytest.fixture(scope="module")
def liquidation():
    return liquidation_explorer()


def _png(explorer):
    (entry,) = explorer.output.outputs
    return entry["data"]["image/png"]


# ---- the kit ------------------------------------------------------------------------------------


def test_importing_the_kit_loads_neither_ipywidgets_nor_matplotlib():
    code = (
        "import sys, margin_lab.widgets, margin_lab.plots, margin_lab.exercises\n"
        "print(sorted(m for m in ('ipywidgets', 'matplotlib', 'IPython') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("make, text", [
    (leverage_explorer, "Leverage explorer (3 controls)"),
    (isolated_setup_explorer, "Isolated set-up explorer (3 controls)"),
    (liquidation_explorer, "Liquidation-price explorer (6 controls)"),
])
def test_the_handle_displays_the_live_view_with_a_stable_text(make, text):
    first, second = make(), make()
    bundle = first._repr_mimebundle_()
    assert bundle == {
        "text/plain": text,
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": first.view.model_id},
    }
    assert second._repr_mimebundle_()["text/plain"] == text and repr(first) == text
    first.set(leverage=first.controls["leverage"].value + 1)
    assert first._repr_mimebundle_()["text/plain"] == text


def test_an_explorer_renders_one_png_output_in_a_fixed_height_area(lever):
    (entry,) = lever.output.outputs
    assert entry["output_type"] == "display_data" and entry["metadata"] == {}
    assert entry["data"]["text/plain"] == "<Figure size 720x360 with 1 Axes>"
    assert entry["data"]["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    assert lever.output.layout.height.endswith("px")
    assert lever.view.children[-1] is lever.summary and lever.status in lever.view.children


@pytest.mark.parametrize("make", [leverage_explorer, isolated_setup_explorer, liquidation_explorer])
def test_every_control_has_a_description_and_a_tooltip_and_sliders_update_on_release(make):
    explorer = make()
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.tooltip and control.tooltip.strip(), name
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False, name


def test_set_refuses_unknown_controls_and_values_a_control_cannot_hold(liquidation):
    with pytest.raises(ValueError, match="control must be one of"):
        liquidation.set(levrage=5)
    with pytest.raises(ValueError, match=r"leverage must be in \[1, 125\]"):
        liquidation.set(leverage=500)  # a slider would clamp; set refuses
    with pytest.raises(ValueError, match="venue must be one of"):
        liquidation.set(venue="ftx")
    with pytest.raises(TypeError, match="leverage must be a number"):
        liquidation.set(leverage="10")


def test_the_explorer_refuses_a_control_without_a_tooltip():
    import ipywidgets

    bare = ipywidgets.FloatSlider(description="Leverage")
    with pytest.raises(ValueError, match="tooltip"):
        Explorer("Bare", {"leverage": bare}, lambda leverage: None, lambda ax, result: None)


def test_a_factory_with_impossible_settings_raises_instead_of_showing_an_empty_explorer():
    with pytest.raises(ValueError, match="maintenance_rate"):
        leverage_explorer(leverage=60, maintenance_rate=0.02)


def test_moving_a_widget_like_a_browser_does_renders_again():
    explorer = leverage_explorer()
    before = _png(explorer)
    explorer.controls["leverage"].value = 25  # what the frontend's release does
    assert _png(explorer) != before and explorer.result.leverage == 25


def test_a_custom_explorer_follows_the_compute_draw_wire_contract():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Doubled:
        value: float

        def summary(self):
            return f"Twice {self.value:g} is {2 * self.value:g}."

    def draw(ax, result):
        ax.plot([0, 1], [result.value, 2 * result.value], label="Line")
        ax.set(title="Doubling", xlabel="Step (count)", ylabel="Value (USDT)")

    def compute(value):
        if value > 5:
            raise ValueError(f"value must be <= 5, got {value!r}")
        return Doubled(value)

    explorer = Explorer("Doubler", {"value": slider("Value", value=1, min=0, max=10, step=1, tooltip="A number")},
                        compute, draw)
    explorer.set(value=3)
    assert explorer.figure_info().line("Line").y == (3.0, 6.0)
    assert "Twice 3 is 6." in explorer.summary.value
    explorer.set(value=7)
    assert explorer.status_text.startswith("⚠ Not drawn: value must be <= 5, got 7")
    assert explorer.result == Doubled(3)


# ---- lesson 1: leverage explorer ----------------------------------------------------------------


def test_leverage_explorer_numbers_follow_the_formulas(lever):
    for side, s in (("long", 1), ("short", -1)):
        for leverage, mark in ((5, 18_500), (20, 20_400), (50, 19_900)):
            lever.set(side=side, leverage=leverage, mark_price=mark)
            r, collateral = lever.result, 20_000 / leverage
            equity = collateral + s * (mark - 20_000)
            assert r.collateral == pytest.approx(collateral)
            assert r.equity == pytest.approx(equity)
            assert r.margin_level == pytest.approx(equity / (0.005 * mark))
            liquidation = 20_000 * (1 - s / leverage) / (1 - s * 0.005)
            assert lever.figure_info().line("Liquidation").x[0] == pytest.approx(liquidation)
            assert f"{liquidation:,.2f}" in lever.summary.value


def test_each_leverage_control_changes_the_figure(lever):
    lever.set(side="long", leverage=10, mark_price=19_000)
    for name, value in (("side", "short"), ("leverage", 30), ("mark_price", 20_500)):
        before = lever.figure_info()
        lever.set(**{name: value})
        assert lever.figure_info() != before, name
    info = lever.figure_info()
    assert info.title == "Short 1 BTC at 30x: equity vs mark price"
    assert info.line("Now").x == (20_500.0,)


def test_leverage_explorer_shows_a_refused_combination_in_the_status_line():
    explorer = leverage_explorer(leverage=10, maintenance_rate=0.02, max_leverage=100)
    shown, result = _png(explorer), explorer.result
    explorer.set(leverage=60)  # 2 % maintenance is above 1/60
    assert "maintenance_rate must be in [0, 0.01667) (below the initial margin rate" in explorer.status_text
    assert _png(explorer) == shown and explorer.result is result
    explorer.set(leverage=40)
    assert explorer.status_text == "" and explorer.result.leverage == 40


# ---- lesson 2: isolated set-up explorer ---------------------------------------------------------


def test_isolated_setup_numbers_follow_the_formulas(setup):
    for balance, collateral, leverage in ((10_000, 2_000, 10), (50_000, 500, 50), (20_000, 19_000, 1)):
        setup.set(balance=balance, collateral=collateral, leverage=leverage)
        r = setup.result
        fee = 0.0005 * r.collateral * leverage
        assert r.at_risk == pytest.approx(r.collateral + fee)
        assert r.not_at_risk == pytest.approx(balance - r.collateral - fee)
        assert setup.figure_info().bar("Not at risk").values == pytest.approx((balance - r.collateral - fee,))
        assert f"{r.at_risk:,.2f}" in setup.summary.value


def test_each_isolated_setup_control_changes_the_figure(setup):
    setup.set(balance=10_000, collateral=2_000, leverage=10)
    for name, value in (("balance", 30_000), ("collateral", 3_000), ("leverage", 25)):
        before = setup.figure_info()
        setup.set(**{name: value})
        assert setup.figure_info() != before, name
    assert setup.figure_info().title == "Isolated 25x long: 3,038 of 30,000 USDT at risk"


def test_allocating_more_than_the_wallet_shows_a_status_and_keeps_the_figure(setup):
    setup.set(balance=10_000, collateral=2_000, leverage=10)
    shown, summary = _png(setup), setup.summary.value
    setup.set(collateral=9_999)
    assert setup.status_text.startswith("⚠ Not drawn: collateral must be <= balance / (1 + fee_rate × leverage)")
    assert "= 9,950.25 USDT" in setup.status_text  # 10,000 / 1.005
    assert _png(setup) == shown and setup.summary.value == summary


# ---- lesson 3: liquidation explorer --------------------------------------------------------------


def test_liquidation_explorer_numbers_follow_the_formulas(liquidation):
    liquidation.set(venue="custom", side="long", leverage=10, maintenance_rate=0.005, fee_rate=0.0, basis="mark")
    assert liquidation.result.liquidation_price == pytest.approx(20_000 * 0.9 / 0.995)
    liquidation.set(basis="entry")  # Bybit's form EP − (M − r·Q·EP)/Q
    assert liquidation.result.liquidation_price == pytest.approx(20_000 - (2_000 - 0.005 * 20_000))
    liquidation.set(side="short", basis="mark", fee_rate=0.001)
    assert liquidation.result.liquidation_price == pytest.approx(20_000 * 1.1 / 1.006)
    text = liquidation.summary.value
    for price in (liquidation.result.warning_price, liquidation.result.liquidation_price, 22_000):
        assert f"{price:,.2f}" in text
    assert f"({(1.1 / 1.006 - 1) * 100:.2f} % from entry)" in text


def test_each_liquidation_control_changes_the_figure(liquidation):
    liquidation.set(venue="custom", side="long", leverage=10, maintenance_rate=0.005, fee_rate=0.0, basis="mark")
    moves = (("side", "short"), ("leverage", 20), ("maintenance_rate", 0.01), ("fee_rate", 0.0008),
             ("basis", "entry"), ("venue", "hyperliquid"))
    for name, value in moves:
        before = liquidation.figure_info()
        liquidation.set(**{name: value})
        assert liquidation.status_text == "", name
        assert liquidation.figure_info() != before, name


def test_a_venue_preset_locks_its_rates_and_brings_its_fee(liquidation):
    liquidation.set(venue="custom", side="long", leverage=50, fee_rate=0.0)
    liquidation.set(venue="bybit")
    rate, basis, fee = (liquidation.controls[n] for n in ("maintenance_rate", "basis", "fee_rate"))
    assert (rate.value, rate.disabled, basis.value, basis.disabled) == (0.005, True, "entry", True)
    assert fee.value == 0.00055 and not fee.disabled
    liquidation.set(fee_rate=0.0)
    assert liquidation.result.liquidation_price == pytest.approx(19_700)  # REFERENCE.md §1, Bybit
    liquidation.set(venue="custom")
    assert not rate.disabled and not basis.disabled


def test_the_gate_preset_counts_its_taker_fee_once(liquidation):
    # Gate help 27724: P_liq = (EP − M/Q) / (1 − (MMR + taker fee)); the preset's rate holds both.
    liquidation.set(venue="gate", side="long", leverage=10)
    assert liquidation.controls["fee_rate"].value == 0.0
    rate = 0.005 + 0.00075
    assert liquidation.result.liquidation_price == pytest.approx((20_000 - 2_000) / (1 - rate))
    liquidation.set(venue="custom")


def test_a_refused_liquidation_setting_shows_in_the_status_line(liquidation):
    liquidation.set(venue="custom", side="long", leverage=10, maintenance_rate=0.005, fee_rate=0.0, basis="mark")
    shown = _png(liquidation)
    liquidation.set(maintenance_rate=0.15)  # above 1/leverage = 10 %
    assert "below the initial margin rate 1/leverage = 0.1 at leverage 10" in liquidation.status_text
    assert _png(liquidation) == shown
    liquidation.set(maintenance_rate=0.005, venue="hyperliquid", leverage=50)
    assert "leverage must be in (0, 40]" in liquidation.status_text  # BTC's maximum on Hyperliquid
    liquidation.set(leverage=20)
    assert liquidation.status_text == "" and liquidation.result.venue_name == "Hyperliquid"


# ---- self-checks --------------------------------------------------------------------------------


def _quiz():
    return multiple_choice(
        "At 10x, how far can the price fall before liquidation?",
        ["exactly 10 %", "a little less than 10 %", "more than 10 %"],
        answer="a little less than 10 %",
        explanation="Liquidation comes while the maintenance margin is still there: about 1/L − r.",
        why_not={"exactly 10 %": "10 % wipes out all the collateral: that is the bankruptcy price."},
    )


def test_multiple_choice_judges_wrong_and_right_answers():
    quiz = _quiz()
    assert quiz.check() == quiz.last and not quiz.last.correct and "Choose an option first" in quiz.last.message
    quiz.choose("exactly 10 %")
    wrong = quiz.check()
    assert not wrong.correct and "bankruptcy price" in wrong.message and "a little less than 10 %" in wrong.message
    assert "&#10008;" in quiz.feedback.value
    quiz.choose("more than 10 %")
    assert "bankruptcy" not in quiz.check().message
    quiz.choose("a little less than 10 %")
    quiz.button.click()  # what the browser's click does
    assert quiz.last.correct and quiz.last.message.startswith("Correct")
    assert "&#10004;" in quiz.feedback.value


def test_multiple_choice_refuses_malformed_questions_and_choices():
    with pytest.raises(ValueError, match="answer must be one of the options"):
        multiple_choice("Q?", ["a", "b"], answer="c", explanation="x")
    with pytest.raises(ValueError, match="different"):
        multiple_choice("Q?", ["a", "a"], answer="a", explanation="x")
    with pytest.raises(ValueError, match="option must be one of"):
        _quiz().choose("10 %")


def test_a_quiz_handle_has_a_stable_text_and_labelled_controls():
    quiz = _quiz()
    bundle = quiz._repr_mimebundle_()
    question = "At 10x, how far can the price fall before liquidation?"
    assert bundle["text/plain"] == f"Multiple choice: {question} (3 options)"
    assert bundle[WIDGET_VIEW]["model_id"] == quiz.view.model_id
    for control in (quiz.radio, quiz.button):
        assert control.description and control.tooltip


def test_predict_then_run_reveals_the_result_only_after_running():
    from margin_lab import liquidation_path
    from margin_lab.plots import draw_liquidation_path

    with_fee = liquidation_path("long", leverage=20, fee_rate=0.001)
    check = predict_then_run("Does a closing fee move liquidation toward the entry?", ["toward", "away"],
                             answer="toward", reveal=with_fee, draw=draw_liquidation_path)
    assert check.result_text.value == "" and check.output.outputs == ()
    check.choose("away")
    verdict = check.check()
    assert not verdict.correct and "the run shows “toward”" in verdict.message
    assert f"{with_fee.liquidation_price:,.2f}" in check.result_text.value
    assert check.output.outputs[0]["data"]["text/plain"] == "<Figure size 720x360 with 1 Axes>"
    check.choose("toward")
    assert check.check().correct


def test_predict_then_run_accepts_a_function_or_text_and_refuses_anything_else():
    calls = []
    check = predict_then_run("Q?", ["a", "b"], answer="a", reveal=lambda: calls.append(1) or "It was a.")
    assert calls == []
    check.choose("a")
    assert check.check().correct and calls == [1] and "It was a." in check.result_text.value
    with pytest.raises(TypeError, match="reveal must be"):
        predict_then_run("Q?", ["a", "b"], answer="a", reveal=42)


def test_factories_refuse_starting_values_their_controls_cannot_hold():
    with pytest.raises(ValueError, match=r"value must be one of \['custom'"):
        liquidation_explorer(venue="ftx")
    with pytest.raises(ValueError, match=r"value must be in \[1, 100\] for the slider 'Leverage \(x\)', got 150"):
        leverage_explorer(leverage=150)


def test_an_explorer_keeps_its_first_layout_when_a_control_moves():
    import base64

    from margin_lab.widgets import liquidation_explorer

    explorer = liquidation_explorer()
    figure = explorer._figure.figure
    first = [tuple(ax.get_position().bounds) for ax in figure.axes]
    explorer.set(leverage=25)
    assert first and [tuple(ax.get_position().bounds) for ax in figure.axes] == first
    png = base64.b64decode(explorer.output.outputs[0]["data"]["image/png"])
    assert png.startswith(b"\x89PNG") and explorer.figure_info().title


# ---- factory arguments refused by name (issue 12, part 4) -------------------------------------


def _factories():
    from margin_lab import widgets

    return {
        "leverage_explorer": widgets.leverage_explorer,
        "isolated_setup_explorer": widgets.isolated_setup_explorer,
        "liquidation_explorer": widgets.liquidation_explorer,
        "cross_explorer": widgets.cross_explorer,
        "mode_choice_explorer": widgets.mode_choice_explorer,
        "position_manager_explorer": widgets.position_manager_explorer,
        "venue_explorer": widgets.venue_explorer,
        "portfolio_planner_explorer": widgets.portfolio_planner_explorer,
    }


@pytest.mark.parametrize("factory, argument, value, kind", [
    ("leverage_explorer", "leverage", "10", "a real number"),  # used to fail with "'<=' not supported"
    ("leverage_explorer", "mark_price", None, "a real number"),
    ("leverage_explorer", "side", 1, "a string"),
    ("isolated_setup_explorer", "collateral", "2000", "a real number"),
    ("liquidation_explorer", "maintenance_rate", [0.005], "a real number"),
    ("liquidation_explorer", "venue", None, "a string"),
    ("cross_explorer", "margin", "2k", "a real number"),
    ("mode_choice_explorer", "days", "30", "a real number"),
    ("position_manager_explorer", "funding_rate", "0.01%", "a real number"),
    ("venue_explorer", "size", True, "a real number"),
    ("portfolio_planner_explorer", "budget", "1500", "a real number"),
])
def test_a_widget_factory_refuses_a_wrong_type_by_argument_name(factory, argument, value, kind):
    with pytest.raises(TypeError, match=rf"^{argument} must be {kind}, got {value!r}".replace("[", r"\[").replace("]", r"\]")):
        _factories()[factory](**{argument: value})


@pytest.mark.parametrize("factory", ["isolated_setup_explorer", "liquidation_explorer"])
def test_a_widget_fee_typed_as_a_percent_is_refused_with_the_hint(factory):
    with pytest.raises(ValueError, match=r"^fee_rate must be in \[0, 0.01\] .*got 0.05: a percent typed as a fraction"):
        _factories()[factory](fee_rate=0.05)
