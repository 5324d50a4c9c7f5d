"""The Account: REFERENCE.md worked examples, money movements, the liquidation engine, bad input.

Golden numbers come from REFERENCE.md §1 (named in each test); everything else is derived in
the test from first principles (equity = M + s·Q·(P − EP) against the maintenance margin).
"""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab.account import Account, generic_venue
from margin_lab.margin import liquidation_price as formula_liquidation_price
from margin_lab.model import Basis, MarginMode, Side
from margin_lab.tiers import MaintenanceSchedule
from margin_lab.venues import venue

ENTRY = replace(generic_venue(), name="entry-basis test venue", basis=Basis.ENTRY)
RETURNED = replace(generic_venue(), name="cushion-returned test venue", cushion_forfeited=False)
LOCKED = replace(generic_venue(), name="LockedEx", can_switch_open_position=False)


def kinds(events):
    return [(e.kind, e.symbol) for e in events]


def state(acct):
    return copy.deepcopy(vars(acct))


# ---- REFERENCE.md worked examples ------------------------------------------------------------


def test_bybit_example_liquidates_at_19700_on_an_entry_basis_venue():
    # REFERENCE.md §1, Bybit USDT isolated: long 1 BTC at 20,000, 50x, MMR 0.5 % -> IM 400, MM 100, 19,700.
    acct = Account(1_000, venue=ENTRY)
    p = acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=400, maintenance=0.005, leverage=50)
    assert (p.initial_margin, p.maintenance_margin) == (400, 100)
    assert acct.liquidation_price("BTCUSDT") == pytest.approx(19_700, abs=1e-9)
    assert "liquidation" not in [e.kind for e in acct.update({"BTCUSDT": 19_700.01})]
    assert kinds(acct.update({"BTCUSDT": 19_699.99})) == [("liquidation", "BTCUSDT")]
    assert acct.events[-1].loss == pytest.approx(400)
    assert acct.balance == pytest.approx(600) and acct.positions == {}


def test_bitmex_cross_example_gives_510_liquidation_and_500_bankruptcy():
    # REFERENCE.md §1, BitMEX cross: wallet 10,000; long 20 ETH at 1,000, 50x; IM 400, MM 200 -> 510 / 500.
    acct = Account(10_000, venue=ENTRY)
    p = acct.open_cross("ETHUSD", "long", 20, 1_000, maintenance=0.01, leverage=50)
    assert (p.initial_margin, p.maintenance_margin, p.collateral) == (400, 200, 0)
    assert acct.liquidation_price("ETHUSD") == pytest.approx(510)
    assert acct.bankruptcy_price("ETHUSD") == pytest.approx(500)
    with pytest.raises(ValueError, match="bankruptcy"):
        acct.close("ETHUSD", 499.99)
    assert "liquidation" not in [e.kind for e in acct.update({"ETHUSD": 510.01})]
    assert kinds(acct.update({"ETHUSD": 509.99})) == [("liquidation", "ETHUSD")]


def test_bitmex_cross_liquidation_between_510_and_500_forfeits_the_remaining_cushion():
    # REFERENCE.md §2, BitMEX: the maintenance margin is lost; the position is taken over at bankruptcy.
    acct = Account(10_000, venue=ENTRY)
    acct.open_cross("ETHUSD", "long", 20, 1_000, maintenance=0.01, leverage=50)
    (event,) = acct.update({"ETHUSD": 505})  # equity 100 < MM 200
    assert event.loss == pytest.approx(10_000) and acct.balance == 0
    assert acct.ledger_summary()["liquidation_penalty"] == pytest.approx(-100)
    assert acct.ledger_summary()["realized_pnl"] == pytest.approx(-9_900)


def test_bitmex_isolated_liquidates_at_97_and_loses_exactly_4_while_cross_only_shows_a_6_loss():
    # REFERENCE.md §1 (bitmex.com/app/isolatedMarginExamples): a 100 XBT position at 100 (Q = 1),
    # 4 XBT isolated margin, liquidation at 97. On the entry basis 97 = EP − (M − r·Q·EP)/Q, so:
    size, entry, margin, target = 1.0, 100.0, 4.0, 97.0
    rate = (margin - (entry - target) * size) / (size * entry)
    assert rate == pytest.approx(0.01)

    isolated = Account(10, venue=ENTRY)
    isolated.open_isolated("XBTUSD", "long", size, entry, collateral=margin, maintenance=rate)
    assert isolated.liquidation_price("XBTUSD") == pytest.approx(target)
    events = isolated.update({"XBTUSD": 94})
    assert kinds(events) == [("liquidation", "XBTUSD")]
    assert events[0].loss == pytest.approx(4)
    assert isolated.balance == pytest.approx(6) and isolated.equity == pytest.approx(6)

    cross = Account(20, venue=ENTRY)  # a wallet larger than the 6 loss plus the 1 maintenance
    cross.open_cross("XBTUSD", "long", size, entry, maintenance=rate)
    assert cross.update({"XBTUSD": 94}) == []
    assert cross.positions["XBTUSD"].unrealized_pnl == pytest.approx(-6)
    assert cross.equity == pytest.approx(14)


