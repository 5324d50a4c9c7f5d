"""Random command sequences for the accounts' conservation properties.

tests/test_invariants.py drives the linear Account (sizes in base units, quote wallet) and
tests/test_inverse_account.py the InverseAccount (sizes in USD, coin wallet) through the same
mix of commands; only the scales differ. About one command in ten carries a bad value, which
the account must refuse without changing anything.
"""

from __future__ import annotations

import copy
import math
import random
from dataclasses import dataclass

from margin_lab.tiers import MaintenanceSchedule

WEIGHTS = {"open_isolated": 12, "open_cross": 12, "add_margin": 5, "remove_margin": 6, "reduce": 7, "close": 5,
           "update": 28, "pay_funding": 6, "charge_rollover": 4, "switch_mode": 6, "deposit": 2}
BAD = [0.0, -1.0, math.nan, math.inf, -math.inf, "12"]
SYMBOLS = "ABCD"


@dataclass(frozen=True)
class Scales:
    """What a wallet of this kind holds: the open-price range, the smallest wallet amount, and
    the stand-ins used when a command names a symbol that holds no position."""

    coin_margined: bool
    prices: tuple[float, float]
    smallest: float
    size_when_none: float
    mark_when_none: float
    notional_when_none: float


LINEAR = Scales(coin_margined=False, prices=(1, 300), smallest=1.0, size_when_none=1, mark_when_none=100,
                notional_when_none=100)
INVERSE = Scales(coin_margined=True, prices=(1_000, 100_000), smallest=0.01, size_when_none=1_000,
                 mark_when_none=50_000, notional_when_none=0.01)


def random_command(rng, acct, scales: Scales):
    """One command for the account's current state, as (method name, arguments)."""
    name = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    held = acct.positions
    symbol = rng.choice(list(held)) if held and rng.random() < 0.85 else rng.choice(SYMBOLS)
    p = held.get(symbol)
    balance = max(acct.balance, scales.smallest)
    if name.startswith("open"):
        free = [s for s in SYMBOLS if s not in held]
        symbol = rng.choice(free) if free and rng.random() < 0.85 else symbol
        price = rng.uniform(*scales.prices)
        # the position's value is 0.1 to 3 wallets, in the wallet's own unit
        size = balance * rng.uniform(0.1, 3) * (price if scales.coin_margined else 1 / price)
        value = size / price if scales.coin_margined else size * price
        leverage = None if rng.random() < 0.3 else rng.choice([rng.uniform(1, 60), rng.uniform(0.5, 150)])
        rate = rng.choice([0.0, 0.005, 0.01, 0.05, MaintenanceSchedule([(0, 0.005), (balance, 0.02)])])
        args = [symbol, rng.choice(["long", "short"]), size, price]
        if name == "open_isolated":
            args.append(value / (leverage or 10) * rng.uniform(0.9, 2))
        args += [rate, leverage]
    elif name in ("add_margin", "remove_margin"):
        base = balance if name == "add_margin" else (p.collateral if p and p.collateral else scales.smallest)
        args = [symbol, base * rng.uniform(0.01, 0.8)]
    elif name in ("reduce", "close"):
        price = (p.mark_price if p else scales.mark_when_none) * rng.uniform(0.9, 1.1)
        held_size = (p.size_usd if scales.coin_margined else p.size) if p else scales.size_when_none
        args = [symbol, held_size * rng.uniform(0.05, 1.1), price] if name == "reduce" else [symbol, price]
    elif name == "update":
        shock = rng.choice([0.005, 0.02, 0.05, 0.1, 0.3, 1.0])
        args = [{s: q.mark_price * math.exp(rng.gauss(0, shock)) for s, q in held.items() if rng.random() < 0.8}]
    elif name == "pay_funding":
        args = [symbol, rng.uniform(-0.03, 0.03)]
    elif name == "charge_rollover":
        args = [symbol if rng.random() < 0.5 else None]
    elif name == "switch_mode":
        cover = None if rng.random() < 0.4 else (p.notional if p else scales.notional_when_none) * rng.uniform(0.05, 0.5)
        args = [symbol, rng.choice(["isolated", "cross"]), cover]
    else:
        args = [balance * rng.uniform(0.01, 0.5)]
    numeric = [i for i, a in enumerate(args) if isinstance(a, float)]
    if numeric and rng.random() < 0.1:
        args[rng.choice(numeric)] = rng.choice(BAD)
    if name == "update" and args[0] and rng.random() < 0.1:
        args[0][next(iter(args[0]))] = rng.choice(BAD)
    return name, args


def run(acct, name, args):
    """Call the account's method, the leverage by keyword."""
    if name in ("open_isolated", "open_cross"):
        *positional, leverage = args
        return getattr(acct, name)(*positional, leverage=leverage)
    return getattr(acct, name)(*args)


def drive(acct, scales: Scales, check_books, *, seed: int, steps: int = 40) -> None:
    """Run ``steps`` random commands drawn from ``random.Random(seed)``; a refused one must change
    nothing, and ``check_books(acct)`` must hold after each. A failure names the seed, the step and
    the command."""
    rng = random.Random(seed)
    for step in range(steps):
        name, args = random_command(rng, acct, scales)
        before = {key: copy.copy(value) for key, value in vars(acct).items()}
        try:
            run(acct, name, args)
        except (ValueError, TypeError):
            assert vars(acct) == before, f"seed {seed}, step {step}: refused {name}{args} changed the account"
        try:
            check_books(acct)
        except AssertionError as failure:
            raise AssertionError(f"seed {seed}, step {step}, after {name}{args}: {failure}") from None
