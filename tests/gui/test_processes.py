"""The app's processes (the training workers and the map's layout process) end with it:
closed mid-run, or killed, it leaves no process and no shared-memory segment behind. A
worker killed mid-run stops the run with a message and keeps its vectors; a layout
process killed is started again by the next snapshot."""

from __future__ import annotations

import os
import signal
import textwrap
from pathlib import Path

import numpy as np

from core.storage.shared import segments_of
from tests.gui.helpers import close_window, open_window, start
from tests.processes import gone, kill_mid_run, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_closing_the_window_mid_run_leaves_no_process_and_no_segment(qtbot):
    window = open_window(qtbot)
    try:
        start(qtbot, window, words=20_000, workers=2)
        qtbot.waitUntil(lambda: window.map.projection.pid is not None, timeout=30_000)
        children = [*window.pool.pids(), window.map.projection.pid]
        assert len(children) == 3 and os.getpid() not in children
    finally:
        close_window(qtbot, window)
    assert wait_for(lambda: all(gone(pid) for pid in children), 10)
    assert wait_for(lambda: segments_of(os.getpid()) == [], 5), segments_of(os.getpid())


def test_a_worker_killed_mid_run_stops_it_with_a_message_and_the_vectors_stay(qtbot):
    window = open_window(qtbot)
    try:
        messages = []
        window.training.failed.connect(messages.append)
        start(qtbot, window, words=20_000, workers=2)
        with qtbot.waitSignal(window.training.finished, timeout=30_000):
            os.kill(window.pool.pids()[0], signal.SIGKILL)
        assert messages and "worker" in messages[0] and "kept" in messages[0]
        trainer = window.training.trainer
        assert trainer.words_done >= 20_000 and np.isfinite(trainer.center_vectors).all()
        assert not window.training.running
        # Train goes on from there, with workers started afresh
        words = trainer.words_done
        window.start_training()
        qtbot.waitUntil(lambda: window.training.trainer.words_done > words, timeout=30_000)
        with qtbot.waitSignal(window.training.finished, timeout=10_000):
            window.training.stop()
    finally:
        close_window(qtbot, window)


def test_a_killed_layout_process_is_started_again_and_draws_the_map_again(qtbot):
    window = open_window(qtbot)
    try:
        projection = window.map.projection
        makers = []  # the process that made each frame drawn (its colouring key says)
        projection.layout_ready.connect(lambda frame: makers.append(frame.colouring_key[0]))
        start(qtbot, window, words=2_000, workers=1)
        qtbot.waitUntil(lambda: bool(makers) and projection.pid is not None,
                        timeout=30_000)
        first = projection.pid
        failures = []
        projection.failed.connect(failures.append)
        os.kill(first, signal.SIGKILL)
        # the run's next snapshots are drawn by a new process
        qtbot.waitUntil(lambda: makers[-1] not in (first, os.getpid()), timeout=30_000)
        assert failures and "ended unexpectedly" in failures[0]
        assert window.training.running  # the run never noticed
        with qtbot.waitSignal(window.training.finished, timeout=10_000):
            window.training.stop()
        # killed while nothing trains: a new process draws the last snapshot again
        second = makers[-1]
        os.kill(second, signal.SIGKILL)
        qtbot.waitUntil(lambda: makers[-1] not in (first, second), timeout=30_000)
    finally:
        close_window(qtbot, window)


def test_killing_the_app_mid_run_leaves_no_process_and_the_next_launch_no_segment(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ["WORD2VEC_STUDIO_DATA"] = {str(tmp_path / "data")!r}
        if __name__ == "__main__":
            from PyQt6.QtCore import QTimer
            from PyQt6.QtWidgets import QApplication
            from w2v_gui.main_window import MainWindow
            app = QApplication(sys.argv[:1])
            window = MainWindow(remember=False)
            window.show()

            def started():
                config = window.views.hyperparameters.config()
                window.views.hyperparameters.set_config(config.replace(epochs=500, workers=2))
                window.start_training()
                QTimer.singleShot(100, report)

            def report():
                trainer = window.training.trainer
                if trainer.words_done < 20_000 or window.map.projection.pid is None:
                    QTimer.singleShot(100, report)
                    return
                print(*window.pool.pids(), window.map.projection.pid, flush=True)

            window.corpora.loaded.connect(lambda _corpus: QTimer.singleShot(0, started))
            app.exec()
    """)
    path = tmp_path / "app_training.py"
    path.write_text(script)
    kill_mid_run(path, children=3)  # two workers and the map's process
