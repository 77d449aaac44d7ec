"""Workers that run on QThreads so the GUI thread never does training math or searches.

`TrainingWorker` owns a `core.train.trainer.Trainer`. It steps it in chunks of a few
milliseconds, checks its pause and stop flags between chunks, and emits at most
`stats_hz` stats signals and `snapshot_hz` snapshots a second. Snapshots carry copies of
the vectors, so views and searches never read arrays the trainer is writing.
Unexpected exceptions are logged with their traceback (w2v_gui.safety) and reported.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import (
    QCoreApplication,
    QObject,
    QStringListModel,
    Qt,
    QThread,
    pyqtSignal,
    pyqtSlot,
)

from core.data.corpus import CorpusError, load_corpus
from core.data.reading import NotUtf8Error
from core.errors import Cancelled
from core.open_vectors import read_vectors
from core.parallel.trainer import ParallelTrainer
from core.train.trainer import StepStats, Trainer, TrainerError
from core.vectors.embeddings import Embeddings, EmbeddingsError, UnknownWordError
from w2v_gui.safety import log_exception


@dataclass(frozen=True)
class Snapshot:
    """A copy of the map's rows of the embedding at one moment.

    ids:     (n,) int, the word ids of the rows
    vectors: (n, d) float32, owned by the receiver
    """

    words_done: int
    ids: np.ndarray
    vectors: np.ndarray


class TrainingWorker(QObject):
    """Runs a Trainer until it finishes, is stopped, or fails; pause and resume at will.

    Views never read the trainer's arrays: the map's rows reach them as copies
    (`snapshot`) taken on this thread between chunks, every 1/`snapshot_hz` s and as soon
    as `request_snapshot` asks, also while paused."""

    stats = pyqtSignal(object)  # StepStats
    snapshot = pyqtSignal(object)  # Snapshot: the map's rows, often and on request
    # core.vectors.embeddings.Embeddings (every word, less often) and the words_done it was taken at
    embeddings = pyqtSignal(object, object)
    paused_changed = pyqtSignal(bool)
    # the exception: a TrainerError (DivergenceError when the run diverged) says what
    # happened and what to do; anything else is a bug, already logged
    failed = pyqtSignal(object)
    finished = pyqtSignal(object)  # the last StepStats, also when stopped

    def __init__(self, trainer: Trainer, *, chunk_seconds: float = 0.008,
                 stats_hz: float = 5.0, snapshot_hz: float = 6.0,
                 embeddings_hz: float = 1.0, map_ids: np.ndarray | None = None) -> None:
        super().__init__()
        self.trainer = trainer
        self.chunk_seconds = chunk_seconds
        self.stats_interval = 1.0 / stats_hz
        self.snapshot_interval = 1.0 / snapshot_hz
        self.embeddings_interval = 1.0 / embeddings_hz
        # the rows snapshots copy: the map decides them (set_map_ids, request_snapshot)
        self._map_ids = (np.arange(trainer.corpus.vocab_size) if map_ids is None
                         else np.asarray(map_ids))
        # One condition guards the flags the loop and other threads share. The loop is
        # "idle" only while it touches no array and owes no snapshot: a request clears it
        # at once, so a caller of wait_until_idle never writes the arrays while a copy
        # for the map is being taken.
        self._state = threading.Condition()
        self._stop = False
        self._running = True
        self._idle = False
        self._snapshot_wanted = False
        self._ended = False  # the loop has returned: idle for good

    # Called from any thread.
    def pause(self, quiet: bool = False) -> None:
        with self._state:
            if not self._running:
                return
            self._running = False
        if not quiet:
            self.paused_changed.emit(True)

    def resume(self, quiet: bool = False) -> None:
        with self._state:
            if self._running or self._ended:
                return
            self._idle = False  # before waking the loop, so no one sees a stale idle
            self._running = True
            self._state.notify_all()
        if not quiet:
            self.paused_changed.emit(False)

    def wait_until_idle(self, timeout: float = 2.0) -> bool:
        """After pause() or stop(): wait for the chunk in flight (or a copy the map asked
        for) to end. Once this returns True the trainer's arrays are still until resume()
        or request_snapshot(). Never called by the map: it asks for copies instead."""
        with self._state:
            return self._state.wait_for(lambda: self._idle, timeout)

    def stop(self) -> None:
        with self._state:
            self._stop = True
            self._running = True  # no longer paused: it ends (and sets idle when it has)
            if not self._ended:
                self._idle = False  # its last copies read the arrays
            self._state.notify_all()  # wake a paused loop so it can end

    @property
    def paused(self) -> bool:
        return not self._running

    @property
    def map_ids(self) -> np.ndarray:
        """The word ids of the rows snapshots carry (decided by the map)."""
        return self._map_ids

    def set_map_ids(self, ids: np.ndarray) -> None:
        """Which words the snapshots carry; takes effect from the next snapshot."""
        self._map_ids = np.array(ids)  # our own copy, swapped in one reference assignment

    def request_snapshot(self, ids: np.ndarray | None = None) -> None:
        """Ask for a snapshot (of these word ids, when given) as soon as the loop can take
        one: after the chunk in flight, or at once while paused. Never blocks; the copy
        arrives through `snapshot`. Nothing comes once the run has ended (its last
        snapshot has then been sent)."""
        if ids is not None:
            self.set_map_ids(ids)
        with self._state:
            if self._ended:
                return
            self._snapshot_wanted = True
            self._idle = False  # the loop will read the arrays for this copy
            self._state.notify_all()

    # The loop's thread.
    def _copy_map_rows(self) -> Snapshot:
        ids = self._map_ids
        return Snapshot(self.trainer.words_done, ids, self.trainer.center_vectors[ids])

    def _take_wanted_snapshot(self) -> bool:
        """Whether a snapshot was asked for; the request is taken (cleared)."""
        with self._state:
            wanted, self._snapshot_wanted = self._snapshot_wanted, False
        return wanted

    def _rest(self) -> None:
        """Paused: wait for resume or stop, answering snapshot requests meanwhile."""
        while True:
            with self._state:
                while not (self._running or self._stop or self._snapshot_wanted):
                    self._idle = True
                    self._state.notify_all()
                    self._state.wait()
                if self._running or self._stop:
                    # a request still pending is answered between the next chunks
                    self._idle = False
                    return
                self._snapshot_wanted = False
                self._idle = False
            self.snapshot.emit(self._copy_map_rows())  # still vectors, copied here

    @pyqtSlot()
    def run(self) -> None:
        trainer = self.trainer
        last_stats = last_snapshot = 0.0
        # The first full copy waits one interval: the first stats and map frame already
        # reach the GUI thread at this moment, and a search can wait a second.
        last_embeddings = time.perf_counter()
        stats = trainer.stats()
        try:
            while not self._stop and not trainer.finished:
                if not self._running:
                    self._rest()
                if self._stop:
                    break
                chunk_end = time.perf_counter() + self.chunk_seconds
                while time.perf_counter() < chunk_end and not trainer.finished:
                    stats = trainer.step()
                now = time.perf_counter()
                if now - last_stats >= self.stats_interval:
                    self.stats.emit(stats)
                    last_stats = now
                if (self._take_wanted_snapshot()
                        or now - last_snapshot >= self.snapshot_interval):
                    self.snapshot.emit(self._copy_map_rows())
                    last_snapshot = now
                if now - last_embeddings >= self.embeddings_interval:
                    self.embeddings.emit(trainer.embeddings(), trainer.words_done)  # a copy
                    last_embeddings = now
        except TrainerError as error:
            self.failed.emit(error)
        except Exception as error:  # a bug must not kill the app silently
            log_exception("training stopped by an unexpected error", error)
            self.failed.emit(error)
        if isinstance(trainer, ParallelTrainer):
            trainer.stop()  # here, off the GUI thread: the workers finish their step
        stats = trainer.stats()
        self.stats.emit(stats)
        with self._state:  # no request is owed after this: the last snapshot answers all
            self._ended = True
            self._snapshot_wanted = False
        self.snapshot.emit(self._copy_map_rows())
        self.embeddings.emit(trainer.embeddings(), trainer.words_done)
        with self._state:
            self._idle = True
            self._state.notify_all()
        self.finished.emit(stats)


class FunctionWorker(QObject):
    """Runs one callable off the GUI thread: `finished(result)` or `failed(message)`."""

    failed = pyqtSignal(str)
    finished = pyqtSignal(object)

    def __init__(self, function) -> None:
        super().__init__()
        self.function = function

    @pyqtSlot()
    def run(self) -> None:
        try:
            result = self.function()
        except (OSError, ValueError) as error:  # a file or value the user chose: say why
            self.failed.emit(str(error))
            result = None
        except Exception as error:  # a bug: logged, and shown
            log_exception("a background task failed", error)
            self.failed.emit(f"{error!r} (a bug; the details are in the log)")
            result = None
        self.finished.emit(result)


class LoadWorker(QObject):
    """Reads a file off the GUI thread, with progress and cancel: `finished` brings what was
    read, or None if it failed (`failed` says why) or was cancelled."""

    progress = pyqtSignal(int, int)  # bytes read, total bytes
    failed = pyqtSignal(str)
    finished = pyqtSignal(object)

    def __init__(self, path: str, progress_hz: float = 20.0) -> None:
        super().__init__()
        self.path = path
        self.progress_interval = 1.0 / progress_hz
        self._cancel = threading.Event()
        self._last_progress = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _report(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self._last_progress >= self.progress_interval or done >= total:
            self._last_progress = now
            self.progress.emit(done, total)

    def _bug(self, error: Exception) -> None:
        """An unreadable file must not kill the app: log it and say so."""
        log_exception(f"reading {self.path} failed", error)
        self.failed.emit(f"{self.path} could not be read: {error!r} (a bug; the details are "
                         "in the log)")


class CorpusLoadWorker(LoadWorker):
    """Reads a corpus file or folder; `finished` brings the prepared Corpus."""

    not_utf8 = pyqtSignal(str)  # instead of `failed`: reading it leniently would do

    def __init__(self, path: str, min_count: int = 1, progress_hz: float = 20.0,
                 lenient: bool = False) -> None:
        super().__init__(path, progress_hz)
        self.min_count, self.lenient = min_count, lenient

    @pyqtSlot()
    def run(self) -> None:
        corpus = None
        try:
            corpus = Trainer.prepare(load_corpus(
                self.path, min_count=self.min_count, progress=self._report,
                should_stop=self._cancel.is_set, lenient=self.lenient))
        except NotUtf8Error as error:
            if not self.cancelled:
                self.not_utf8.emit(str(error))
        except CorpusError as error:
            if not self.cancelled:
                self.failed.emit(str(error))
        except Exception as error:
            self._bug(error)
        self.finished.emit(None if self.cancelled else corpus)


class VectorLoadWorker(LoadWorker):
    """Reads a word-vectors file (core.vectors.reading); `finished` brings the VectorFile."""

    def __init__(self, path: str, limit: int | None = None, format: str | None = None,
                 progress_hz: float = 20.0) -> None:
        super().__init__(path, progress_hz)
        self.limit, self.format = limit, format

    @pyqtSlot()
    def run(self) -> None:
        loaded = None
        try:
            loaded = read_vectors(self.path, format=self.format, limit=self.limit,
                                  progress=self._report, should_stop=self._cancel.is_set)
        except Cancelled:
            pass
        except (EmbeddingsError, OSError) as error:  # incl. too large for memory
            if not self.cancelled:
                self.failed.emit(str(error))
        except Exception as error:
            self._bug(error)
        self.finished.emit(None if self.cancelled else loaded)


@dataclass(frozen=True)
class SearchRequest:
    """Neighbours of words[0] (kind "neighbours") or words[0] − words[1] + words[2]
    (kind "analogy"). quiet: a refresh on new vectors, whose failures are not shown."""

    serial: int
    kind: str
    words: tuple[str, ...]
    count: int
    quiet: bool = False


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    ranked: list[tuple[str, float]]
    problem: str | None = None  # why there is no answer (e.g. an unknown word)


@dataclass(frozen=True)
class Completion:
    """A vocabulary made ready for the search box off the GUI thread: its completion model
    (moved to the GUI thread once filled) and the set of its words. Made on the GUI
    thread at 400,000 words, they stalled the window for 160-500 ms."""

    words: list[str]
    known: frozenset[str]
    model: QStringListModel


def completion_for(words: list[str]) -> Completion:
    model = QStringListModel(words)
    app = QCoreApplication.instance()
    if app is not None:
        model.moveToThread(app.thread())
    return Completion(words, frozenset(words), model)


class SearchWorker(QObject):
    """Answers searches on its own thread, on the newest vectors it was given; each copy's
    rows are normalised once (at 400k words that takes a good part of a second), and a
    new vocabulary's Completion is made here too."""

    answered = pyqtSignal(object)  # SearchResult
    # the Embeddings now searched, normalised, and the Completion of their words when
    # they differ from the last copy's (else None)
    ready = pyqtSignal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self.embeddings: Embeddings | None = None
        self._completed: list[str] | None = None  # the words of the last Completion made

    @pyqtSlot()
    def run(self) -> None:  # requests arrive through the thread's event loop
        pass

    @pyqtSlot(object)
    def set_embeddings(self, embeddings: Embeddings) -> None:
        embeddings.unit_vectors  # noqa: B018 - normalise here, once, off the GUI thread
        self.embeddings = embeddings
        completion = None
        if self._completed is None or embeddings.words != self._completed:
            completion = completion_for(embeddings.words)
            self._completed = embeddings.words
        self.ready.emit(embeddings, completion)

    @pyqtSlot(object)
    def search(self, request: SearchRequest) -> None:
        embeddings = self.embeddings
        if embeddings is None:
            return
        try:
            if request.kind == "analogy":
                ranked = embeddings.analogy(*request.words, count=request.count)
            else:
                ranked = embeddings.most_similar(request.words[0], request.count)
        except UnknownWordError as error:
            self.answered.emit(SearchResult(request, [], str(error)))
            return
        except Exception as error:
            log_exception("a search failed", error)
            self.answered.emit(SearchResult(request, [], f"the search failed: {error!r}"))
            return
        self.answered.emit(SearchResult(request, ranked))


def start_worker(worker: QObject, prepare=None) -> QThread:
    """Move `worker` to a new QThread, start it, and let the thread end with the worker.

    prepare(thread), if given, runs before the thread starts: a worker can end before
    start() returns, so whatever must hear of its end is connected there."""
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # Direct: QThread.quit is thread-safe, and a queued call would wait for the GUI
    # thread's event loop, which a caller blocked in thread.wait() never runs.
    if hasattr(worker, "finished"):  # else the thread serves events until quit()
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    if prepare is not None:
        prepare(thread)
    thread.start()
    return thread


__all__ = ["CorpusLoadWorker", "FunctionWorker", "LoadWorker", "SearchRequest", "SearchResult",
           "SearchWorker", "Snapshot", "StepStats", "TrainingWorker", "VectorLoadWorker",
           "start_worker"]
