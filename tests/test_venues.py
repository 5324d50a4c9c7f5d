"""Tests for margin_lab.venues: every preset is complete, sourced and consistent with the formulas."""

from __future__ import annotations

import pytest

from margin_lab import liquidation_price
from margin_lab.model import Basis, MarginMode
from margin_lab.venues import VENUES, maintenance_for, venue


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
    # REFERENCE.md §2: MMR = 1/(2·L_max): 1 % at 50x.
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
