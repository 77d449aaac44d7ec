"""The loss race in the window: two runs on their own threads, both measured; closing
stops both; a session keeps the race."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

import w2v_gui.controllers.race as race_module
from core.train.race import loss_at
from tests.gui.helpers import close_window, open_window


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(race_module, "MEASURE_EVERY", 0.3)
    window = open_window(qtbot)
    yield window
    close_window(qtbot, window)


def test_a_race_runs_both_threads_and_a_session_keeps_it(qtbot, window, tmp_path):
    race = window.race
    window.step_mode.step_once()  # a run of its own, for the session
    with qtbot.waitSignal(race.ended, timeout=60_000):
        race.start(window.training.corpus, window.views.hyperparameters.config(), "losses",
                   window.evaluation.analogies, seconds=1.0)
        qtbot.waitUntil(lambda: len(race._workers) == 2, timeout=10_000)  # two threads
        assert not window.views.bar.step_button.isEnabled()  # nothing else trains meanwhile
    assert [run.name for run in race.runs] == ["naive softmax", "negative sampling"]
    for run in race.runs:
        assert run.finished and len(run.points) >= 3
        assert run.points[0].log_loss == pytest.approx(5.7037824746562)  # log 300: U = 0
        assert 0 <= run.points[-1].accuracy <= 1
    # naive softmax minimises this very log-loss (negative sampling first raises it)
    assert race.runs[0].points[-1].log_loss < race.runs[0].points[0].log_loss
    window.show_race()
    shown = window.race.window
    assert "negative sampling" in shown.readouts[1].text()
    legend = [label.text for _sample, label in shown.legends[0].items]
    assert legend == ["naive softmax", "negative sampling"]
    verdict = shown.verdict.text()
    assert verdict.startswith("After 1 s of training each,") and "words/s" in verdict
    assert "With only 300 words, naive softmax scores 300 words per pair" in verdict
    # which run it names as better is the one with the lower held-out loss at that time
    losses = [loss_at(run, min(r.points[-1].seconds for r in race.runs))
              for run in race.runs]
    if abs(losses[0] - losses[1]) > 0.01 * max(losses):
        better = race.runs[int(np.argmin(losses))].name
        assert f"{better} reached a lower held-out log-loss" in verdict
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown, timeout=5000)
    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert not shown.isVisible()

    path = str(tmp_path / "raced")
    assert window.files.save_to(path)
    other = open_window(qtbot)
    with qtbot.waitSignal(other.document.opened, timeout=30_000):
        other.files.open_path(path + ".w2vsession")
    assert [len(run.points) for run in other.race.runs] == [len(run.points)
                                                          for run in race.runs]
    assert other.race.window is not None and other.race.window.isVisible()
    close_window(qtbot, other)


def test_closing_the_window_stops_a_race(qtbot, monkeypatch):
    window = open_window(qtbot)
    window.race.start(window.training.corpus, window.views.hyperparameters.config(), "models",
                      None, seconds=600.0)
    qtbot.waitUntil(lambda: len(window.race._workers) == 2, timeout=10_000)
    close_window(qtbot, window)  # asserts every thread has ended


def test_a_race_stopped_while_it_prepares_never_starts(qtbot, window):
    race = window.race
    before = set(window.threads.threads)
    window.start_race("losses")
    preparing = set(window.threads.threads) - before  # the thread setting sentences aside
    assert race.running and window.race.window.isVisible() and preparing
    window.race.window.close()  # before the held-out sentences are set aside
    assert not race.running
    # the preparation ends meanwhile (its result is handled before its thread is let go
    # of): it must not start the runs
    qtbot.waitUntil(lambda: not preparing & set(window.threads.threads), timeout=30_000)
    assert not race.running and not race._workers and not race.runs


def test_a_race_on_another_corpus_is_forgotten(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.race.ended, timeout=60_000):
        window.race.start(window.training.corpus, window.views.hyperparameters.config(),
                          "models", None, seconds=0.5)
    assert window.race.runs
    corpus = tmp_path / "other.txt"
    corpus.write_text("the cat sat on the mat\n" * 50)
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_path(str(corpus))
    assert not window.race.runs and window.race.state() is None
