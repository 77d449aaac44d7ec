"""The window's worker threads: started in one place, forgotten as each ends, and ended
at close without blocking the GUI thread."""

from __future__ import annotations

from PyQt6.QtCore import QObject, QThread, QTimer, pyqtSignal

from w2v_gui.workers import start_worker


class WorkerThreads(QObject):
    """Holds each running worker and its thread (Python must keep both alive while the
    thread runs) and lets go of them when the thread has finished."""

    all_finished = pyqtSignal()  # the last running thread has ended

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[QThread, QObject] = {}

    def start(self, worker: QObject) -> QThread:
        """Run `worker.run` on a new thread; the thread ends with `worker.finished` (or, for
        a worker that serves its thread's event loop, with `quit_all`)."""
        def register(thread: QThread) -> None:
            # before the thread starts: a quick worker can end before start() returns
            self._running[thread] = worker
            thread.finished.connect(lambda: self._ended(thread))

        return start_worker(worker, register)

    @property
    def threads(self) -> list[QThread]:
        return list(self._running)

    def quit_all(self) -> None:
        """Ask every thread's event loop to end (a worker busy in a long loop must also be
        told to stop: TrainingWorker.stop, CorpusLoadWorker.cancel)."""
        for thread in self._running:
            thread.quit()

    def _ended(self, thread: QThread) -> None:
        # `finished` is emitted just before the thread ends: look again shortly if needed
        if not thread.isFinished():
            QTimer.singleShot(5, lambda: self._ended(thread))
            return
        self._running.pop(thread, None)
        if not self._running:
            self.all_finished.emit()
