"""The lesson 5 explorer: a small portfolio through a stylised scenario, all isolated and all
cross, side by side.

The factory builds the controls and an :class:`~margin_lab.widgets._kit.Explorer` whose callback
calls :func:`margin_lab.plots.cross_vs_isolated` (the account engine's replay) and
:func:`margin_lab.plots.draw_cross_vs_isolated`.
"""

from __future__ import annotations

from functools import partial

from .._checks import require_numbers, require_positive, require_range, require_texts
from ..plots.cross import draw_cross_vs_isolated
from ..studies.cross import PORTFOLIOS, SCENARIO_DAYS, cross_vs_isolated
from ._kit import Explorer, dropdown, slider

__all__ = ["cross_explorer"]

_SCENARIO_LABELS = {
    "crash": "Crash (-45 % in a day)",
    "squeeze": "Squeeze (+40 % in two days)",
    "whipsaw": "Whipsaw (8-10 % swings)",
    "grind": "Grind (-60 % over 60 days)",
}


def cross_explorer(
    *,
    portfolio: str = "two_longs",
    scenario: str = "crash",
    leverage: float = 10,
    margin: float = 2_000,
    balance: float = 10_000,
    maintenance_rate: float = 0.005,
    max_leverage: float = 25,
    max_balance: float = 50_000,
    quote: str = "USDT",
) -> Explorer:
    """Portfolio, scenario, leverage, margin per position and wallet -> equity over time all
    isolated and all cross, with every liquidation and margin call marked (lesson 5).

    Each position gets the same margin; its size is margin × leverage / its start price
    (BTC 20,000, ETH 1,000, SOL 100). The scenarios are the stylised ones of
    :data:`margin_lab.scenarios.SCENARIOS`, replayed on daily closes. Margin that does not fit
    in the wallet is refused in the status line.

    Controls: ``portfolio`` (a key of :data:`margin_lab.plots.PORTFOLIOS`), ``scenario``,
    ``leverage`` (1 to ``max_leverage``), ``margin`` (per position), ``balance`` (the wallet,
    up to ``max_balance``). ``maintenance_rate`` stays fixed.
    Figure: :func:`margin_lab.plots.draw_cross_vs_isolated`.

    Examples
    --------
    >>> explorer = cross_explorer()
    >>> explorer
    Cross vs isolated explorer (5 controls)
    >>> explorer.result.isolated.loss, explorer.result.cross.loss
    (4000.0, 10000.0)
    >>> explorer.set(scenario="squeeze", leverage=20)
    >>> explorer.result.isolated.liquidated, explorer.result.cross.liquidated
    (('ETH', 'BTC'), ())
    """
    require_numbers(leverage=leverage, margin=margin, balance=balance, maintenance_rate=maintenance_rate,
                    max_leverage=max_leverage, max_balance=max_balance)
    require_texts(portfolio=portfolio, scenario=scenario, quote=quote)
    max_leverage = require_range("max_leverage", max_leverage, 1, 125)
    max_balance = require_positive("max_balance", max_balance)
    controls = {
        "portfolio": dropdown("Portfolio", [(label, key) for key, (label, _) in PORTFOLIOS.items()],
                              value=portfolio, tooltip="The positions opened from the wallet, same margin each"),
        "scenario": dropdown("Scenario", [(_SCENARIO_LABELS[key], key) for key in SCENARIO_DAYS], value=scenario,
                             tooltip="A stylised price path (margin_lab.scenarios); the assets move together, "
                                     "ETH 1.2x and SOL 1.5x as far as BTC"),
        "leverage": slider("Leverage (x)", value=leverage, min=1, max=max_leverage, step=1,
                           tooltip="The same for every position: size = margin x leverage / start price"),
        "margin": slider(f"Margin per position ({quote})", value=margin, min=250, max=5_000, step=250,
                         tooltip="Initial margin of each position: its isolated collateral"),
        "balance": slider(f"Wallet ({quote})", value=balance, min=1_000, max=max_balance, step=1_000,
                          tooltip="Everything in the account: cross puts all of it behind the positions"),
    }
    compute = partial(cross_vs_isolated, maintenance_rate=maintenance_rate, quote=quote)
    return Explorer("Cross vs isolated explorer", controls, compute, draw_cross_vs_isolated, ncols=2)
