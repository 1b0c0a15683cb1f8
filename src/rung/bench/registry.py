"""Benchmark names -> loaders, and what the data directory holds (``rung data list``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rung.bench import loaders, networks
from rung.bench.datadir import DatasetMissingError
from rung.bench.datafiles import DatasetCorruptError
from rung.bench.items import Benchmark

__all__ = ["BENCHMARKS", "DatasetInfo", "list_datasets", "load_benchmark"]

Loader = Callable[[str | Path | None], Benchmark]
DatasetStatus = Literal["found", "missing", "damaged"]


def _pgmpy(network: str) -> Loader:
    def load(data_dir: str | Path | None = None) -> Benchmark:
        return networks.load_pgmpy_network(network)

    return load


# name -> (loader, one-line description). Order is the order of `rung data list`.
BENCHMARKS: dict[str, tuple[Loader, str]] = {
    "tuebingen": (loaders.load_tuebingen, "Tübingen cause-effect pairs (pairmeta weights)"),
    "neuropathic": (loaders.load_neuropathic, "neuropathic pain graph edge directions (475)"),
    "arcticsea": (networks.load_arcticsea, "arctic sea ice graph, 12 variables (Hamming)"),
    "causal_judgment": (loaders.load_causal_judgment, "BIG-Bench causal_judgment (190 yes/no)"),
    "crass": (loaders.load_crass, "CRASS counterfactuals (274)"),
    "crass_ai": (loaders.load_crass_ai, "BIG-Bench crass_ai (44)"),
    "actual_causality": (loaders.load_actual_causality,
                         "necessary/sufficient cause vignettes (15 x 2)"),
    "actual_causality_lab": (functools.partial(loaders.load_actual_causality, lab=True),
                             "post-cut-off lab vignettes (14 x 2)"),
    "sachs-graph": (networks.load_sachs_graph, "Sachs proteins, 18-edge consensus graph"),
    **{
        f"{net}-graph" if net != "sachs" else "sachs-pgmpy-graph": (
            _pgmpy(net), f"pgmpy bundled network {net!r}"
        )
        for net in networks.PGMPY_NETWORKS
    },
}


def load_benchmark(name: str, data_dir: str | Path | None = None) -> Benchmark:
    """Load the benchmark called ``name`` from ``data_dir`` (or the default data dirs).

    Examples
    --------
    >>> len(load_benchmark("asia-graph").items)
    28
    """
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; choose one of {sorted(BENCHMARKS)}")
    return BENCHMARKS[name][0](data_dir)


@dataclass(frozen=True)
class DatasetInfo:
    """One row of ``rung data list``.

    ``status`` is ``"found"``, ``"missing"`` (files not in any data directory, or a library
    not installed) or ``"damaged"`` (files found but unreadable: ``location`` says which file
    and what is wrong).
    """

    name: str
    description: str
    available: bool
    items: int
    location: str  # directory found, "pgmpy (bundled)", or the error message
    status: DatasetStatus = "found"

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "description": self.description,
                "available": self.available, "items": self.items, "location": self.location,
                "status": self.status}


def _info(name: str, loader: Loader, desc: str, data_dir: str | Path | None) -> DatasetInfo:
    try:
        bench = loader(data_dir)
    except (DatasetMissingError, ImportError) as exc:
        return DatasetInfo(name, desc, False, 0, str(exc), "missing")
    except (DatasetCorruptError, ValueError, OSError) as exc:  # one bad set hides no other
        return DatasetInfo(name, desc, False, 0, str(exc), "damaged")
    where = str(bench.source) if bench.source is not None else "pgmpy (bundled)"
    return DatasetInfo(name, desc, True, len(bench.items), where)


def list_datasets(data_dir: str | Path | None = None) -> list[DatasetInfo]:
    """What each benchmark needs, whether it was found (or is damaged), and where.

    Every dataset is listed: one that is missing or damaged is marked so, and does not stop
    the others from being read.
    """
    return [_info(name, loader, desc, data_dir) for name, (loader, desc) in BENCHMARKS.items()]
