"""Every value of every venue preset has a source in docs/reference.md §6, or says it is illustrative.

§6 is a markdown table keyed by `preset.field` (a per-market preset: `preset[SYMBOL].field`) with
the value as margin_lab.venues.fact_value writes it and its source. A preset that gains a field,
changes a value or a market, or calls a value illustrative without the table agreeing fails here.
The brackets' maintenance amounts are also re-derived here from their floors and rates, and
compared with the amounts Binance's endpoint returned, which margin_lab does not use.
"""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from margin_lab.venues import FACT_FIELDS, VENUES, fact_value, market_symbols, venue

ROOT = pathlib.Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference.md"
DATA = ROOT / "margin_lab" / "data"
ROW = re.compile(r"^\| `(?P<key>[a-z_]+(?:\[[A-Z0-9]+\])?\.[a-z_.]+)` \| (?P<value>[^|]*) \| (?P<source>[^|]*) \|$")


def _section_six() -> dict[str, tuple[str, str]]:
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index("## 6. Where every preset value comes from")
    end = text.index("\n## ", start + 1)
    rows: dict[str, tuple[str, str]] = {}
    for line in text[start:end].splitlines():
        match = ROW.match(line)
        if match:
            assert match["key"] not in rows, f"docs/reference.md §6 lists {match['key']} twice"
            rows[match["key"]] = (match["value"].strip(), match["source"].strip())
    return rows


SOURCES = _section_six()


def _presets():
    for key in VENUES:
        yield key, None
        for symbol in market_symbols(key):
            yield key, symbol


def _fields(preset) -> list[str]:
    return list(FACT_FIELDS) + [f"extra.{name}" for name in preset.extra]


def test_the_table_is_found_and_covers_every_preset():
    assert len(SOURCES) > 100
    assert {key.split(".")[0].split("[")[0] for key in SOURCES} == set(VENUES)


@pytest.mark.parametrize("key, symbol", list(_presets()))
def test_every_preset_field_has_a_source_or_says_it_is_illustrative(key, symbol):
    preset = venue(key, symbol)
    default = venue(key)
    missing, wrong, labels = [], [], []
    for field in _fields(preset):
        own = f"{key}[{symbol}].{field}" if symbol else f"{key}.{field}"
        row = SOURCES.get(own)
        if row is None and symbol and fact_value(preset, field) == fact_value(default, field):
            row = SOURCES.get(f"{key}.{field}")  # a market shares its venue's other rules
        if row is None or not row[1]:
            missing.append(own)
            continue
        value, source = row
        if value != fact_value(preset, field):
            wrong.append(f"{own}: table says {value!r}, preset has {fact_value(preset, field)!r}")
        said_illustrative = source.lower().startswith("illustrative")
        if said_illustrative != (field in preset.illustrative):
            labels.append(f"{own}: table {'says' if said_illustrative else 'does not say'} illustrative, "
                          f"preset.illustrative {'lacks' if said_illustrative else 'has'} it")
        if source.startswith("not modelled") and value not in ("none", "0 %"):
            wrong.append(f"{own}: 'not modelled' but the preset has {value!r}")
    assert not missing, f"add these to docs/reference.md §6 with a source or 'illustrative': {missing}"
    assert not wrong, wrong
    assert not labels, labels


def test_every_illustrative_name_is_a_field_of_the_preset():
    for key, preset in VENUES.items():
        assert set(preset.illustrative) <= set(_fields(preset)), key


def test_a_table_row_names_a_preset_and_field_that_exist():
    known = {f"{k}[{s}].{f}" if s else f"{k}.{f}" for k, s in _presets() for f in _fields(venue(k, s))}
    assert set(SOURCES) <= known, sorted(set(SOURCES) - known)


def test_a_sourced_row_names_a_page_and_an_illustrative_one_says_why():
    for key, (_, source) in SOURCES.items():
        if source.startswith("illustrative"):
            assert len(source) > len("illustrative: ") + 10, key
        elif not source.startswith("not modelled"):
            assert re.search(r"\d{5,}|\.com|docs|FAQ|help|REFERENCE\.md|/fapi|announcement|post", source), key


@pytest.mark.parametrize("symbol", ["BTCUSDT", "ETHUSDT", "SOLUSDT"])
def test_the_brackets_reproduce_binances_maintenance_amounts_by_the_recursion(symbol):
    # cum_n = cum_(n-1) + floor_n·(MMR_n − MMR_(n-1)), cum_1 = 0, computed here from the raw file and
    # compared with the "cum" Binance returned (margin_lab derives its own and never reads Binance's).
    data = json.loads((DATA / "binance_usdm_brackets.json").read_text(encoding="utf-8"))
    brackets = data["markets"][symbol]["brackets"]
    cum, previous = 0.0, None
    for bracket in brackets:
        if previous is not None:
            cum += bracket["floor"] * (bracket["maintenance_rate"] - previous)
        assert cum == pytest.approx(bracket["maintenance_amount"], abs=1e-6), (symbol, bracket["bracket"])
        previous = bracket["maintenance_rate"]
    schedule = venue("binance_usdm", symbol).maintenance
    assert [t.amount for t in schedule.tiers] == pytest.approx([b["maintenance_amount"] for b in brackets])
    assert [t.max_leverage for t in schedule.tiers] == [b["max_leverage"] for b in brackets]
    # Each bracket's cap is the next one's floor: the table has no gap.
    assert all(a["cap"] == b["floor"] for a, b in zip(brackets, brackets[1:]))


def test_the_market_files_say_where_they_come_from_and_when():
    binance = json.loads((DATA / "binance_usdm_brackets.json").read_text(encoding="utf-8"))
    assert binance["source"]["repository"] == "freqtrade/freqtrade" and binance["snapshot_date"] == "2024-10-24"
    hyperliquid = json.loads((DATA / "hyperliquid_margin_tiers.json").read_text(encoding="utf-8"))
    assert hyperliquid["source"]["page"].endswith("trading/margin-tiers") and hyperliquid["checked"] == "2026-12-07"


def test_the_package_ships_the_market_files():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data/*.json"' in text