def test_binance_eth_example_through_a_tiered_isolated_position():
    # REFERENCE.md §1, Binance one-way "isolated" reading: 1,114.78 with MMR 10 %, cum 135,365.
    # A schedule whose tier at this notional (5.37 M) has rate 10 % and amount 135,365:
    schedule = MaintenanceSchedule.fixed(0.10, amount=135_365)
    acct = Account(2_000_000)
    acct.open_isolated("ETHUSDT", "long", 3_683.979, 1_456.84, collateral=1_535_443.01, maintenance=schedule)
    assert acct.liquidation_price("ETHUSDT") == pytest.approx(1_114.78, abs=0.005)


# ---- money: fees, ledger, reduce, close --------------------------------------------------------


def test_fees_and_collateral_leave_the_wallet_and_come_back_on_close():
    acct = Account(1_000, fee_rate=0.001)
    acct.open_isolated("BTCUSDT", "short", 0.5, 20_000, collateral=500, maintenance=0.005, leverage=20)
    assert acct.balance == pytest.approx(1_000 - 500 - 10)  # taker fee 0.1 % of 10,000
    realized = acct.close("BTCUSDT", 19_000)
    assert realized == pytest.approx(500)  # short 0.5 from 20,000 to 19,000, before fees
    assert acct.balance == pytest.approx(1_000 - 10 + 500 - 9.5)
    summary = acct.ledger_summary()
    assert summary["fee"] == pytest.approx(-19.5) and summary["realized_pnl"] == pytest.approx(500)
    assert acct.ledger_total() == pytest.approx(acct.balance)


def test_reduce_returns_the_proportional_share_of_collateral():
    acct = Account(1_000)
    acct.open_isolated("X", "long", 4, 100, collateral=80, maintenance=0.01)
    assert acct.reduce("X", 1, 110) == pytest.approx(10)
    p = acct.positions["X"]
    assert (p.size, p.collateral) == (3, pytest.approx(60))
    assert acct.balance == pytest.approx(1_000 - 80 + 20 + 10)


def test_opening_fee_and_rollover_follow_the_venue():
    # Kraken spot charges an opening fee and a rollover fee per 4 h on the cost (support 203053156).
    kraken_like = replace(generic_venue(), name="spot-like", opening_fee_rate=0.0002, rollover_fee_rate=0.0002,
                          rollover_interval_hours=4.0)
    acct = Account(10_000, fee_rate=0.004, venue=kraken_like)
    acct.open_cross("XBTUSD", "long", 1, 20_000, maintenance=0.02, leverage=5)
    assert acct.balance == pytest.approx(10_000 - 80 - 4)
    assert acct.charge_rollover() == pytest.approx(4)
    assert acct.ledger_summary()["rollover"] == pytest.approx(-4)


def test_funding_longs_pay_when_the_rate_is_positive_and_never_more_than_the_collateral():
    acct = Account(1_000)
    acct.open_isolated("L", "long", 1, 100, collateral=10, maintenance=0.01)
    acct.open_isolated("S", "short", 1, 100, collateral=10, maintenance=0.01)
    assert acct.pay_funding("L", 0.001) == pytest.approx(-0.1)
    assert acct.pay_funding("S", 0.001) == pytest.approx(0.1)
    assert acct.pay_funding("L", 0.5) == pytest.approx(-9.9)  # would be 50; the collateral holds 9.9
    assert acct.positions["L"].collateral == 0
    assert acct.ledger_total() == pytest.approx(acct.balance + 0 + 10.1)


def test_rollover_and_funding_never_take_the_wallet_below_zero():
    costly = replace(generic_venue(), name="costly", rollover_fee_rate=0.01)  # 1 %, the most accepted
    acct = Account(100, venue=costly)
    acct.open_cross("X", "long", 300, 100, maintenance=0.001)  # entry value 30,000: a rollover of 300
    assert acct.charge_rollover("X") == pytest.approx(100)
    assert acct.balance == 0 and acct.ledger_summary()["rollover"] == pytest.approx(-100)
    assert acct.pay_funding("X", 0.01) == 0  # nothing left to pay with
    assert acct.ledger_total() == pytest.approx(0, abs=1e-12)


