"""Nothing is lost to a crash: unsaved work is autosaved to a recovery file, and the next
launch offers it back."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from PyQt6.QtWidgets import QMessageBox

from tests.gui.helpers import close_window, open_window, start, stop
from w2v_gui.controllers.document import AUTOSAVE_SECONDS

ROOT = Path(__file__).resolve().parents[2]

# A real app process: trains, writes its recovery copy (as the timer would), goes on
# training, and is then killed with SIGKILL, which no code of the app can intercept.
CRASHING_APP = """
import sys
from PyQt6.QtWidgets import QApplication
from PyQt6.QtCore import QTimer
app = QApplication([])
from w2v_gui.main_window import MainWindow
window = MainWindow(remember=False)
window.show()

def train():
    if window.training.corpus is None:
        QTimer.singleShot(50, train)
        return
    config = window.views.hyperparameters.config().replace(epochs=200)
    window.views.hyperparameters.set_config(config)
    window.start_training()
    QTimer.singleShot(50, autosave)

def autosave():
    if window.training.trainer.words_done < 20_000:
        QTimer.singleShot(50, autosave)
        return
    window.document.autosave(wait=True)
    print("autosaved", flush=True)

QTimer.singleShot(0, train)
app.exec()
"""


def test_autosave_runs_every_minute_and_when_training_pauses_or_stops(qtbot):
    window = open_window(qtbot)
    assert window.document.autosave_timer.interval() == AUTOSAVE_SECONDS * 1000 == 60_000
    recovery = window.document.recovery_path
    start(qtbot, window, words=20_000)
    assert not recovery.exists()
    window.training.toggle_pause()
    qtbot.waitUntil(recovery.exists, timeout=10_000)  # written when training pauses
    recovery.unlink()
    window.training.toggle_pause()
    stop(qtbot, window)
    qtbot.waitUntil(recovery.exists, timeout=10_000)  # and when it stops
    window.start_training()  # continues
    qtbot.waitUntil(lambda: window.training.trainer.words_done > 40_000, timeout=30_000)
    stop(qtbot, window)  # an autosave starts in the background ...
    close_window(qtbot, window)  # ... and the window closes before it can have ended
    assert not recovery.exists()  # closed with the work discarded: nothing to recover


def test_after_a_crash_the_next_launch_offers_the_unsaved_run(qtbot, dialogs):
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([sys.executable, "-c", CRASHING_APP], cwd=ROOT, env=environment,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert app.stdout.readline().strip() == "autosaved"
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(10)
    folder = Path(os.environ["WORD2VEC_STUDIO_DATA"]) / "recovery"
    [left] = list(folder.glob("session-*.w2vsession"))

    dialogs.answer = lambda text: (QMessageBox.StandardButton.Open if "closed without saving"
                                   in text else QMessageBox.StandardButton.Discard)
    window = open_window(qtbot)
    qtbot.waitUntil(lambda: window.training.trainer is not None, timeout=30_000)
    assert "closed without saving" in dialogs.questions[0]
    assert window.training.trainer.words_done >= 20_000
    assert window.document.unsaved  # recovered work is in no file of the user's yet
    assert window.views.bar.train_button.text() == "Continue"
    assert not left.exists()
    assert window.document.recovery_path.exists()  # it is this instance's copy now
    start(qtbot, window, words=window.training.trainer.words_done + 1000)
    stop(qtbot, window)
    close_window(qtbot, window)


def test_a_running_instance_s_copy_is_not_offered(qtbot, dialogs):
    first = open_window(qtbot)
    start(qtbot, first, words=20_000)
    first.document.autosave(wait=True)
    second = open_window(qtbot)  # another window of a live app: its lock is held
    assert not any("closed without saving" in q for q in dialogs.questions)
    assert second.document.recoverable() == []
    stop(qtbot, first)
    close_window(qtbot, second)
    close_window(qtbot, first)


def test_opening_a_session_over_discarded_work_drops_that_work_s_copy(qtbot, dialogs,
                                                                     tmp_path):
    window = open_window(qtbot)
    start(qtbot, window, words=20_000)
    stop(qtbot, window)
    assert window.files.save_to(str(tmp_path / "kept.w2vsession"))
    start(qtbot, window, words=window.training.trainer.words_done + 20_000)
    stop(qtbot, window)
    recovery = window.document.recovery_path
    qtbot.waitUntil(recovery.exists, timeout=10_000)  # the unsaved training after the save
    dialogs.answer = QMessageBox.StandardButton.Discard
    with qtbot.waitSignal(window.document.opened, timeout=30_000):
        window.files.open_path(str(tmp_path / "kept.w2vsession"))
    assert not recovery.exists()  # discarded work is never offered back
    assert not window.document.unsaved
    close_window(qtbot, window)


def test_a_damaged_recovery_copy_is_set_aside_and_the_toy_world_loads(qtbot, dialogs):
    folder = Path(os.environ["WORD2VEC_STUDIO_DATA"]) / "recovery"
    folder.mkdir(parents=True)
    damaged = folder / "session-1-1.w2vsession"
    damaged.write_bytes(b"PK\x03\x04 half a file")
    dialogs.answer = QMessageBox.StandardButton.Open
    window = open_window(qtbot)  # the toy world, after the message
    assert "moved aside" in dialogs.warnings[0]
    assert not damaged.exists() and damaged.with_suffix(".damaged").exists()
    assert window.document.recoverable() == []  # not offered again
    close_window(qtbot, window)
