"""The own-book explorer: its figure follows the controls, the progress bar fills, bad settings
show in the status line."""

from __future__ import annotations

import math

import margin_lab as ml
from margin_lab.widgets.own_book import own_book_explorer


def test_the_explorer_draws_every_assignment_and_fills_its_progress_bar():
    explorer = own_book_explorer(n_paths=1_000)
    info = explorer.figure_info()
    assert [bar.label for bar in info.axes[0].bars] == ["all isolated", "BTC cross, ETH isolated",
                                                       "BTC isolated, ETH cross", "all cross"]
    assert explorer.progress.value == explorer.progress.max == 1_000
    assert "Verdict:" in explorer.summary.value and "±" in explorer.summary.value


def test_a_wallet_smaller_than_the_collateral_is_refused_in_the_status_line():
    explorer = own_book_explorer(n_paths=1_000)
    before = explorer.result
    explorer.set(wallet=2_000)
    assert "must fit in the wallet" in explorer.status_text
    assert explorer.result is before


def test_two_legs_never_share_a_coin_and_a_free_wallet_changes_cross():
    explorer = own_book_explorer(n_paths=1_000)
    explorer.set(second_coin="BTC")
    assert [leg.coin for leg in explorer.result.legs] == ["ETH", "BTC"]
    explorer.set(wallet=5_000)
    assert explorer.status_text == ""
    assert explorer.result.all_cross.at_risk == 5_000 and explorer.result.all_isolated.at_risk == 3_000


def test_raising_a_collateral_past_the_wallet_takes_the_wallet_up_with_it():
    explorer = own_book_explorer(n_paths=1_000)
    explorer.set(first_collateral=4_000)
    assert explorer.controls["wallet"].value == 5_500 and explorer.status_text == ""


def test_two_legs_on_one_coin_are_refused_by_the_compute():
    from margin_lab.studies.own_book import two_leg_book
    import pytest

    with pytest.raises(ValueError, match="second_coin must differ"):
        two_leg_book(second_coin="btc", n_paths=1_000)


def test_lesson_06_shows_the_own_book_explorer_so_the_browser_test_moves_its_controls():
    import nbformat
    from pathlib import Path

    lesson = Path(__file__).resolve().parents[1] / "lessons" / "06_choosing_a_mode.ipynb"
    sources = [c.source for c in nbformat.read(str(lesson), as_version=4).cells if c.cell_type == "code"]
    assert "ml.own_book_explorer()" in sources


def test_the_lesson_names_resolve_through_margin_lab():
    assert ml.own_book_explorer is own_book_explorer
    assert ml.OwnLeg("BTC", "long", 10, 1_500).backing(3_000) == 1_500
    assert ml.GAPS.rate == 2.0


def test_the_explorer_states_its_paths_and_errors_in_the_summary():
    explorer = own_book_explorer()
    text = explorer.result.summary()
    assert explorer.result.n_paths == 2_000 and "2,000 paths" in text and "± one standard error" in text


def test_the_panels_hold_every_bar_and_error_bar_on_a_few_fixed_steps():
    from matplotlib.figure import Figure

    from margin_lab.plots.own_book import draw_own_book
    from margin_lab.studies.own_book import two_leg_book

    for book in (two_leg_book(n_paths=1_000), two_leg_book(first_leverage=2, second_leverage=2, n_paths=1_000)):
        axes = Figure().subplots(1, 2, squeeze=False)
        draw_own_book(axes, book)
        for axis, names, scale in ((axes[0, 0], ("any_liquidation", "total_liquidation"), 100.0),
                                   (axes[0, 1], ("expected_loss", "expected_shortfall_95", "expected_shortfall_99"),
                                    1.0)):
            low, high = axis.get_ylim()
            for risk in book.risks:
                for name in names:
                    value, error = scale * getattr(risk, name), 2 * scale * getattr(risk, f"{name}_error")
                    assert low <= value - error and value + error <= high, (name, value, error, low, high)
            for limit in (high, -low):  # 0 or m·10^k with m in 1, 2, 2.5, 5
                if limit:
                    mantissa = limit / 10 ** math.floor(math.log10(limit))
                    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10)), (low, high)