def test_cross_initial_margin_is_reserved_from_the_free_balance():
    acct = Account(1_000)
    acct.open_cross("A", "long", 50, 100, maintenance=0.005, leverage=10)  # initial margin 500
    assert acct.free_balance == pytest.approx(500)
    with pytest.raises(ValueError, match="free margin 500.00"):
        acct.open_cross("B", "long", 60, 100, maintenance=0.005, leverage=10)  # needs 600
    with pytest.raises(ValueError, match="free balance 500.00"):
        acct.open_isolated("C", "long", 1, 1_000, collateral=600, maintenance=0.005)
    acct.set_marks({"A": 104})  # +200 unrealised counts toward the free margin, not the wallet
    acct.open_cross("B", "long", 60, 100, maintenance=0.005, leverage=10)


def test_the_pool_margin_call_is_rearmed_only_after_the_pool_recovers():
    acct = Account(100, venue=ENTRY)
    acct.open_cross("A", "long", 10, 100, maintenance=0.02)
    acct.open_cross("B", "long", 10, 100, maintenance=0.02)  # MM 40, warning below 60
    assert len(acct.update({"A": 95})) == 2
    assert acct.update({"A": 94}) == []
    assert acct.update({"A": 99}) == []  # equity 90: re-armed
    assert len(acct.update({"A": 95})) == 2


def test_money_trail_summary_lists_where_the_money_went():
    acct = Account(1_000, fee_rate=0.001)
    acct.open_isolated("X", "long", 1, 100, collateral=50, maintenance=0.01)
    acct.update({"X": 10})
    text = acct.summary()
    assert "trading fees" in text and "realised profit and loss" in text and "deposits" in text


# ---- engine: warnings and liquidations ---------------------------------------------------------


def test_margin_call_is_emitted_once_per_crossing_and_rearmed_above_the_warning_level():
    acct = Account(1_000, venue=ENTRY)  # MM = 1, warning below equity 1.5
    acct.open_isolated("X", "long", 1, 100, collateral=4, maintenance=0.01)
    assert kinds(acct.update({"X": 97.4})) == [("margin_call", "X")]  # equity 1.4
    assert acct.update({"X": 97.3}) == []
    assert acct.update({"X": 98}) == []  # equity 2: re-armed
    assert kinds(acct.update({"X": 97.4})) == [("margin_call", "X")]


def test_a_gap_past_the_warning_level_emits_only_the_liquidation():
    # REFERENCE.md §3: a gap can jump straight past maintenance with no warning.
    acct = Account(1_000, venue=ENTRY)
    acct.open_isolated("X", "long", 1, 100, collateral=4, maintenance=0.01)
    assert kinds(acct.update({"X": 90})) == [("liquidation", "X")]


def test_isolated_loss_stops_at_the_collateral_past_bankruptcy_and_notes_the_insurance_fund():
    acct = Account(100)
    acct.open_isolated("X", "long", 1, 100, collateral=10, maintenance=0.01)
    (event,) = acct.update({"X": 50})
    assert event.loss == pytest.approx(10) and "insurance fund" in event.detail
    assert acct.balance == pytest.approx(90) and acct.ledger_total() == pytest.approx(90)


def test_cushion_returned_venue_gives_back_the_remaining_equity():
    # Kraken derivatives: the IOC fill where equity stays >= 0 leaves the trader the rest (support 360022835671).
    acct = Account(1_000, venue=RETURNED)
    acct.open_isolated("X", "long", 1, 20_000, collateral=400, maintenance=0.01)
    (event,) = acct.update({"X": 19_750})  # equity 150 < MM 197.5
    assert event.loss == pytest.approx(250)
    assert acct.balance == pytest.approx(600 + 150)
    assert acct.ledger_summary()["liquidation_penalty"] == 0


def test_cross_liquidation_closes_every_cross_position_and_leaves_isolated_collateral_alone():
    acct = Account(1_000)
    acct.open_isolated("ISO", "long", 1, 100, collateral=50, maintenance=0.01)
    acct.open_cross("A", "long", 10, 100, maintenance=0.01)
    acct.open_cross("B", "short", 1, 100, maintenance=0.01)
    events = acct.update({"A": 5})
    assert sorted(kinds(events)) == [("liquidation", "A"), ("liquidation", "B")]
    assert list(acct.positions) == ["ISO"] and acct.positions["ISO"].collateral == 50
    assert acct.balance == 0  # cushion forfeited: the wallet went with the pool
    assert sum(e.loss for e in events) == pytest.approx(950)


def test_cross_loss_beyond_the_wallet_goes_to_the_insurance_fund_not_the_ledger():
    acct = Account(1_000)
    acct.open_cross("A", "long", 100, 100, maintenance=0.01)  # 10x on the wallet
    (event,) = acct.update({"A": 80})  # uPnL −2,000 against a 1,000 wallet
    assert event.loss == pytest.approx(1_000) and "insurance fund" in event.detail
    assert acct.balance == 0 and acct.ledger_total() == pytest.approx(0, abs=1e-9)


