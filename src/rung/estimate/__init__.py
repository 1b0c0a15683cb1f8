"""Estimation of causal effects: a Pyro generative model of the graph with ``do`` as a
program transformation, counterfactuals, classic estimators, intervals and refuters.

Start with :func:`estimate_effect` (or :func:`estimate` on an
:class:`~rung.identify.Identification`), :func:`refute` and
:func:`interventional_distribution`.
"""

from rung.estimate.adjustment import AIPW, IPW, RegressionAdjustment
from rung.estimate.api import (
    ESTIMATOR_OF,
    METHODS,
    choose_method,
    estimate,
    estimate_effect,
    fit_estimator,
    interventional_distribution,
)
from rung.estimate.base import DEFAULT_BOOTSTRAP, EffectEstimator
from rung.estimate.counterfactual import Counterfactual, counterfactual
from rung.estimate.data import check_data, read_csv
from rung.estimate.discrete import DiscreteSCM
from rung.estimate.errors import (
    DataError,
    EstimationError,
    InvalidSetError,
    NotIdentifiedError,
    UnsupportedModelError,
)
from rung.estimate.frontdoor import FrontDoor
from rung.estimate.generative import (
    MODELS,
    GenerativeEstimator,
    choose_model,
    fit_generative_model,
)
from rung.estimate.ida import EffectSet, PossibleEffect, ida
from rung.estimate.interventions import ate, cate, condition, do, interventional_samples
from rung.estimate.iv import TwoStageLeastSquares, find_instrument
from rung.estimate.joint import JointEffectEstimate, estimate_joint
from rung.estimate.linear_gaussian import LinearGaussianSCM
from rung.estimate.methods import ESTIMATORS_FOR, Method, Strategy, default_method, methods_for
from rung.estimate.mixed import MixedConfig, MixedSCM
from rung.estimate.mixed_counterfactual import SampledCounterfactual, sampled_counterfactual
from rung.estimate.plugin import PluginEstimator
from rung.estimate.refute import RefutationResult, Refutations, refute
from rung.estimate.result import EffectEstimate
from rung.estimate.scm import SCMProgram, latent_structure

__all__ = [
    "AIPW",
    "DEFAULT_BOOTSTRAP",
    "ESTIMATORS_FOR",
    "ESTIMATOR_OF",
    "IPW",
    "METHODS",
    "MODELS",
    "Counterfactual",
    "DataError",
    "DiscreteSCM",
    "EffectEstimate",
    "EffectEstimator",
    "EffectSet",
    "EstimationError",
    "FrontDoor",
    "GenerativeEstimator",
    "InvalidSetError",
    "JointEffectEstimate",
    "LinearGaussianSCM",
    "Method",
    "MixedConfig",
    "MixedSCM",
    "NotIdentifiedError",
    "PluginEstimator",
    "PossibleEffect",
    "RefutationResult",
    "Refutations",
    "RegressionAdjustment",
    "SCMProgram",
    "SampledCounterfactual",
    "Strategy",
    "TwoStageLeastSquares",
    "UnsupportedModelError",
    "ate",
    "cate",
    "check_data",
    "choose_method",
    "choose_model",
    "condition",
    "counterfactual",
    "default_method",
    "do",
    "estimate",
    "estimate_effect",
    "estimate_joint",
    "find_instrument",
    "fit_estimator",
    "fit_generative_model",
    "ida",
    "interventional_distribution",
    "interventional_samples",
    "latent_structure",
    "methods_for",
    "read_csv",
    "refute",
    "sampled_counterfactual",
]
