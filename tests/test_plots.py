"""The house style, rendering, and the lesson 1-3 compute and draw functions.

Numbers are checked against derivations made here by hand from REFERENCE.md §1 (closed forms
with the collateral equal to the initial margin), against the Account engine, or against the
worked examples of REFERENCE.md, never against numbers the plotting code printed.
"""

from __future__ import annotations

import functools
import math
import struct
import subprocess
import sys

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab import Account
from margin_lab import (
    equity_curve,
    isolated_allocation,
    liquidation_path,
    stylised_path,
)
from margin_lab.plots import (
    PALETTE,
    ROLES,
    draw_equity_curve,
    draw_isolated_allocation,
    draw_liquidation_path,
    render,
    show,
)

FAST = settings(max_examples=150, deadline=None)

#: Okabe & Ito (2008), "Color Universal Design", jfly.uni-koeln.de/color/: the eight colours.
OKABE_ITO = {
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
}

CASES = {
    "equity-long": (draw_equity_curve, equity_curve("long", leverage=10, mark_price=19_000)),
    "equity-short-1x": (draw_equity_curve, equity_curve("short", leverage=1, mark_price=23_000)),
    "equity-long-1x": (draw_equity_curve, equity_curve("long", leverage=1, mark_price=19_000)),
    "allocation": (draw_isolated_allocation, isolated_allocation(10_000, 2_000, 10)),
    "allocation-1x": (draw_isolated_allocation, isolated_allocation(5_000, 5_000, 1, fee_rate=0)),
    "path-long": (draw_liquidation_path, liquidation_path("long", leverage=10, fee_rate=0.0005)),
    "path-short": (draw_liquidation_path, liquidation_path("short", leverage=3, basis="entry")),
    "path-binance": (draw_liquidation_path, liquidation_path("long", leverage=20, venue="binance_usdm")),
    "path-1x": (draw_liquidation_path, liquidation_path("long", leverage=1)),
}


@functools.cache
def drawn(case: str):
    """Each case is rendered once per session (rendering costs ~0.2 s)."""
    draw, result = CASES[case]
    return render(draw, result).info


# ---- house style -------------------------------------------------------------------------------


def test_palette_is_the_okabe_ito_palette():
    assert set(PALETTE.values()) == OKABE_ITO


@pytest.mark.parametrize("case", CASES)
def test_every_figure_has_a_title_and_axis_labels_with_units(case):
    info, draw = drawn(case), CASES[case][0]
    assert info.title.strip()
    assert "(" in info.xlabel and info.xlabel.endswith(")"), info.xlabel
    assert info.ylabel.strip()
    if draw is not draw_isolated_allocation:  # its y axis names categories, not a quantity
        assert "(" in info.ylabel and info.ylabel.endswith(")"), info.ylabel


@pytest.mark.parametrize("case", CASES)
def test_colour_is_never_the_only_cue(case):
    info = drawn(case)
    lines = [(line.color, line.linestyle, line.marker) for line in info.lines]
    assert len(lines) == len(set(lines)), lines
    assert {line.color for line in info.lines} <= OKABE_ITO
    hatches = [bar.hatch for bar in info.bars] + [patch.hatch for patch in info.patches]
    assert len(hatches) == len(set(hatches)), hatches
    assert {bar.color for bar in info.bars} | {patch.color for patch in info.patches} <= OKABE_ITO


def test_every_line_role_has_its_own_colour_and_style():
    looks = {
        role: (style["color"], style["linestyle"], style.get("marker"))
        for role, style in ROLES.items()
        if "linestyle" in style and role != "price"  # price and equity never share a figure
    }
    assert len(set(looks.values())) == len(looks)


def test_drawing_and_showing_leave_rcparams_unchanged(monkeypatch, capsys):
    monkeypatch.setattr("IPython.display.display", lambda *args, **kwargs: None)
    before = dict(matplotlib.rcParams)
    for case in ("equity-long", "allocation", "path-long"):
        show(*CASES[case])
    capsys.readouterr()
    assert dict(matplotlib.rcParams) == before


