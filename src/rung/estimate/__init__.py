"""Estimation of causal effects: a Pyro generative model of the graph with ``do`` as a
program transformation, counterfactuals, classic estimators, intervals and refuters.

Start with :func:`estimate_effect`, :func:`refute` and :func:`interventional_distribution`.
"""

from rung.estimate.adjustment import AIPW, IPW, RegressionAdjustment
from rung.estimate.api import (
    METHODS,
    choose_method,
    estimate_effect,
    interventional_distribution,
)
from rung.estimate.base import EffectEstimator
from rung.estimate.counterfactual import Counterfactual, counterfactual
from rung.estimate.data import check_data, read_csv
from rung.estimate.discrete import DiscreteSCM
from rung.estimate.errors import (
    DataError,
    EstimationError,
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
from rung.estimate.interventions import ate, cate, condition, do, interventional_samples
from rung.estimate.iv import TwoStageLeastSquares, find_instrument
from rung.estimate.linear_gaussian import LinearGaussianSCM
from rung.estimate.mixed import MixedConfig, MixedSCM
from rung.estimate.mixed_counterfactual import SampledCounterfactual, sampled_counterfactual
from rung.estimate.plugin import PluginEstimator
from rung.estimate.refute import RefutationResult, refute
from rung.estimate.result import EffectEstimate
from rung.estimate.scm import SCMProgram, latent_structure

__all__ = [
    "AIPW",
    "IPW",
    "METHODS",
    "MODELS",
    "Counterfactual",
    "DataError",
    "DiscreteSCM",
    "EffectEstimate",
    "EffectEstimator",
    "EstimationError",
    "FrontDoor",
    "GenerativeEstimator",
    "LinearGaussianSCM",
    "MixedConfig",
    "MixedSCM",
    "NotIdentifiedError",
    "PluginEstimator",
    "RefutationResult",
    "RegressionAdjustment",
    "SCMProgram",
    "SampledCounterfactual",
    "TwoStageLeastSquares",
    "UnsupportedModelError",
    "ate",
    "cate",
    "check_data",
    "choose_method",
    "choose_model",
    "condition",
    "counterfactual",
    "do",
    "estimate_effect",
    "find_instrument",
    "fit_generative_model",
    "interventional_distribution",
    "interventional_samples",
    "latent_structure",
    "read_csv",
    "refute",
    "sampled_counterfactual",
]
