"""Tests for margin_lab.venues: every preset is complete, sourced and consistent with the formulas."""

from __future__ import annotations

import pytest

from margin_lab import liquidation_price
from margin_lab.model import Basis, MarginMode
from margin_lab.venues import BINANCE_EXAMPLE_BRACKETS, VENUES, maintenance_for, venue


@pytest.mark.parametrize("key", sorted(VENUES))
def test_every_preset_cites_sources_and_says_what_it_models_and_leaves_out(key):
    preset = VENUES[key]
    assert preset.sources and all(s.strip() for s in preset.sources)
    assert preset.models and preset.leaves_out
    assert preset.checked
    assert preset.warning_level > 1
    assert preset.cross_liquidation in ("all", "oldest_first")


@pytest.mark.parametrize("key", sorted(VENUES))
def test_maintenance_stays_below_the_initial_rate_at_the_maximum_leverage(key):
    preset = VENUES[key]
    schedule = maintenance_for(preset, leverage=preset.max_leverage)
    assert schedule.tiers[0].rate < 1 / preset.max_leverage


def test_hyperliquid_maintenance_is_half_the_initial_margin_at_maximum_leverage():
    # REFERENCE.md §2: MMR = 1/(2·L_max): 1.25 % for BTC at 40x (docs, trading/margin-tiers).
    preset = venue("hyperliquid")
    assert maintenance_for(preset).rate(0) == pytest.approx(1 / (2 * preset.max_leverage))


def test_bybit_preset_reproduces_the_bybit_worked_example():
    preset = venue("bybit")
    rate = maintenance_for(preset).rate(20_000)
    assert preset.basis is Basis.ENTRY
    assert liquidation_price("long", 20_000, 1, 400, rate, basis=preset.basis) == pytest.approx(19_700)


def test_kraken_spot_liquidates_at_forty_percent_margin_level():
    # Used margin = cost / leverage; liquidation at 40 % of it = maintenance on the entry value.
    schedule = maintenance_for("kraken_spot", leverage=5)
    used_margin = 20_000 / 5
    assert schedule.margin(20_000) == pytest.approx(0.4 * used_margin)
    assert venue("kraken_spot").isolated_available is False


def test_mode_switching_rules_match_the_reference():
    # REFERENCE.md §3: refused on Binance, Bybit, Hyperliquid; allowed on BitMEX.
    assert venue("bitmex").can_switch_open_position
    for key in ("binance_usdm", "bybit", "hyperliquid"):
        assert not venue(key).can_switch_open_position
    assert venue("kraken_derivatives").default_mode is MarginMode.CROSS


def test_cushion_rules_match_the_issue():
    assert venue("bitmex").cushion_forfeited
    # Hyperliquid's market liquidation leaves the cushion with the trader (trading/liquidations);
    # only the backstop, which the preset leaves out, keeps it.
    assert not venue("hyperliquid").cushion_forfeited
    assert not venue("kraken_derivatives").cushion_forfeited


def test_unknown_venue_names_the_choices():
    with pytest.raises(ValueError, match="venue must be one of"):
        venue("ftx")


def test_kraken_spot_needs_a_leverage_in_range():
    with pytest.raises(ValueError, match="leverage"):
        maintenance_for("kraken_spot")
    with pytest.raises(ValueError, match="leverage"):
        maintenance_for("kraken_spot", leverage=10)


# ---- per-symbol presets (venue(key, symbol)) ----------------------------------------------------


def test_btcusdt_starts_at_0_4_percent_and_125x():
    # Binance's brackets endpoint, snapshot 2024-10-24: bracket 1 of BTCUSDT is 0.4 % up to 125x.
    btc = venue("binance_usdm", "BTCUSDT")
    assert btc.symbol == "BTCUSDT" and btc.max_leverage == 125.0
    assert btc.maintenance.rate(0) == 0.004 and btc.maintenance.amount(0) == 0.0
    assert venue("binance_usdm", "BTC/USDT:USDT") == btc  # CCXT's unified symbol


