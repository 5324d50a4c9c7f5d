"""Exercise checks for lesson 9: inverse (coin-margined) positions.

Each check recomputes the answer with :mod:`margin_lab.inverse`, compares it within a tolerance
through :func:`margin_lab.exercises.check_number`, and names the usual mistake a wrong answer
matches:

* **linear arithmetic**: the USDT-margined formula, with the coins' value at entry as fixed USD
  collateral (the collateral's value is then wrongly held still while the price moves);
* **mixing coin and USD**: the number of coins typed where USD was meant (or the other way), a
  coin amount read as dollars, a USD P&L where coins were asked;
* the bankruptcy price instead of the liquidation price, and the other side's price.
"""

from __future__ import annotations

from .._checks import require_choice, require_number
from ..inverse import (
    inverse_bankruptcy_price,
    inverse_equity_usd,
    inverse_liquidation_price,
    inverse_position_equity,
    inverse_unrealized_pnl,
)
from ..margin import liquidation_price, unrealized_pnl
from ..model import Basis, Side
from .feedback import Feedback, check_number, first_hint, verdict

__all__ = ["check_inverse_liquidation_price", "check_inverse_pnl", "check_inverse_equity_usd"]


def _linear_or_none(side, entry_price, size, collateral, rate, amount=0.0, fee=0.0, basis="mark"):
    try:
        return liquidation_price(side, entry_price, size, collateral, rate, amount, fee, basis)
    except ValueError:
        return None


