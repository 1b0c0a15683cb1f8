"""A ladder run on a stratified subset of the generated items (``--stratified K``).

Examples
--------
>>> config = StratifiedConfig("ladder", n=90, seed=0, stratified=1)
>>> ids = [q.id for q in config.load().items]
>>> len(ids), ids[:3]
(9, ['ladder-s0-0000', 'ladder-s0-0001', 'ladder-s0-0009'])
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rung.bench.items import Benchmark, LadderQuestion
from rung.bench.ladder import stratified
from rung.bench.runner import RunConfig

__all__ = ["StratifiedConfig"]


@dataclass(frozen=True)
class StratifiedConfig(RunConfig):
    """A ladder run on :func:`rung.bench.ladder.stratified`'s subset of the generated items
    (``stratified`` per rung x name type, by index order): the same ids and prompts as the
    full run, so answers pair with any other mode's on the same items. ``run.json`` records
    ``stratified``; the report scores what the ledger holds."""

    stratified: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.benchmark != "ladder" or self.stratified < 1:
            raise ValueError(f"--stratified {self.stratified}: give a positive number of "
                             "items per stratum, for the ladder only")

    def load(self) -> Benchmark:
        bench = super().load()
        by_id = {q.id: q for q in bench.items if isinstance(q, LadderQuestion)}
        kept = stratified([q.item for q in by_id.values()], self.stratified)
        return replace(bench, items=tuple(by_id[i.id] for i in kept))  # in its rounds
