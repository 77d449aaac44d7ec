"""The loss history a run accumulates: one row per stats report, kept by the model (not by a
widget), so that sessions, the CSV export and the loss plot all read the same numbers."""

from __future__ import annotations

import math
import os

import numpy as np

from core.trainer import StepStats

HISTORY_COLUMNS = ("words_processed", "loss", "smoothed_loss", "learning_rate")


class LossHistory:
    """Rows of HISTORY_COLUMNS, float64, in the order training reported them.

    `rows()` is an (n, 4) view that later `add` calls do not change; appending is
    amortised O(1), so a long run's thousands of rows cost nothing to keep.
    """

    def __init__(self, rows: np.ndarray | None = None) -> None:
        self._data = np.zeros((64, len(HISTORY_COLUMNS)))
        self._count = 0
        if rows is not None:
            self.extend(rows)

    def __len__(self) -> int:
        return self._count

    def rows(self) -> np.ndarray:
        """(n, 4) float64: words processed, loss, smoothed loss, learning rate."""
        view = self._data[:self._count]
        view.flags.writeable = False
        return view

    def column(self, name: str) -> np.ndarray:
        """(n,) one column by its HISTORY_COLUMNS name."""
        return self.rows()[:, HISTORY_COLUMNS.index(name)]

    def clear(self) -> None:
        self._data = np.zeros((64, len(HISTORY_COLUMNS)))
        self._count = 0

    def add(self, stats: StepStats) -> bool:
        """Append the report `stats`; False (nothing added) when its loss is not a number
        yet or it is not past the last row (a repeated final report)."""
        # batching="windows" plots the handout's smoothed cost, as its run.py prints
        loss = stats.cost if stats.cost is not None else stats.loss
        smooth = stats.cost if stats.cost is not None else stats.smoothed_loss
        if not (math.isfinite(loss) and math.isfinite(smooth)):
            return False
        if self._count and stats.words_done <= self._data[self._count - 1, 0]:
            return False
        self._append(np.array([[stats.words_done, loss, smooth, stats.learning_rate]]))
        return True

    def extend(self, rows: np.ndarray) -> None:
        """Append saved rows: (n, 4) as `rows()` returns them."""
        self._append(np.asarray(rows, dtype=np.float64).reshape(-1, len(HISTORY_COLUMNS)))

    def _append(self, rows: np.ndarray) -> None:
        needed = self._count + len(rows)
        if needed > len(self._data):
            grown = np.zeros((max(needed, 2 * len(self._data)), len(HISTORY_COLUMNS)))
            grown[:self._count] = self._data[:self._count]
            self._data = grown  # earlier views keep the old buffer, unchanged
        self._data[self._count:needed] = rows
        self._count = needed

    def save_csv(self, path: str | os.PathLike) -> None:
        """Write a CSV with a header row of HISTORY_COLUMNS."""
        if not self._count:
            raise ValueError("There is no loss history yet: train first, then export.")
        np.savetxt(path, self.rows(), delimiter=",", fmt="%.8g", comments="",
                   header=",".join(HISTORY_COLUMNS))
