"""The estimation methods and the one table that maps an identification to its estimators.

:class:`Strategy` reads how :func:`rung.identify.identify` identified the effect;
:data:`ESTIMATORS_FOR` lists, for each strategy, the methods that estimate that estimand,
preferred first. :func:`methods_for` filters them by what the data allow (a discrete
treatment for weighting, all-discrete columns for the plug-in) and :func:`default_method`
takes the first. Instrumental variables identify an effect only under linearity, never
``P(y | do(x))``: :data:`Method.IV` is never chosen from the table, only by name.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import Enum
from typing import Any

import pandas as pd

from rung.data import is_discrete
from rung.estimate.errors import EstimationError
from rung.graph import CausalGraph

__all__ = ["ESTIMATORS_FOR", "Method", "Strategy", "advice", "default_method", "methods_for"]


class Method(Enum):
    """An estimation method (the CLI's ``--method`` values)."""

    GENERATIVE = "generative"
    PLUGIN = "plugin"
    REGRESSION = "regression"
    IPW = "ipw"
    AIPW = "aipw"
    FRONTDOOR = "frontdoor"
    IV = "iv"

    @classmethod
    def parse(cls, value: str | Method) -> Method:
        """``value`` as a :class:`Method`, or an error listing the choices.

        Examples
        --------
        >>> Method.parse("aipw")
        <Method.AIPW: 'aipw'>
        """
        if isinstance(value, Method):
            return value
        try:
            return cls(value)
        except ValueError:
            raise EstimationError(f"unknown method {value!r}; choose one of "
                                  f"{sorted(m.value for m in cls)}") from None


class Strategy(Enum):
    """How the effect was identified (``Identification.method``), or ``NONE``."""

    BACKDOOR = "backdoor"
    FRONTDOOR = "frontdoor"
    ID = "id"
    IDC = "idc"
    NONE = "none"

    @classmethod
    def of(cls, identification: Any) -> Strategy:
        """The strategy of an :class:`~rung.identify.Identification`.

        Examples
        --------
        >>> from rung.identify import identify
        >>> Strategy.of(identify(CausalGraph.from_edges("X -> M -> Y; X <-> Y"), "X", "Y"))
        <Strategy.FRONTDOOR: 'frontdoor'>
        """
        if not identification.identifiable:
            return cls.NONE
        return cls(identification.method)


#: identification strategy -> the methods that estimate its estimand, preferred first
ESTIMATORS_FOR: Mapping[Strategy, tuple[Method, ...]] = {
    Strategy.BACKDOOR: (Method.REGRESSION, Method.AIPW, Method.IPW, Method.GENERATIVE,
                        Method.PLUGIN),
    Strategy.FRONTDOOR: (Method.FRONTDOOR, Method.GENERATIVE, Method.PLUGIN),
    Strategy.ID: (Method.PLUGIN, Method.GENERATIVE),
    Strategy.IDC: (Method.PLUGIN, Method.GENERATIVE),
    Strategy.NONE: (),
}

#: methods that need a discrete treatment
_DISCRETE_TREATMENT = frozenset({Method.IPW, Method.AIPW})


def _discrete(data: pd.DataFrame, col: str, categorical: Collection[str]) -> bool:
    if col not in data.columns:
        return False
    v = pd.to_numeric(data[col], errors="coerce")
    if v.isna().all():  # text: categorical
        return True
    return is_discrete(v.to_numpy(dtype=float), categorical=col in categorical)


def methods_for(identification: Any, graph: CausalGraph | None = None,
                data: pd.DataFrame | None = None, categorical: Collection[str] = ()
                ) -> tuple[Method, ...]:
    """The methods that estimate ``identification``'s estimand, preferred first.

    With ``data`` (and ``graph``), methods the data cannot feed are left out: weighting
    needs a discrete treatment, the plug-in all-discrete columns.

    Examples
    --------
    >>> from rung.identify import identify
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    >>> [m.value for m in methods_for(identify(g, "X", "Y"))]
    ['regression', 'aipw', 'ipw', 'generative', 'plugin']
    """
    out = ESTIMATORS_FOR[Strategy.of(identification)]
    if data is None:
        return out
    (x,) = sorted(identification.treatment)
    keep = []
    for m in out:
        if m in _DISCRETE_TREATMENT and not _discrete(data, x, categorical):
            continue
        if m is Method.PLUGIN and not (graph is not None and all(
                _discrete(data, c, categorical) for c in graph.projected().nodes)):
            continue
        keep.append(m)
    return tuple(keep)


def default_method(identification: Any, graph: CausalGraph | None = None,
                   data: pd.DataFrame | None = None, categorical: Collection[str] = ()
                   ) -> Method | None:
    """The preferred method for ``identification`` (None when the effect is not
    identifiable).

    back-door -> regression; front-door -> front-door; ID/IDC -> plug-in on discrete data,
    the generative model otherwise.
    """
    ms = methods_for(identification, graph, data, categorical)
    return ms[0] if ms else None


def advice(identification: Any) -> str:
    """'use method ...' naming only methods that estimate this identification."""
    ms = [m.value for m in ESTIMATORS_FOR[Strategy.of(identification)]]
    if not ms:
        return "no method can estimate a non-identifiable effect"
    how = Strategy.of(identification).value
    return f"the effect is identified by {how}: use method " + ", ".join(repr(m) for m in ms)
