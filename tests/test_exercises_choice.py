"""Lesson 6 exercise check: the chance of a liquidation within a horizon, and its hints.

The right answer and each tempting wrong one are derived here by hand (the first-passage formula
of Brownian motion with drift, the normal law of the final log price), so a check that drifted
from the mathematics would fail.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from margin_lab import liquidation_price
from margin_lab.exercises.choice import check_liquidation_probability, ending_beyond_probability

PHI = NormalDist().cdf
BETA = 1.4603545088095868 / math.sqrt(2 * math.pi)  # Broadie, Glasserman & Kou (1997)


def _distance(side, leverage, rate):
    liq = liquidation_price(side, entry_price=100.0, size=1.0, collateral=100.0 / leverage, maintenance_rate=rate)
    return abs(math.log(liq / 100.0))


def _touch(side, leverage, rate, vol, days, daily=False):
    """Percent chance of touching the liquidation price, price drift 0, by hand."""
    t = days / 365
    a = _distance(side, leverage, rate) + (BETA * vol * math.sqrt(1 / 365) if daily else 0.0)
    m = (1 if side == "long" else -1) * vol**2 / 2
    s = vol * math.sqrt(t)
    return 100 * (PHI((-a + m * t) / s) + math.exp(2 * m * a / vol**2) * PHI((-a - m * t) / s))


def _ending(side, leverage, rate, vol, days, drift=0.0):
    """Percent chance that the final price is beyond the liquidation price: ln(P_T/EP) is normal
    with mean (mu - sigma²/2)·T and standard deviation sigma·√T."""
    t = days / 365
    mean, s = (drift - vol**2 / 2) * t, vol * math.sqrt(t)
    a = _distance(side, leverage, rate)
    return 100 * (PHI((-a - mean) / s) if side == "long" else 1 - PHI((a - mean) / s))


LESSON = ("long", 10, 0.005, 0.6, 30)  # the lesson's exercise: 10x, 60 % a year, 30 days


def test_the_closed_form_answer_and_its_rounding_are_accepted():
    right = _touch(*LESSON)
    assert check_liquidation_probability(right, *LESSON).correct
    assert check_liquidation_probability(round(right), *LESSON).correct  # 59 for 58.77
    assert not check_liquidation_probability(right + 1.5, *LESSON).correct
    assert f"{right:.2f} %" in check_liquidation_probability(right, *LESSON).message


def test_a_fraction_instead_of_a_percentage_is_named():
    feedback = check_liquidation_probability(_touch(*LESSON) / 100, *LESSON)
    assert not feedback.correct and "That looks like a fraction" in feedback.message


def test_the_daily_check_value_is_recognised_both_ways():
    daily = _touch(*LESSON, daily=True)
    feedback = check_liquidation_probability(daily, *LESSON)
    assert not feedback.correct and "checked once a day" in feedback.message
    asked_daily = check_liquidation_probability(_touch(*LESSON), *LESSON, steps_per_day=1)
    assert not asked_daily.correct and "watched continuously" in asked_daily.message
    assert check_liquidation_probability(daily, *LESSON, steps_per_day=1).correct


def test_the_chance_of_ending_below_is_recognised_as_not_touching():
    ending = _ending(*LESSON)
    assert ending_beyond_probability(*LESSON) == pytest.approx(ending / 100, abs=1e-12)
    feedback = check_liquidation_probability(ending, *LESSON)
    assert not feedback.correct and "ENDS the period" in feedback.message


def test_the_bankruptcy_price_is_recognised():
    case = ("long", 25, 0.01, 0.5, 10)
    bankrupt = _touch("long", 25, 0.0, 0.5, 10)
    assert abs(bankrupt - _touch(*case)) > 3 and abs(bankrupt - _touch("short", *case[1:])) > 3
    feedback = check_liquidation_probability(bankrupt, *case)
    assert not feedback.correct and "bankruptcy price" in feedback.message


def test_the_other_side_is_recognised():
    case = ("long", 3, 0.01, 1.5, 180)
    short = _touch("short", *case[1:])
    assert abs(short - _touch(*case)) > 10
    feedback = check_liquidation_probability(short, *case)
    assert not feedback.correct and "for a short" in feedback.message


def test_ending_below_is_half_of_touching_when_the_log_price_has_no_drift():
    # mu = sigma²/2: ln P is a driftless Brownian motion, and the reflection principle says
    # P(touch -a) = 2·P(end below -a) = 2·Phi(-a/(sigma·√T)).
    a = _distance("long", 8, 0.005)
    end = 1 - PHI(a / (0.8 * math.sqrt(30 / 365)))
    assert ending_beyond_probability("long", 8, 0.005, 0.8, 30, drift=0.32) == pytest.approx(end, rel=1e-9)
    assert ending_beyond_probability("long", 8, 0.005, 0.8, 30, drift=0.32) == pytest.approx(
        _ending("long", 8, 0.005, 0.8, 30, drift=0.32) / 100, rel=1e-9)


def test_a_short_ending_beyond_matches_the_normal_law_of_the_final_price():
    assert ending_beyond_probability("short", 8, 0.005, 0.8, 30) == pytest.approx(
        _ending("short", 8, 0.005, 0.8, 30) / 100, rel=1e-9)


def test_without_volatility_ending_beyond_is_touching():
    assert ending_beyond_probability("long", 10, 0.005, 0.0, 74, drift=-0.5) == 1.0
    assert ending_beyond_probability("long", 10, 0.005, 0.0, 73, drift=-0.5) == 0.0
    assert ending_beyond_probability("long", 1, 0.005, 0.6, 30) == 0.0  # no liquidation price


@pytest.mark.parametrize("answer, error, words", [
    (float("nan"), ValueError, "answer_percent"),
    (True, TypeError, "answer_percent"),
    ("58", TypeError, "answer_percent"),
])
def test_bad_answers_are_refused_by_name(answer, error, words):
    with pytest.raises(error, match=words):
        check_liquidation_probability(answer, *LESSON)


def test_bad_settings_are_refused_by_name():
    with pytest.raises(ValueError, match="tolerance"):
        check_liquidation_probability(58, *LESSON, tolerance=-1)
    with pytest.raises(ValueError, match="side"):
        check_liquidation_probability(58, "flat", 10, 0.005, 0.6, 30)
