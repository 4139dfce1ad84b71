"""The run's progress: a stage counter (``[3/5] Warwickshire: forecasts (computing)``), rewritten in place on a
terminal and one log line per stage otherwise, and the in-process engine that moves a bar on within a stage as its
series are done (:class:`CountingEngine`).
"""

from __future__ import annotations

import logging

import pandas as pd

from ncpm.core import schema
from ncpm.io import publish
from ncpm.quarter.engine import Engine, EngineOptions, canonical_order, series_chunks

log = logging.getLogger("ncpm")

BAR_WIDTH = 20  # characters of the per-series bar within a stage


class Progress:
    """A stage counter: ``[3/5] Warwickshire: forecasts (computing)``, rewritten in place on a terminal, one log line
    per stage otherwise (so a scheduler's log stays readable)."""

    def __init__(self, total: int, stream=None) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.label = ""

    def step(self, label: str) -> None:
        publish.kill_point(f"step:{self.done + 1}")  # test hook: every stage before this one is complete
        self.done += 1
        self.label = label
        if self.stream is not None:
            self.stream.write(f"\r\033[K[{self.done}/{self.total}] {label}")
            self.stream.flush()
        else:
            log.info("[%d/%d] %s", self.done, self.total, label)

    def items(self, done: int, total: int, noun: str = "series") -> None:
        """Within the current stage, on a terminal only: ``[3/5] Warwickshire: forecasts (computing) [#####.....]
        37/120 series``; a log gets its one line per stage."""
        if self.stream is None or total <= 0:
            return
        filled = round(BAR_WIDTH * done / total)
        self.stream.write(f"\r\033[K[{self.done}/{self.total}] {self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}]"
                          f" {done}/{total} {noun}")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.done:
            self.stream.write("\n")
            self.stream.flush()



class CountingEngine(Engine):
    """This process, chunk by chunk of whole series (series are independent: the same result), moving the progress
    bar on after each chunk."""

    def __init__(self, bar: Progress, total: int, size: int) -> None:
        super().__init__(EngineOptions("single"))
        self.bar, self.total, self.size, self.done = bar, total, size, 0

    def map(self, func, frame, *, key=schema.SERIES_KEY, **kwargs):
        key = list(key)
        parts = []
        for chunk in series_chunks(frame, self.size, key) if len(frame) else [frame]:
            parts.append(func(chunk, **kwargs))
            self.done += len(chunk.drop_duplicates(key))
            self.bar.items(min(self.done, self.total), self.total)
        return canonical_order(pd.concat(parts, ignore_index=True), key)
