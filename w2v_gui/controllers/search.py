"""Searches off the GUI thread: the panel asks, a SearchWorker answers on the newest copy of
the vectors, and the answer to the latest question only is shown."""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from core.vectors.embeddings import Embeddings
from w2v_gui.panels.search_panel import SearchPanel
from w2v_gui.threads import WorkerThreads
from w2v_gui.workers import Completion, SearchRequest, SearchResult, SearchWorker


class SearchController(QObject):
    """Connects a SearchPanel to a SearchWorker on its own thread."""

    answered = pyqtSignal(object)  # the SearchResult shown (tests wait for it)
    _to_worker_vectors = pyqtSignal(object)
    _to_worker_request = pyqtSignal(object)

    def __init__(self, threads: WorkerThreads, panel: SearchPanel) -> None:
        super().__init__()
        self.panel = panel
        self.worker = SearchWorker()
        self._serial = 0
        self._pending: Embeddings | None = None  # newest vectors not yet sent
        self._sending = False  # the worker is normalising a copy
        self._words: list[str] | None = None  # the words the panel completes
        self._completion: Completion | None = None  # the newest the worker made
        self._sent: Embeddings | None = None  # the copy the worker has or is normalising
        self._to_worker_vectors.connect(self.worker.set_embeddings)
        self._to_worker_request.connect(self.worker.search)
        self.worker.ready.connect(self._ready)
        self.worker.answered.connect(self._answered)
        panel.requested.connect(self._ask)
        threads.start(self.worker)

    def set_embeddings(self, embeddings: Embeddings) -> None:
        """Search these vectors from now on. While the worker normalises one copy, later
        ones replace each other, so at 400k words copies never pile up."""
        if self._sending:
            self._pending = embeddings
            return
        self._sending = True
        self._sent = embeddings
        self._to_worker_vectors.emit(embeddings)

    def clear(self) -> None:
        """A new corpus or run: vectors and answers on their way are for the old one."""
        self._pending = self._sent = None
        self._words = None
        self._serial += 1
        self.panel.clear()

    def _ready(self, embeddings: Embeddings, completion: Completion | None) -> None:
        self._sending = False
        if completion is not None:
            self._completion = completion
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.set_embeddings(pending)
            return
        if embeddings is not self._sent:
            return  # cleared since it was sent
        if embeddings.words != self._words and self._completion is not None:
            self._words = embeddings.words
            self.panel.set_completion(self._completion)  # made for these words
        self.panel.refresh_quietly()

    def _ask(self, kind: str, words: tuple, count: int, quiet: bool) -> None:
        self._serial += 1
        self._to_worker_request.emit(SearchRequest(self._serial, kind, words, count, quiet))

    def _answered(self, result: SearchResult) -> None:
        request = result.request
        if request.serial != self._serial:
            return  # a later question is on its way
        if result.problem is not None:
            if not request.quiet:
                self.panel.show_problem(result.problem)
        else:
            self.panel.show_ranked(result.ranked, list(request.words))
        self.answered.emit(result)