def test_figures_are_720_by_360_and_byte_stable():
    first = render(draw_liquidation_path, liquidation_path("long", leverage=10))
    second = render(draw_liquidation_path, liquidation_path("long", leverage=10))
    assert first.png == second.png
    width, height = struct.unpack(">II", first.png[16:24])  # the PNG IHDR chunk
    assert (width, height) == (720, 360)
    assert first.text == "<Figure size 720x360 with 1 Axes>"
    assert b"Software" not in first.png and b"matplotlib" not in first.png


def test_show_displays_the_png_with_stable_text_then_prints_the_summary(monkeypatch, capsys):
    shown = []

    def fake_display(data, raw=False):
        shown.append((data, raw))
        print("[figure]")

    monkeypatch.setattr("IPython.display.display", fake_display)
    result = equity_curve("long", leverage=10, mark_price=19_000)
    assert show(draw_equity_curve, result) is None
    (data, raw), = shown
    assert raw and set(data) == {"image/png", "text/plain"}
    assert data["text/plain"] == "<Figure size 720x360 with 1 Axes>"
    assert capsys.readouterr().out == "[figure]\n" + result.summary() + "\n"


def test_show_refuses_a_result_without_a_summary():
    with pytest.raises(TypeError, match="summary"):
        show(draw_equity_curve, {"leverage": 10})