def test_oldest_first_closes_the_oldest_cross_position_even_in_profit_until_the_pool_recovers():
    # Kraken spot liquidates oldest first, across all pairs, even profitable ones (203325763).
    fifo = replace(ENTRY, name="fifo test venue", cross_liquidation="oldest_first", cushion_forfeited=False)
    acct = Account(1_000, venue=fifo)
    acct.open_cross("OLD", "long", 10, 100, maintenance=0.1)
    acct.open_cross("NEW", "long", 10, 100, maintenance=0.1)
    # NEW at 19: pool equity 1,000 − 810 = 190 < MM 200; without OLD: 190 against MM 100.
    events = acct.update({"NEW": 19})
    assert kinds(events) == [("liquidation", "OLD")]
    assert list(acct.positions) == ["NEW"] and acct.cross_margin_level == pytest.approx(1.9)

    everything = Account(1_000, venue=replace(fifo, cross_liquidation="all"))
    everything.open_cross("OLD", "long", 10, 100, maintenance=0.1)
    everything.open_cross("NEW", "long", 10, 100, maintenance=0.1)
    assert len(everything.update({"NEW": 19})) == 2 and everything.balance == pytest.approx(190)


def test_pool_margin_call_names_each_cross_position():
    acct = Account(100, venue=ENTRY)
    acct.open_cross("A", "long", 10, 100, maintenance=0.02)
    acct.open_cross("B", "long", 10, 100, maintenance=0.02)  # MM 40, warning below equity 60
    assert sorted(kinds(acct.update({"A": 95}))) == [("margin_call", "A"), ("margin_call", "B")]  # equity 50


def test_cross_liquidation_price_uses_the_other_positions_maintenance_and_pnl():
    # Binance TMM1/UPNL1 (REFERENCE.md §1): M = wallet − other MM + other uPnL, all at their marks.
    acct = Account(5_000)
    acct.open_cross("A", "long", 1, 20_000, maintenance=0.01)
    acct.open_cross("B", "short", 10, 100, maintenance=0.02)
    acct.set_marks({"B": 110})
    backing = 5_000 - 10 * 110 * 0.02 + (-10 * 10)
    expected = formula_liquidation_price("long", 20_000, 1, backing, 0.01)
    assert acct.liquidation_price("A") == pytest.approx(expected)
    assert "liquidation" not in [e.kind for e in acct.update({"A": expected * (1 + 1e-7)})]
    assert ("liquidation", "A") in kinds(acct.update({"A": expected * (1 - 1e-7)}))


# ---- margin moves and mode switches -----------------------------------------------------------


def test_remove_margin_stops_at_the_initial_margin_for_the_leverage():
    acct = Account(10_000)
    acct.open_isolated("X", "long", 1, 20_000, collateral=3_000, maintenance=0.005, leverage=10)
    assert acct.max_removable("X") == pytest.approx(1_000)
    with pytest.raises(ValueError, match="amount must be <= 1,000.00"):
        acct.remove_margin("X", 1_000.01)
    acct.remove_margin("X", 1_000)
    assert acct.positions["X"].collateral == pytest.approx(2_000)


def test_add_margin_moves_the_liquidation_price_away():
    acct = Account(10_000)
    acct.open_isolated("X", "long", 1, 20_000, collateral=400, maintenance=0.005, leverage=50)
    before = acct.liquidation_price("X")
    acct.add_margin("X", 600)
    assert acct.liquidation_price("X") == pytest.approx(formula_liquidation_price("long", 20_000, 1, 1_000, 0.005))
    assert acct.liquidation_price("X") < before


def test_switching_isolated_to_cross_returns_the_collateral_and_back_needs_collateral():
    acct = Account(1_000)
    acct.open_isolated("X", "long", 1, 100, collateral=20, maintenance=0.01)
    p = acct.switch_mode("X", "cross")
    assert p.margin_mode is MarginMode.CROSS and p.collateral == 0 and acct.balance == pytest.approx(1_000)
    with pytest.raises(ValueError, match="collateral"):
        acct.switch_mode("X", "isolated")
    acct.switch_mode("X", "isolated", collateral=30)
    assert acct.positions["X"].collateral == 30 and acct.balance == pytest.approx(970)


def test_switching_into_cross_is_refused_when_it_would_sink_the_pool():
    acct = Account(100)
    acct.open_isolated("X", "long", 1, 100, collateral=50, maintenance=0.01)
    acct.open_cross("A", "long", 10, 100, maintenance=0.04)  # MM 40 against a 50 wallet
    acct.set_marks({"X": 40})  # X is under water (equity −10) before any update
    with pytest.raises(ValueError, match="under its maintenance margin"):
        acct.switch_mode("X", "cross")


def test_switching_to_isolated_needs_enough_collateral_not_to_liquidate_at_once():
    acct = Account(1_000)
    acct.open_cross("X", "long", 1, 100, maintenance=0.01)
    acct.set_marks({"X": 90})  # uPnL −10, MM 0.9 at the mark
    with pytest.raises(ValueError, match="collateral must be >= 10.90"):
        acct.switch_mode("X", "isolated", collateral=10)
    assert acct.switch_mode("X", "isolated", collateral=11).collateral == 11


