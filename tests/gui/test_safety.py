"""The safety net: an uncaught exception is logged, shown once, and the app keeps running.

Tests that raise in a slot on purpose opt out of pytest-qt's own exception capture, which
would otherwise fail them; the `dialogs` fixture (conftest) records the error dialogs.
"""

import logging
import sys
import threading
from pathlib import Path

import pytest
from PyQt6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QStandardPaths,
    Qt,
    QThread,
    QTimer,
    pyqtSignal,
)
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QApplication, QPlainTextEdit, QPushButton

from w2v_gui import safety

# taken before the conftest fixture replaces it with the recorder
real_show_error_details = safety.show_error_details

raises_in_slot = pytest.mark.qt_no_exception_capture


@pytest.fixture
def safety_net(qtbot):
    safety.setup_logging()
    safety.install_excepthook()
    yield
    safety.uninstall_excepthook()


def logged() -> str:
    return safety.log_file().read_text(encoding="utf-8")


def our_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if h.name == safety._HANDLER_NAME]


def break_the_slot() -> None:
    raise ValueError("the slot broke")


def break_again() -> None:
    raise KeyError("while the dialog was open")


@raises_in_slot
def test_an_exception_in_a_slot_is_logged_shown_once_and_the_loop_keeps_running(
        qtbot, safety_net, dialogs, tmp_path):
    later_timer_fired, clicks = [], []
    QTimer.singleShot(0, break_the_slot)
    QTimer.singleShot(50, lambda: later_timer_fired.append(True))
    qtbot.waitUntil(lambda: bool(later_timer_fired and dialogs.errors))

    button = QPushButton("still alive")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: clicks.append(True))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == [True]

    [shown] = dialogs.errors
    assert shown.title == "Unexpected error"
    assert "ValueError: the slot broke" in shown.text
    assert "save it now (Ctrl+S)" in shown.text
    assert str(safety.log_file()) in shown.text
    assert safety.log_file().is_relative_to(tmp_path / "data")
    assert "Traceback (most recent call last)" in shown.details
    assert "in break_the_slot" in shown.details
    assert str(safety.log_file()) in shown.details

    log_text = logged()
    assert "CRITICAL" in log_text
    assert "Traceback (most recent call last)" in log_text
    assert "ValueError: the slot broke" in log_text


@raises_in_slot
def test_an_exception_in_a_clicked_handler_does_not_stop_the_button(qtbot, safety_net, dialogs):
    clicks = []

    def handler() -> None:
        clicks.append(True)
        if len(clicks) == 1:
            raise RuntimeError("first click failed")

    button = QPushButton("flaky")
    qtbot.addWidget(button)
    button.clicked.connect(handler)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert clicks == [True, True]
    assert len(dialogs.errors) == 1
    assert "RuntimeError: first click failed" in dialogs.errors[0].text


@raises_in_slot
def test_an_exception_while_the_dialog_is_open_is_logged_but_opens_no_second_dialog(
        qtbot, safety_net, monkeypatch):
    opened, closed = [], []

    def modal_dialog(title, text, details) -> None:
        # a modal dialog runs a nested event loop: other slots, and their bugs, run inside it
        opened.append(text)
        loop = QEventLoop()
        QTimer.singleShot(0, break_again)
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        closed.append(text)

    monkeypatch.setattr(safety, "show_error_details", modal_dialog)
    QTimer.singleShot(0, break_the_slot)
    qtbot.waitUntil(lambda: "while the dialog was open" in logged())
    # a second dialog could only open while the first is open: wait for it to close
    qtbot.waitUntil(lambda: len(closed) == len(opened), timeout=5000)

    assert len(opened) == 1
    assert "the slot broke" in opened[0]
    # and once the first dialog is closed, a new bug is shown again
    QTimer.singleShot(0, break_again)
    qtbot.waitUntil(lambda: len(opened) == 2)


