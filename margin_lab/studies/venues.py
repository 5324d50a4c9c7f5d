"""Compute step of the lesson 7 figure and tables: one position on every venue preset.

The same isolated position (``size`` at ``entry_price``, opened at ``leverage`` with its initial
margin Q·EP / L as collateral) is put on each preset of :mod:`margin_lab.venues`. Each preset
brings its own maintenance schedule (tiered for Binance, 0.4 / leverage of the entry value for
Kraken spot), its basis (the value at the mark or at entry), its maximum leverage and its rules
for modes and for the cushion left at liquidation. Prices come from
:func:`margin_lab.tiers.tiered_liquidation_price`; no formula is restated here.

Kraken spot margin has no isolated mode: its account is one pool (REFERENCE.md §2). Its row
reads the position as if the account held nothing but the used margin, Q·EP / L; with more in
the account, the whole balance backs it (:func:`margin_lab.margin_level_price`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .._checks import opens_before_liquidation, require_positive, require_text
from ..margin import bankruptcy_price, checked_position, initial_margin
from ..margin import liquidation_distance as _distance
from ..model import Basis, MarginMode, Side, Venue
from ..tiers import tiered_liquidation_price
from ..venues import VENUES, maintenance_for
from ..venues import venue as _preset
from ..text import amount, number, percent, price, quantity

__all__ = ["VenueTable", "VenueRow", "VenueComparison", "venue_comparison", "venue_label", "COMPARED_VENUES"]

#: The presets lesson 7 compares, in the order it shows them (the neutral "generic" is left out, and
#: "gate", whose rates are illustrative: it shows the fee-in-the-rate formula, not a venue's numbers).
COMPARED_VENUES: tuple[str, ...] = tuple(key for key in VENUES if key not in ("generic", "gate"))


def venue_label(preset: str | Venue) -> str:
    """A venue's name for a table row or a figure label: no product words, no glyph that the
    figure font lacks (Binance's "USDⓈ-M" is written "USDS-M", as in its API's addresses).

    >>> venue_label("kraken_derivatives"), venue_label("binance_usdm"), venue_label("bybit")
    ('Kraken derivatives', 'Binance USDS-M', 'Bybit USDT')
    """
    name = _preset(preset).name.split(" (")[0].replace("Ⓢ", "S")
    return name.removesuffix(" futures").removesuffix(" contracts")


@dataclass(frozen=True)
class VenueTable:
    """A small table that shows as markdown in a notebook and as aligned text elsewhere.

    >>> t = VenueTable(("venue", "basis"), (("Bybit", "entry"), ("Binance", "mark")))
    >>> print(t)
    venue    basis
    Bybit    entry
    Binance  mark
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def _repr_markdown_(self) -> str:
        lines = ["| " + " | ".join(self.headers) + " |", "|" + "---|" * len(self.headers)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in self.rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        widths = [max(len(row[i]) for row in (self.headers, *self.rows)) for i in range(len(self.headers))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                         for row in (self.headers, *self.rows))

    __repr__ = __str__


@dataclass(frozen=True)
class VenueRow:
    """One venue's reading of the position: prices in quote per base unit, amounts in quote
    currency, distances and rates as fractions. ``offered`` is False (with a ``reason``) when
    the venue does not take this leverage at this size; its price fields are then None."""

    key: str
    name: str
    max_leverage: float
    offered: bool
    reason: str
    maintenance_rate: float | None
    maintenance_amount: float
    basis: Basis
    liquidation_price: float | None
    liquidation_distance: float | None
    bankruptcy_price: float | None
    cushion: float | None
    cushion_forfeited: bool
    default_mode: MarginMode
    isolated_available: bool
    can_switch_open_position: bool
    taker_fee_rate: float = 0.0
    funding_interval_hours: float | None = None
    rollover_interval_hours: float | None = None

    @property
    def carrying_cost(self) -> str:
        """What holding the position costs over time: ``'funding every 8 h'``, ``'rollover fee every 4 h'``."""
        costs = []
        if self.funding_interval_hours:
            costs.append(f"funding every {self.funding_interval_hours:g} h")
        if self.rollover_interval_hours:
            costs.append(f"rollover fee every {self.rollover_interval_hours:g} h")
        return ", ".join(costs) or "none modelled"

    @property
    def cushion_fate(self) -> str:
        """``'forfeited'`` where the venue closes at the bankruptcy price, else ``'returned'``."""
        return "forfeited" if self.cushion_forfeited else "returned"

    @property
    def modes(self) -> str:
        """The modes in words: ``'cross by default, isolated on request'`` or ``'account-wide only'``."""
        if not self.isolated_available:
            return "account-wide only (no isolated mode)"
        other = "isolated" if self.default_mode is MarginMode.CROSS else "cross"
        return f"{self.default_mode.value} by default, {other} on request"


@dataclass(frozen=True)
class VenueComparison:
    """One position on several venue presets, and (optionally) one venue picked out."""

    side: Side
    entry_price: float
    size: float
    leverage: float
    collateral: float
    rows: tuple[VenueRow, ...]
    selected: str | None = None
    base: str = "BTC"
    quote: str = "USDT"

    @property
    def notional(self) -> float:
        """The position's value at entry, quote currency."""
        return self.size * self.entry_price

    @property
    def bankruptcy_distance(self) -> float:
        """The move that wipes out the collateral, as a fraction: 1/leverage on every venue."""
        return self.collateral / self.notional

    @property
    def offered(self) -> tuple[VenueRow, ...]:
        """The rows of venues that take this position."""
        return tuple(r for r in self.rows if r.offered)

    def row(self, key: str) -> VenueRow:
        """The row of the preset ``key``."""
        for r in self.rows:
            if r.key == key:
                return r
        raise ValueError(f"key must be one of {[r.key for r in self.rows]}, got {key!r}")

    @property
    def first(self) -> VenueRow | None:
        """The venue that liquidates first (the smallest move), None if no venue takes it."""
        return min(self.offered, key=lambda r: r.liquidation_distance, default=None)

    @property
    def last(self) -> VenueRow | None:
        """The venue that liquidates last (the largest move), None if no venue takes it."""
        return max(self.offered, key=lambda r: r.liquidation_distance, default=None)

    def _heading(self) -> str:
        return (f"{self.side.value.capitalize()} {quantity(self.size)} {self.base} at {price(self.entry_price)} "
                f"{self.quote}, {self.leverage:g}x: collateral {amount(self.collateral, self.quote)} "
                f"(the initial margin)")

    def summary(self) -> str:
        """The figure's key numbers in words."""
        move = "fall" if self.side is Side.LONG else "rise"
        lines = [f"{self._heading()}; the collateral is gone after a {percent(self.bankruptcy_distance)} {move} "
                 "on every venue."]
        first, last = self.first, self.last
        if first is None:
            lines.append("No venue preset takes this position at this leverage and size.")
        elif first is last:
            lines.append(f"Only {venue_label(first.key)} takes it: liquidated {self._where(first)}.")
        else:
            lines.append(f"Liquidated first on {venue_label(first.key)} {self._where(first)}, last on "
                         f"{venue_label(last.key)} {self._where(last)}: the maintenance rate and what it is "
                         "charged on differ by venue.")
        refused = [f"{venue_label(r.key)} ({r.reason})" for r in self.rows if not r.offered]
        if refused:
            lines.append("Not offered: " + "; ".join(refused) + ".")
        if any(not r.offered and r.reason.startswith("maintenance") for r in self.rows):
            lines.append("A tiered venue charges a larger position a higher maintenance rate, so it allows it "
                         "less leverage: the rate is not fixed.")
        if self.selected is not None:
            lines.append(self._details(self.row(self.selected)))
        return "\n".join(lines)

    def _where(self, r: VenueRow) -> str:
        if r.liquidation_price is None:
            return "at no price (its collateral covers a fall to zero)"
        move = "fall" if self.side is Side.LONG else "rise"
        return f"at {price(r.liquidation_price)} (after a {percent(r.liquidation_distance)} {move})"

    def _details(self, r: VenueRow) -> str:
        preset = _preset(r.key)
        if r.offered:
            where = (f"liquidation at {price(r.liquidation_price)}, cushion {amount(r.cushion, self.quote)} "
                     f"{r.cushion_fate}")
        else:
            where = f"not offered: {r.reason}"
        return (f"{preset.name}: {where}; {r.modes}; an open position "
                f"{'can' if r.can_switch_open_position else 'cannot'} switch mode. "
                f"Modelled: {'; '.join(preset.models)}. Left out: {'; '.join(preset.leaves_out)}. "
                f"Sources: {'; '.join(preset.sources)}.")

    def price_table(self) -> VenueTable:
        """Per venue: maximum leverage, maintenance rate and basis, liquidation price, distance,
        and the cushion left at liquidation with where it goes."""
        rows = []
        for r in self.rows:
            name = venue_label(r.key)
            if not r.offered:
                rows.append((name, f"{r.max_leverage:g}x", "", r.basis.value, f"not offered ({r.reason})", "", ""))
                continue
            cum = f" − {number(r.maintenance_amount, 0)}" if r.maintenance_amount else ""
            rows.append((name, f"{r.max_leverage:g}x", f"{percent(r.maintenance_rate, 3)}{cum}", r.basis.value,
                         price(r.liquidation_price), percent(r.liquidation_distance),
                         f"{number(r.cushion)} {r.cushion_fate}"))
        headers = ("venue", "max leverage", "maintenance", "charged on", "liquidation", "distance",
                   f"cushion left ({self.quote})")
        return VenueTable(headers, tuple(rows))

    def mode_table(self) -> VenueTable:
        """Per venue: which modes exist, the default, whether an open position can switch, where the
        cushion goes, the taker fee and what holding the position costs over time."""
        rows = tuple((venue_label(r.key), "yes" if r.isolated_available else "no", r.default_mode.value,
                      "yes" if r.can_switch_open_position else "no (refused)", r.cushion_fate,
                      percent(r.taker_fee_rate, 3), r.carrying_cost)
                     for r in self.rows)
        headers = ("venue", "isolated mode", "default mode", "open position can switch", "cushion at liquidation",
                   "taker fee", "while open")
        return VenueTable(headers, rows)


def _row(preset: Venue, side: Side, entry_price: float, size: float, leverage: float,
         collateral: float) -> VenueRow:
    fields = dict(key=preset.key, name=preset.name, max_leverage=preset.max_leverage, basis=Basis(preset.basis),
                  cushion_forfeited=preset.cushion_forfeited, default_mode=MarginMode(preset.default_mode),
                  isolated_available=preset.isolated_available,
                  can_switch_open_position=preset.can_switch_open_position, taker_fee_rate=preset.taker_fee_rate,
                  funding_interval_hours=preset.funding_interval_hours,
                  rollover_interval_hours=preset.rollover_interval_hours)
    none = dict(offered=False, maintenance_rate=None, maintenance_amount=0.0, liquidation_price=None,
                liquidation_distance=None, bankruptcy_price=None, cushion=None)
    if leverage > preset.max_leverage:
        return VenueRow(**fields, **none, reason=f"above its {preset.max_leverage:g}x maximum")
    schedule = maintenance_for(preset, leverage)
    notional = size * entry_price
    tier = schedule.tier(notional)
    if tier.max_leverage is not None and leverage > tier.max_leverage:
        return VenueRow(**fields, **none, reason=f"above its {tier.max_leverage:g}x maximum at this size")
    if not opens_before_liquidation(collateral=collateral, notional=notional, maintenance_rate=tier.rate,
                                    maintenance_amount=tier.amount):
        return VenueRow(**fields, **none, reason=(
            f"maintenance {percent(tier.rate, 3)} at this size, not below the {percent(1 / leverage)} initial margin"))
    liquidation = tiered_liquidation_price(side, entry_price, size, collateral, schedule, basis=preset.basis)
    if liquidation is None:
        return VenueRow(**fields, offered=True, reason="", maintenance_rate=tier.rate, maintenance_amount=tier.amount,
                        liquidation_price=None, liquidation_distance=1.0,
                        bankruptcy_price=bankruptcy_price(side, entry_price, size, collateral), cushion=0.0)
    if preset.basis is not Basis.ENTRY:
        tier = schedule.tier(size * liquidation)
    return VenueRow(
        **fields, offered=True, reason="", maintenance_rate=tier.rate, maintenance_amount=tier.amount,
        liquidation_price=liquidation, liquidation_distance=_distance(side, entry_price, liquidation),
        bankruptcy_price=bankruptcy_price(side, entry_price, size, collateral),
        cushion=collateral + side.sign * size * (liquidation - entry_price),
    )


def venue_comparison(
    side: str | Side = "long",
    *,
    leverage: float = 5,
    size: float = 1,
    entry_price: float = 20_000,
    venues: Iterable[str | Venue] | None = None,
    selected: str | None = None,
    base: str = "BTC",
    quote: str = "USDT",
) -> VenueComparison:
    """The same isolated position on several venue presets: liquidation price, distance,
    maintenance, cushion and mode rules per venue.

    Parameters
    ----------
    side : "long" or "short"
    leverage : float
        > 0; the collateral is the initial margin Q·EP / L. A venue whose maximum is lower, or
        whose maintenance at this size is not below 1/L, is listed as not offered.
    size : float
        Base units, > 0. The notional Q·EP picks the tier on tiered venues (Binance).
    entry_price : float
        Quote per base unit, > 0.
    venues : preset keys or Venues, optional
        Default: :data:`COMPARED_VENUES` (every preset but the neutral "generic").
    selected : str or None
        A key among ``venues`` whose rules, sources and gaps the summary spells out.

    Returns
    -------
    VenueComparison

    Notes
    -----
    Liquidation where equity M + s·Q·(P − EP) meets the venue's maintenance requirement on its
    basis (REFERENCE.md §1, tiers re-checked at the liquidation notional); cushion = the equity
    left there, forfeited where the venue closes at the bankruptcy price (BitMEX, Bybit; the
    Binance preset, a simplification) and returned on Kraken and Hyperliquid (docs/reference.md
    §6). A leverage above the maximum of the position's bracket is not offered. No fees.
    Taught in lessons/07_venues_differ.ipynb.

    References
    ----------
    REFERENCE.md §1 (formula, worked examples), §2 (venue facts), §3 (the seed article's claims).

    Examples
    --------
    Bybit's USDT isolated example (REFERENCE.md §1): long 1 BTC at 20,000, 50x, 0.5 % of the
    entry value -> 19,700:

    >>> c = venue_comparison("long", leverage=50)
    >>> c.row("bybit").liquidation_price, round(c.row("bybit").cushion, 2)
    (19700.0, 100.0)
    >>> c.row("kraken_spot").offered, c.row("kraken_spot").reason
    (False, 'above its 5x maximum')
    """
    side, entry_price, size = checked_position(side, entry_price, size)
    leverage = require_positive("leverage", leverage)
    base, quote = require_text("base", base), require_text("quote", quote)
    presets: Sequence[Venue] = [_preset(v) for v in (COMPARED_VENUES if venues is None else venues)]
    if not presets:
        raise ValueError("venues must name at least one preset, got []")
    keys = [p.key for p in presets]
    if selected is not None and selected not in keys:
        raise ValueError(f"selected must be None or one of {keys}, got {selected!r}")
    collateral = initial_margin(size, entry_price, leverage)
    rows = tuple(_row(p, side, entry_price, size, leverage, collateral) for p in presets)
    return VenueComparison(side=side, entry_price=entry_price, size=size, leverage=leverage, collateral=collateral,
                           rows=rows, selected=selected, base=base, quote=quote)