def test_hyperliquid_btc_is_40x_with_half_the_initial_rate_as_maintenance():
    # Hyperliquid docs, trading/margin-tiers: BTC 40x up to 150M USDC, 20x above; MMR = 1/(2·max).
    btc = venue("hyperliquid", "BTC")
    assert btc.max_leverage == 40.0 and btc.maintenance.rate(0) == pytest.approx(1 / 80) == 0.0125
    assert btc.maintenance.rate(150_000_000) == pytest.approx(1 / 40)
    # The deduction at the 150M floor keeps the requirement continuous: 150M·(1/40 − 1/80).
    assert btc.maintenance.amount(150_000_000) == pytest.approx(150_000_000 * (1 / 40 - 1 / 80))
    assert venue("hyperliquid", "ETH/USDC:USDC").max_leverage == 25.0
    assert venue("hyperliquid", "SOL").max_leverage == 20.0


def test_without_a_symbol_the_preset_is_the_teaching_default_and_says_so():
    for key in VENUES:
        preset = venue(key)
        assert preset.symbol is None and "teaching default" in preset.description
    assert "Teaching default" in venue("binance_usdm").notes and "Teaching default" in venue("hyperliquid").notes
    assert venue("binance_usdm", "ETHUSDT").description.startswith("Binance USDⓈ-M futures, market ETHUSDT")
    for key, symbol in (("binance_usdm", "ETHUSDT"), ("hyperliquid", "ETH")):
        market = venue(key, symbol)
        assert market.notes.startswith(f"Market {symbol}: its real maximum leverage")
        assert "Teaching default" not in market.notes


def test_an_unknown_symbol_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"symbol must be one of \['BTCUSDT', 'ETHUSDT', 'SOLUSDT'\]"):
        venue("binance_usdm", "DOGEUSDT")
    with pytest.raises(ValueError, match=r"symbol must be one of \['BTC', 'ETH', 'SOL', 'XRP'\].*got 'BTCUSDT'"):
        venue("hyperliquid", "BTCUSDT")
    with pytest.raises(ValueError, match="symbol must be None for Bybit USDT contracts"):
        venue("bybit", "BTCUSDT")
    with pytest.raises(TypeError, match="symbol must be a str"):
        venue("binance_usdm", 1)


def test_120_btc_at_5x_is_allowed_by_btcusdt_brackets_and_a_size_past_its_tier_is_not():
    # Lesson 7: 120 BTC at 20,000 = 2.4 million USDT, BTCUSDT's bracket 3 (600,000 to 3 million) allows 75x.
    btc = venue("binance_usdm", "BTCUSDT").maintenance
    tier = btc.tier(120 * 20_000)
    assert (tier.floor_notional, tier.rate, tier.max_leverage) == (600_000, 0.0065, 75.0)
    assert 5 <= tier.max_leverage
    # 6,000 BTC (120 million) is in bracket 7: at most 10x, so 20x is refused there.
    assert btc.tier(6_000 * 20_000).max_leverage == 10.0
    # Binance's worked example brackets (ADA/BUSD) would put 2.4 million at 25 %: at most 4x by its rate.
    assert 1 / BINANCE_EXAMPLE_BRACKETS.rate(120 * 20_000) == 4.0


def test_gate_counts_the_taker_fee_in_the_liquidation_rate():
    # Gate help 27724: P_liq = (EP − M/Q) / (1 − (MMR + taker fee)) for a long.
    gate = venue("gate")
    rate = gate.extra["maintenance_rate"] + gate.extra["fee_in_rate"]
    assert maintenance_for(gate).rate(0) == pytest.approx(rate)
    assert gate.taker_fee_rate == gate.extra["fee_in_rate"]
    expected = (20_000 - 2_000 / 1) / (1 - rate)
    assert liquidation_price("long", 20_000, 1, 2_000, maintenance_for(gate).rate(0)) == pytest.approx(expected)


def test_market_symbols_lists_the_markets_a_venue_has_data_for():
    from margin_lab.venues import market_symbols

    assert market_symbols("binance_usdm") == ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
    assert market_symbols("hyperliquid") == ["BTC", "ETH", "SOL", "XRP"]
    assert market_symbols("kraken_spot") == []
