"""Reading and explaining a CCXT unified position dict (no ccxt dependency: dicts written here).

The Bybit-like dict is REFERENCE.md §1's worked example (long 1 BTC at 20,000, 50x, MMR 0.5 %,
liquidation 19,700); the Binance one is §1's ETHUSDT example (1,114.78 with cum 135,365).
"""

from __future__ import annotations

import json
import pathlib
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


# --- Real records as CCXT parses them (tests/data/ccxt_positions.json) --------------------------------------
# Expected prices are derived here by hand from the venue's raw reply (``info``) and REFERENCE.md §1/§1b,
# not from margin_lab's output.

FIXTURES = {f["id"]: f for f in json.loads((pathlib.Path(__file__).parent / "data" / "ccxt_positions.json")
                                            .read_text(encoding="utf-8"))["positions"]}


def fixture(name):
    f = FIXTURES[name]
    return f["record"], f["venue"], f["record"]["info"]


def linear_mark(side, entry, size, backing, rate, amount=0.0):
    s = 1 if side == "long" else -1  # REFERENCE.md §1: P = (EP − s·(M + cum)/Q) / (1 − s·r)
    return (entry - s * (backing + amount) / size) / (1 - s * rate)


def inverse_mark(side, entry, size_usd, backing, rate):
    s = 1 if side == "long" else -1  # REFERENCE.md §1b: P = Q·(s + r) / (M + s·Q/EP)
    return size_usd * (s + rate) / (backing + s * size_usd / entry)


def test_fixtures_come_from_at_least_five_venues_and_each_says_where_it_came_from():
    assert len({f["venue"] for f in FIXTURES.values()}) >= 5
    for f in FIXTURES.values():
        assert len(f["source"]) > 40 and len(f["parsed_by_hand"]) > 40, f["id"]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_record_crashes_and_none_agrees_by_construction_without_saying_so(name):
    record, venue, _ = fixture(name)
    try:
        explanation = explain_position(record, venue)
    except ValueError as error:  # only for a record that lacks a key: the message names it
        assert "is missing from the position dict" in str(error)
        return
    text = explanation.summary()
    if explanation.agree is None and explanation.exchange_price is not None:
        assert "depends on the whole account" in text and "wallet_balance=" in text
    if not explanation.independent:
        assert "by construction" in text


def test_binance_isolated_collateral_is_the_wallet_without_the_unrealised_pnl():
    record, venue, info = fixture("binance_usdm_isolated_btcusdt_long")
    margin = float(info["isolatedMargin"]) - float(info["unRealizedProfit"])  # = Binance's isolatedWallet
    rate = 0.005  # BTCUSDT bracket for a notional of 20 × 6,679.51 = 133,590 (50,000 to 250,000)
    expected = linear_mark("long", 6563.665, 20, margin, rate)
    explanation = explain_position(record, venue)
    assert explanation.computed_price == pytest.approx(expected, rel=1e-12)
    assert explanation.agree and explanation.independent
    assert abs(expected / 5930.78 - 1) < 0.001
    # The rest of the gap is the tier's maintenance amount, cum = 50,000 × (0.5 % − 0.4 %) = 50, not in the record.
    assert linear_mark("long", 6563.665, 20, margin, rate, amount=50) == pytest.approx(5930.78, abs=0.005)
    # Read as a generic record (collateral taken as the margin) the same numbers miss by about 2 %.
    assert explain_position(record).agree is False


def test_binance_coin_m_record_is_inverse_and_agrees():
    record, venue, info = fixture("binance_coinm_isolated_btcusd_perp")
    size_usd = 2 * 100  # contracts × 100 USD per BTCUSD_PERP contract
    expected = inverse_mark("long", 37643.10000021, size_usd, float(info["isolatedWallet"]), 0.004)
    explanation = explain_position(record, venue)
    assert explanation.inverse and explanation.agree and explanation.independent
    assert explanation.computed_price == pytest.approx(expected, rel=1e-9)
    assert abs(expected / float(info["liquidationPrice"]) - 1) < 0.001
    assert "inverse (coin-margined)" in explanation.summary()


