"""Shared fixtures: the named canonical causal graphs of the identification literature.

Each graph is a fixture of the same name (``def test_x(frontdoor): ...``); ``CANONICAL``
maps every name to its edge string, and ``canonical_graph`` is a fixture parametrized over
all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from rung.graph import CausalGraph


@pytest.fixture(autouse=True, scope="session")
def _isolated_lm_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the suite away from the user's LM response cache: every model answer a test
    relies on is computed by the model in this run, never read from an earlier one."""
    old = os.environ.get("RUNG_LM_CACHE")
    os.environ["RUNG_LM_CACHE"] = str(tmp_path_factory.mktemp("lm-cache") / "lm.sqlite")
    yield
    if old is None:
        os.environ.pop("RUNG_LM_CACHE", None)
    else:
        os.environ["RUNG_LM_CACHE"] = old

# name -> edge string. Node names follow y0's examples where one exists.
CANONICAL: dict[str, str] = {
    "chain": "X -> M -> Y",
    "fork": "X <- Z -> Y",
    "collider": "X -> C <- Y",
    # Pearl's front-door graph: X -> M -> Y with X, Y confounded.
    "frontdoor": "X -> M -> Y; X <-> Y",
    # back-door: Z confounds X and Y and is observed.
    "backdoor": "Z -> X -> Y; Z -> Y",
    # the napkin graph (Pearl & Mackenzie 2018; y0 ``napkin``): identifiable, but not by
    # back-door or front-door adjustment.
    "napkin": "Z2 -> Z1 -> X -> Y; Z2 <-> X; Z2 <-> Y",
    # the bow arc: the smallest graph in which P(y | do(x)) is not identifiable.
    "bow_arc": "X -> Y; X <-> Y",
    # Verma's graph: a constraint that is not a conditional independence.
    "verma": "V1 -> V2 -> V3 -> V4; V2 <-> V4",
    # instrumental variable: Z -> X -> Y with X, Y confounded.
    "iv": "Z -> X -> Y; X <-> Y",
    # the front-door graph with its confounder as an explicit latent node.
    "frontdoor_explicit": "U [latent]; U -> X; U -> Y; X -> M -> Y",
}


def _make(name: str) -> CausalGraph:
    return CausalGraph.from_edges(CANONICAL[name])


@pytest.fixture(params=sorted(CANONICAL))
def canonical_graph(request: pytest.FixtureRequest) -> CausalGraph:
    """Each named canonical graph in turn (``request.param`` is its name)."""
    return _make(request.param)


@pytest.fixture
def chain() -> CausalGraph:
    """X -> M -> Y."""
    return _make("chain")


@pytest.fixture
def fork() -> CausalGraph:
    """X <- Z -> Y."""
    return _make("fork")


@pytest.fixture
def collider() -> CausalGraph:
    """X -> C <- Y."""
    return _make("collider")


@pytest.fixture
def frontdoor() -> CausalGraph:
    """X -> M -> Y; X <-> Y."""
    return _make("frontdoor")


@pytest.fixture
def frontdoor_explicit() -> CausalGraph:
    """The front-door graph with an explicit latent U -> X, U -> Y."""
    return _make("frontdoor_explicit")


@pytest.fixture
def backdoor() -> CausalGraph:
    """Z -> X -> Y; Z -> Y."""
    return _make("backdoor")


@pytest.fixture
def napkin() -> CausalGraph:
    """Z2 -> Z1 -> X -> Y; Z2 <-> X; Z2 <-> Y."""
    return _make("napkin")


@pytest.fixture
def bow_arc() -> CausalGraph:
    """X -> Y; X <-> Y."""
    return _make("bow_arc")


@pytest.fixture
def verma() -> CausalGraph:
    """V1 -> V2 -> V3 -> V4; V2 <-> V4."""
    return _make("verma")


@pytest.fixture
def iv() -> CausalGraph:
    """Z -> X -> Y; X <-> Y."""
    return _make("iv")
