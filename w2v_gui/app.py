"""QApplication set-up (logging, the exception safety net) and the app's entry point; the
arguments are parsed Qt-free by main.py."""

from __future__ import annotations

import argparse
import gc
import logging
import sys

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QApplication

from w2v_gui.main_window import MainWindow
from w2v_gui.safety import APP_NAME, install_excepthook, set_unattended, setup_logging

# The GUI thread must take the interpreter lock for every bit of Python it runs, and while
# the training thread holds it Python hands it over only once per switch interval (5 ms by
# default); a repaint asks for it many times. 1 ms shortens those waits. A thread running
# alone is never interrupted, so training alone loses nothing.
SWITCH_INTERVAL = 0.001
SCREENSHOT_LIMIT = 120  # seconds a screenshot run may wait for its file before grabbing


def share_the_interpreter() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL)


def freeze_what_lasts() -> None:
    """Take every object made so far (the modules, the window and its widgets: about
    95,000) out of the garbage collector's full passes. Such a pass scanned them all and
    held the interpreter lock for 25-90 ms with the workers on both cores: a stall of the
    window every so often (bench/responsiveness.py). They are still freed when no longer
    referenced; only reference cycles among them are no longer looked for."""
    gc.freeze()


def main(arguments: argparse.Namespace) -> int:
    share_the_interpreter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    log_path = setup_logging()
    install_excepthook()
    logging.getLogger("w2v_gui").info("started; the log is %s", log_path)
    # a screenshot has no one to answer a question: nothing may wait for a person
    set_unattended(bool(arguments.screenshot))
    # a screenshot shows the defaults, whatever this user's last settings were
    window = MainWindow(remember=not arguments.screenshot, open_path=arguments.file,
                        open_limit=getattr(arguments, "limit", None))
    window.gone.connect(app.quit)
    window.show()
    freeze_what_lasts()
    if arguments.screenshot:
        screenshot_when_ready(window, arguments.screenshot, arguments.train_seconds)
    return app.exec()


def screenshot_when_ready(window: MainWindow, path: str, seconds: float) -> None:
    """Once a corpus or run is there: search, pin, train (or continue) `seconds`, grab.
    Vectors opened to explore, or a run already finished: search and pin, let the map
    settle `seconds`, grab. Whatever happens, the picture is taken and the app ends within
    SCREENSHOT_LIMIT seconds more: no one is there to close it."""
    def train_then_grab() -> None:
        window.corpora.loaded.disconnect(train_then_grab)
        window.corpora.vectors_loaded.disconnect(train_then_grab)
        window.document.opened.disconnect(train_then_grab)
        known = window.map.index
        window.views.search_panel.query.setText(next((w for w in ("queen", "good") if w in known),
                                               ""))
        window.map.set_pinned([w for w in ("king", "paris") if w in known])
        trainer = window.training.trainer
        if trainer is None or not trainer.finished:
            window.start_training()
        QTimer.singleShot(int(seconds * 1000), grab)

    def grab() -> None:
        if window.closed or window.discard_on_close:
            return  # taken already
        window.grab().save(path)
        window.discard_on_close = True  # a screenshot run has nothing to keep
        window.close()

    QTimer.singleShot(int((seconds + SCREENSHOT_LIMIT) * 1000), grab)

    # queued: the window finishes adopting the corpus or session before this runs
    window.corpora.loaded.connect(train_then_grab, Qt.ConnectionType.QueuedConnection)
    window.corpora.vectors_loaded.connect(train_then_grab, Qt.ConnectionType.QueuedConnection)
    window.document.opened.connect(train_then_grab, Qt.ConnectionType.QueuedConnection)