def test_hyperliquid_rate_is_half_the_initial_margin_at_maximum_leverage():
    record, venue, info = fixture("hyperliquid_isolated_eth_long")
    position = info["position"]
    size, rate = float(position["szi"]), 1 / (2 * float(position["maxLeverage"]))
    expected = linear_mark("long", float(position["entryPx"]), size, float(position["marginUsed"]), rate)
    # Hyperliquid's rawUsd (margin − entry value) gives the same price: rawUsd + Q·P = r·Q·P.
    assert expected == pytest.approx(-float(position["leverage"]["rawUsd"]) / (size * (1 - rate)), rel=1e-9)
    explanation = explain_position(record, venue)
    assert explanation.maintenance_rate == pytest.approx(0.01)
    assert explanation.computed_price == pytest.approx(expected, rel=1e-12)
    assert explanation.agree and explanation.independent


def test_hyperliquid_record_without_max_leverage_names_the_key():
    record, venue, info = fixture("hyperliquid_isolated_eth_long")
    position = {k: v for k, v in info["position"].items() if k != "maxLeverage"}
    with pytest.raises(ValueError, match=r"info\.position\.maxLeverage is missing"):
        explain_position({**record, "info": {**info, "position": position}}, venue)


def test_gate_counts_the_taker_fee_in_the_rate():
    record, venue, info = fixture("gate_isolated_ethusdt_long")
    rate = float(info["maintenance_rate"]) + 0.00075  # Gate: maintenance rate + taker fee (REFERENCE.md §1)
    expected = linear_mark("long", float(info["entry_price"]), 1 * 0.01, float(info["margin"]), rate)
    explanation = explain_position(record, venue)
    assert explanation.computed_price == pytest.approx(expected, rel=1e-12)
    assert explanation.agree and explanation.independent
    without_fee = linear_mark("long", float(info["entry_price"]), 0.01, float(info["margin"]), 0.005)
    assert abs(without_fee / 665.69 - 1) > 0.0005  # the fee is what closes the gap


def test_okx_inverse_future_agrees_and_the_rest_is_the_closing_fee():
    record, venue, info = fixture("okx_isolated_inverse_eth_usd_future")
    entry, size_usd, margin = float(info["avgPx"]), 1 * 10, float(info["margin"])
    rate = float(info["mmr"]) / (size_usd / entry)  # mmr in ETH over the position's value in ETH
    explanation = explain_position(record, venue)
    assert explanation.inverse and explanation.agree and explanation.independent
    assert explanation.computed_price == pytest.approx(inverse_mark("long", entry, size_usd, margin, rate), rel=1e-9)
    assert inverse_mark("long", entry, size_usd, margin, rate + 0.0005) == pytest.approx(float(info["liqPx"]),
                                                                                          rel=2e-5)


def test_bybit_rate_derived_from_the_liquidation_price_is_not_independent():
    record, venue, info = fixture("bybit_linear_isolated_ethusdt_long")
    explanation = explain_position(record, venue)
    rate = (919.10 - 913.15) * 0.1 / 119.845  # what CCXT derived from liqPrice and bustPrice
    # Bybit USDT isolated charges maintenance on the entry value (REFERENCE.md §1): P = EP − (M − r·Q·EP)/Q.
    expected = 1198.45 - (float(info["positionBalance"]) - rate * 0.1 * 1198.45) / 0.1
    assert explanation.basis is Basis.ENTRY and explanation.computed_price == pytest.approx(expected)
    assert explanation.agree and not explanation.independent
    assert "proves nothing" in explanation.summary()


def test_binance_cross_collateral_back_solved_from_the_price_is_said_to_agree_by_construction():
    record, venue, _ = fixture("binance_faq_ethusdt_cross_backsolved")
    alone = explain_position(record, venue)
    assert alone.agree is None and not alone.independent
    assert alone.computed_price == pytest.approx(1114.78, rel=1e-6)  # the echo of the price CCXT solved from
    assert "by construction" in alone.summary() and "wallet_balance=" in alone.summary()
    # With the account's numbers (Binance FAQ: WB 1,535,443.01, cum 135,365) the check is real.
    explanation = explain_position(record, venue, wallet_balance=1_535_443.01)
    expected = linear_mark("long", 1456.84, 3683.979, 1_535_443.01, 0.10, amount=135_365)
    assert explanation.computed_price == pytest.approx(expected, rel=1e-9)
    assert explanation.agree and explanation.independent and explanation.from_wallet


@pytest.mark.parametrize("name", ["binance_portfolio_margin_btcusdt", "okx_cross_btc_usdt_swap",
                                  "bybit_unified_cross_xrpusdt", "bitget_cross_btcusdt_long"])
def test_an_account_level_price_is_not_called_agreement(name):
    record, venue, _ = fixture(name)
    explanation = explain_position(record, venue)
    assert explanation.agree is None and explanation.account_level
    assert "depends on the whole account" in explanation.summary()


