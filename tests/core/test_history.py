"""The loss and quality histories: rows from stats reports and evaluations, kept apart from
any widget."""

import numpy as np
import pytest

from core.train.history import HISTORY_COLUMNS, QUALITY_COLUMNS, LossHistory, QualityHistory
from core.train.trainer import StepStats


def stats(words: int, loss: float, smoothed: float, cost: float | None = None,
          unit: str = "pair") -> StepStats:
    return StepStats(loss=loss, smoothed_loss=smoothed, cost=cost, loss_unit=unit,
                     words_done=words, total_words=10_000, words_per_second=1.0,
                     learning_rate=0.01, epoch=0, progress=words / 10_000, finished=False)


def test_rows_grow_past_the_first_buffer_and_earlier_views_stay_unchanged():
    history = LossHistory()
    assert history.add(stats(1, 5.0, 5.0))
    first = history.rows()
    for words in range(2, 500):
        history.add(stats(words, 4.0, 4.5))
    assert len(history) == 499 and first.shape == (1, 4)
    np.testing.assert_array_equal(first, [[1, 5.0, 5.0, 0.01]])
    np.testing.assert_array_equal(history.column("words_processed"), np.arange(1, 500))
    with pytest.raises(ValueError):
        history.rows()[0, 0] = 7  # a view for reading


def test_reports_without_a_loss_or_not_past_the_last_row_are_skipped():
    history = LossHistory()
    assert not history.add(stats(10, float("nan"), float("nan")))
    assert history.add(stats(10, 3.0, 3.0))
    assert not history.add(stats(10, 2.0, 2.0))  # the final report repeats the last step
    assert len(history) == 1


def test_a_windows_run_records_its_loss_in_one_unit_before_and_after_the_handouts_cost():
    # the handout's smoothed cost appears at iteration 10; the plotted unit never changes
    history = LossHistory()
    history.add(stats(50, 9.0, 9.0, cost=None, unit="window"))
    history.add(stats(500, 8.0, 8.5, cost=8.7, unit="window"))
    np.testing.assert_array_equal(history.rows(), [[50, 9.0, 9.0, 0.01],
                                                   [500, 8.0, 8.5, 0.01]])
    assert history.unit == "window"


def test_csv_has_the_columns_as_header(tmp_path):
    history = LossHistory(np.array([[1, 2, 3, 4], [5, 6, 7, 8]]))
    with pytest.raises(ValueError, match="train first"):
        LossHistory().save_csv(tmp_path / "empty.csv")
    history.save_csv(tmp_path / "loss.csv")
    lines = (tmp_path / "loss.csv").read_text().splitlines()
    assert lines[0] == ",".join(HISTORY_COLUMNS) and lines[2] == "5,6,7,8"


def test_quality_rows_replace_a_repeat_at_the_same_position_and_refuse_earlier_ones():
    quality = QualityHistory()
    assert quality.add(100, 0.25, float("nan"))
    before = quality.rows()
    assert quality.add(100, 0.5, 0.1)  # the run's end evaluated again
    assert not quality.add(50, 0.9, 0.9)
    np.testing.assert_array_equal(before, [[100, 0.25, np.nan]])
    np.testing.assert_array_equal(quality.rows(), [[100, 0.5, 0.1]])


def test_csv_merges_the_quality_columns_by_words_processed(tmp_path):
    history = LossHistory(np.array([[10, 2, 2, 0.1], [20, 1.5, 1.8, 0.1]]))
    quality = QualityHistory(np.array([[15, 0.25, np.nan], [20, 0.5, 0.75]]))
    history.save_csv(tmp_path / "run.csv", quality)
    lines = (tmp_path / "run.csv").read_text().splitlines()
    assert lines[0] == ",".join(HISTORY_COLUMNS + QUALITY_COLUMNS[1:])
    assert lines[1:] == ["10,2,2,0.1,,", "15,,,,0.25,", "20,1.5,1.8,0.1,0.5,0.75"]
