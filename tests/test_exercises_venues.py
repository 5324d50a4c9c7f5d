"""Lesson 7's helpers: a venue's refusal shown instead of raised, and the Kraken spot margin call.

The margin-call price is checked against REFERENCE.md §1's worked example (long 1 BTC at
20,000, 5x, balance 10,000 -> about 13,200) and, for any position, against a price found here
by bisection on the margin level (equity / used margin), not by the formula under test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account, Position, venue
from margin_lab.exercises import Feedback
from margin_lab.exercises.venues import Attempt, attempt, check_margin_call_price

FAST = settings(max_examples=100, deadline=None)


def _binance():
    account = Account(10_000, venue=venue("binance_usdm"))
    account.open_isolated("BTCUSDT", "long", 1, 20_000, collateral=4_000, maintenance=None, leverage=5)
    return account


# ---- attempt ----------------------------------------------------------------------------------


def test_a_refusal_comes_back_as_a_value_and_leaves_the_account_as_it_was():
    account = _binance()
    before = (account.balance, account.positions, account.ledger)
    outcome = attempt(account.switch_mode, "BTCUSDT", "cross")
    assert isinstance(outcome, Attempt) and not outcome.accepted and outcome.value is None
    assert repr(outcome).startswith("Refused: mode: Binance USDⓈ-M futures does not let an open position change")
    assert "-4048" in outcome.message and outcome.summary() == repr(outcome) == str(outcome)
    assert (account.balance, account.positions, account.ledger) == before


def test_an_accepted_switch_returns_the_position_and_describes_it():
    account = Account(10_000, venue=venue("bitmex"))
    account.open_isolated("XBTUSD", "long", 1, 20_000, collateral=4_000, maintenance=None, leverage=5)
    outcome = attempt(account.switch_mode, "XBTUSD", "cross")
    assert outcome.accepted and isinstance(outcome.value, Position)
    assert outcome.value.margin_mode.value == "cross" and account.balance == 10_000
    # Cross on BitMEX's entry basis: M = the wallet, 10,000: 20,000 − (10,000 − 0.01 × 20,000) = 10,200.
    assert outcome.value.liquidation_price == pytest.approx(10_200)
    assert outcome.message.endswith("backed by the shared wallet, liquidation price 10,200.00")


def test_kraken_spot_refuses_an_isolated_position_with_its_reason():
    spot = Account(10_000, venue=venue("kraken_spot"))
    outcome = attempt(spot.open_isolated, "XBTUSD", "long", 1, 20_000, collateral=4_000, maintenance=0.08,
                      leverage=5)
    assert repr(outcome) == "Refused: margin_mode 'isolated' is not available on Kraken spot margin"
    assert spot.positions == {} and spot.balance == 10_000


@pytest.mark.parametrize("action, text", [
    (lambda: None, "Accepted: done"),
    (lambda: 12.5, "Accepted: returned 12.50"),
    (lambda: "ok", "Accepted: returned 'ok'"),
])
def test_other_return_values_are_described(action, text):
    assert repr(attempt(action)) == text


def test_only_value_errors_become_refusals():
    with pytest.raises(TypeError, match="action must be a function"):
        attempt("switch_mode")
    account = _binance()
    with pytest.raises(TypeError):
        attempt(account.add_margin, "BTCUSDT", "100")  # a mistake in the call, not a venue rule
    assert attempt(account.add_margin, "BTCUSDT", 100).accepted


# ---- the Kraken spot margin call --------------------------------------------------------------


def _bisect(side, entry, size, balance, leverage, threshold):
    s = 1 if side == "long" else -1

    def level(p):
        used = size * (entry if side == "long" else p) / leverage  # a short's used margin is in BTC
        return (balance + s * size * (p - entry)) / used

    low, high = (1e-6, entry) if side == "long" else (entry, entry * 100)
    for _ in range(200):
        middle = (low + high) / 2
        if (level(middle) > threshold) == (side == "long"):
            high = middle
        else:
            low = middle
    return (low + high) / 2


def test_the_reference_example_margin_call_is_13_200():
    feedback = check_margin_call_price(13_200, "long", entry_price=20_000, size=1, balance=10_000, leverage=5)
    assert isinstance(feedback, Feedback) and feedback.correct
    assert feedback.message == ("Correct: the long reaches a margin level of 80 % (equity / used margin, 4,000.00 "
                                "at entry) at 13,200.00; you entered 13,200.")


@FAST
@given(side=st.sampled_from(["long", "short"]), cover=st.floats(1, 10), leverage=st.floats(1, 5),
       threshold=st.sampled_from([0.8, 0.4]))
def test_the_margin_call_price_is_where_the_margin_level_reaches_the_threshold(side, cover, leverage, threshold):
    balance = cover * 20_000 / leverage  # Kraken opens no margin position below a 100 % level (203325763)
    found = _bisect(side, 20_000, 1, balance, leverage, threshold)
    if side == "long" and found < 1:
        assert check_margin_call_price(0, side, 20_000, 1, balance, leverage, threshold=threshold).correct
        return
    assert check_margin_call_price(found, side, 20_000, 1, balance, leverage, threshold=threshold).correct
    assert not check_margin_call_price(found * 1.01, side, 20_000, 1, balance, leverage, threshold=threshold).correct


@pytest.mark.parametrize("answer, hint", [
    (11_600, "That is where the margin level reaches 40 %, the automatic liquidation"),
    (19_200, "That counts only the used margin (4,000.00) as equity: Kraken spot margin is account-wide"),
])
def test_common_slips_on_the_margin_call_get_their_own_hint(answer, hint):
    feedback = check_margin_call_price(answer, "long", 20_000, 1, 10_000, 5)
    assert not feedback.correct and hint in feedback.message


def test_asking_for_the_liquidation_level_recognises_the_margin_call_instead():
    feedback = check_margin_call_price(13_200, "long", 20_000, 1, 10_000, 5, threshold=0.4)
    assert not feedback.correct and "That is the 80 % margin call" in feedback.message
    assert check_margin_call_price(11_600, "long", 20_000, 1, 10_000, 5, threshold=0.4).correct


@pytest.mark.parametrize("bad, match", [
    ({"answer": float("inf")}, "answer must be a finite number"),
    ({"side": "up"}, "side must be one of"),
    ({"balance": 0}, "balance must be a finite number > 0"),
    ({"threshold": -0.8}, r"threshold must be in \(0, 10\] as a margin level ratio"),
    ({"threshold": 80}, r"threshold must be in \(0, 10\] .*got 80: a percent typed as a ratio\? 80 % is 0.8"),
])
def test_bad_input_to_the_margin_call_check_is_refused_by_name(bad, match):
    arguments = {"answer": 13_200, "side": "long", "entry_price": 20_000, "size": 1, "balance": 10_000,
                 "leverage": 5} | bad
    with pytest.raises(ValueError, match=match):
        check_margin_call_price(**arguments)
