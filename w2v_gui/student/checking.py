"""Checks a student's word2vec.py (and sgd.py) for the "Your code" window: the check runs
in a process of its own (core.student.runner), waited for on a thread of this one,
and runs again by itself when either file is saved."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PyQt6.QtCore import QFileSystemWatcher, QObject, QTimer, pyqtSignal

from core.student.runner import DEFAULT_TIMEOUT, CheckReport, check_file

log = logging.getLogger(__name__)
SAVED_SETTLE_MS = 300  # an editor's save can be several writes (or a rename): wait them out


class StudentChecks(QObject):
    """`check()` runs the check of the chosen files; a newer check cancels an older
    one. `progress(name, result)` as each function starts (result None) and ends;
    `finished(report)` once all are done (not for a cancelled check)."""

    started = pyqtSignal()
    progress = pyqtSignal(str, object)
    finished = pyqtSignal(object)  # CheckReport
    changed_on_disk = pyqtSignal()  # a watched file was saved: a check follows

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.word2vec: Path | None = None
        self.sgd: Path | None = None
        self.timeout = DEFAULT_TIMEOUT
        self.report: CheckReport | None = None
        self._generation = 0  # bumped by each check: an older one's answers are dropped
        self._cancel: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._saved)
        self._settle = QTimer(self, singleShot=True, interval=SAVED_SETTLE_MS)
        self._settle.timeout.connect(self._after_save)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def set_files(self, word2vec: str | Path | None, sgd: str | Path | None = None) -> None:
        self.word2vec = Path(word2vec) if word2vec else None
        self.sgd = Path(sgd) if sgd else None
        self._watch()

    def _watch(self) -> None:
        if self._watcher.files():
            self._watcher.removePaths(self._watcher.files())
        existing = [str(p) for p in (self.word2vec, self.sgd) if p is not None and p.exists()]
        if existing:
            self._watcher.addPaths(existing)

    def _saved(self, _path: str) -> None:
        self._settle.start()  # restarted by every further write

    def _after_save(self) -> None:
        self._watch()  # a save by rename replaced the file the watcher followed
        if self.word2vec is not None and self.word2vec.exists():
            self.changed_on_disk.emit()
            self.check()

    def check(self) -> None:
        """Check the chosen files now, cancelling a check still running."""
        if self.word2vec is None:
            return
        self.cancel()
        self._generation += 1
        generation, cancel = self._generation, threading.Event()
        self._cancel = cancel
        self.started.emit()

        def progress(name: str, result: dict | None) -> None:
            if generation == self._generation:
                self.progress.emit(name, result)

        def work() -> None:
            try:
                report = check_file(self.word2vec, self.sgd, self.timeout, progress,
                                    cancel.is_set)
            except Exception as error:  # noqa: BLE001 (a fault here: said, never a hang)
                log.exception("checking a student's file failed")
                report = CheckReport(str(self.word2vec), error=(
                    f"The check itself failed ({error!r}): a fault in Word2Vec Studio, "
                    "not in your code. The log has the details."))
            if not cancel.is_set() and generation == self._generation:
                self.report = report
                self.finished.emit(report)

        self._thread = threading.Thread(target=work, name="student check", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Stop a running check (its process ends within a tenth of a second)."""
        if self._cancel is not None:
            self._cancel.set()

    def shutdown(self, wait: float = 2.0) -> None:
        self.cancel()
        self._settle.stop()
        if self._thread is not None:
            self._thread.join(wait)
