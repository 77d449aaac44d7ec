"""The app's safety net: where logs go, and what happens to an exception nobody caught.

A bug must never take unsaved work with it. PyQt6 aborts the whole process when a slot or
a virtual method raises and no `sys.excepthook` is installed, so `install_excepthook`
replaces that abort with: log the traceback, tell the user once, keep the event loop going.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PyQt6.QtCore import QObject, Qt, QThread, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QFontDatabase, QGuiApplication
from PyQt6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
)

from core.storage import files

APP_NAME = files.APP_NAME

log = logging.getLogger("w2v_gui")

_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
_LOG_MAX_BYTES = 1_000_000
_LOG_BACKUPS = 3
# setup_logging finds its own handler on the root logger by this name, so a second call
# replaces or keeps it instead of stacking a second one
_HANDLER_NAME = "w2v_gui.safety"
_setup_lock = threading.Lock()

_UNEXPECTED_TITLE = "Unexpected error"
_SUMMARY_LIMIT = 300


def data_dir() -> Path:
    """The folder for logs and recovery files, created if missing: `core.storage.files.data_dir`,
    the one rule the app and the command line share (`$WORD2VEC_STUDIO_DATA` when set)."""
    return files.data_dir()


def log_file() -> Path:
    """The log's path: `data_dir()/logs/word2vec-studio.log` (rotated copies end .1, .2, .3)."""
    return data_dir() / "logs" / "word2vec-studio.log"


def _installed_handler() -> logging.Handler | None:
    """The root logger's handler that `setup_logging` added, if any."""
    return next((handler for handler in logging.getLogger().handlers
                 if handler.name == _HANDLER_NAME), None)


def setup_logging() -> Path:
    """Send INFO and above from every logger to a rotating file at `log_file()`; return its path.

    Idempotent: the root logger holds at most one handler of ours. A second call keeps it, or
    swaps it when the data folder changed. When the file cannot be opened (read-only folder),
    logging goes to stderr instead, a warning says why, and nothing is raised; the returned
    path is then the one that could not be opened.
    """
    with _setup_lock:
        path = log_file()
        root = logging.getLogger()
        current = _installed_handler()
        if isinstance(current, logging.FileHandler) and Path(current.baseFilename) == path:
            return path
        problem = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=_LOG_MAX_BYTES, backupCount=_LOG_BACKUPS, encoding="utf-8")
        except OSError as error:
            if current is not None and not isinstance(current, logging.FileHandler):
                return path  # already on stderr for the same reason
            handler, problem = logging.StreamHandler(sys.stderr), error
        handler.name = _HANDLER_NAME
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        if current is not None:
            root.removeHandler(current)
            current.close()
        root.addHandler(handler)
        # lower the threshold to INFO, but never hide what someone chose to see (DEBUG)
        if root.level == logging.NOTSET or root.level > logging.INFO:
            root.setLevel(logging.INFO)
    if problem is not None:
        log.warning("Cannot write the log file %s (%s); logging to stderr only", path, problem)
    return path


def log_exception(message: str, error: BaseException) -> None:
    """Log `message` and `error`'s traceback at ERROR on the "w2v_gui" logger.

    For workers that caught an unexpected exception on their thread and report it as a
    failure instead of letting it escape.
    """
    log.error(message, exc_info=(type(error), error, error.__traceback__))


def _error_dialog(title: str, text: str, details: str) -> QDialog:
    """A critical-message dialog whose details can be selected, and copied with one button."""
    dialog = QDialog(QApplication.activeWindow())
    dialog.setWindowTitle(title)
    dialog.setModal(True)

    icon = QLabel()
    size = dialog.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
    icon.setPixmap(dialog.style().standardIcon(
        QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size, size))
    icon.setAlignment(Qt.AlignmentFlag.AlignTop)
    message = QLabel(text)
    message.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a file
    message.setWordWrap(True)
    message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    message.setObjectName("errorText")

    view = QPlainTextEdit(details)
    view.setObjectName("errorDetails")
    view.setReadOnly(True)  # read-only still lets the user select and Ctrl+C
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setMinimumSize(560, 220)

    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
    copy.setObjectName("copyDetails")
    # an ActionRole button leaves the dialog open, unlike every button of a QMessageBox
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    buttons.rejected.connect(dialog.reject)

    top = QHBoxLayout()
    top.addWidget(icon)
    top.addWidget(message, 1)
    layout = QVBoxLayout(dialog)
    layout.addLayout(top)
    layout.addWidget(view, 1)
    layout.addWidget(buttons)
    return dialog


_unattended = False  # no person watches (screenshot mode): nothing may wait for one


def set_unattended(flag: bool) -> None:
    """Say whether a person is there to answer; without one, no dialog opens: messages go
    to the log and standard error, and questions take their safe default."""
    global _unattended
    _unattended = flag


def unattended() -> bool:
    return _unattended


def tell_unattended(title: str, text: str) -> None:
    """What a dialog would have said, where no one can answer it."""
    log.warning("%s: %s", title, text)
    print(f"{APP_NAME}: {title}: {text}", file=sys.stderr, flush=True)


def show_error_details(title: str, text: str, details: str) -> None:
    """Show `text` in a modal error dialog over the active window, with `details` copyable.

    Needs a QApplication. Returns when the user closes the dialog; unattended, it opens
    none and writes the message to standard error instead.
    """
    if _unattended:
        tell_unattended(title, text)
        return
    dialog = _error_dialog(title, text, details)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()


def _log_destination() -> str:
    """Where the log is going, in words for the error dialog."""
    handler = _installed_handler()
    if isinstance(handler, logging.FileHandler):
        return handler.baseFilename
    return "the terminal's output (standard error)"


