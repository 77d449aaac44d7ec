"""What a run accumulates, kept by the model (not by a widget), so that sessions, the CSV
export and the plots all read the same numbers: the loss history (one row per stats
report) and the quality history (one row per evaluation of a snapshot)."""

from __future__ import annotations

import math
import os

import numpy as np

from core.train.trainer import StepStats

HISTORY_COLUMNS = ("words_processed", "loss", "smoothed_loss", "learning_rate")
QUALITY_COLUMNS = ("words_processed", "analogy_accuracy", "pair_spearman")
# what one loss value measures (StepStats.loss_unit), as the plot's axis names it
LOSS_UNITS = {"pair": "loss per pair", "window": "loss per window"}


class _Rows:
    """A growing (n, len(COLUMNS)) float64 table. `rows()` is a read-only view that later
    appends do not change; appending is amortised O(1)."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, rows: np.ndarray | None = None) -> None:
        self._data = np.zeros((64, len(self.COLUMNS)))
        self._count = 0
        if rows is not None:
            self.extend(rows)

    def __len__(self) -> int:
        return self._count

    def rows(self) -> np.ndarray:
        """(n, len(COLUMNS)) float64, in the order the rows were added."""
        view = self._data[:self._count]
        view.flags.writeable = False
        return view

    def column(self, name: str) -> np.ndarray:
        """(n,) one column by its name in COLUMNS."""
        return self.rows()[:, self.COLUMNS.index(name)]

    def clear(self) -> None:
        self._data = np.zeros((64, len(self.COLUMNS)))
        self._count = 0

    def extend(self, rows: np.ndarray) -> None:
        """Append saved rows: (n, len(COLUMNS)) as `rows()` returns them."""
        self._append(np.asarray(rows, dtype=np.float64).reshape(-1, len(self.COLUMNS)))

    def _last_words(self) -> float:
        return self._data[self._count - 1, 0] if self._count else -math.inf

    def _append(self, rows: np.ndarray) -> None:
        needed = self._count + len(rows)
        if needed > len(self._data):
            grown = np.zeros((max(needed, 2 * len(self._data)), len(self.COLUMNS)))
            grown[:self._count] = self._data[:self._count]
            self._data = grown  # earlier views keep the old buffer, unchanged
        self._data[self._count:needed] = rows
        self._count = needed


class LossHistory(_Rows):
    """Rows of HISTORY_COLUMNS: words processed, loss, smoothed loss, learning rate.
    `unit` (a key of LOSS_UNITS) says what the losses measure; one unit per history."""

    COLUMNS = HISTORY_COLUMNS

    def __init__(self, rows: np.ndarray | None = None, unit: str = "pair") -> None:
        super().__init__(rows)
        self.unit = unit

    def add(self, stats: StepStats) -> bool:
        """Append the report `stats`; False (nothing added) when its loss is not a number
        yet or it is not past the last row (a repeated final report)."""
        self.unit = stats.loss_unit
        loss, smooth = stats.loss, stats.smoothed_loss
        if not (math.isfinite(loss) and math.isfinite(smooth)):
            return False
        if stats.words_done <= self._last_words():
            return False
        self._append(np.array([[stats.words_done, loss, smooth, stats.learning_rate]]))
        return True

    def save_csv(self, path: str | os.PathLike,
                 quality: QualityHistory | None = None) -> None:
        """Write a CSV with a header row. With a non-empty `quality`, its columns join
        (QUALITY_COLUMNS after the loss's): rows are merged by words processed, and a
        cell that was not measured at that point is left empty."""
        if not self._count:
            raise ValueError("There is no loss history yet: train first, then export.")
        if quality is None or not len(quality):
            np.savetxt(path, self.rows(), delimiter=",", fmt="%.8g", comments="",
                       header=",".join(HISTORY_COLUMNS))
            return
        loss, measured = self.rows(), quality.rows()
        words = np.union1d(loss[:, 0], measured[:, 0])
        table = np.full((words.size, len(HISTORY_COLUMNS) + len(QUALITY_COLUMNS) - 1),
                         np.nan)
        table[:, 0] = words
        table[np.searchsorted(words, loss[:, 0]), 1:len(HISTORY_COLUMNS)] = loss[:, 1:]
        table[np.searchsorted(words, measured[:, 0]), len(HISTORY_COLUMNS):] = measured[:, 1:]
        header = ",".join(HISTORY_COLUMNS + QUALITY_COLUMNS[1:])
        lines = [header] + [",".join("" if math.isnan(value) else f"{value:.8g}"
                                     for value in row) for row in table]
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write("\n".join(lines) + "\n")


class QualityHistory(_Rows):
    """Rows of QUALITY_COLUMNS: words processed, analogy accuracy (0..1) and the word-pair
    Spearman correlation, NaN where that measure had no test set or no known words."""

    COLUMNS = QUALITY_COLUMNS

    def add(self, words_done: int, accuracy: float, spearman: float) -> bool:
        """Append one evaluation; a measurement at the last row's position replaces it
        (the run's end evaluated again), an earlier one is refused (False)."""
        last = self._last_words()
        if words_done < last:
            return False
        if words_done == last:
            self._count -= 1  # rows() views taken before keep their values
            self._data = self._data.copy()
        self._append(np.array([[words_done, accuracy, spearman]], dtype=np.float64))
        return True
