"""File ▸ Check my word2vec.py…: the student's functions checked in the window, the file
watched (a save checks it again), a differing gradient shown as a heatmap, and the app
never waiting for their code."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PyQt6.QtCore import Qt, QTimer

from core.data.corpus import Corpus
from resources.toy_world import generate_sentences
from tests.core.student_files import WORD2VEC, with_mistakes, write
from tests.core.test_student_check import probes_of_this_process
from tests.core.test_student_runs import LATE_MISTAKE
from tests.gui.helpers import close_window, open_window


@pytest.fixture
def window(qtbot):
    window = open_window(qtbot)
    yield window
    close_window(qtbot, window)
    qtbot.waitUntil(lambda: not probes_of_this_process(), timeout=10_000)


def checked(student) -> list:
    """The reports of the checks that end from now on."""
    reports = []
    student.checks.finished.connect(reports.append)
    return reports


def test_the_panel_checks_the_file_and_again_each_time_it_is_saved(qtbot, window,
                                                                   tmp_path):
    word2vec, sgd = write(tmp_path)
    student = window.student
    student.checks.set_files(word2vec, sgd)
    reports = checked(student)
    student.open()
    qtbot.waitUntil(lambda: bool(reports), timeout=60_000)
    view = student.window.checks
    assert reports[-1].passed
    assert all("passed" in view.items[name].text(1) for name in reports[-1].functions)
    assert "All 7 functions pass" in student.window.status.text()
    # the student saves a mistake in their editor: checked again, without a click
    time.sleep(0.05)  # a new modification time, even on coarse clocks
    word2vec.write_text(with_mistakes("sign flipped")[0], encoding="utf-8")
    qtbot.waitUntil(lambda: len(reports) == 2, timeout=60_000)
    assert not reports[-1].passed
    item = view.items["naiveSoftmaxLossAndGradient"]
    assert "FAILED" in item.text(1)
    view.tree.setCurrentItem(item)
    assert "the sign is flipped" in view.diagnosis.text()
    assert view.heatmap.isVisibleTo(view) and len(view.heatmap.numbers) == 3
    assert "gradCenterVec: yours − expected" in view.heatmap_title.text()
    # fixed and saved again (as editors that write a new file and rename it do)
    replacement = tmp_path / "word2vec.py.new"
    replacement.write_text(WORD2VEC, encoding="utf-8")
    replacement.replace(word2vec)
    qtbot.waitUntil(lambda: len(reports) == 3, timeout=60_000)
    assert reports[-1].passed


def test_a_function_that_never_returns_leaves_the_window_free(qtbot, window, tmp_path):
    word2vec, sgd = write(tmp_path, *with_mistakes("never returns", "raises"))
    student = window.student
    student.checks.set_files(word2vec, sgd)
    student.checks.timeout = 2
    reports = checked(student)
    student.open()
    ticks = []
    timer = ticking(ticks)
    qtbot.waitUntil(lambda: bool(reports), timeout=60_000)
    timer.stop()
    assert len(ticks) > 20  # the event loop ran all along (a tick every 50 ms)
    view = student.window.checks
    assert "NEVER RETURNED" in view.items["getNegativeSamples"].text(1)
    view.tree.setCurrentItem(view.items["sigmoid"])
    assert f'File "{word2vec}", line 13, in sigmoid' in view.details.toPlainText()
    assert reports[-1].functions["skipgram"]["passed"]


def ticking(ticks: list) -> QTimer:
    timer = QTimer(interval=50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    return timer


def test_a_file_that_cannot_be_used_says_why_and_escape_closes(qtbot, window, tmp_path):
    path = tmp_path / "word2vec.py"
    path.write_text("def sigmoid(x)\n    return x\n", encoding="utf-8")
    student = window.student
    student.checks.set_files(path, None)
    reports = checked(student)
    student.open()
    qtbot.waitUntil(lambda: bool(reports), timeout=30_000)
    view = student.window.checks
    assert "not valid Python (line 1" in view.details.toPlainText()
    assert "cannot be checked" in student.window.status.text()
    qtbot.keyClick(student.window, Qt.Key.Key_Escape)
    assert not student.window.isVisible()


def ready_to_train(window, word2vec, iterations: int):
    """The Train tab on a small toy world, for this word2vec.py: (controller, tab, the
    sides whose run ended, in order)."""
    student = window.student
    student.checks.set_files(word2vec, None)
    small = Corpus.from_sentences(generate_sentences(2000))
    student.corpus = lambda: small
    student.open()
    view = student.window.training
    view.iterations.setValue(iterations)
    ended = []
    student.training.ended.connect(ended.append)
    return student, view, ended


def test_train_with_my_code_races_the_fast_trainer_on_the_toy_world(qtbot, window,
                                                                    tmp_path):
    student, view, ended = ready_to_train(window, write(tmp_path)[0], 1000)
    qtbot.mouseClick(view.race_button, Qt.MouseButton.LeftButton)
    assert not view.race_button.isEnabled() and view.stop_button.isEnabled()
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=90_000)
    traces = student.training.traces
    assert {t.ended for t in traces.values()} == {"finished"}
    assert all(t.iteration == 1000 for t in traces.values())
    for side in ("theirs", "ours"):
        x, y = view.curves[side].getData()
        assert len(x) > 1 and np.all(np.isfinite(y))
    assert "iterations/s" in view.speed.text() and "× yours" in view.speed.text()
    assert "iteration 1,000: cost" in view.verdict.text()
    assert "Race: both reached a cost of" in view.verdict.text()
    assert len(view.labels) == 24  # run.py's picture: 24 words
    assert view.train_button.isEnabled() and not view.stop_button.isEnabled()


def test_an_error_in_their_code_mid_run_shows_their_traceback(qtbot, window, tmp_path):
    student, view, ended = ready_to_train(
        window, write(tmp_path, WORD2VEC + LATE_MISTAKE)[0], 5000)
    student.train(racing=False)
    qtbot.waitUntil(lambda: bool(ended), timeout=90_000)
    trace = student.training.traces["theirs"]
    assert trace.ended == "failed" and trace.vectors is not None
    assert view.error.isVisibleTo(view) and "shows only late" in view.error.toPlainText()
    assert "what it trained is kept" in view.verdict.text()
    assert len(view.labels) == 24  # the picture of what it trained stays
