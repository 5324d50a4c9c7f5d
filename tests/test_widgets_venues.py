"""Lesson 7: one position on every venue preset (compute, figure, explorer).

The liquidation prices are derived here by hand from REFERENCE.md §1 (mark basis:
P = (EP − s·(M + cum)/Q) / (1 − s·r); entry basis: P = EP − s·(M − r·Q·EP + cum)/Q; Kraken spot:
r = 0.4 / L on the entry value) and checked against the Account engine, which liquidates the
same position just past that price and not just before it, and takes the whole collateral or
leaves the cushion as the venue's rule says.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account, venue
from margin_lab.plots import render
from margin_lab.plots.venues import draw_venue_comparison
from margin_lab.studies.venues import COMPARED_VENUES, VenueTable, venue_comparison, venue_label
from margin_lab.venues import BINANCE_EXAMPLE_BRACKETS
from margin_lab.widgets import venue_explorer

FAST = settings(max_examples=100, deadline=None)
EP = 20_000.0

# (rate, cum, basis) of the first tier of each preset, from REFERENCE.md §1-§2 and docs/reference.md §6,
# typed here.
FIRST_TIER = {
    "kraken_derivatives": (0.01, 0.0, "mark"),
    "binance_usdm": (0.004, 0.0, "mark"),  # BTCUSDT's first bracket (snapshot 2024-10-24), below 50,000
    "bybit": (0.005, 0.0, "entry"),
    "bitmex": (0.01, 0.0, "entry"),
    "hyperliquid": (0.0125, 0.0, "mark"),  # 1 / (2 × 40), BTC's margin tiers
}


def _by_hand(side: str, size: float, collateral: float, rate: float, cum: float, basis: str) -> float:
    s = 1 if side == "long" else -1
    if basis == "mark":
        return (EP - s * (collateral + cum) / size) / (1 - s * rate)
    return EP - s * (collateral - rate * size * EP + cum) / size


@pytest.fixture(scope="module")
def explorer():
    return venue_explorer()


# ---- compute ------------------------------------------------------------------------------------


def test_the_comparison_covers_every_preset_but_the_generic_one_in_the_venues_order():
    assert COMPARED_VENUES == ("kraken_spot", "kraken_derivatives", "binance_usdm", "bybit", "bitmex", "hyperliquid")
    assert [r.key for r in venue_comparison().rows] == list(COMPARED_VENUES)


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("leverage", [2, 5, 10, 20])
def test_each_venue_liquidates_where_the_formula_worked_by_hand_says(side, leverage):
    c = venue_comparison(side, leverage=leverage)
    collateral = EP / leverage
    assert c.collateral == pytest.approx(collateral)
    for key, (rate, cum, basis) in FIRST_TIER.items():
        row = c.row(key)
        assert row.offered and row.basis.value == basis
        assert row.liquidation_price == pytest.approx(_by_hand(side, 1, collateral, rate, cum, basis))
        s = 1 if side == "long" else -1
        assert row.liquidation_distance == pytest.approx(s * (EP - row.liquidation_price) / EP)
        assert row.bankruptcy_price == pytest.approx(EP - s * collateral)
    spot = c.row("kraken_spot")
    if leverage <= 5:  # 40 % of the used margin EP / L: EP·(1 − 0.6/L) for a long
        assert spot.liquidation_price == pytest.approx(EP * (1 - s * 0.6 / leverage))
    else:
        assert not spot.offered and spot.reason == "above its 5x maximum"


def test_the_bybit_worked_example_gives_19_700():
    # REFERENCE.md §1: long 1 BTC at 20,000, 50x, 0.5 % of the entry value -> 19,700, MM 100.
    row = venue_comparison("long", leverage=50).row("bybit")
    assert row.liquidation_price == 19_700.0 and row.cushion == pytest.approx(100.0)


def test_a_large_binance_position_falls_in_a_higher_tier_and_liquidates_sooner():
    small = venue_comparison("long", leverage=5, size=1).row("binance_usdm")
    big = venue_comparison("long", leverage=5, size=120).row("binance_usdm")
    # BTCUSDT: at the liquidation notional (about 1.93 million) the 600,000 floor applies: 0.65 %, cum 950.
    assert big.maintenance_rate == 0.0065 and big.maintenance_amount == pytest.approx(950)
    assert big.liquidation_price == pytest.approx(_by_hand("long", 120, 480_000, 0.0065, 950, "mark"))
    assert big.liquidation_price == pytest.approx(16_096.71, abs=0.01)
    assert big.liquidation_distance < small.liquidation_distance


def test_a_venue_refuses_what_its_maximum_or_its_bracket_does_not_allow():
    # 6,000 BTC at 20,000 = 120 million USDT: BTCUSDT's 100,000,000 bracket allows at most 10x.
    c = venue_comparison("long", leverage=20, size=6_000)
    binance = c.row("binance_usdm")
    assert not binance.offered and binance.reason == "above its 10x maximum at this size"
    assert binance.liquidation_price is None and binance.cushion is None
    assert venue_comparison("long", leverage=10, size=6_000).row("binance_usdm").offered
    assert "Not offered: Kraken spot margin (above its 5x maximum); Binance USDS-M" in c.summary()
    # 120 BTC at 5x (2.4 million) is in the 75x bracket: offered.
    assert venue_comparison("long", leverage=5, size=120).row("binance_usdm").offered


def test_a_bracket_whose_maintenance_reaches_the_collateral_is_refused_and_the_engine_agrees():
    ada = replace(venue("binance_usdm"), maintenance=BINANCE_EXAMPLE_BRACKETS, max_leverage=20.0)
    c = venue_comparison("long", leverage=20, size=120, venues=[ada])
    (row,) = c.rows
    assert not row.offered and row.reason.startswith("maintenance 25 % at this size")
    account = Account(1_000_000, venue=ada)
    with pytest.raises(ValueError):
        account.open_isolated("ADAUSDT", "long", 120, EP, collateral=120_000, maintenance=None, leverage=20)


@pytest.mark.parametrize("key", ["kraken_derivatives", "binance_usdm", "bybit", "bitmex", "hyperliquid"])
@pytest.mark.parametrize("side", ["long", "short"])
def test_the_account_engine_liquidates_at_the_compared_price_and_keeps_or_takes_the_cushion(key, side):
    row = venue_comparison(side, leverage=5).row(key)
    s = 1 if side == "long" else -1
    preset = replace(venue(key), opening_fee_rate=0.0)

    def opened():
        account = Account(10_000, venue=preset)
        account.open_isolated("X", side, 1, EP, collateral=4_000, maintenance=None, leverage=5)
        return account

    safe = opened()
    assert [e.kind for e in safe.update({"X": row.liquidation_price + s * 1.0})] == ["margin_call"]
    gone = opened()
    past = row.liquidation_price - s * 1.0
    (event,) = [e for e in gone.update({"X": past}) if e.kind == "liquidation"]
    left = 4_000 + s * (past - EP)
    assert row.cushion == pytest.approx(4_000 + s * (row.liquidation_price - EP))
    assert event.loss == pytest.approx(4_000 if row.cushion_forfeited else 4_000 - left)
    # Returned where the venue's liquidation order leaves the rest with the trader: Kraken
    # derivatives (its IOC order) and Hyperliquid (market liquidation, no clearance fee).
    assert row.cushion_fate == ("returned" if key in ("kraken_derivatives", "hyperliquid") else "forfeited")


def test_kraken_spot_reads_as_an_account_holding_only_its_used_margin():
    row = venue_comparison("long", leverage=5).row("kraken_spot")
    preset = replace(venue("kraken_spot"), opening_fee_rate=0.0)
    account = Account(4_000, venue=preset)  # the used margin, Q·EP / L, is all the account holds
    account.open_cross("XBTUSD", "long", 1, EP, maintenance=0.4 / 5, leverage=5)
    assert account.liquidation_price("XBTUSD") == pytest.approx(row.liquidation_price) == pytest.approx(17_600)
    assert row.modes == "account-wide only (no isolated mode)"
    with pytest.raises(ValueError, match="not available on Kraken spot margin"):
        account.open_isolated("ETHUSD", "long", 0.1, 2_000, collateral=100, maintenance=0.08, leverage=2)


@FAST
@given(leverage=st.integers(1, 40), size=st.floats(0.01, 200))
def test_a_long_and_a_short_mirror_each_other_on_mark_basis_venues(leverage, size):
    long, short = venue_comparison("long", leverage=leverage, size=size), venue_comparison("short", leverage=leverage,
                                                                                              size=size)
    collateral = size * EP / leverage
    for key, rate in (("kraken_derivatives", 0.01), ("hyperliquid", 0.0125)):
        a, b = long.row(key), short.row(key)
        if leverage == 1:
            assert a.liquidation_price is None and a.liquidation_distance == 1.0
        else:
            assert a.liquidation_price * (1 - rate) == pytest.approx(EP - collateral / size)
        assert b.liquidation_price * (1 + rate) == pytest.approx(EP + collateral / size)


def test_the_venue_that_liquidates_first_and_last_are_named_in_the_summary():
    c = venue_comparison("long", leverage=20)
    assert c.first.key == "hyperliquid" and c.last.key == "binance_usdm"
    assert c.first.liquidation_price == pytest.approx(_by_hand("long", 1, 1_000, 0.0125, 0, "mark"))
    assert c.last.liquidation_price == pytest.approx(_by_hand("long", 1, 1_000, 0.004, 0, "mark"))
    text = c.summary()
    assert f"Liquidated first on Hyperliquid at {c.first.liquidation_price:,.2f}" in text
    assert f"last on Binance USDS-M at {c.last.liquidation_price:,.2f}" in text
    assert "the collateral is gone after a 5 % fall on every venue" in text


def test_tables_show_as_markdown_and_aligned_text():
    c = venue_comparison("long", leverage=5)
    prices, modes = c.price_table(), c.mode_table()
    assert isinstance(prices, VenueTable)
    markdown = prices._repr_markdown_().splitlines()
    assert markdown[0].startswith("| venue | max leverage | maintenance |") and len(markdown) == 2 + 6
    assert "| Bybit USDT | 100x | 0.5 % | entry | 16,100.00 | 19.5 % | 100.00 forfeited |" in markdown
    text = str(modes).splitlines()
    column = text[0].index("isolated mode")
    assert [line[column:column + 3].strip() for line in text[1:]] == ["no", "yes", "yes", "yes", "yes", "yes"]
    assert text[5].startswith("BitMEX") and "yes" in text[5].split() and text[5].endswith("funding every 8 h")
    assert text[3].startswith("Binance USDS-M") and "no (refused)" in text[3]
    assert text[1].endswith("0.4 %      rollover fee every 4 h")  # Kraken spot (support 203053156)


def test_a_venue_that_does_not_take_the_position_says_why_in_the_table():
    row = str(venue_comparison("long", leverage=20).price_table()).splitlines()[1]
    assert row.startswith("Kraken spot margin") and row.endswith("not offered (above its 5x maximum)")


def test_selecting_a_venue_spells_out_its_rules_and_sources():
    text = venue_comparison("long", leverage=5, selected="bitmex").summary()
    assert "BitMEX: liquidation at 16,200.00, cushion 200.00 USDT forfeited" in text
    assert "an open position can switch mode" in text and "bitmex.com/app/isolatedMarginExamples" in text


@pytest.mark.parametrize("bad, match", [
    ({"leverage": 0}, "leverage must be a finite number > 0"),
    ({"size": float("nan")}, "size must be a finite number"),
    ({"side": "up"}, "side must be one of"),
    ({"venues": []}, "venues must name at least one preset"),
    ({"venues": ["ftx"]}, "venue must be one of"),
    ({"selected": "generic"}, "selected must be None or one of"),
])
def test_bad_input_is_refused_by_name(bad, match):
    with pytest.raises(ValueError, match=match):
        venue_comparison(**bad)


def test_venue_labels_avoid_a_glyph_the_figure_font_lacks():
    assert [venue_label(k) for k in COMPARED_VENUES] == [
        "Kraken spot margin", "Kraken derivatives", "Binance USDS-M", "Bybit USDT", "BitMEX", "Hyperliquid"]


# ---- figure -------------------------------------------------------------------------------------


def test_the_figure_draws_each_offered_venues_move_and_cushion_up_to_bankruptcy():
    c = venue_comparison("short", leverage=20, selected="bybit")
    info = render(draw_venue_comparison, c).info
    assert info.title == "Short 1 BTC at 20,000, 20x: how far each venue lets the price rise"
    assert info.xlabel == "Price rise from the entry before liquidation (%)" and info.ylabel == "Venue preset"
    moves = info.bar("Move before liquidation (rise)").values
    offered = [r for r in c.offered if r.key != "bybit"]
    assert moves == pytest.approx([100 * r.liquidation_distance for r in offered])
    assert info.bar("Selected: Bybit USDT").values == pytest.approx([100 * c.row("bybit").liquidation_distance])
    cushion = info.bar("Cushion left at liquidation")
    assert [a + b for a, b in zip(cushion.starts, cushion.values)] == pytest.approx([5.0] * len(c.offered))
    assert info.line("Bankruptcy, collateral gone (5 %)").x == (5.0, 5.0)
    assert "not offered: above its 5x maximum" in info.texts


# ---- explorer -----------------------------------------------------------------------------------


def test_the_explorer_shows_a_stable_text_and_has_described_controls(explorer):
    assert repr(explorer) == "Venue comparison explorer (4 controls)"
    for name, control in explorer.controls.items():
        assert control.description.strip() and control.tooltip.strip(), name


def test_each_control_changes_the_figure_and_the_numbers_follow_the_formulas(explorer):
    explorer.set(side="long", leverage=5, size=1, venue="all")
    for name, value in (("side", "short"), ("leverage", 20), ("size", 120.0), ("venue", "hyperliquid")):
        before, text = explorer.figure_info(), explorer.summary.value
        explorer.set(**{name: value})
        assert explorer.figure_info() != before and explorer.summary.value != text, name
        assert explorer.status_text == ""
    row = explorer.result.row("hyperliquid")
    assert row.liquidation_price == pytest.approx(_by_hand("short", 120, 120_000, 0.0125, 0, "mark"))
    assert explorer.figure_info().bar("Selected: Hyperliquid").values == pytest.approx(
        [100 * row.liquidation_distance])
    assert "Hyperliquid docs trading/margin-tiers" in explorer.summary.value
    # 2.4 million USDT on BTCUSDT: the 600,000 bracket, 0.65 % less 950 (75x allowed).
    binance = explorer.result.row("binance_usdm")
    assert binance.offered and binance.maintenance_rate == 0.0065


def test_moving_the_leverage_slider_like_a_browser_renders_again(explorer):
    explorer.set(side="long", leverage=5, size=1, venue="all")
    explorer.controls["leverage"].value = 50
    assert explorer.result.row("bybit").liquidation_price == 19_700.0
    assert "not offered: above its 40x maximum" in explorer.figure_info().texts


def test_the_summary_handles_one_venue_and_no_liquidation_price():
    only = venue_comparison("long", leverage=110).summary()
    # Binance (BTCUSDT, 125x) alone allows 110x: 0.4 % of the mark value, 181.82 collateral.
    price = _by_hand("long", 1, EP / 110, 0.004, 0, "mark")
    assert f"Only Binance USDS-M takes it: liquidated at {price:,.2f}" in only
    whole = venue_comparison("long", leverage=1).summary()
    assert "last on Kraken derivatives at no price (its collateral covers a fall to zero)" in whole
    assert "No venue preset takes" in venue_comparison("long", leverage=126).summary()


def test_a_figure_with_no_venue_taking_the_position_still_draws_and_says_why():
    info = render(draw_venue_comparison, venue_comparison("long", leverage=126)).info
    assert info.bars == () and len(info.texts) == len(COMPARED_VENUES)
    assert all(text.startswith("not offered: above its") for text in info.texts)