@raises_in_slot
def test_a_failing_dialog_is_logged_and_the_app_keeps_running(qtbot, safety_net, monkeypatch):
    def broken_dialog(title, text, details) -> None:
        raise RuntimeError("the dialog itself broke")

    monkeypatch.setattr(safety, "show_error_details", broken_dialog)
    fired = []
    QTimer.singleShot(0, break_the_slot)
    QTimer.singleShot(50, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired))

    log_text = logged()
    assert "ValueError: the slot broke" in log_text
    assert "The error dialog itself failed" in log_text
    assert "RuntimeError: the dialog itself broke" in log_text


@raises_in_slot
def test_the_same_bug_repeating_is_shown_once(qtbot, safety_net, dialogs):
    # a paintEvent that raises does so on every repaint; closing its dialog repaints
    for repeat in range(1, 4):
        QTimer.singleShot(0, break_the_slot)
        qtbot.waitUntil(lambda n=repeat: logged().count("ValueError: the slot broke") == n)

    assert len(dialogs.errors) == 1
    assert logged().count("ValueError: the slot broke") == 3


def test_an_exception_in_a_python_thread_is_logged_and_shown_on_the_gui_thread(
        qtbot, safety_net, dialogs, monkeypatch):
    shown_on = []

    def recording_dialog(title, text, details) -> None:
        shown_on.append(threading.current_thread())
        dialogs.error(title, text, details)

    monkeypatch.setattr(safety, "show_error_details", recording_dialog)

    def background_work() -> None:
        raise OSError("the disk went away")

    thread = threading.Thread(target=background_work, name="loader-thread")
    thread.start()
    thread.join()
    assert "OSError: the disk went away" in logged()  # logged on the thread, before any dialog
    qtbot.waitUntil(lambda: bool(dialogs.errors))

    assert shown_on == [threading.main_thread()]
    [shown] = dialogs.errors
    assert "OSError: the disk went away" in shown.text
    assert "loader-thread" in shown.details
    assert "in background_work" in shown.details
    log_text = logged()
    assert "[loader-thread]" in log_text
    assert "Uncaught exception in thread loader-thread" in log_text


class Worker(QObject):
    """A worker like the app's: a QObject on a QThread, run by a queued signal."""

    go = pyqtSignal()

    def __init__(self) -> None:
        super().__init__()
        self.go.connect(self.run)

    def run(self) -> None:
        raise ArithmeticError("the worker's slot broke")


@raises_in_slot
def test_an_exception_in_a_qthread_slot_reaches_the_dialog_on_the_gui_thread(
        qtbot, safety_net, dialogs, monkeypatch):
    shown_on = []

    def recording_dialog(title, text, details) -> None:
        shown_on.append(QThread.currentThread() == QApplication.instance().thread())
        dialogs.error(title, text, details)

    monkeypatch.setattr(safety, "show_error_details", recording_dialog)
    thread, worker = QThread(), Worker()
    worker.moveToThread(thread)
    thread.start()
    try:
        worker.go.emit()
        qtbot.waitUntil(lambda: bool(dialogs.errors))
    finally:
        thread.quit()
        thread.wait()

    assert shown_on == [True]
    assert "ArithmeticError: the worker's slot broke" in dialogs.errors[0].text
    assert "ArithmeticError: the worker's slot broke" in logged()


def test_before_the_event_loop_runs_the_dialog_opens_at_once(qtbot, safety_net, dialogs):
    # start-up code (no event loop yet) would never deliver a queued report
    try:
        break_the_slot()
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert len(dialogs.errors) == 1


def test_keyboard_interrupt_goes_to_the_previous_hook(qtbot, dialogs, monkeypatch):
    previous = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc_info: previous.append(exc_info[0]))
    safety.install_excepthook()
    sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)

    assert previous == [KeyboardInterrupt]
    assert dialogs.errors == []


def test_uninstall_restores_the_previous_hooks(qtbot):
    before = sys.excepthook, threading.excepthook
    safety.install_excepthook()
    safety.install_excepthook()  # a second install must not make our hook its own "previous"
    assert (sys.excepthook, threading.excepthook) != before
    safety.uninstall_excepthook()
    assert (sys.excepthook, threading.excepthook) == before