def _describe(exc_type: type[BaseException], exc_value: BaseException | None,
            exc_traceback: TracebackType | None, thread_name: str) -> tuple[str, str, str]:
    """The dialog's text, its details, and a signature that is equal for a repeating bug."""
    message = "" if exc_value is None else str(exc_value)
    first_line = (message.strip().splitlines() or [""])[0]
    summary = f"{exc_type.__name__}: {first_line}" if first_line else exc_type.__name__
    if len(summary) > _SUMMARY_LIMIT:
        summary = summary[:_SUMMARY_LIMIT - 1] + "…"
    destination = _log_destination()
    text = (f"{summary.rstrip('.')}. The app keeps running and your work is still open; "
            f"save it now (Ctrl+S). Details are in {destination}.")
    trace = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
    details = f"In thread {thread_name}:\n{trace}\nLog: {destination}\n"
    frames = traceback.extract_tb(exc_traceback)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return text, details, f"{exc_type.__qualname__}@{where}"


class _DialogRelay(QObject):
    """Lives on the GUI thread and opens the error dialog there, one at a time.

    Every report goes through its queued signal, from any thread: the dialog then opens
    from the event loop, never inside the paint event or mouse handler that raised.
    """

    report = pyqtSignal(str, str, str)  # text, details, signature

    def __init__(self) -> None:
        super().__init__()
        self.showing = False
        # the same bug raising again (a paintEvent raises on every repaint) is only logged:
        # otherwise closing the dialog repaints, raises, and reopens it, and the user can
        # never reach Ctrl+S
        self.shown: set[str] = set()
        self.report.connect(self.open_dialog, Qt.ConnectionType.QueuedConnection)

    @pyqtSlot(str, str, str)
    def open_dialog(self, text: str, details: str, signature: str) -> None:
        if self.showing or signature in self.shown:
            return  # already in the log; a second dialog over the first helps no one
        self.shown.add(signature)
        self.showing = True
        try:
            # looked up at call time so tests can replace it
            show_error_details(_UNEXPECTED_TITLE, text, details)
        except Exception:
            log.exception("The error dialog itself failed")
        finally:
            self.showing = False


_relay: _DialogRelay | None = None
_previous_excepthook = None
_previous_threading_excepthook = None


def _handle_uncaught(exc_type: type[BaseException], exc_value: BaseException | None,
                     exc_traceback: TracebackType | None, thread_name: str) -> None:
    """Log on the raising thread, then hand the dialog to the GUI thread's relay."""
    log.critical("Uncaught exception in thread %s", thread_name,
                 exc_info=(exc_type, exc_value, exc_traceback))
    relay, app = _relay, QApplication.instance()
    if relay is None or not isinstance(app, QApplication):
        return  # no GUI to tell: the log has it
    text, details, signature = _describe(exc_type, exc_value, exc_traceback, thread_name)
    if QThread.currentThread() == app.thread() and app.thread().loopLevel() == 0:
        # start-up code, before app.exec(): a queued report would never be delivered
        relay.open_dialog(text, details, signature)
    else:
        relay.report.emit(text, details, signature)


def _excepthook(exc_type: type[BaseException], exc_value: BaseException,
                exc_traceback: TracebackType | None) -> None:
    """`sys.excepthook`: PyQt6 calls it for a slot's exception, on the slot's thread."""
    if issubclass(exc_type, KeyboardInterrupt) and _previous_excepthook is not None:
        _previous_excepthook(exc_type, exc_value, exc_traceback)
        return
    try:
        _handle_uncaught(exc_type, exc_value, exc_traceback, threading.current_thread().name)
    except BaseException:
        # the hook must return: raising here is the abort it exists to prevent
        sys.__excepthook__(exc_type, exc_value, exc_traceback)


def _threading_excepthook(args: threading.ExceptHookArgs) -> None:
    """`threading.excepthook`: runs on the dying Python thread."""
    if issubclass(args.exc_type, (KeyboardInterrupt, SystemExit)):
        # SystemExit ends a thread quietly by design; leave both to the usual handling
        if _previous_threading_excepthook is not None:
            _previous_threading_excepthook(args)
        return
    name = args.thread.name if args.thread is not None else "<unknown>"
    try:
        _handle_uncaught(args.exc_type, args.exc_value, args.exc_traceback, name)
    except BaseException:
        sys.__excepthook__(args.exc_type, args.exc_value, args.exc_traceback)


def install_excepthook() -> None:
    """Log every uncaught exception, tell the user once, and keep the app running.

    Replaces `sys.excepthook` (which PyQt6 calls for an exception in a slot or a virtual
    method; without one it aborts) and `threading.excepthook`. Exceptions are logged on the
    thread that raised them. When a QApplication exists, the dialog opens on the GUI thread
    from the event loop; while it is open, further exceptions are only logged, and so is a
    repeat of one already shown. KeyboardInterrupt goes to the previous hook.

    Call on the GUI thread (the dialog's messenger lives on the calling thread). A second
    call does nothing; `uninstall_excepthook` (also on the GUI thread) restores the previous
    hooks.
    """
    global _relay, _previous_excepthook, _previous_threading_excepthook
    if _relay is not None:
        return
    _relay = _DialogRelay()
    _previous_excepthook, sys.excepthook = sys.excepthook, _excepthook
    _previous_threading_excepthook, threading.excepthook = (
        threading.excepthook, _threading_excepthook)


def uninstall_excepthook() -> None:
    """Restore the hooks `install_excepthook` replaced; does nothing if it is not installed."""
    global _relay, _previous_excepthook, _previous_threading_excepthook
    if _relay is None:
        return
    sys.excepthook = _previous_excepthook
    threading.excepthook = _previous_threading_excepthook
    _previous_excepthook = _previous_threading_excepthook = None
    # dropping the only reference deletes the messenger, and any report still queued to it
    _relay = None