def test_a_cross_record_with_collateral_zero_and_no_price_does_not_crash():
    record, venue, info = fixture("binance_usdm_cross_wldusdt_no_price")
    explanation = explain_position(record, venue)
    assert explanation.agree is None and explanation.exchange_price is None and explanation.computed_price is None
    assert "wallet_balance=" in explanation.summary()
    # With the account's numbers: M = 5 − 0.5 + 0.2 = 4.7 backs 5 WLD; rate = maintMargin / notional.
    rate = float(info["maintMargin"]) / float(info["notional"])
    crossed = explain_position(record, venue, wallet_balance=5, other_maintenance=0.5, other_unrealized_pnl=0.2)
    assert crossed.computed_price == pytest.approx(linear_mark("long", 2.3483, 5, 4.7, rate), rel=1e-12)
    assert crossed.agree is None  # nothing to compare with


def test_bitmex_cross_example_from_the_wallet_and_its_short_mirror():
    # REFERENCE.md §1: wallet 10,000 USDT; long 20 ETH at 1,000, MM 1 % of the entry value -> 510.
    long = {"symbol": "ETH/USDT:USDT", "side": "long", "contracts": 20, "entryPrice": 1_000,
            "maintenanceMarginPercentage": 0.01, "initialMargin": 400, "liquidationPrice": 510,
            "marginMode": "cross"}
    explanation = explain_position(long, "bitmex", wallet_balance=10_000)
    assert explanation.basis is Basis.ENTRY and explanation.computed_price == pytest.approx(1_000 - 9_800 / 20)
    assert explanation.agree and explanation.independent
    short = {**long, "side": "short", "liquidationPrice": 1_490}
    assert explain_position(short, "bitmex", wallet_balance=10_000).computed_price == pytest.approx(1_490)


def test_kraken_futures_record_names_what_ccxt_leaves_out():
    record, venue, _ = fixture("krakenfutures_isolated_ftmusd")
    with pytest.raises(ValueError, match="maintenanceMarginPercentage is missing"):
        explain_position(record, venue)


def test_an_inverse_record_flagged_by_ccxt_key_uses_the_coin_formulas():
    # Kraken Futures (support 360022835671): long 1,000 USD at 8,000, margin 0.01 BTC, MM 1 % -> 7,481.48.
    kraken = {"symbol": "PI_XBTUSD", "inverse": True, "side": "long", "contracts": 1_000, "contractSize": 1,
              "entryPrice": 8_000, "collateral": 0.01, "maintenanceMarginPercentage": 0.01,
              "liquidationPrice": 7_481.48, "marginMode": "isolated"}
    explanation = explain_position(kraken, "krakenfutures")
    assert explanation.inverse and explanation.computed_price == pytest.approx(1_010 / 0.135)
    assert explanation.agree and explanation.independent
    # Read as linear, 1,000 contracts of 1 would be 1,000 BTC backed by 0.01 BTC of "USD": the linear formula
    # would put the long's liquidation above its entry (8,080.81), so the record is refused as uncomputable.
    assert linear_mark("long", 8_000, 1_000, 0.01, 0.01) > 8_000
    linear = explain_position({**kraken, "inverse": False}, "krakenfutures")
    assert linear.computed_price is None and not linear.computable and linear.agree is None
    assert "cannot compute a price" in linear.summary()


def test_inverse_cross_from_the_wallet_in_the_coin():
    record = {"symbol": "BTC/USD:BTC", "side": "short", "contracts": 440, "contractSize": 100, "entryPrice": 88_000,
              "maintenanceMarginPercentage": 0.01, "initialMargin": 0.1, "marginMode": "cross",
              "liquidationPrice": 108_900}
    # REFERENCE.md §1b, the seed's example: 0.1 BTC behind 44,000 USD short at 88,000 -> 108,900.
    explanation = explain_position(record, "binancecoinm", wallet_balance=0.1)
    assert explanation.computed_price == pytest.approx(inverse_mark("short", 88_000, 44_000, 0.1, 0.01))
    assert explanation.computed_price == pytest.approx(108_900) and explanation.agree


def test_venue_accepts_preset_keys_and_refuses_unknown_names():
    record, _, _ = fixture("binance_usdm_isolated_btcusdt_long")
    assert explain_position(record, "binance_usdm").computed_price == explain_position(record, "binance").computed_price
    with pytest.raises(ValueError, match="venue must be"):
        explain_position(record, "ftx")


