"""Exercise checks: the learner's number in, a plain-language verdict out.

Each ``check_<thing>`` recomputes the right answer with margin_lab's own formulas, compares
it with the learner's answer within a tolerance, and returns a frozen :class:`Feedback` whose
repr is its message, so an exercise cell ending with the check prints the verdict::

    check_liquidation_distance(5, side="long", leverage=20, maintenance_rate=0.005)

The message says what the right number is, how far the answer is from it, and, when the answer
matches a common mistake (the bankruptcy price instead of the liquidation price, 1/leverage
for the distance, a fraction where a percentage was asked), which one.

One module per topic; all of them build their message with the shared core in
:mod:`margin_lab.exercises.feedback`. This package stands on the formulas and the studies,
never on the plots.
"""

from __future__ import annotations

from .capstone import PlanVerdict, check_plan, check_worst_case_loss
from .choice import check_liquidation_probability, ending_beyond_probability
from .cross import check_cross_liquidation_price, cross_collateral
from .feedback import Feedback, check_number
from .inverse import check_inverse_equity_usd, check_inverse_liquidation_price, check_inverse_pnl
from .isolated import MarginAdded, check_liquidation_after_margin, check_max_loss, margin_added
from .leverage import check_margin_level, check_margin_ratio
from .liquidation import check_liquidation_cushion, check_tiered_liquidation_price
from .manage import check_margin_to_add
from .position import check_equity, check_initial_margin, check_liquidation_distance, check_liquidation_price
from .venues import Attempt, attempt, check_margin_call_price

__all__ = [
    # the shared core
    "Feedback",
    "check_number",
    # lessons 1-2: one position
    "check_equity",
    "check_initial_margin",
    "check_liquidation_distance",
    "check_liquidation_price",
    "check_margin_level",
    "check_margin_ratio",
    # lesson 3: liquidation mechanics
    "check_liquidation_cushion",
    "check_tiered_liquidation_price",
    # lesson 4: isolated
    "MarginAdded",
    "check_liquidation_after_margin",
    "check_margin_to_add",
    "check_max_loss",
    "margin_added",
    # lesson 5: cross
    "check_cross_liquidation_price",
    "cross_collateral",
    # lesson 6: choosing a mode
    "check_liquidation_probability",
    "ending_beyond_probability",
    # lesson 7: venues
    "Attempt",
    "attempt",
    "check_margin_call_price",
    # lesson 8: capstone
    "PlanVerdict",
    "check_plan",
    "check_worst_case_loss",
    # lesson 9: collateral in the coin
    "check_inverse_equity_usd",
    "check_inverse_liquidation_price",
    "check_inverse_pnl",
]
