"""The map's worker thread: turns the newest snapshot of the vectors into a 2-D frame, keeps
refining it (t-SNE converges over several frames, each one drawn), and colours it.

PCA and semantic axes give one frame per snapshot. t-SNE gives a first frame quickly and
then a frame per short chunk of optimisation until it converges or a newer snapshot
arrives, which it continues from the current layout (core.map.tracker.MapTracker).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal, pyqtSlot

from core.map.colours import (
    Colouring,
    cluster_colouring,
    frequency_colouring,
    match_groups,
    metadata_colouring,
)
from core.map.tracker import MapTracker, MapUnavailable, SemanticAxes
from w2v_gui.safety import log_exception
from w2v_gui.workers import Snapshot

RECLUSTER_SECONDS = 2.0  # while vectors change, clusters are recomputed at most this often
REST_PER_WORK = 2.0  # while training: seconds of rest per second of layout work


@dataclass(frozen=True)
class MapFrame:
    """A 2-D layout of the words `ids`: layout[i] is the position of word ids[i]."""

    ids: np.ndarray
    layout: np.ndarray  # (n, 2) float64
    method: str
    colouring: Colouring | None = None  # row i's colour and group; None: one colour
    axes: SemanticAxes | None = None  # the words that define the axes ("axes" method)


@dataclass(frozen=True)
class MapStyle:
    """How the worker colours frames. kind: "none", "clusters", "metadata", "frequency".
    labels: one metadata value (or None) per vocabulary word, for "metadata"."""

    kind: str = "none"
    clusters: int = 8
    labels: tuple[str | None, ...] = ()


class ProjectionWorker(QObject):
    """Lays out only the newest snapshot: `submit` (safe from any thread) replaces the
    pending one and wakes the worker at most once, so slow frames never queue up."""

    layout_ready = pyqtSignal(object)  # MapFrame
    failed = pyqtSignal(str)
    _wake = pyqtSignal()

    def __init__(self) -> None:
        super().__init__()
        self.tracker = MapTracker()
        self.method = "pca"  # "pca", "tsne", "umap" or "axes"; read at each snapshot
        self.axes: SemanticAxes | None = None  # for "axes"
        self.style = MapStyle()
        self.words: list[str] = []  # the vocabulary, for the legend's names
        # While a run trains, the map's thread rests twice as long as it worked after each
        # frame: openTSNE holds the interpreter lock often, and flat out it halves the
        # trainer's speed; resting costs the map little (a third of the iterations changed
        # the neighbour share by about 0.015)
        self.pace = False
        self._resting_until = 0.0
        self._resting = False  # a timer will wake _work when the rest is over
        self._reset = False
        self._generation = 0  # bumped by reset(): a frame begun before it is dropped
        self._pending: Snapshot | None = None
        self._woken = False  # a wake-up is on its way to _work
        self._lock = threading.Lock()
        self._current: Snapshot | None = None  # the snapshot being refined
        self._colouring: Colouring | None = None
        self._coloured: tuple[MapStyle, np.ndarray] | None = None  # what it was made for
        self._coloured_at = 0.0
        # Queued even when emitted on the worker's own thread: _work then always runs
        # from the event loop, after the frame in progress, never nested inside submit.
        self._wake.connect(self._work, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ any thread
    def submit(self, snapshot: Snapshot) -> None:
        """Lay out `snapshot` next, dropping any older one still waiting. Any thread."""
        with self._lock:
            self._pending = snapshot
            self._wake_once()

    def reset(self) -> None:
        """Start afresh at the next frame (the tracker itself lives on the worker's thread)."""
        with self._lock:
            self._reset, self._pending = True, None
            self._generation += 1

    def set_style(self, style: MapStyle) -> None:
        """Colour frames this way from the next frame on (one reference swap)."""
        self.style = style

    def _wake_once(self) -> None:  # with the lock held
        if not self._woken:
            self._woken = True
            self._wake.emit()

    @pyqtSlot()
    def run(self) -> None:  # the thread's event loop delivers _wake; nothing to do here
        pass

    # ------------------------------------------------------------------ the worker's thread
    @pyqtSlot()
    def _work(self) -> None:
        """A new snapshot if one waits, else one more refinement of the current one."""
        wait = self._resting_until - time.perf_counter() if self.pace else 0.0
        if wait > 0.001:  # resting while a run trains: later snapshots replace each other
            with self._lock:
                self._woken = False  # a snapshot after the run (pace off) wakes it at once
                if self._resting:
                    return  # the timer of this rest is already set
                self._resting = True
            QTimer.singleShot(int(wait * 1000) + 1, self._rested)
            return
        with self._lock:
            snapshot, self._pending, self._woken = self._pending, None, False
            if self._reset:
                self.tracker.reset()
                self._current = self._colouring = self._coloured = None
                self._reset = False
            generation = self._generation
        started = time.perf_counter()
        try:
            if snapshot is not None and len(snapshot.ids):
                self._current = snapshot
                layout = self.tracker.update(snapshot.vectors, snapshot.ids,
                                             method=self.method, axes=self.axes)
                fresh = True
            elif self._current is not None:
                layout = self.tracker.refine()
                fresh = False
            else:
                return
            if layout is not None:
                current = self._current
                colouring = self._colour(current, fresh)
                if generation == self._generation:  # else a new corpus or run began
                    self.layout_ready.emit(MapFrame(
                        current.ids, layout, self.tracker.method, colouring,
                        self.axes if self.tracker.method == "axes" else None))
        except (ValueError, MapUnavailable) as error:  # non-finite vectors; a missing extra
            self._current = None
            self.failed.emit(f"the map could not be drawn: {error}")
            return
        except Exception as error:  # a bug: the map stops, the app and the run go on
            self._current = None
            log_exception("laying out the map failed", error)
            self.failed.emit(f"the map could not be drawn: {error!r}")
            return
        if self.pace:
            now = time.perf_counter()
            self._resting_until = now + REST_PER_WORK * (now - started)
        if not self.tracker.converged and self._current is not None:
            with self._lock:
                self._wake_once()  # refine again after any events that arrived meanwhile

    def _rested(self) -> None:
        with self._lock:
            self._resting = False
            self._wake_once()

    def _colour(self, snapshot: Snapshot, fresh: bool) -> Colouring | None:
        """The colouring for this snapshot's words: kept between frames of one snapshot,
        recomputed for new words or a new style, and (clusters) every few seconds while
        the vectors change, numbered to match the last clusters so colours stay put."""
        style, ids = self.style, snapshot.ids
        now = time.perf_counter()
        same = (self._coloured is not None and self._coloured[0] is style
                and np.array_equal(self._coloured[1], ids))
        if same and not (fresh and style.kind == "clusters"
                         and now - self._coloured_at >= RECLUSTER_SECONDS):
            return self._colouring
        previous, previous_ids = self._colouring, (
            self._coloured[1] if self._coloured is not None else None)
        if style.kind == "clusters":
            words = [self.words[i] if i < len(self.words) else "" for i in ids]
            colouring = cluster_colouring(snapshot.vectors, k=style.clusters, words=words)
            if previous is not None and previous.kind == "clusters":
                colouring = match_groups(previous_ids, previous, ids, colouring)
        elif style.kind == "metadata":
            labels = [style.labels[i] if i < len(style.labels) else None for i in ids]
            words = [self.words[i] if i < len(self.words) else "" for i in ids]
            colouring = metadata_colouring(words, labels)
        elif style.kind == "frequency":
            colouring = frequency_colouring(np.asarray(ids))
        else:
            colouring = None
        self._colouring, self._coloured, self._coloured_at = colouring, (style, ids), now
        return colouring
