"""Causal abstraction of neural networks: interchange interventions, IIA, IIT and DAS.

A high-level :class:`CausalModel` is a hypothesis about the algorithm a network implements;
:func:`interchange` swaps activations at a :class:`Site` between inputs through forward
hooks on any ``torch.nn.Module``; :func:`interchange_accuracy` scores the hypothesis;
:class:`IIT` trains it in; :class:`DAS` (and :class:`BoundlessDAS`, :class:`LowRankDAS`)
searches for it in learned subspaces.
"""

from rung.abstraction.causal_model import CausalModel, UnknownVariableError
from rung.abstraction.das import DAS, BoundlessDAS, LowRankDAS
from rung.abstraction.iia import (
    find_localist_alignments,
    interchange_accuracy,
    neuron_slices,
    task_accuracy,
)
from rung.abstraction.iit import IIT
from rung.abstraction.interventions import Swap, collect, interchange, run_interchange
from rung.abstraction.models import MLP, MLPConfig
from rung.abstraction.sites import Site, UnknownModuleError, find_module, parse_site
from rung.abstraction.subspace import BoundlessSubspace, LowRankSubspace, RotatedSubspace
from rung.abstraction.tasks.base import InterchangeData, make_interchange_data, make_task_data

__all__ = [
    "DAS",
    "IIT",
    "MLP",
    "BoundlessDAS",
    "BoundlessSubspace",
    "CausalModel",
    "InterchangeData",
    "LowRankDAS",
    "LowRankSubspace",
    "MLPConfig",
    "RotatedSubspace",
    "Site",
    "Swap",
    "UnknownModuleError",
    "UnknownVariableError",
    "collect",
    "find_localist_alignments",
    "find_module",
    "interchange",
    "interchange_accuracy",
    "make_interchange_data",
    "make_task_data",
    "neuron_slices",
    "parse_site",
    "run_interchange",
    "task_accuracy",
]
