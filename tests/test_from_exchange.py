"""Reading and explaining a CCXT unified position dict (no ccxt dependency: dicts written here).

The Bybit-like dict is REFERENCE.md §1's worked example (long 1 BTC at 20,000, 50x, MMR 0.5 %,
liquidation 19,700); the Binance one is §1's ETHUSDT example (1,114.78 with cum 135,365).
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from margin_lab.account import Account
from margin_lab.from_exchange import Explanation, explain_position, position_from_ccxt, position_to_ccxt
from margin_lab.margin import liquidation_price
from margin_lab.model import Basis, MarginMode, Side

BYBIT = {
    "symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1, "contractSize": 1, "entryPrice": 20_000,
    "markPrice": 20_000, "notional": 20_000, "leverage": 50, "collateral": 400, "initialMargin": 400,
    "maintenanceMargin": 100, "maintenanceMarginPercentage": 0.005, "unrealizedPnl": 0,
    "liquidationPrice": 19_700, "marginMode": "isolated", "marginRatio": 0.25,
}

BINANCE_ETH = {
    "symbol": "ETH/USDT:USDT", "side": "long", "contracts": 3_683.979, "entryPrice": 1_456.84,
    "collateral": 1_535_443.01, "maintenanceMarginPercentage": 0.10, "liquidationPrice": 1_114.78,
    "marginMode": "isolated",
}


def without(d, *keys):
    return {k: v for k, v in d.items() if k not in keys}


def test_bybit_example_is_explained_in_plain_words_and_agrees_on_the_entry_basis():
    explanation = explain_position(BYBIT)
    assert explanation.basis is Basis.ENTRY and explanation.agree
    assert explanation.summary() == (
        "Your exchange says 19,700; margin_lab computes 19,700.00 from collateral 400 and maintenance "
        "0.5 % on the entry value: they agree (0.00 %)."
    )


def test_forcing_the_mark_basis_still_agrees_within_a_tenth_of_a_percent():
    # Mark basis: (20,000 − 400) / (1 − 0.005) = 19,698.49, 0.0077 % from Bybit's 19,700.
    explanation = explain_position(BYBIT, basis="mark")
    assert explanation.computed_price == pytest.approx(19_600 / 0.995)
    assert explanation.agree and explanation.alternative_price == pytest.approx(19_700)


def test_reading_the_bybit_dict_keeps_the_exchange_numbers():
    p = position_from_ccxt(BYBIT)
    assert (p.side, p.size, p.collateral, p.leverage) == (Side.LONG, 1, 400, 50)
    assert (p.initial_margin, p.maintenance_margin, p.liquidation_price) == (400, 100, 19_700)
    assert p.margin_level == pytest.approx(4) and p.margin_mode is MarginMode.ISOLATED


def test_missing_optional_fields_are_recomputed_independently():
    minimal = {"symbol": "X", "side": "short", "contracts": 4, "contractSize": 0.5, "entryPrice": 100,
               "markPrice": 110, "collateral": 40, "maintenanceMarginPercentage": 0.01}
    p = position_from_ccxt(minimal)
    assert p.size == 2  # contracts × contractSize
    assert p.unrealized_pnl == pytest.approx(-20)  # short 2 from 100 to 110
    assert p.maintenance_margin == pytest.approx(2.2)  # 1 % of 2 × 110
    assert p.leverage == pytest.approx(5)  # 200 of entry value on 40
    assert p.liquidation_price == pytest.approx((100 + 40 / 2) / 1.01)  # REFERENCE.md §1, short
    assert p.margin_level == pytest.approx((40 - 20) / 2.2)


def test_collateral_can_come_from_the_initial_margin_or_the_leverage():
    by_leverage = without(BYBIT, "collateral", "initialMargin")
    assert position_from_ccxt(by_leverage).collateral == pytest.approx(400)
    by_initial = without(BYBIT, "collateral", "leverage")
    assert position_from_ccxt(by_initial).collateral == 400


def test_the_rate_can_come_from_the_maintenance_margin():
    p = position_from_ccxt(without(BYBIT, "maintenanceMarginPercentage"))
    assert p.maintenance_rate == pytest.approx(0.005)


def test_numeric_strings_are_read_as_exchanges_send_them():
    p = position_from_ccxt({**BYBIT, "contracts": "1", "entryPrice": "20000", "liquidationPrice": "19700"})
    assert (p.size, p.entry_price, p.liquidation_price) == (1, 20_000, 19_700)


@pytest.mark.parametrize("key", ["symbol", "side", "contracts", "entryPrice"])
def test_a_missing_required_key_is_named(key):
    with pytest.raises(ValueError, match=f"{key} is missing"):
        position_from_ccxt(without(BYBIT, key))


def test_missing_collateral_and_rate_are_named():
    with pytest.raises(ValueError, match="collateral is missing"):
        position_from_ccxt(without(BYBIT, "collateral", "initialMargin", "leverage"))
    with pytest.raises(ValueError, match="maintenanceMarginPercentage is missing"):
        position_from_ccxt(without(BYBIT, "maintenanceMarginPercentage", "maintenanceMargin"))


@pytest.mark.parametrize("key, value", [("side", "buy"), ("contracts", -1), ("entryPrice", float("nan")),
                                        ("marginMode", "portfolio"), ("maintenanceMarginPercentage", 0.5 * 100),
                                        ("entryPrice", "twenty")])
def test_bad_values_are_refused_naming_the_key(key, value):
    with pytest.raises((ValueError, TypeError), match=key):
        position_from_ccxt({**BYBIT, key: value})


def test_not_a_dict_is_a_type_error():
    with pytest.raises(TypeError, match="dict"):
        position_from_ccxt([("symbol", "X")])


def test_account_positions_survive_a_round_trip_through_ccxt_keys():
    acct = Account(10_000)
    acct.open_isolated("BTC", "long", 0.5, 20_000, collateral=1_000, maintenance=0.005, leverage=10)
    acct.open_cross("ETH", "short", 3, 1_500, maintenance=0.01, leverage=20)
    acct.set_marks({"BTC": 19_500, "ETH": 1_560})
    for original in acct.positions.values():
        back = position_from_ccxt(position_to_ccxt(original))
        assert back.margin_level == pytest.approx(original.margin_level, rel=1e-12)
        assert back == original.__class__(**{**vars(original), "margin_level": back.margin_level, "opened_at": 0})


def test_binance_example_without_its_maintenance_amount_disagrees_and_names_tiers():
    # Binance's 1,114.78 uses the tier's amount (cum 135,365), which the CCXT dict does not carry.
    explanation = explain_position(BINANCE_ETH)
    assert not explanation.agree and explanation.difference > 0.001
    assert any(reason.startswith("tiers") for reason in explanation.reasons)
    text = explanation.summary()
    assert "they differ by" in text and "Likely reasons:" in text
    with_cum = liquidation_price("long", 1_456.84, 3_683.979, 1_535_443.01, 0.10, maintenance_amount=135_365)
    assert with_cum == pytest.approx(1_114.78, abs=0.005)


def test_an_exchange_price_closer_to_the_entry_points_first_at_fees():
    # Gate-style: the taker fee adds to the rate, so the exchange liquidates earlier than margin_lab.
    gate_like = {**BYBIT, "liquidationPrice": liquidation_price("long", 20_000, 1, 400, 0.005, fee_rate=0.00075)}
    explanation = explain_position(gate_like, basis="mark", tolerance=0.0001)
    assert not explanation.agree and explanation.reasons[0].startswith("fees")


def test_a_cross_position_points_first_at_cross_collateral():
    cross = {**BYBIT, "marginMode": "cross", "liquidationPrice": 15_000}
    explanation = explain_position(cross)
    assert explanation.margin_mode is MarginMode.CROSS
    assert explanation.reasons[0].startswith("cross collateral")


def test_no_exchange_price_is_said_plainly():
    text = explain_position(without(BYBIT, "liquidationPrice")).summary()
    assert text.startswith("Your exchange gives no liquidation price; margin_lab computes 19,698.49")


def test_explanation_is_frozen():
    explanation = explain_position(BYBIT)
    assert isinstance(explanation, Explanation)
    with pytest.raises(FrozenInstanceError):
        explanation.agree = False  # type: ignore[misc]
