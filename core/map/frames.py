"""The map's frames: a 2-D layout of the words shown, coloured, made from snapshots of their
vectors. `FrameMaker` holds what one map needs between frames (the tracker that keeps
layouts continuous, the last colouring); it is plain Python, run by the map's own process
(core.map.layout_process).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

from core.map.colours import (
    Colouring,
    cluster_colouring,
    frequency_colouring,
    match_groups,
    metadata_colouring,
)
from core.map.tracker import MapTracker, SemanticAxes

RECLUSTER_SECONDS = 2.0  # while vectors change, clusters are recomputed at most this often


@dataclass(frozen=True)
class MapFrame:
    """A 2-D layout of the words `ids`: layout[i] is the position of word ids[i]."""

    ids: np.ndarray
    layout: np.ndarray  # (n, 2) float64
    method: str
    colouring: Colouring | None = None  # row i's colour and group; None: one colour
    axes: SemanticAxes | None = None  # the words that define the axes ("axes" method)
    final: bool = True  # no refinement of this layout follows (t-SNE: it converged)
    # equal for two frames coloured by one colouring (it crosses processes as a copy, so
    # the view cannot tell by identity): then only the points move
    colouring_key: tuple = ()
    words_done: int = -1  # the words trained when its vectors were copied (-1: unknown)


@dataclass(frozen=True)
class MapStyle:
    """How frames are coloured. kind: "none", "clusters", "metadata", "frequency".
    labels: one metadata value (or None) per vocabulary word, for "metadata" (the window
    keeps them; each snapshot carries only its own words' names and labels)."""

    kind: str = "none"
    clusters: int = 8
    labels: tuple[str | None, ...] = ()

    def without_labels(self) -> MapStyle:
        return MapStyle(self.kind, self.clusters)


@dataclass(frozen=True)
class Words:
    """What a snapshot's rows are called: names[i] and labels[i] (metadata; None: none)
    belong to row i, for the legend and the metadata colouring."""

    names: tuple[str, ...]
    labels: tuple[str | None, ...] | None = None

    @classmethod
    def of(cls, ids: np.ndarray, vocabulary: list[str], style: MapStyle) -> Words:
        names = tuple(vocabulary[i] if i < len(vocabulary) else "" for i in ids)
        if style.kind != "metadata":
            return cls(names)
        return cls(names, tuple(style.labels[i] if i < len(style.labels) else None
                                for i in ids))


class FrameMaker:
    """Turns snapshots into frames: `update` lays out a new snapshot (continuing from the
    last layout), `refine` improves the current one (t-SNE converges over several frames).
    Raises ValueError for non-finite vectors and MapUnavailable for a missing extra."""

    def __init__(self) -> None:
        self.tracker = MapTracker()
        self.style = MapStyle()
        self._ids: np.ndarray | None = None  # the snapshot being refined
        self._vectors: np.ndarray | None = None
        self._words = Words(())
        self._axes: SemanticAxes | None = None
        self._colouring: Colouring | None = None
        # what the colouring was made for: the style, the ids and (metadata) their labels
        self._coloured: tuple[MapStyle, np.ndarray, tuple | None] | None = None
        self._coloured_at = 0.0
        self._colourings = 0  # colourings made, for each frame's colouring_key
        # clusters: newer vectors came than the clusters were made from (a snapshot within
        # RECLUSTER_SECONDS of the last clustering); they are made again when due, also
        # after the last snapshot of a run, so the colours end true to the final vectors
        self._stale = False
        self._layout: np.ndarray | None = None  # the current frame's layout

    def reset(self) -> None:
        self.tracker.reset()
        self._ids = self._vectors = self._colouring = self._coloured = self._layout = None
        self._stale = False

    def recolour_in(self) -> float | None:
        """Seconds until stale clusters are due to be made again (0: now); None: none."""
        if not self._stale or self._layout is None or self.style.kind != "clusters":
            return None
        return max(0.0, self._coloured_at + RECLUSTER_SECONDS - time.perf_counter())

    def recolour(self) -> MapFrame | None:
        """The current layout again, with clusters made from the newest vectors."""
        return self._frame(self._layout, fresh=False)

    @property
    def refining(self) -> bool:
        """A snapshot is laid out and its layout can still improve."""
        return self._ids is not None and not self.tracker.converged

    def update(self, ids: np.ndarray, vectors: np.ndarray, method: str,
               axes: SemanticAxes | None, words: Words | None = None) -> MapFrame | None:
        self._ids, self._vectors, self._axes = ids, vectors, axes
        self._words = words if words is not None else Words(tuple("" for _ in ids))
        try:
            layout = self.tracker.update(vectors, ids, method=method, axes=axes)
        except Exception:
            self._ids = self._vectors = None
            raise
        return self._frame(layout, fresh=True)

    def refine(self) -> MapFrame | None:
        if self._ids is None:
            return None
        try:
            layout = self.tracker.refine()
        except Exception:
            self._ids = self._vectors = None
            raise
        return self._frame(layout, fresh=False)

    def _frame(self, layout: np.ndarray | None, fresh: bool) -> MapFrame | None:
        if layout is None:
            return None
        method = self.tracker.method
        self._layout = layout
        colouring = self._colour(fresh)
        return MapFrame(self._ids, layout, method, colouring,
                        self._axes if method == "axes" else None, self.tracker.converged,
                        (os.getpid(), self._colourings))

    def _colour(self, fresh: bool) -> Colouring | None:
        """The colouring of the current words: kept between frames of one snapshot,
        recomputed for new words or a new style, and (clusters) every few seconds while
        the vectors change, numbered to match the last clusters so colours stay put."""
        style, ids, vectors = self.style, self._ids, self._vectors
        now = time.perf_counter()
        labels = self._words.labels if style.kind == "metadata" else None
        # a new style may reach this process before the snapshot that brings its labels:
        # then the colouring is made again when they come
        same = (self._coloured is not None and self._coloured[0] is style
                and np.array_equal(self._coloured[1], ids) and self._coloured[2] == labels)
        if same and style.kind == "clusters" and fresh:
            self._stale = True  # new vectors, the same words
        if same and not (style.kind == "clusters" and self._stale
                         and now - self._coloured_at >= RECLUSTER_SECONDS):
            return self._colouring
        previous, previous_ids = self._colouring, (
            self._coloured[1] if self._coloured is not None else None)
        words = list(self._words.names)
        if style.kind == "clusters":
            colouring = cluster_colouring(vectors, k=style.clusters, words=words)
            if previous is not None and previous.kind == "clusters":
                colouring = match_groups(previous_ids, previous, ids, colouring)
        elif style.kind == "metadata":
            colouring = metadata_colouring(words, list(labels or (None,) * len(words)))
        elif style.kind == "frequency":
            colouring = frequency_colouring(np.asarray(ids))
        else:
            colouring = None
        self._colouring, self._coloured, self._coloured_at = colouring, (style, ids, labels), now
        self._colourings += 1
        self._stale = False
        return colouring
