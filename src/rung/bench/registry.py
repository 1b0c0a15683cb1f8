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
from rung.bench.items import Benchmark, LadderMode, LadderQuestion

__all__ = ["BENCHMARKS", "GENERATED", "LADDER_N", "DatasetInfo", "list_datasets",
           "load_benchmark", "load_ladder"]

Loader = Callable[[str | Path | None], Benchmark]
DatasetStatus = Literal["found", "missing", "damaged"]


def _pgmpy(network: str) -> Loader:
    def load(data_dir: str | Path | None = None) -> Benchmark:
        return networks.load_pgmpy_network(network)

    return load


#: items of the generated ladder when ``--n`` is not given
LADDER_N = 500


@functools.cache
def load_ladder(n: int = LADDER_N, seed: int = 0, mode: LadderMode = "direct") -> Benchmark:
    """``n`` generated causal-ladder items (:func:`rung.bench.ladder.generate`, the same for
    the same ``seed``), to be answered in ``mode``.

    Examples
    --------
    >>> b = load_ladder(4, seed=0, mode="recipe")
    >>> len(b.items), b.items[0].mode, b.items[0].id
    (4, 'recipe', 'ladder-s0-0000')
    """
    from rung.bench.ladder import generate

    items = tuple(LadderQuestion(it.id, it, mode) for it in generate(n, seed))
    return Benchmark("ladder", items)


#: benchmarks generated from a size and a seed (never read from, nor written to, disk)
GENERATED = frozenset({"ladder"})

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
    "ladder": (lambda data_dir: load_ladder(),
               f"generated causal ladder, rungs 1-3 (CLadder's design; {LADDER_N} at seed 0)"),
    "sachs-graph": (networks.load_sachs_graph, "Sachs proteins, 18-edge consensus graph"),
    **{
        f"{net}-graph" if net != "sachs" else "sachs-pgmpy-graph": (
            _pgmpy(net), f"pgmpy bundled network {net!r}"
        )
        for net in networks.PGMPY_NETWORKS
    },
}


def load_benchmark(name: str, data_dir: str | Path | None = None, *, n: int | None = None,
                   seed: int | None = None, mode: LadderMode | None = None) -> Benchmark:
    """Load the benchmark called ``name`` from ``data_dir`` (or the default data dirs).

    ``n``, ``seed`` and ``mode`` choose the items of a generated benchmark (``ladder``:
    default 500 items, seed 0, mode ``direct``); other benchmarks refuse them.

    Examples
    --------
    >>> len(load_benchmark("asia-graph").items)
    28
    >>> len(load_benchmark("ladder", n=3, seed=1).items)
    3
    """
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; choose one of {sorted(BENCHMARKS)}")
    if name in GENERATED:
        if n is not None and n < 1:
            raise ValueError(f"n={n}: generate at least 1 item")
        return load_ladder(LADDER_N if n is None else n, 0 if seed is None else seed,
                           mode or "direct")
    given = [k for k, v in (("n", n), ("seed", seed), ("mode", mode)) if v is not None]
    if given:
        raise ValueError(f"{', '.join(given)} choose the items of a generated benchmark "
                         f"({', '.join(sorted(GENERATED))}), not of {name!r}; leave them out")
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
    if name in GENERATED:  # nothing to find on disk; generated when a run asks for it
        return DatasetInfo(name, desc, True, LADDER_N, "generated (rung.bench.ladder, seed 0)")
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
