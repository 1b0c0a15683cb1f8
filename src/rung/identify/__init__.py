"""Identification of causal effects by do-calculus.

:func:`identify` answers ``P(y | do(x), z)`` with an estimand over observational
probabilities (back-door, front-door, ID, IDC) or a :class:`Hedge` proving that none
exists; :func:`verify` checks an estimand numerically against random SCMs.
"""

from rung.identify.adjustment import (
    AdjustmentSearchError,
    find_adjustment_sets,
    find_canonical_adjustment_set,
    find_minimal_adjustment_sets,
    is_valid_adjustment_set,
)
from rung.identify.api import Identification, identify
from rung.identify.bounds import (
    CausationBounds,
    ExperimentalData,
    ObservationalData,
    probabilities_of_causation,
)
from rung.identify.cf_api import (
    CounterfactualIdentification,
    counterfactual_json,
    identify_counterfactual,
)
from rung.identify.cf_mediation import (
    MediationCondition,
    MediationIdentification,
    find_recanting_witnesses,
    identify_mediation,
)
from rung.identify.cf_verify import find_counterexample, verify_counterfactual
from rung.identify.class_adjustment import (
    ClassAdjustment,
    find_class_adjustment_set,
    is_class_adjustment_set,
)
from rung.identify.counterfactual import CfEvent, CfQuery
from rung.identify.direct import (
    find_direct_effect_adjustment_sets,
    is_valid_direct_effect_adjustment_set,
)
from rung.identify.equivalence_class import EquivalenceClass
from rung.identify.expr import Expr, Fraction, P, Product, Sum, from_json, one
from rung.identify.frontdoor import find_frontdoor_sets, is_frontdoor_set
from rung.identify.hedge import Hedge
from rung.identify.iv import Instrument, find_instruments, is_instrument
from rung.identify.joint import JointDistribution, evaluate
from rung.identify.optimal import (
    OptimalAdjustment,
    find_o_set,
    find_optimal_adjustment_set,
    optimal_adjustment,
)
from rung.identify.simplify import simplify
from rung.identify.verify import VerificationReport, verify

__all__ = [
    "AdjustmentSearchError",
    "CausationBounds",
    "CfEvent",
    "CfQuery",
    "ClassAdjustment",
    "CounterfactualIdentification",
    "EquivalenceClass",
    "ExperimentalData",
    "Expr",
    "Fraction",
    "Hedge",
    "Identification",
    "Instrument",
    "JointDistribution",
    "MediationCondition",
    "MediationIdentification",
    "ObservationalData",
    "OptimalAdjustment",
    "P",
    "Product",
    "Sum",
    "VerificationReport",
    "counterfactual_json",
    "evaluate",
    "find_adjustment_sets",
    "find_canonical_adjustment_set",
    "find_class_adjustment_set",
    "find_counterexample",
    "find_direct_effect_adjustment_sets",
    "find_frontdoor_sets",
    "find_instruments",
    "find_minimal_adjustment_sets",
    "find_o_set",
    "find_optimal_adjustment_set",
    "find_recanting_witnesses",
    "from_json",
    "identify",
    "identify_counterfactual",
    "identify_mediation",
    "is_class_adjustment_set",
    "is_frontdoor_set",
    "is_instrument",
    "is_valid_adjustment_set",
    "is_valid_direct_effect_adjustment_set",
    "one",
    "optimal_adjustment",
    "probabilities_of_causation",
    "simplify",
    "verify",
    "verify_counterfactual",
]