def test_positions_are_frozen_snapshots_with_ccxt_names():
    acct = Account(1_000)
    acct.open_isolated("X", "short", 2, 100, collateral=20, maintenance=0.01, leverage=10)
    p = acct.positions["X"]
    assert p.side is Side.SHORT and p.contracts == 2 and p.notional == 200 and p.margin_mode is MarginMode.ISOLATED
    with pytest.raises(FrozenInstanceError):
        p.collateral = 1_000  # type: ignore[misc]
    acct.add_margin("X", 5)
    assert p.collateral == 20


# ---- refused calls: the argument named, nothing changed -------------------------------------------


def opened():
    acct = Account(1_000, venue=LOCKED)
    acct.open_isolated("ISO", "long", 1, 100, collateral=20, maintenance=0.01, leverage=10)
    acct.open_cross("CRS", "long", 1, 100, maintenance=0.01, leverage=10)
    return acct


BAD_CALLS = [
    ("side", lambda a: a.open_isolated("N", "sideways", 1, 100, 10, 0.01)),
    ("mode", lambda a: a.switch_mode("ISO", "portfolio")),
    ("symbol", lambda a: a.close("NOPE", 100)),
    ("symbol", lambda a: a.open_isolated("ISO", "long", 1, 100, 10, 0.01)),
    ("size", lambda a: a.open_isolated("N", "long", 0, 100, 10, 0.01)),
    ("size", lambda a: a.open_cross("N", "long", -1, 100, 0.01)),
    ("size", lambda a: a.reduce("ISO", 2, 100)),
    ("entry_price", lambda a: a.open_cross("N", "long", 1, float("nan"), 0.01)),
    ("price", lambda a: a.close("ISO", float("inf"))),
    ("price", lambda a: a.close("ISO", 0)),
    ("collateral", lambda a: a.open_isolated("N", "long", 1, 100, 0, 0.01)),
    ("collateral", lambda a: a.open_isolated("N", "long", 1, 100, float("nan"), 0.01)),
    ("collateral", lambda a: a.open_isolated("N", "long", 1, 100, 5_000, 0.01)),
    ("leverage", lambda a: a.open_isolated("N", "long", 1, 100, 10, 0.01, leverage=0)),
    ("leverage", lambda a: a.open_isolated("N", "long", 1, 100, 10, 0.01, leverage=126)),
    ("maintenance", lambda a: a.open_isolated("N", "long", 1, 100, 10, 0.1)),
    ("maintenance", lambda a: a.open_cross("N", "long", 1, 100, 0.2, leverage=5)),
    ("maintenance", lambda a: a.open_cross("N", "long", 1, 100, 1.5)),
    ("amount", lambda a: a.add_margin("ISO", -5)),
    ("symbol", lambda a: a.add_margin("CRS", 5)),
    ("symbol", lambda a: a.remove_margin("CRS", 5)),
    ("amount", lambda a: a.remove_margin("ISO", 50)),
    ("mode", lambda a: a.switch_mode("ISO", "cross")),
    ("prices['ISO']", lambda a: a.update({"CRS": 90, "ISO": float("nan")})),
    ("prices", lambda a: a.update([("ISO", 90)])),
    ("rate", lambda a: a.pay_funding("ISO", 2)),
    ("symbol", lambda a: a.charge_rollover("NOPE")),
]


@pytest.mark.parametrize("argument, call", BAD_CALLS, ids=[f"{i}-{name}" for i, (name, _) in enumerate(BAD_CALLS)])
def test_bad_input_is_refused_naming_the_argument_and_changes_nothing(argument, call):
    acct = opened()
    before = state(acct)
    with pytest.raises((ValueError, TypeError)) as info:
        call(acct)
    assert argument in str(info.value)
    assert state(acct) == before


def test_switching_on_a_venue_that_forbids_it_names_the_venue():
    with pytest.raises(ValueError, match="LockedEx.*-4048"):
        opened().switch_mode("ISO", "cross")


def test_add_margin_on_a_cross_position_says_cross_shares_the_wallet():
    with pytest.raises(ValueError, match="share the wallet"):
        opened().add_margin("CRS", 1)


def test_unknown_symbol_message_lists_the_open_positions():
    with pytest.raises(ValueError, match=r"symbol must be one of \['ISO', 'CRS'\], got 'BTC'"):
        opened().liquidation_price("BTC")


def test_collateral_larger_than_the_wallet_names_the_free_balance():
    acct = Account(100, fee_rate=0.001)
    with pytest.raises(ValueError, match=r"collateral must be <= the free balance 100.00 minus fees 0.10"):
        acct.open_isolated("X", "long", 1, 100, collateral=100, maintenance=0.01)


