"""Which words the map shows (the N most frequent plus pinned ones), its method, the pins,
and the projection worker that lays out the newest snapshot."""

from __future__ import annotations

from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, Qt, pyqtSignal

from core.corpus import Corpus
from core.embeddings import Embeddings
from w2v_gui.panels.map_controls import MapControls
from w2v_gui.threads import WorkerThreads
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.workers import ProjectionWorker, Snapshot, TrainingWorker


class MapController(QObject):
    """Feeds the projection worker and keeps the view, the controls and the pins agreed."""

    pins_changed = pyqtSignal(list)  # the pinned words: the work changed
    failed = pyqtSignal(str)  # a passing message (the map could not be drawn)

    def __init__(self, threads: WorkerThreads, view: ProjectionView,
                 controls: MapControls) -> None:
        super().__init__()
        self.view = view
        self.controls = controls
        self.corpus: Corpus | None = None
        self.pinned: list[str] = []
        self.embeddings: Embeddings | None = None  # what a redraw lays out when idle
        self.words_done = 0
        self.worker: TrainingWorker | None = None  # the run feeding the map, if any
        self.projection = ProjectionWorker()
        self.projection.layout_ready.connect(view.set_frame)
        self.projection.failed.connect(self.failed)
        threads.start(self.projection)
        controls.method_changed.connect(self.set_method)
        controls.word_count_changed.connect(lambda _count: self._words_changed())
        controls.trails_toggled.connect(view.set_trails_visible)
        controls.clear_pins.connect(lambda: self.set_pinned([]))
        view.pin_toggled.connect(self.toggle_pin)

    # ------------------------------------------------------------------ inputs
    def set_corpus(self, corpus: Corpus) -> None:
        """A new vocabulary: the map starts afresh; pins of words it lacks are dropped."""
        self.corpus = corpus
        self.embeddings = None
        self.projection.reset()
        self.view.set_vocabulary(corpus.words, corpus.counts)
        self.set_pinned([word for word in self.pinned if word in corpus.index])
        self.view.set_pinned(self.pinned)

    def restart(self) -> None:
        """A new run on the same corpus: the layout and trails start afresh."""
        self.projection.reset()
        self.view.clear_trails()

    def follow(self, worker: TrainingWorker) -> None:
        """Lay out the snapshots of `worker`'s run as they come."""
        self.worker = worker
        # Direct: submit only swaps the pending snapshot, so the training thread calls it
        # itself, and the projection thread wakes for the newest snapshot only.
        worker.snapshot.connect(self.projection.submit, Qt.ConnectionType.DirectConnection)
        worker.finished.connect(lambda _stats: self._unfollow(worker))

    def _unfollow(self, worker: TrainingWorker) -> None:
        if self.worker is worker:
            self.worker = None

    def show_embeddings(self, embeddings: Embeddings, words_done: int) -> None:
        """The newest copy of every vector; drawn now unless a run feeds the map."""
        self.embeddings = embeddings
        self.words_done = words_done
        if self.worker is None:
            self.redraw()

    # ------------------------------------------------------------------ the words
    def ids(self) -> np.ndarray:
        """The words the map shows: the N most frequent, then any pinned word beyond them."""
        if self.corpus is None:
            return np.zeros(0, dtype=np.int64)
        count = min(self.controls.word_count.value(), self.corpus.vocab_size)
        extra = [self.corpus.index[w] for w in self.pinned
                 if w in self.corpus.index and self.corpus.index[w] >= count]
        return np.r_[np.arange(count), np.array(extra, dtype=np.int64)].astype(np.int64)

    def _words_changed(self) -> None:
        if self.worker is not None:
            self.worker.set_map_ids(self.ids())
        else:
            self.redraw()

    def set_method(self, method: str) -> None:
        self.projection.method = method
        if self.controls.method_key != method:
            self.controls.set_method(method)
        if self.worker is None:
            self.redraw()
        elif self.worker.paused and self.worker.wait_until_idle(0.5):
            # no snapshot is coming: lay out the still vectors now
            self.projection.submit(self.worker.take_snapshot())

    def redraw(self) -> None:
        """Lay out the latest vectors again (when no run is feeding the map)."""
        if self.embeddings is None or self.corpus is None:
            return
        ids = self.ids()
        self.projection.submit(Snapshot(self.words_done, ids, self.embeddings.vectors[ids]))

    # ------------------------------------------------------------------ pins
    def toggle_pin(self, word: str) -> None:
        if self.corpus is None or word not in self.corpus.index:
            return
        self.set_pinned([w for w in self.pinned if w != word] if word in self.pinned
                        else [*self.pinned, word])

    def set_pinned(self, words: list[str]) -> None:
        changed = words != self.pinned
        self.pinned = list(words)
        self.controls.show_pinned(self.pinned)
        self.view.set_pinned(self.pinned)
        if changed:
            self._words_changed()
            self.pins_changed.emit(self.pinned)

    # ------------------------------------------------------------------ state
    def state(self) -> dict[str, Any]:
        """What a session keeps of the map."""
        return {"pinned": list(self.pinned), "map_words": self.controls.word_count.value(),
                "method": self.controls.method_key}

    def apply_state(self, state: dict[str, Any]) -> None:
        """Restore `state()` (from a session; unknown or damaged entries are ignored)."""
        words = state.get("map_words")
        if isinstance(words, int) and not isinstance(words, bool):
            self.controls.word_count.setValue(words)
        if state.get("method") in ("pca", "tsne"):
            self.set_method(state["method"])
        pinned = state.get("pinned", [])
        known = self.corpus.index if self.corpus is not None else {}
        if isinstance(pinned, list):
            self.set_pinned([w for w in pinned if isinstance(w, str) and w in known])
