"""Worker threads are forgotten as they end, even a worker that ends at once."""

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from w2v_gui.threads import WorkerThreads


class Instant(QObject):
    finished = pyqtSignal(object)

    @pyqtSlot()
    def run(self) -> None:
        self.finished.emit(None)


def test_threads_that_end_at_once_are_forgotten_and_reported(qtbot):
    threads = WorkerThreads()
    ended = []
    threads.all_finished.connect(lambda: ended.append(True))
    for _ in range(50):  # enough that some end before start() returns
        threads.start(Instant())
    qtbot.waitUntil(lambda: not threads.threads, timeout=10_000)
    assert ended