def test_account_refuses_bad_construction():
    with pytest.raises(ValueError, match="balance"):
        Account(0)
    with pytest.raises(ValueError, match="fee_rate"):
        Account(100, fee_rate=5)
    with pytest.raises(TypeError, match="venue"):
        Account(100, venue="bybit")


@settings(max_examples=60, deadline=None)
@given(
    moves=st.lists(st.floats(min_value=0.5, max_value=1.6), min_size=3, max_size=3),
    isolated=st.lists(st.booleans(), min_size=3, max_size=3),
    tiered=st.booleans(),
)
def test_what_a_replay_records_is_what_the_positions_say(moves, isolated, tiered):
    """Account._watch (the replay's fast read) against Account.positions (the public snapshots)."""
    schedule = MaintenanceSchedule([(0, 0.01), (30_000, 0.025)]) if tiered else 0.005
    account = Account(60_000)
    opened = [("BTC", "long", 1, 20_000), ("ETH", "long", 10, 1_000), ("SOL", "short", 100, 100)]
    for (symbol, side, size, entry), alone in zip(opened, isolated):
        if alone:
            account.open_isolated(symbol, side, size, entry, size * entry / 5, schedule, 5)
        else:
            account.open_cross(symbol, side, size, entry, schedule, 5)
    account.update({symbol: entry * move for (symbol, _, _, entry), move in zip(opened, moves)})
    watched = account._watch()
    positions = account.positions
    assert list(watched) == list(positions)
    for symbol, position in positions.items():
        assert watched[symbol] == (position.mark_price, position.margin_level, position.liquidation_price,
                                   position.collateral)


# ---- the closing fee in the requirement (issue 12, part 5) ----------------------------------


def test_the_closing_fee_moves_the_account_liquidation_price_to_lesson_03s_number():
    # Lesson 03: 10x long of 1 BTC at 20,000, 2,000 collateral, 0.5 % at the mark, 0.05 % fee.
    # By hand: 2,000 + (P − 20,000) = (0.005 + 0.0005)·P  ->  P = 18,000 / 0.9945 = 18,099.55.
    acct = Account(10_000, fee_rate=0.0005)
    acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=2_000, maintenance=0.005, leverage=10)
    price = acct.liquidation_price("BTCUSDT")
    assert price == pytest.approx(18_000 / 0.9945, rel=1e-12)
    assert round(price, 2) == 18_099.55
    assert acct.positions["BTCUSDT"].liquidation_price == price


@settings(max_examples=200, deadline=None)
@given(side=st.sampled_from(["long", "short"]), basis=st.sampled_from([Basis.MARK, Basis.ENTRY]),
       leverage=st.floats(1.5, 100), rate_share=st.floats(0.0, 0.8), fee=st.sampled_from([0.0, 0.0005, 0.002, 0.01]))
def test_the_account_liquidation_price_is_the_formula_with_the_fee_and_equity_meets_the_requirement_there(
        side, basis, leverage, rate_share, fee):
    notional = 20_000.0
    collateral = notional / leverage
    rate = rate_share * (1 / leverage - fee) if 1 / leverage > fee else 0.0
    if collateral <= (rate + fee) * notional * (1 + 1e-9):
        return  # refused at opening: tested below
    acct = Account(10 * notional, fee_rate=fee, venue=replace(generic_venue(), basis=basis))
    acct.open_isolated("X", side, 1, notional, collateral=collateral, maintenance=rate, leverage=leverage)
    price = acct.liquidation_price("X")
    expected = formula_liquidation_price(side, notional, 1, collateral, rate, fee_rate=fee, basis=basis)
    assert price == pytest.approx(expected, rel=1e-12) if expected is not None else price is None
    if price is None:
        return
    # first principles: equity M + s·Q·(P − EP) equals MM (at P or at the entry) + fee·Q·P
    sign = 1 if side == "long" else -1
    charged = price if basis is Basis.MARK else notional
    assert collateral + sign * (price - notional) == pytest.approx(rate * charged + fee * price, abs=1e-6)


@pytest.mark.parametrize("side, fee", [("long", 0.0005), ("short", 0.0005), ("long", 0.002), ("short", 0.0)])
def test_the_account_liquidates_exactly_at_its_fee_inclusive_price(side, fee):
    acct = Account(10_000, fee_rate=fee)
    acct.open_isolated("BTCUSDT", side, 1, 20_000, collateral=2_000, maintenance=0.005, leverage=10)
    price = formula_liquidation_price(side, 20_000, 1, 2_000, 0.005, fee_rate=fee)
    safe, past = (price * (1 + 1e-7), price * (1 - 1e-7)) if side == "long" else (price * (1 - 1e-7), price * (1 + 1e-7))
    assert "liquidation" not in [e.kind for e in acct.update({"BTCUSDT": safe})]
    assert kinds(acct.update({"BTCUSDT": past})) == [("liquidation", "BTCUSDT")]


