"""The coin-wallet account: inverse positions, checked against the closed forms and the ledger.

Random command sequences (hypothesis draws the seed and the venue, as tests/test_invariants.py
does for the linear account) must conserve the coin to 1e-12 and leave refused calls without
effect; the liquidation price must agree with what update() does one tick either side.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import margin_lab as ml
from margin_lab.account import generic_venue
from margin_lab.inverse_account import InverseAccount
from margin_lab.model import Basis
from margin_lab.tiers import MaintenanceSchedule
from random_commands import INVERSE, drive

FAST = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def venue_for(basis=Basis.MARK, forfeited=True, rule="all"):
    return replace(generic_venue(), basis=basis, cushion_forfeited=forfeited, cross_liquidation=rule)


def liquidations(events, symbol=None):
    return [e for e in events if e.kind == "liquidation" and (symbol is None or e.symbol == symbol)]


def test_bybit_inverse_isolated_example_through_the_account():
    acct = InverseAccount(1, coin="BTC", venue=venue_for(Basis.ENTRY))
    acct.open_isolated("BTCUSD", "long", 60_000, 50_000, collateral=0.12, maintenance=0.005, leverage=10)
    assert round(acct.liquidation_price("BTCUSD"), 2) == 45_662.10
    other = InverseAccount(1, coin="BTC", venue=venue_for(Basis.ENTRY))
    other.open_isolated("BTCUSD", "short", 60_000, 50_000, collateral=0.12, maintenance=0.005, leverage=10)
    assert round(other.liquidation_price("BTCUSD"), 2) == 55_248.62


def test_one_cross_position_with_wallet_w_liquidates_where_isolated_with_collateral_w_does():
    cross = InverseAccount(0.3, coin="BTC")
    cross.open_cross("BTCUSD", "short", 44_000, 88_000, maintenance=0.01)
    alone = ml.inverse_liquidation_price("short", 88_000, 44_000, 0.3, 0.01)
    assert cross.liquidation_price("BTCUSD") == pytest.approx(alone, rel=1e-12)


def test_the_seed_example_lives_while_usdt_collateral_would_be_gone():
    # 0.1 BTC backing a 5x short from 88,000 (44,000 USD), 1 % on the mark: liquidated only above 108,900.
    acct = InverseAccount(0.1, coin="BTC")
    acct.open_isolated("BTC/USD:BTC", "short", 44_000, 88_000, collateral=0.1, maintenance=0.01, leverage=5)
    usdt = ml.liquidation_price("short", 88_000, 0.5, 8_800, 0.01)
    assert usdt < 108_900
    assert liquidations(acct.update({"BTC/USD:BTC": (usdt + 108_900) / 2})) == []
    assert liquidations(acct.update({"BTC/USD:BTC": 109_000}))


def test_funding_is_paid_in_the_coin_on_the_value_at_the_mark():
    acct = InverseAccount(1, coin="BTC")
    acct.open_isolated("BTCUSD", "long", 40_000, 40_000, collateral=0.2, maintenance=0.005)
    acct.set_marks({"BTCUSD": 50_000})
    paid = acct.pay_funding("BTCUSD", 0.0001)
    assert paid == pytest.approx(-0.0001 * 40_000 / 50_000)
    assert acct.positions["BTCUSD"].collateral == pytest.approx(0.2 + paid)


def test_a_coin_wallet_refuses_linear_markets_and_a_usdt_coin_by_name():
    acct = InverseAccount(1, coin="BTC")
    for symbol in ("BTCUSDT", "BTC/USDT:USDT", "ETH/USD:ETH"):
        with pytest.raises(ValueError, match="linear") as refused:
            acct.open_isolated(symbol, "long", 1_000, 50_000, collateral=0.01, maintenance=0.005)
        assert "coin wallet" in str(refused.value)
    with pytest.raises(ValueError, match="coin"):
        InverseAccount(100, coin="USDT")
    assert acct.positions == {} and acct.balance == 1


def test_collateral_typed_in_usd_or_a_percent_rate_is_refused_with_a_hint():
    acct = InverseAccount(1, coin="BTC")
    with pytest.raises(ValueError, match="not USD"):
        acct.open_isolated("BTCUSD", "long", 50_000, 50_000, collateral=5_000, maintenance=0.005)
    with pytest.raises(ValueError, match="percent typed as a fraction"):
        acct.open_isolated("BTCUSD", "long", 50_000, 50_000, collateral=0.1, maintenance=0.5)
    with pytest.raises(ValueError, match="size_usd"):
        acct.open_isolated("BTCUSD", "long", -5, 50_000, collateral=0.1, maintenance=0.005)
    assert acct.positions == {} and acct.ledger_total() == 1


def test_closing_realises_the_coin_pnl_and_a_long_loses_more_coins_than_usd_suggests():
    acct = InverseAccount(1, coin="BTC")
    acct.open_isolated("BTCUSD", "long", 50_000, 50_000, collateral=0.5, maintenance=0.005)
    realised = acct.close("BTCUSD", 40_000)
    assert realised == pytest.approx(50_000 / 50_000 - 50_000 / 40_000)  # −0.25 BTC, 10,000 USD at 40,000
    assert acct.balance == pytest.approx(0.75)


# ---- one tick either side ------------------------------------------------------------------------

@st.composite
def recipes(draw):
    return {
        "side": draw(st.sampled_from(["long", "short"])),
        "entry": draw(st.floats(100, 100_000)),
        "size_usd": draw(st.floats(100, 1e6)),
        "leverage": draw(st.floats(1.2, 100)),
        "share": draw(st.floats(0, 0.9)),
        "mode": draw(st.sampled_from(["isolated", "cross"])),
        "basis": draw(st.sampled_from([Basis.MARK, Basis.ENTRY])),
        "spare": draw(st.floats(1.0, 3.0)),
        "tiers": draw(st.one_of(st.just(None), st.tuples(st.floats(0.01, 20), st.floats(1.0, 3.0)))),
    }


def build(recipe):
    value = recipe["size_usd"] / recipe["entry"]
    collateral = value / recipe["leverage"]
    rate = recipe["share"] / recipe["leverage"]
    if recipe["tiers"] is not None:  # two COIN-M brackets, floors in coins: rate/factor below the floor, rate above
        floor, factor = recipe["tiers"]
        rate = MaintenanceSchedule([(0, rate / factor), (floor, rate)])
    acct = InverseAccount(collateral * recipe["spare"], coin="BTC", venue=venue_for(recipe["basis"]))
    if recipe["mode"] == "isolated":
        acct.open_isolated("X", recipe["side"], recipe["size_usd"], recipe["entry"], collateral, rate,
                           leverage=recipe["leverage"])
    else:
        acct.open_cross("X", recipe["side"], recipe["size_usd"], recipe["entry"], rate, leverage=recipe["leverage"])
    return acct


@FAST
@given(recipe=recipes())
def test_liquidation_price_agrees_with_update_one_tick_either_side(recipe):
    acct = build(recipe)
    price = acct.liquidation_price("X")
    sign = 1 if recipe["side"] == "long" else -1
    if price is None:
        assert sign == -1  # only a short backed by its own value in the coin escapes
        assert liquidations(acct.update({"X": recipe["entry"] * 1e6})) == []
        return
    assume(price < 1e4 * recipe["entry"])
    tick = 1e-6
    assert liquidations(acct.update({"X": price * (1 + sign * tick)})) == []
    assert liquidations(build(recipe).update({"X": price * (1 - sign * tick)}), "X")


# ---- random sequences conserve the coin --------------------------------------------------------


def check_books(acct):
    held = acct.positions.values()
    assert acct.balance >= 0
    assert all(p.collateral >= 0 for p in held)
    total = acct.ledger_total()
    assert abs(acct.balance + math.fsum(p.collateral for p in held) - total) <= 1e-12
    assert abs(acct.equity - (total + math.fsum(p.unrealized_pnl for p in held))) <= 1e-12 * max(1.0, abs(total))
    assert abs(math.fsum(acct.ledger_summary().values()) - total) <= 1e-12


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), start=st.floats(0.01, 20), fee=st.sampled_from([0.0, 0.0005, 0.004]),
       basis=st.sampled_from([Basis.MARK, Basis.ENTRY]), forfeited=st.booleans(),
       rule=st.sampled_from(["all", "oldest_first"]), rollover=st.sampled_from([0.0, 0.0002]),
       switchable=st.booleans())
def test_random_sequences_conserve_the_coin_and_refused_calls_change_nothing(seed, start, fee, basis, forfeited,
                                                                            rule, rollover, switchable):
    venue = replace(venue_for(basis, forfeited, rule), rollover_fee_rate=rollover,
                    can_switch_open_position=switchable)
    acct = InverseAccount(start, coin="BTC", fee_rate=fee, venue=venue)
    drive(acct, INVERSE, check_books, seed=seed)


@pytest.mark.parametrize("wallet", ["linear", "coin"])
def test_a_close_the_wallet_cannot_pay_is_refused_in_either_wallet_and_changes_nothing(wallet):
    # The whole wallet backs the position (balance = collateral + opening fee), and the close is
    # one tick above the bankruptcy price: collateral − loss is less than the closing fee.
    fee_rate = 0.0005
    if wallet == "linear":
        opening_fee = fee_rate * 1 * 20_000
        acct = ml.Account(1_000 + opening_fee, fee_rate=fee_rate, venue=venue_for())
        acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=1_000, maintenance=0.005)
        bankruptcy, symbol, size = 19_000.0, "BTCUSDT", 1
    else:
        opening_fee = fee_rate * 1_000 / 8_000
        acct = InverseAccount(0.01 + opening_fee, coin="BTC", fee_rate=fee_rate, venue=venue_for())
        acct.open_isolated("BTC/USD:BTC", "long", 1_000, 8_000, collateral=0.01, maintenance=0.005)
        bankruptcy, symbol, size = 1_000 / (1_000 / 8_000 + 0.01), "BTC/USD:BTC", 1_000
    assert acct.bankruptcy_price(symbol) == pytest.approx(bankruptcy, rel=1e-12)
    assert acct.balance == pytest.approx(0.0, abs=1e-12)
    before = (acct.balance, acct.positions, len(acct.ledger))
    with pytest.raises(ValueError, match="more than the wallet .* can pay; close profitable positions first or deposit"):
        acct.reduce(symbol, size, bankruptcy * 1.0001)
    assert (acct.balance, acct.positions, len(acct.ledger)) == before
    # A price far from the bankruptcy price closes, and the fee is charged on the traded value.
    realized = acct.reduce(symbol, size, bankruptcy * 1.05)
    fee_entry = acct.ledger[-1]
    assert fee_entry.kind == "fee"
    traded = size * bankruptcy * 1.05 if wallet == "linear" else size / (bankruptcy * 1.05)
    assert -fee_entry.amount == pytest.approx(fee_rate * traded, rel=1e-12)
    assert realized < 0