def test_account_numbers_are_checked_by_name():
    record, venue, _ = fixture("binance_faq_ethusdt_cross_backsolved")
    with pytest.raises(ValueError, match="wallet_balance"):
        explain_position(record, venue, wallet_balance=-1)
    with pytest.raises(ValueError, match="other_maintenance"):
        explain_position(record, venue, wallet_balance=100, other_maintenance=-1)
    with pytest.raises(ValueError, match="below maintenance"):
        explain_position(record, venue, wallet_balance=100, other_maintenance=150)
    isolated, venue, _ = fixture("hyperliquid_isolated_eth_long")
    with pytest.raises(ValueError, match="wallet_balance is for cross positions"):
        explain_position(isolated, venue, wallet_balance=1_000)


def test_a_price_ccxt_computed_itself_is_not_an_independent_check():
    # Binance's account endpoint sends no liquidation price; CCXT fills one from the isolated wallet and the
    # bracket rate: (EP − W/Q) / (1 − mmp) for a long (binance.py parse_account_position).
    record, venue, info = fixture("binance_usdm_isolated_btcusdt_long")
    wallet = float(info["isolatedMargin"]) - float(info["unRealizedProfit"])
    account_info = {k: v for k, v in info.items() if k not in ("liquidationPrice", "markPrice")}
    by_ccxt = round((6563.665 - wallet / 20) / (1 - 0.005), 2)
    explanation = explain_position({**record, "liquidationPrice": by_ccxt, "info": account_info}, venue)
    assert explanation.agree and not explanation.independent
    assert "by construction" in explanation.summary()


def test_position_from_ccxt_reads_a_cross_record_with_collateral_zero_and_refuses_an_inverse_one():
    record, _, _ = fixture("binance_usdm_cross_wldusdt_no_price")
    p = position_from_ccxt(record)
    assert p.collateral == 0 and p.liquidation_price is None and p.margin_mode is MarginMode.CROSS
    coin_m, _, _ = fixture("binance_coinm_isolated_btcusd_perp")
    with pytest.raises(ValueError, match="inverse"):
        position_from_ccxt(coin_m)


def test_a_preset_object_reads_like_its_key():
    from margin_lab.venues import venue as preset

    record, _, _ = fixture("hyperliquid_isolated_eth_long")
    assert explain_position(record, preset("hyperliquid")).computed_price == \
        explain_position(record, "hyperliquid").computed_price


def test_numbers_that_cannot_hold_a_position_give_a_note_not_a_crash():
    # 0.0001 BTC behind 1,000 USD long at 8,000 (1.25 % margin) with 2 % maintenance: already past liquidation.
    thin = {"symbol": "BTC/USD:BTC", "side": "long", "contracts": 1_000, "entryPrice": 8_000, "collateral": 0.0001,
            "maintenanceMarginPercentage": 0.02, "liquidationPrice": 7_990, "marginMode": "isolated"}
    explanation = explain_position(thin, "krakenfutures")
    assert explanation.computed_price is None and explanation.agree is None and not explanation.computable
    assert "cannot hold the position" in explanation.summary() and "cannot compute" in explanation.summary()


def test_the_other_positions_numbers_need_the_wallet():
    record, venue, _ = fixture("bitget_cross_btcusdt_long")
    with pytest.raises(ValueError, match="need wallet_balance"):
        explain_position(record, venue, other_maintenance=10)


def test_coin_m_cross_collateral_back_solved_the_ccxt_way_is_flagged():
    # CCXT's COIN-M cross back-solve (binance.py parse_position_risk) for a long: Q·((1 + mmp)/liq − 1/EP).
    coin_m, venue, info = fixture("binance_coinm_isolated_btcusd_perp")
    liq, entry, size_usd = 25_000.0, 37643.10000021, 200.0
    collateral = size_usd * ((1 + 0.004) / liq - 1 / entry)
    cross_info = {**info, "marginType": "cross", "isolatedMargin": "0", "isolatedWallet": "0",
                  "liquidationPrice": str(liq)}
    record = {**coin_m, "marginMode": "cross", "collateral": collateral, "liquidationPrice": liq, "info": cross_info}
    explanation = explain_position(record, venue)
    assert explanation.inverse and explanation.agree is None and not explanation.independent
    assert explanation.computed_price == pytest.approx(liq, rel=1e-9)
    assert "by construction" in explanation.summary()
