"""margin_lab._checks: each input rule once, with the argument, the value, the range and a hint.

The opening rule is checked against the formula it protects: a position the rule accepts has
its liquidation price strictly on the adverse side of the entry (or none), and every position
it refuses would have had one at or past the entry (REFERENCE.md §1, derived in the test).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from margin_lab._checks import (
    opens_before_liquidation,
    require_fee_rate,
    require_fraction,
    require_margin_level,
    require_numbers,
    require_opens_before_liquidation,
    require_rate_below_initial,
    require_texts,
)
from margin_lab.margin import _liquidation_price_kernel


@settings(max_examples=300, deadline=None)
@given(sign=st.sampled_from([1, -1]), entry=st.floats(1, 1e5), size=st.floats(0.01, 100),
       collateral_share=st.floats(0.0005, 1.2), rate=st.floats(0, 0.3), fee=st.floats(0, 0.01),
       entry_basis=st.booleans())
def test_the_opening_rule_accepts_exactly_the_positions_liquidated_past_the_entry(
        sign, entry, size, collateral_share, rate, fee, entry_basis):
    notional = size * entry
    collateral = collateral_share * notional
    accepted = opens_before_liquidation(collateral=collateral, notional=notional, maintenance_rate=rate, fee_rate=fee)
    # the first-principles price: M + s·Q·(P − EP) = r·Q·(P or EP) + fee·Q·P
    price = _liquidation_price_kernel(sign, entry, size, collateral, rate, 0.0, fee, entry_basis)
    margin = 1e-9 * entry
    if accepted:
        assert price <= 0 or sign * (entry - price) > -margin  # adverse side (or no price at all)
    else:
        assert price > 0 and sign * (price - entry) >= -margin  # at or past the entry
        with pytest.raises(ValueError, match="would open at or past its own liquidation price"):
            require_opens_before_liquidation(collateral=collateral, notional=notional, maintenance_rate=rate,
                                             fee_rate=fee, blame="collateral")


@pytest.mark.parametrize("blame, start", [
    ("maintenance_rate", r"maintenance_rate must be in \[0, 0.0995\) \(below the initial margin rate 1/leverage = "
                         r"0.1 at leverage 10 minus the closing fee 0.0005\), got 0.5"),
    ("fee_rate", r"fee_rate must be in \[0, 0\) \(below the initial margin rate 1/leverage = 0.1 at leverage 10 minus "
                 r"maintenance_rate 0.5\), got 0.0005"),
    ("leverage", r"leverage must be in \(0, 1.998\) \(1/leverage above the maintenance rate plus the closing fee\), "
                 r"got 10"),
    ("collateral", r"collateral must be > the maintenance margin plus closing fee at entry 10,010.00, got 2000"),
])
def test_the_opening_rule_names_the_argument_it_is_told_to_blame(blame, start):
    with pytest.raises(ValueError, match="^" + start) as info:
        require_opens_before_liquidation(collateral=2_000, notional=20_000, maintenance_rate=0.5, fee_rate=0.0005,
                                         blame=blame, leverage=10)
    assert "the position would open at or past its own liquidation price" in str(info.value)


def test_the_one_over_leverage_rule_is_the_opening_rule_per_unit_of_notional():
    require_rate_below_initial(0.0999, 10)
    with pytest.raises(ValueError, match=r"^maintenance_rate must be in \[0, 0.1\) .*got 0.1:"):
        require_rate_below_initial(0.1, 10)
    with pytest.raises(ValueError, match=r"^leverage must be in \(0, 10\)"):
        require_rate_below_initial(0.09, 10, 0.01, blame="leverage")


@pytest.mark.parametrize("helper, name, value, message", [
    (require_fraction, "maintenance_rate", 50,
     "maintenance_rate must be in [0, 1) as a fraction (0.005 = 0.5 %), got 50: a percent typed as a fraction? "
     "50 % is 0.5"),
    (require_fraction, "maintenance_rate", -0.1, "maintenance_rate must be in [0, 1) as a fraction (0.005 = 0.5 %), "
                                                 "got -0.1"),
    (require_fee_rate, "fee_rate", 0.05, "fee_rate must be in [0, 0.01] as a fraction (0.0005 = 0.05 %; no venue "
                                         "charges more than 1 %), got 0.05: a percent typed as a fraction? 0.05 % is "
                                         "0.0005"),
    (require_margin_level, "threshold", 80, "threshold must be in (0, 10] as a margin level ratio (0.8 = 80 %), got "
                                            "80: a percent typed as a ratio? 80 % is 0.8"),
])
def test_a_value_out_of_range_gets_the_whole_sentence(helper, name, value, message):
    with pytest.raises(ValueError) as info:
        helper(name, value)
    assert str(info.value) == message


@pytest.mark.parametrize("helper, value", [(require_fee_rate, 0.0), (require_fee_rate, 0.01),
                                           (require_margin_level, 0.4), (require_margin_level, 10)])
def test_the_ends_of_the_ranges_are_accepted(helper, value):
    assert helper("x", value) == value


def test_argument_types_are_refused_by_name():
    with pytest.raises(TypeError, match=r"^leverage must be a real number, got '10' of type str$"):
        require_numbers(size=1, leverage="10")
    with pytest.raises(TypeError, match=r"^quote must be a string, got None of type NoneType$"):
        require_texts(side="long", quote=None)
    with pytest.raises(ValueError, match="mark_price must be a finite number, got nan"):
        require_numbers(mark_price=float("nan"))