def test_setup_logging_twice_adds_one_handler(qtbot, tmp_path, monkeypatch):
    path = safety.setup_logging()
    assert safety.setup_logging() == path == tmp_path / "data" / "logs" / "word2vec-studio.log"
    assert len(our_handlers()) == 1

    logging.getLogger("w2v_gui.corpus").info("loaded 12 words")
    line = logged().splitlines()[-1]
    assert "INFO w2v_gui.corpus [MainThread] loaded 12 words" in line
    assert line[:4].isdigit()  # starts with the time

    # a new data folder swaps the handler rather than adding a second one
    monkeypatch.setenv("WORD2VEC_STUDIO_DATA", str(tmp_path / "elsewhere"))
    moved = safety.setup_logging()
    assert moved == tmp_path / "elsewhere" / "logs" / "word2vec-studio.log"
    assert len(our_handlers()) == 1
    logging.getLogger("w2v_gui").info("after the move")
    assert "after the move" in moved.read_text(encoding="utf-8")
    assert "after the move" not in path.read_text(encoding="utf-8")


def test_an_unwritable_data_dir_logs_to_stderr_without_raising(qtbot, tmp_path, monkeypatch,
                                                                capsys):
    # a file where the folder should be: unwritable even for root, unlike chmod
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("WORD2VEC_STUDIO_DATA", str(blocker / "data"))

    safety.setup_logging()
    safety.setup_logging()
    assert len(our_handlers()) == 1
    logging.getLogger("w2v_gui").error("still heard")

    err = capsys.readouterr().err
    assert "Cannot write the log file" in err
    assert "still heard" in err
    assert "standard error" in safety._log_destination()


def test_log_exception_writes_message_and_traceback(qtbot):
    safety.setup_logging()
    try:
        break_the_slot()
    except ValueError as error:
        safety.log_exception("Training failed on its thread", error)

    log_text = logged()
    assert "ERROR w2v_gui [MainThread] Training failed on its thread" in log_text
    assert "Traceback (most recent call last)" in log_text
    assert "in break_the_slot" in log_text
    assert "ValueError: the slot broke" in log_text


def test_data_dir_is_the_variable_or_qts_app_data_location(qtbot, tmp_path, monkeypatch):
    """The app and the command line (which has no Qt) share one folder: the one Qt gives
    the app under its own names."""
    assert safety.data_dir() == tmp_path / "data"
    assert safety.data_dir().is_dir()

    monkeypatch.delenv("WORD2VEC_STUDIO_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    app = QCoreApplication.instance()
    names = app.applicationName(), app.organizationName()
    app.setApplicationName(safety.APP_NAME)
    app.setOrganizationName(safety.APP_NAME)
    try:
        expected = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation)
    finally:
        app.setApplicationName(names[0])
        app.setOrganizationName(names[1])
    assert expected.startswith(str(tmp_path / "xdg"))
    assert safety.data_dir() == Path(expected)
    assert safety.data_dir().is_dir()


def test_the_error_dialog_shows_details_read_only_and_copies_them(qtbot):
    seen = {}

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            details = dialog.findChild(QPlainTextEdit, "errorDetails")
            seen["read_only"] = details.isReadOnly()
            seen["details"] = details.toPlainText()
            dialog.findChild(QPushButton, "copyDetails").click()
            seen["clipboard"] = QGuiApplication.clipboard().text()
            seen["open_after_copy"] = dialog.isVisible()
        finally:
            dialog.reject()

    QTimer.singleShot(0, look_and_close)
    real_show_error_details("Unexpected error", "It broke.", "Traceback: line 1\nLog: here")

    assert seen == {"read_only": True, "details": "Traceback: line 1\nLog: here",
                    "clipboard": "Traceback: line 1\nLog: here", "open_after_copy": True}