def test_rendering_never_loads_pyplot():
    code = (
        "import sys\n"
        "from margin_lab import equity_curve\n"
        "from margin_lab.plots import render, draw_equity_curve\n"
        "render(draw_equity_curve, equity_curve('long', leverage=10, mark_price=19_000))\n"
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


# ---- lesson 1: equity curve --------------------------------------------------------------------


@FAST
@given(
    side=st.sampled_from(["long", "short"]),
    leverage=st.floats(1.5, 100),
    rate_share=st.floats(0.01, 0.9),
)
def test_equity_curve_liquidation_matches_the_hand_derived_closed_form(side, leverage, rate_share):
    # With M = Q·EP/L and the requirement r·Q·P: long P = EP·(1 − 1/L)/(1 − r), short EP·(1 + 1/L)/(1 + r).
    rate = rate_share / leverage
    curve = equity_curve(side, leverage=leverage, mark_price=20_000, maintenance_rate=rate)
    s = 1 if side == "long" else -1
    assert curve.liquidation_price == pytest.approx(20_000 * (1 - s / leverage) / (1 - s * rate), rel=1e-12)
    assert curve.bankruptcy_price == pytest.approx(20_000 * (1 - s / leverage))


def test_equity_curve_crosses_the_maintenance_line_at_the_liquidation_price():
    for side in ("long", "short"):
        curve = equity_curve(side, leverage=25, mark_price=20_000)
        gaps = [e - r for e, r in zip(curve.equities, curve.requirements)]
        i = next(i for i in range(len(gaps) - 1) if gaps[i] * gaps[i + 1] <= 0)
        p0, p1 = curve.prices[i], curve.prices[i + 1]
        crossing = p0 + (p1 - p0) * gaps[i] / (gaps[i] - gaps[i + 1])  # both lines are straight
        assert crossing == pytest.approx(curve.liquidation_price, rel=1e-9)


def test_equity_curve_long_and_short_mirror_each_other():
    long = equity_curve("long", leverage=8, mark_price=21_300)
    short = equity_curve("short", leverage=8, mark_price=21_300)
    assert long.unrealized_pnl == -short.unrealized_pnl == 1_300
    assert long.equity + short.equity == pytest.approx(2 * long.collateral)


def test_margin_level_is_100_percent_at_the_liquidation_price_and_the_ratio_its_inverse():
    at = equity_curve("long", leverage=10, mark_price=19_000).liquidation_price
    curve = equity_curve("long", leverage=10, mark_price=at)
    assert curve.margin_level == pytest.approx(1.0)
    assert curve.margin_ratio == pytest.approx(1 / curve.margin_level)


def test_equity_curve_summary_states_the_reference_example():
    # REFERENCE/STYLE: a 10x long of 1 BTC at 20,000 with 2,000 collateral and 0.5 % liquidates at 18,090.45.
    text = equity_curve("long", leverage=10, mark_price=19_000).summary()
    assert "collateral 2,000.00 USDT" in text and "Liquidation at 18,090.45" in text
    assert "equity 1,000.00 USDT" in text and "bankruptcy at 18,000.00" in text


def test_equity_curve_refuses_a_maintenance_rate_at_the_initial_margin_rate():
    with pytest.raises(ValueError, match=r"maintenance_rate must be in \[0, [0-9.]+\) \(below the initial margin rate"):
        equity_curve("long", leverage=50, mark_price=20_000, maintenance_rate=0.02)
    with pytest.raises(ValueError, match="mark_price"):
        equity_curve("long", leverage=5, mark_price=math.nan)


# ---- lesson 2: isolated allocation --------------------------------------------------------------


@FAST
@given(
    balance=st.floats(1_000, 1e6),
    share=st.floats(0.01, 0.9),
    leverage=st.floats(1, 100),
    fee_rate=st.floats(0, 0.001),
)
def test_at_risk_and_not_at_risk_add_up_to_the_wallet(balance, share, leverage, fee_rate):
    a = isolated_allocation(balance, balance * share, leverage, fee_rate=fee_rate)
    assert a.at_risk + a.not_at_risk == pytest.approx(balance)
    assert a.at_risk == pytest.approx(balance * share * (1 + fee_rate * leverage))
    assert a.loss_before_liquidation + a.cushion == pytest.approx(a.collateral)


def test_what_the_allocation_calls_safe_is_what_the_account_keeps_after_a_liquidation():
    a = isolated_allocation(10_000, 2_000, 10, fee_rate=0.0005)
    account = Account(10_000, fee_rate=0.0005)
    account.open_isolated("BTCUSDT", "long", a.size, a.entry_price, collateral=a.collateral,
                          maintenance=a.maintenance_rate, leverage=a.leverage)
    assert account.balance == pytest.approx(a.not_at_risk)
    assert account.liquidation_price("BTCUSDT") == pytest.approx(a.liquidation_price)
    events = account.update({"BTCUSDT": 15_000})
    assert [e.kind for e in events] == ["liquidation"]
    assert account.balance == pytest.approx(a.not_at_risk)


def test_allocating_more_than_the_wallet_is_refused_by_name():
    with pytest.raises(ValueError, match=r"collateral must be <= balance .* = 995.02 USDT"):
        isolated_allocation(1_000, 1_000, 10)  # the 0.05 % fee on 10,000 does not fit
    assert isolated_allocation(1_000, 1_000 / 1.005, 10).not_at_risk == pytest.approx(0, abs=1e-9)


def test_allocation_figure_shows_the_wallet_split():
    info = render(draw_isolated_allocation, isolated_allocation(10_000, 2_000, 10)).info
    assert info.bar("Not at risk").values == (7_990.0,)
    assert info.bar("At risk").values == (2_000.0,)
    assert info.bar("Paid").values == pytest.approx((10.0,))


# ---- lesson 3: liquidation path ------------------------------------------------------------------


@FAST
@given(
    side=st.sampled_from(["long", "short"]),
    leverage=st.floats(1.5, 100),
    rate_share=st.floats(0, 0.5),
    fee_share=st.floats(0, 0.4),
)
def test_liquidation_distance_matches_the_closed_form_with_fees(side, leverage, rate_share, fee_share):
    # Mark basis: long (1/L − r − f)/(1 − r − f), short (1/L − r − f)/(1 + r + f).
    rate, fee = rate_share / leverage, min(fee_share / leverage, 0.01)  # fees above 1 % are refused
    path = liquidation_path(side, leverage=leverage, maintenance_rate=rate, fee_rate=fee)
    k = rate + fee
    expected = (1 / leverage - k) / (1 - k) if side == "long" else (1 / leverage - k) / (1 + k)
    assert path.liquidation_distance == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("basis", ["mark", "entry"])
@pytest.mark.parametrize("side", ["long", "short"])
def test_at_the_warning_price_equity_is_the_warning_level_times_the_requirement(side, basis):
    p = liquidation_path(side, leverage=12, maintenance_rate=0.01, fee_rate=0.0006, basis=basis, warning_level=1.6)
    s = 1 if side == "long" else -1
    for level, at in ((1.6, p.warning_price), (1.0, p.liquidation_price)):
        equity = p.collateral + s * p.size * (at - p.entry_price)
        value = p.size * (at if basis == "mark" else p.entry_price)
        requirement = 0.01 * value + 0.0006 * p.size * at
        assert equity / requirement == pytest.approx(level)


def test_bybit_preset_reproduces_the_bybit_example():
    # REFERENCE.md §1: Bybit USDT isolated, long 1 BTC at 20,000, 50x, MMR 0.5 % -> 19,700.
    path = liquidation_path("long", leverage=50, venue="bybit")
    assert path.liquidation_price == pytest.approx(19_700)
    assert path.bankruptcy_price == pytest.approx(19_600)


def test_binance_preset_uses_the_first_bracket_for_one_btc():
    # BTCUSDT brackets (snapshot 2024-10-24): a 20,000 notional sits in the 0.4 % bracket, no amount.
    path = liquidation_path("long", leverage=20, venue="binance_usdm")
    assert path.liquidation_price == pytest.approx(20_000 * (1 - 1 / 20) / (1 - 0.004))
    with pytest.raises(ValueError, match=r"leverage must be in \(0, 125\]"):
        liquidation_path("long", leverage=126, venue="binance_usdm")


def test_kraken_spot_preset_warns_at_80_and_liquidates_at_40_percent_of_used_margin():
    # REFERENCE.md §2: Kraken spot margin call ~80 %, liquidation ~40 % of equity / used margin.
    path = liquidation_path("long", leverage=5, venue="kraken_spot")
    used = 20_000 / 5
    assert (path.collateral + path.warning_price - 20_000) / used == pytest.approx(0.8)
    assert (path.collateral + path.liquidation_price - 20_000) / used == pytest.approx(0.4)


def test_the_path_liquidates_on_the_first_day_the_mark_crosses_the_liquidation_price():
    for side, s in (("long", 1), ("short", -1)):
        p = liquidation_path(side, leverage=10)
        day = p.times.index(p.liquidation_day)
        assert all(s * (price - p.liquidation_price) > 0 for price in p.prices[:day])
        assert s * (p.prices[day] - p.liquidation_price) <= 0
        assert p.warning_day is not None and p.warning_day <= p.liquidation_day


def test_a_low_leverage_position_survives_the_same_path():
    p = liquidation_path("long", leverage=3)
    assert p.liquidation_day is None and "survives" in p.summary()


def test_the_short_path_mirrors_the_long_path():
    _, up = stylised_path("long", 20_000)
    _, down = stylised_path("short", 20_000)
    assert all(a + b == pytest.approx(40_000) for a, b in zip(up, down))


def test_liquidation_path_refuses_rates_that_liquidate_at_opening():
    with pytest.raises(ValueError, match=r"maintenance_rate must be in \[0, 0.1\) \(below the initial margin rate "
                                         r"1/leverage = 0.1 at leverage 10\), got 0.1: the position would open at"):
        liquidation_path("long", leverage=10, maintenance_rate=0.1)
    with pytest.raises(ValueError, match=r"maintenance_rate must be in \[0, 0.09\) \(below .* minus the closing fee "
                                         r"0.01\), got 0.09"):
        liquidation_path("long", leverage=10, maintenance_rate=0.09, fee_rate=0.01)


def test_liquidation_figure_draws_the_band_between_warning_and_liquidation():
    p = liquidation_path("long", leverage=10)
    info = render(draw_liquidation_path, p).info
    band = info.patch("Warning band")
    assert band.y == pytest.approx(p.liquidation_price)
    assert band.y + band.height == pytest.approx(p.warning_price)
    assert info.line("Liquidation ").y == (p.liquidation_price, p.liquidation_price)
    assert info.line("Mark price").y == p.prices
    assert info.line("Liquidated on day").x == (p.liquidation_day,)


def test_the_summary_says_how_little_time_the_warning_leaves():
    p = liquidation_path("long", leverage=50, venue="bybit")
    hours = round((p.liquidation_day - p.warning_day) * 24)
    assert 1 <= hours < 24
    assert f"the warning comes only {hours} hours before liquidation" in p.summary()
