"""Which words the map shows (the N most frequent plus pinned ones, or an isolated
neighbourhood), how it lays them out and colours them, and the projection worker that
lays out the newest snapshot."""

from __future__ import annotations

from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, Qt, pyqtSignal

from core.data.corpus import Corpus
from core.map.axes import SemanticAxes
from core.map.pca import HANDOUT_WORDS
from core.map.tracker import METHODS
from core.map.word_labels import labels_for_words
from core.map.words import axes_from_text, map_word_ids
from core.vectors.embeddings import Embeddings
from w2v_gui.panels.map_controls import MapControls
from w2v_gui.projection_worker import MapStyle, ProjectionWorker
from w2v_gui.session_state import CheckedState
from w2v_gui.threads import WorkerThreads
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.workers import Snapshot, TrainingWorker


class MapController(QObject):
    """Feeds the projection worker and keeps the view, the controls and the pins agreed."""

    pins_changed = pyqtSignal(list)  # the pinned words: the work changed
    failed = pyqtSignal(str)  # a passing message (the map could not be drawn)
    isolated_changed = pyqtSignal(str)  # the isolated word, "" when the whole map shows

    def __init__(self, threads: WorkerThreads, view: ProjectionView,
                 controls: MapControls) -> None:
        super().__init__()
        self.view = view
        self.controls = controls
        self.words: list[str] = []  # the vocabulary, most frequent (or first in file) first
        self.index: dict[str, int] = {}
        self.pinned: list[str] = []
        self.isolated: list[str] = []  # a word and its neighbours shown on their own
        self.axes: SemanticAxes | None = None
        self.metadata: dict[str, list[str]] = {}  # colouring columns, keyed by name
        self.embeddings: Embeddings | None = None  # what a redraw lays out when idle
        self.words_done = 0
        self.worker: TrainingWorker | None = None  # the run feeding the map, if any
        # a setting changed while a run fed the map: laid out again when the run ends, in
        # case no snapshot came after the change
        self._changed_while_following = False
        self.projection = ProjectionWorker()
        self.projection.layout_ready.connect(self._frame_arrived)
        self.still = False  # a moment of the run's film is on show: live frames wait
        self.frame_listener = None  # also gets every live frame (the film records them)
        self.projection.failed.connect(self.failed)
        threads.start(self.projection)
        # the view gone, nothing is drawn: its layout process ends too (a lambda: called
        # at once, on this thread, whatever thread the worker lives on)
        projection = self.projection
        view.destroyed.connect(lambda: projection.shutdown())
        controls.method_changed.connect(self.set_method)
        controls.word_count_changed.connect(lambda _count: self._relayout())
        controls.trails_toggled.connect(view.set_trails_visible)
        controls.clear_pins.connect(lambda: self.set_pinned([]))
        controls.colouring_changed.connect(lambda: self._restyle())
        controls.axes_changed.connect(self.set_axes_text)
        controls.show_all.connect(self.show_all)
        view.pin_toggled.connect(self.toggle_pin)

    def _frame_arrived(self, frame) -> None:
        if self.frame_listener is not None:
            self.frame_listener(frame)
        if not self.still:
            self.view.set_frame(frame)

    def show_still(self, frame, trails: dict[int, list]) -> None:
        """Show this frame (a moment of the film), with the pinned words' paths up to it
        (word id -> positions), until `go_live`."""
        self.still = True
        self.view.set_frame(frame)
        self.view.set_trails(trails)

    def go_live(self, trails: dict[int, list] | None = None) -> None:
        """Follow the run again: the newest layout is drawn; the pinned words' trails are
        `trails` (their paths to the film's end), or start afresh."""
        self.still = False
        self.view.set_trails(trails or {})
        self.redraw()

    def shutdown(self) -> None:
        """The window closes: the map's layout process ends (never waited for)."""
        self.projection.shutdown()

    # ------------------------------------------------------------------ inputs
    def set_corpus(self, corpus: Corpus) -> None:
        """A new vocabulary: the map starts afresh; pins of words it lacks are dropped."""
        self._set_vocabulary(corpus.words, corpus.counts, {}, corpus.index)
        self.embeddings = None

    def set_vectors(self, embeddings: Embeddings, metadata: dict[str, list[str]]) -> None:
        """Explore `embeddings` (word order = rank); `metadata` columns can colour them."""
        self._set_vocabulary(embeddings.words, embeddings.counts, metadata, embeddings.index)
        self.show_embeddings(embeddings, 0)

    def _set_vocabulary(self, words: list[str], counts: np.ndarray | None,
                        metadata: dict[str, list[str]], index: dict[str, int]) -> None:
        """`index` maps each word to its row (built by the loader, off this thread)."""
        axes_words = self.axes_words()
        self.words, self.index = words, index
        self.metadata = dict(metadata)
        self.projection.words = self.words
        self.isolated = []
        self.isolated_changed.emit("")
        self.projection.reset()
        self.view.set_vocabulary(self.words, counts, self.index)
        self.controls.set_metadata_columns(list(self.metadata))
        self.set_pinned([word for word in self.pinned if word in self.index])
        if self.controls.method_key == "handout":
            self._handout_words_present()  # back to PCA, saying why, without them
        self.view.set_pinned(self.pinned)
        self._keep_axes(axes_words)
        self._restyle(redraw=False)

    def restart(self) -> None:
        """A new run on the same corpus: the layout and trails start afresh."""
        self.projection.reset()
        self.view.clear_trails()

    def follow(self, worker: TrainingWorker) -> None:
        """Lay out the snapshots of `worker`'s run as they come. Call it before the run's
        thread starts: the map tells the worker which rows to copy (the map alone decides
        them) and asks it for copies; it never reads the run's arrays or waits for it."""
        self.worker = worker
        worker.set_map_ids(self.ids())
        # Direct: submit only swaps the pending snapshot, so the training thread calls it
        # itself, and the projection thread wakes for the newest snapshot only.
        worker.snapshot.connect(self.projection.submit, Qt.ConnectionType.DirectConnection)
        worker.finished.connect(lambda _stats: self._unfollow(worker))

    def _unfollow(self, worker: TrainingWorker) -> None:
        if self.worker is worker:
            self.worker = None
            if self._changed_while_following:  # the run ended before a snapshot showed it
                self.redraw()
        self._changed_while_following = False

    def show_embeddings(self, embeddings: Embeddings, words_done: int) -> None:
        """The newest copy of every vector; drawn now unless a run feeds the map."""
        self.embeddings = embeddings
        self.words_done = words_done
        if self.worker is None:
            self.redraw()

    # ------------------------------------------------------------------ the words
    def ids(self) -> np.ndarray:
        """The words the map shows: an isolated neighbourhood, or the N most frequent words
        then any pinned word beyond them; the words that define semantic axes join them."""
        return map_word_ids(self.index, len(self.words), method=self.controls.method_key,
                            word_count=self.controls.word_count.value(),
                            pinned=self.pinned, isolated=self.isolated, axes=self.axes)

    def set_method(self, method: str) -> None:
        if method not in METHODS:
            return
        if self.controls.method_key != method:
            self.controls.set_method(method)  # its method_changed calls this again
            return
        if method == "axes" and self.axes is None:
            self.controls.ask_for_axes()
        if method == "handout" and not self._handout_words_present():
            return
        self.projection.method = method
        self.projection.axes = self.axes
        self._relayout()

    def _handout_words_present(self) -> bool:
        """Enough of the handout's words for its picture? If not, say so and go back to
        PCA; if some are missing, say which."""
        missing = [w for w in HANDOUT_WORDS if w not in self.index]
        if len(missing) > len(HANDOUT_WORDS) - 3:
            self.failed.emit("The handout's picture needs its words (great, cool, brilliant, "
                             f"…, coffee, tea), and this vocabulary has "
                             f"{len(HANDOUT_WORDS) - len(missing)} of them. Open the SST "
                             "corpus (datasetSentences.txt).")
            self.controls.set_method("pca")
            return False
        if missing:
            self.failed.emit(f"The handout's picture without {', '.join(missing)}: not in "
                             "this vocabulary.")
        return True

    def _relayout(self) -> None:
        """Lay out the current vectors again now (a setting or the words shown changed).
        While a run feeds the map, its worker is asked for a copy of the rows now shown:
        it answers between chunks, or at once when paused, and this returns at once."""
        if self.worker is None:
            self.redraw()
        else:
            self._changed_while_following = True
            self.worker.request_snapshot(self.ids())

    def redraw(self) -> None:
        """Lay out the latest vectors again (when no run is feeding the map)."""
        if self.embeddings is None or not self.words:
            return
        ids = self.ids()
        self.projection.submit(Snapshot(self.words_done, ids, self.embeddings.vectors[ids]))

    # ------------------------------------------------------------------ isolate
    def isolate(self, words: list[str]) -> None:
        """Show only these words (a word and its nearest neighbours), laid out afresh."""
        known = [w for w in dict.fromkeys(words) if w in self.index]
        if not known:
            return
        self.isolated = known
        self.projection.reset()
        self.view.clear_trails()
        self.isolated_changed.emit(known[0])
        self.controls.show_isolated(known[0], len(known) - 1)
        self._relayout()

    def show_all(self) -> None:
        if not self.isolated:
            return
        self.isolated = []
        self.projection.reset()
        self.isolated_changed.emit("")
        self.controls.show_isolated("", 0)
        self._relayout()

    # ------------------------------------------------------------------ axes
    def set_axes_text(self, x_from: str, x_to: str, y_from: str, y_to: str) -> None:
        """Semantic axes from the words typed ("man, boy" → "woman, girl"): x runs from
        the mean of the first set to the mean of the second; y likewise, or the main axis
        of the rest when left empty. Unknown words are named and the axes kept."""
        try:
            self.axes = axes_from_text((x_from, x_to, y_from, y_to), self.index)
        except ValueError as error:
            self.failed.emit(str(error))
            return
        self.set_method("axes")

    def axes_words(self) -> list[list[str]]:
        if self.axes is None:
            return []
        return [[self.words[i] for i in part] for part in
                (self.axes.x_from, self.axes.x_to, self.axes.y_from, self.axes.y_to)]

    def _keep_axes(self, axes_words: list[list[str]]) -> None:
        """A new vocabulary keeps the axes only if it knows all their words."""
        if axes_words and all(w in self.index for part in axes_words for w in part):
            self.axes = SemanticAxes(*(tuple(self.index[w] for w in part)
                                       for part in axes_words))
        else:
            self.axes = None
            if self.controls.method_key == "axes":
                self.controls.set_method("pca")
                self.projection.method = "pca"
        self.projection.axes = self.axes

    # ------------------------------------------------------------------ colour
    def add_metadata(self, columns: dict[str, list[str]]) -> None:
        """Columns read from a labels file: offered for colouring (and chosen)."""
        self.metadata.update(columns)
        self.controls.set_metadata_columns(list(self.metadata))
        names = [name for name in columns if name.lower() != "word"]
        if names:
            self.controls.choose_metadata(names[0])

    def _restyle(self, redraw: bool = True) -> None:
        kind, clusters, column = self.controls.colouring()
        labels: tuple = ()
        if kind == "metadata":
            if column not in self.metadata:
                kind = "none"
            else:
                labels = tuple(labels_for_words(self.words, self.metadata, column,
                                                vocabulary_words=self.words))
        self.projection.set_style(MapStyle(kind, clusters, labels))
        if redraw:
            self._relayout()

    # ------------------------------------------------------------------ pins
    def toggle_pin(self, word: str) -> None:
        if word not in self.index:
            return
        self.set_pinned([w for w in self.pinned if w != word] if word in self.pinned
                        else [*self.pinned, word])

    def set_pinned(self, words: list[str]) -> None:
        changed = words != self.pinned
        self.pinned = list(words)
        self.controls.show_pinned(self.pinned)
        self.view.set_pinned(self.pinned)
        if changed:
            self._relayout()
            self.pins_changed.emit(self.pinned)

    # ------------------------------------------------------------------ state
    def state(self) -> dict[str, Any]:
        """What a session keeps of the map."""
        kind, clusters, _column = self.controls.colouring()
        return {"pinned": list(self.pinned), "map_words": self.controls.word_count.value(),
                "method": self.controls.method_key, "axes": self.axes_words(),
                "colour": kind, "clusters": clusters}

    def apply_state(self, state: CheckedState) -> None:
        """Restore what `state()` kept, as checked by `check_app_state` (damaged entries
        were dropped there, so nothing here can fail on a session's content)."""
        if state.map_words is not None:
            self.controls.word_count.setValue(state.map_words)
        if state.axes is not None:
            axes = state.axes
            self.controls.set_axes_text(*(" ".join(part) for part in axes))
            if axes[0] and axes[1]:
                self.set_axes_text(*(" ".join(part) for part in axes))
        if state.colour is not None:
            self.controls.set_colouring(state.colour, state.clusters)
        if state.method is not None and state.method != "umap":
            self.set_method(state.method)
        self.set_pinned([w for w in state.pinned if w in self.index])
