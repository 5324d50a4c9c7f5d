"""Lesson 04's summaries do not contradict themselves (issue 17): a margin call that came from a
day's low while the close stayed above the warning level says so; a stop that fired is not
called one that never fires; a liquidation with no call between two closes says it was
checked once a day. The levels are recomputed here from the path (REFERENCE.md §1)."""

from __future__ import annotations

from margin_lab import managed_position


def _level(price: float) -> float:
    """Margin level of the 10x long of 1 BTC at 20,000 with 2,000 and 0.5 %, written out."""
    return (2_000 + (price - 20_000)) / (0.005 * price)


def test_a_margin_call_from_the_days_low_says_the_close_stayed_above_the_warning_level():
    crash = managed_position("crash")
    day = crash.warning_day
    assert _level(crash.closes[day]) >= 1.5 > _level(crash.lows[day])  # independent: the call came intraday
    text = crash.summary()
    assert f"margin call on day {day}: the day's low took the level below 150 %" in text
    assert f"though it closed at {round(100 * _level(crash.closes[day]))} %" in text


def test_a_liquidation_between_two_daily_closes_says_it_was_checked_once_a_day():
    dip = managed_position("dip")
    assert dip.warning_day is None and dip.outcome == "liquidated"
    assert _level(dip.closes[dip.end_day - 1]) > 1.5 > 1.0 > _level(dip.closes[dip.end_day])
    assert "checked once a day" in dip.summary() and "watching continuously" in dip.summary()


def test_a_stop_that_fired_after_a_top_up_is_not_said_never_to_fire():
    topped = managed_position("dip", add_margin=1_100, stop_loss=17_500)
    assert topped.outcome == "stopped"
    assert topped.loss == 20_000 - 17_500  # stopped at its price: the whole move from the entry
    assert "never fires" not in topped.summary()
    assert "could fire only once your actions had moved the liquidation price past it" in topped.summary()
