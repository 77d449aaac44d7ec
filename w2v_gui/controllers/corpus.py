"""Loading off the GUI thread: the built-in toy world, a corpus file or folder, or a file of
word vectors to explore, with progress and cancel; what is open stays open until the new
one has loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal

from core.data.corpus import Corpus
from core.train.trainer import Trainer
from resources.toy_world import TOY_WORLD_SOURCE
from w2v_gui.threads import WorkerThreads
from w2v_gui.workers import CorpusLoadWorker, FunctionWorker, LoadWorker, VectorLoadWorker

TOY_WORLD_NAME = "the toy world"  # what `loading` says while it is built


def load_toy_world() -> Corpus:
    from resources.toy_world import generate_sentences

    corpus = Corpus.from_sentences(generate_sentences(), source=TOY_WORLD_SOURCE)
    return Trainer.prepare(corpus)


class CorpusController(QObject):
    """One load at a time; `loaded` brings a new corpus, `vectors_loaded` a VectorFile, and
    `failed` says why there is none."""

    loaded = pyqtSignal(object)  # Corpus
    vectors_loaded = pyqtSignal(object)  # core.vectors.reading.VectorFile
    loading = pyqtSignal(str)  # the name of what is being read ("" when done)
    progress = pyqtSignal(int, int)  # bytes read, total bytes
    cancelled = pyqtSignal()
    failed = pyqtSignal(str, str)  # title, message
    not_utf8 = pyqtSignal(str, str)  # path, message: a text that lenient reading would open

    def __init__(self, threads: WorkerThreads) -> None:
        super().__init__()
        self.threads = threads
        self.loader: QObject | None = None  # the load under way
        self._not_utf8: tuple[str, str] | None = None  # the load found a text not UTF-8
        # asked once a file has been read, before it replaces what is open (False: it
        # does not, as if cancelled); cleared when the load ends
        self.confirm: Callable[[], bool] | None = None

    @property
    def busy(self) -> bool:
        return self.loader is not None

    def load_toy_world(self) -> None:
        if self.busy:
            return
        loader = FunctionWorker(load_toy_world)
        loader.failed.connect(lambda message: self.failed.emit("The corpus could not load",
                                                               message))
        self._start(loader, TOY_WORLD_NAME)

    def open(self, path: str, min_count: int = 1, lenient: bool = False) -> None:
        """Read a corpus file or folder (lenient: bytes that are not UTF-8 become �).
        A text that is not UTF-8 ends in `not_utf8(path, message)`, not `failed`."""
        if self.busy:
            return
        loader = CorpusLoadWorker(path, min_count=min_count, lenient=lenient)
        # said once the load has ended (a lenient read can start then)
        loader.not_utf8.connect(lambda message: setattr(self, "_not_utf8", (path, message)))
        self._read(loader, "The corpus could not load")

    def open_vectors(self, path: str, limit: int | None = None) -> None:
        """Read a file of word vectors (any format core.vectors.reading knows)."""
        if self.busy:
            return
        self._read(VectorLoadWorker(path, limit=limit), "The vectors could not open")

    def _read(self, loader: LoadWorker, error_title: str) -> None:
        loader.progress.connect(self.progress)
        loader.failed.connect(lambda message: self.failed.emit(error_title, message))
        self._start(loader, Path(loader.path).name)

    def cancel(self) -> None:
        if isinstance(self.loader, LoadWorker):
            self.loader.cancel()

    def _start(self, loader: QObject, name: str) -> None:
        loader.finished.connect(lambda corpus: self._finished(loader, corpus))
        self.loader = loader
        self.loading.emit(name)
        self.threads.start(loader)

    def _finished(self, loader: QObject, result) -> None:
        self.loader = None
        confirm, self.confirm = self.confirm, None
        self.loading.emit("")
        if getattr(loader, "cancelled", False) or (
                result is not None and confirm is not None and not confirm()):
            self.cancelled.emit()
        elif isinstance(loader, VectorLoadWorker):
            if result is not None:
                self.vectors_loaded.emit(result)
        elif result is not None:
            self.loaded.emit(result)
        not_utf8, self._not_utf8 = self._not_utf8, None
        if not_utf8 is not None:
            self.not_utf8.emit(*not_utf8)