def test_a_replay_liquidates_between_the_fee_free_and_the_fee_inclusive_price():
    from margin_lab.replay import Leg, Portfolio, replay

    # 18,095 lies between 18,090.45 (no fee) and 18,099.55 (the 0.05 % fee counted)
    path = [20_000, 18_500, 18_100, 18_095, 18_500]
    with_fee = replay(Portfolio(10_000, (Leg("BTCUSDT", "long", 1, 10),), fee_rate=0.0005), {"BTCUSDT": path})
    without = replay(Portfolio(10_000, (Leg("BTCUSDT", "long", 1, 10),)), {"BTCUSDT": path})
    assert with_fee.series("liquidation_price", "BTCUSDT")[0] == pytest.approx(18_000 / 0.9945)
    assert [(r.step, e.kind) for r in with_fee.records for e in r.events if e.kind == "liquidation"] == [
        (3, "liquidation")]
    assert without.liquidated == ()


def test_the_cross_pool_counts_the_closing_fee_like_an_isolated_position_with_the_whole_wallet():
    # One cross position backed by the whole wallet is an isolated position with M = the wallet.
    acct = Account(2_010, fee_rate=0.0005)
    acct.open_cross("BTCUSDT", "long", 1, 20_000, maintenance=0.005, leverage=10)
    expected = formula_liquidation_price("long", 20_000, 1, 2_000, 0.005, fee_rate=0.0005)  # 10 paid as fee
    assert acct.liquidation_price("BTCUSDT") == pytest.approx(expected)
    assert "liquidation" not in [e.kind for e in acct.update({"BTCUSDT": expected * (1 + 1e-7)})]
    assert kinds(acct.update({"BTCUSDT": expected * (1 - 1e-7)})) == [("liquidation", "BTCUSDT")]


def test_the_margin_level_is_one_at_the_liquidation_price_with_the_fee():
    acct = Account(10_000, fee_rate=0.0005)
    acct.open_isolated("BTCUSDT", "short", 1, 20_000, collateral=2_000, maintenance=0.005, leverage=10)
    acct.set_marks({"BTCUSDT": acct.liquidation_price("BTCUSDT")})
    assert acct.positions["BTCUSDT"].margin_level == pytest.approx(1.0)


# ---- leverage and margin after add_margin / remove_margin ------------------------------------


def test_add_and_remove_margin_report_the_leverage_the_collateral_now_carries():
    acct = Account(10_000)
    opened = acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=2_000, maintenance=0.005, leverage=10)
    assert (opened.leverage, opened.initial_margin) == (10, 2_000)
    added = acct.add_margin("BTCUSDT", 2_000)
    assert (added.leverage, added.initial_margin, added.collateral) == (5, 4_000, 4_000)  # 20,000 / 4,000
    assert acct.positions["BTCUSDT"] == added
    removed = acct.remove_margin("BTCUSDT", 1_500)
    assert removed.leverage == pytest.approx(20_000 / 2_500) and removed.initial_margin == 2_500
    # the leverage chosen at opening still bounds what may leave: down to its 2,000 initial margin
    assert acct.max_removable("BTCUSDT") == pytest.approx(500)


def test_collateral_above_the_leveraged_margin_reports_the_real_leverage():
    acct = Account(10_000)
    p = acct.open_isolated("BTCUSDT", "short", 1, 20_000, collateral=2_500, maintenance=0.005, leverage=10)
    assert p.leverage == pytest.approx(8) and p.initial_margin == 2_500


# ---- refused, and nothing changed (issue 12, part 4) ------------------------------------------


@pytest.mark.parametrize("call, match", [
    # maintenance 0.5 meant 0.5 %: 10,000 of requirement against 2,000 of collateral
    (lambda a: a.open_isolated("NEW", "long", 1, 20_000, collateral=2_000, maintenance=0.5, leverage=10),
     r"^collateral must be > the maintenance margin plus closing fee at entry 10,010.00, got 2000: the position would "
     r"open at or past its own liquidation price \(add collateral, or check that maintenance_rate 0.5 and fee_rate "
     r"0.0005 are fractions, 0.005 = 0.5 %\)$"),
    (lambda a: a.open_isolated("NEW", "long", 1, 20_000, collateral=160, maintenance=0.0075),
     r"collateral must be > the maintenance margin plus closing fee at entry 160.00, got 160:"),
    (lambda a: a.open_cross("NEW", "short", 1, 20_000, maintenance=0.5, leverage=10),
     r"^leverage must be in \(0, 1.998\) \(1/leverage above the maintenance rate plus the closing fee\), got 10"),
    (lambda a: a.open_cross("NEW", "long", 1, 20_000, maintenance=50, leverage=10),
     r"maintenance must be in \[0, 1\) as a fraction \(0.005 = 0.5 %\), got 50: a percent typed as a fraction"),
])
def test_a_position_that_would_open_past_its_liquidation_price_is_refused_and_nothing_changes(call, match):
    acct = Account(100_000, fee_rate=0.0005)
    acct.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=2_000, maintenance=0.005, leverage=10)
    acct.open_cross("ETHUSDT", "short", 10, 1_000, maintenance=0.01, leverage=20)
    acct.update({"BTCUSDT": 19_500})
    before = state(acct)
    with pytest.raises(ValueError, match=match):
        call(acct)
    assert state(acct) == before