def check_inverse_liquidation_price(
    answer: float,
    side: str | Side,
    entry_price: float,
    size_usd: float,
    collateral: float,
    maintenance_rate: float,
    *,
    maintenance_amount: float = 0.0,
    fee_rate: float = 0.0,
    basis: str | Basis = "mark",
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check an inverse liquidation price (USD per coin) against :func:`margin_lab.inverse_liquidation_price`.

    Enter 0 when no price liquidates the position. Default tolerance: 0.1 % of the price.

    Notes
    -----
    Taught in lessons/09_collateral_in_the_coin.ipynb.

    Examples
    --------
    Kraken Futures' example (support 360022835671):

    >>> check_inverse_liquidation_price(7_481.48, "long", 8_000, 1_000, 0.01, 0.01).correct
    True

    The linear formula with 0.01 BTC worth 80 USD at entry gives 7,434.34:

    >>> feedback = check_inverse_liquidation_price(7_434.34, "long", 8_000, 1_000, 0.01, 0.01)
    >>> feedback.correct, "linear" in feedback.message
    (False, True)
    """
    answer = require_number("answer", answer, hint="a price in USD per coin, e.g. 108900; 0 for none")
    side = require_choice("side", side, Side)
    basis = require_choice("basis", basis, Basis)
    expected = inverse_liquidation_price(side, entry_price, size_usd, collateral, maintenance_rate,
                                         maintenance_amount, fee_rate, basis)
    coins = size_usd / entry_price
    if expected is None:
        correct = answer <= 0
        statement = (f"no positive price liquidates this {side.value}: {collateral:g} coins back a position worth "
                     f"{coins:g} coins at entry, a USD hedge; enter 0 for none")
        hint = "" if correct else ("A short backed by at least its own value in the coin gains as much USD on its "
                                   "collateral as it loses on the contracts.")
        return verdict(correct, statement, f"{answer:g}", "", hint, explanation)
    tolerance = max(0.001 * expected, 0.005) if tolerance is None else tolerance
    linear = _linear_or_none(side, entry_price, coins, collateral * entry_price, maintenance_rate,
                             maintenance_amount * entry_price, fee_rate, basis)
    coins_as_usd = _linear_or_none(side, entry_price, coins, collateral, maintenance_rate)
    hints = [
        (linear, "That is the linear (USDT-margined) answer: it holds the collateral at its USD value at entry. "
                 "Here the collateral is coins, whose USD value moves with the price: solve "
                 "M + s·Q_usd·(1/EP − 1/P) = r·Q_usd/P."),
        (coins_as_usd, "That treats the coin amount as if it were dollars: collateral and P&L are in the coin, "
                       "prices in USD per coin."),
        (inverse_bankruptcy_price(side, entry_price, size_usd, collateral),
         "That is the bankruptcy price, where the coin equity reaches zero; liquidation comes earlier, at the "
         "maintenance margin."),
        (_inverse_or_none(side.opposite, entry_price, size_usd, collateral, maintenance_rate, maintenance_amount,
                          fee_rate, basis),
         f"That is where a {side.opposite.value} would be liquidated: check the direction."),
    ]
    hint = first_hint(answer, expected, tolerance, hints)
    return check_number(answer, expected, tolerance=tolerance, what=f"the {side.value}'s liquidation price",
                        unit=" USD", explanation=" ".join(s for s in (hint, explanation) if s))


def _inverse_or_none(*args):
    try:
        return inverse_liquidation_price(*args)
    except ValueError:
        return None


def check_inverse_pnl(
    answer: float,
    side: str | Side,
    size_usd: float,
    entry_price: float,
    mark_price: float,
    *,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check an inverse position's unrealised P&L in the coin, s·Q_usd·(1/EP − 1/P).

    Default tolerance: 0.5 % of the P&L, at least 1e-6 coins.

    Examples
    --------
    >>> check_inverse_pnl(0.025, "long", 1_000, 8_000, 10_000).correct
    True
    >>> feedback = check_inverse_pnl(250, "long", 1_000, 8_000, 10_000)
    >>> feedback.correct, "USD" in feedback.message
    (False, True)
    """
    answer = require_number("answer", answer, hint="an amount in the coin, e.g. 0.025")
    side = require_choice("side", side, Side)
    expected = inverse_unrealized_pnl(side, size_usd, entry_price, mark_price)
    usd = unrealized_pnl(side, size_usd / entry_price, entry_price, mark_price)
    tolerance = max(0.005 * abs(expected), 1e-6) if tolerance is None else tolerance
    hints = [
        (usd, "That is the P&L in USD (the linear formula). An inverse contract pays in the coin: divide the USD "
              "amounts by the prices, s·Q_usd·(1/EP − 1/P)."),
        (usd / entry_price, "That converts the USD P&L at the entry price; the coins paid out are worth their USD "
                            "at the mark: s·Q_usd·(1/EP − 1/P)."),
        (-expected, "Check the sign: a long gains coins when the price rises, a short loses them."),
    ]
    hint = first_hint(answer, expected, tolerance, hints)
    return check_number(answer, expected, tolerance=tolerance, what="the unrealised P&L", unit=" coins",
                        decimals=6, explanation=" ".join(s for s in (hint, explanation) if s))


def check_inverse_equity_usd(
    answer: float,
    side: str | Side,
    size_usd: float,
    entry_price: float,
    mark_price: float,
    collateral: float,
    *,
    tolerance: float | None = None,
    explanation: str = "",
) -> Feedback:
    """Check the USD value of an isolated inverse position's equity, P·(M + s·Q_usd·(1/EP − 1/P)).

    Default tolerance: 0.1 % of the value, at least 0.01 USD.

    Examples
    --------
    A 1x short (1 BTC backing 50,000 USD from 50,000) at 30,000 is still worth 50,000 USD:

    >>> check_inverse_equity_usd(50_000, "short", 50_000, 50_000, 30_000, collateral=1).correct
    True
    >>> feedback = check_inverse_equity_usd(30_000, "short", 50_000, 50_000, 30_000, collateral=1)
    >>> feedback.correct, "collateral" in feedback.message
    (False, True)
    """
    answer = require_number("answer", answer, hint="an amount in USD, e.g. 8800")
    side = require_choice("side", side, Side)
    expected = inverse_equity_usd(side, size_usd, entry_price, mark_price, collateral)
    coins = inverse_position_equity(side, size_usd, entry_price, mark_price, collateral)
    linear = collateral * entry_price + unrealized_pnl(side, size_usd / entry_price, entry_price, mark_price)
    tolerance = max(0.001 * abs(expected), 0.01) if tolerance is None else tolerance
    hints = [
        (linear, "That values the collateral at the entry price, as if it were USDT. Coins are worth their "
                 "number times the current price: the collateral gains or loses USD value too."),
        (coins, "That is the equity in coins: multiply by the mark price for USD."),
        (collateral * mark_price, "That is the collateral alone, valued at the mark: add the position's P&L."),
    ]
    hint = first_hint(answer, expected, tolerance, hints)
    return check_number(answer, expected, tolerance=tolerance, what="the equity in USD", unit=" USD",
                        explanation=" ".join(s for s in (hint, explanation) if s))