@pytest.mark.parametrize("fee_rate", [0.05, 0.0101, 1.0])
def test_an_account_fee_typed_as_a_percent_is_refused(fee_rate):
    with pytest.raises(ValueError, match=rf"^fee_rate must be in \[0, 0.01\] as a fraction .*got {fee_rate!r}: a percent"):
        Account(10_000, fee_rate=fee_rate)


def test_a_venue_with_an_opening_fee_typed_as_a_percent_is_refused():
    with pytest.raises(ValueError, match=r"venue.opening_fee_rate must be in \[0, 0.01\]"):
        Account(10_000, venue=replace(generic_venue(), opening_fee_rate=0.02))


# ---- a bracket's maximum leverage (Binance lowers it as the notional grows) ----------------------


def _bracket_case():
    """BTCUSDT on Binance: 1 BTC at 100,000 is a notional in the 50,000 bracket, whose maximum is
    read from the venue's own schedule, and 1x above it is refused."""
    btc = venue("binance_usdm", "BTCUSDT")
    tier = btc.maintenance.tier(100_000)
    assert tier.max_leverage is not None and tier.max_leverage < btc.max_leverage
    return btc, tier.max_leverage + 1


@pytest.mark.parametrize("mode", ["isolated", "cross"])
def test_a_leverage_above_the_brackets_maximum_is_refused_and_changes_nothing(mode):
    from margin_lab.studies.venues import venue_comparison

    btc, leverage = _bracket_case()
    # The comparison table refuses the same position, independently of the account.
    row = venue_comparison(leverage=leverage, size=1, entry_price=100_000, venues=[btc]).rows[0]
    assert not row.offered and "maximum at this size" in row.reason
    acct = Account(1_000_000, venue=btc)
    before = (acct.balance, acct.positions, acct.ledger_summary())
    with pytest.raises(ValueError) as caught:
        if mode == "isolated":
            acct.open_isolated("BTCUSDT", "long", 1, 100_000, 100_000 / leverage, None, leverage=leverage)
        else:
            acct.open_cross("BTCUSDT", "long", 1, 100_000, None, leverage=leverage)
    message = str(caught.value)
    assert message.startswith(f"leverage must be <= {leverage - 1:g}") and "100,000.00" in message
    assert f"got {leverage:g}" in message
    assert (acct.balance, acct.positions, acct.ledger_summary()) == before
    # At the bracket's maximum it opens.
    if mode == "isolated":
        acct.open_isolated("BTCUSDT", "long", 1, 100_000, 100_000 / (leverage - 1), None, leverage=leverage - 1)
    else:
        acct.open_cross("BTCUSDT", "long", 1, 100_000, None, leverage=leverage - 1)
    assert acct.positions["BTCUSDT"].size == 1


def test_an_implied_isolated_leverage_above_the_brackets_maximum_is_refused():
    btc, leverage = _bracket_case()
    acct = Account(1_000_000, venue=btc)
    with pytest.raises(ValueError, match=r"leverage must be <= .*an implied leverage .* of " + f"{leverage:g}"):
        acct.open_isolated("BTCUSDT", "long", 1, 100_000, 100_000 / leverage, None)
    assert acct.positions == {} and acct.balance == 1_000_000


def test_a_cross_position_without_leverage_counts_its_initial_margin_at_its_brackets_maximum():
    btc = venue("binance_usdm", "BTCUSDT")
    small, large = btc.maintenance.tier(10_000).max_leverage, btc.maintenance.tier(100_000).max_leverage
    assert small == btc.max_leverage and large < small  # 125x for a small notional, lower above 50,000
    acct = Account(100_000, venue=btc)
    assert acct.open_cross("SMALL", "long", 0.1, 100_000, None).initial_margin == pytest.approx(10_000 / small)
    assert acct.open_cross("LARGE", "long", 1, 100_000, None).initial_margin == pytest.approx(100_000 / large)
    assert acct.free_balance == pytest.approx(100_000 - 10_000 / small - 100_000 / large)
    # Switched into cross without a leverage, the same rule.
    switching = Account(100_000, venue=replace(btc, can_switch_open_position=True))
    switching.open_isolated("BTCUSDT", "long", 1, 100_000, 5_000, None)
    assert switching.switch_mode("BTCUSDT", "cross").initial_margin == pytest.approx(100_000 / large)
