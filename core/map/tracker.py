"""2-D maps of the embedding that follow training: successive frames of a changing set of
words, each following the one before, by PCA aligned frame to frame (core.map.pca), t-SNE
(core.map.tsne), UMAP (core.map.umap_layout), semantic axes (core.map.axes) or the CS224n
handout's own picture of its 24 words."""

from __future__ import annotations

import numpy as np

from core.map.axes import SemanticAxes, axes_layout, check_axes
from core.map.pca import align_on, handout_layout, pca_2d, unit_spread
from core.map.tsne import SMALLEST_TSNE, TsneLayout
from core.map.umap_layout import MapUnavailable, UmapLayout, load_umap

__all__ = ["METHODS", "MapTracker", "MapUnavailable", "SemanticAxes"]

METHODS = ("pca", "tsne", "umap", "axes", "handout")


class MapTracker:
    """Successive 2-D frames of a changing set of words, each following the one before.

    update(vectors, ids, method) takes a new snapshot and returns its first frame;
    refine() returns further frames of the same snapshot (t-SNE, UMAP) until there is
    nothing more to do. Frames are (n, 2) float64, row i for word ids[i].

    - "pca": each frame fitted onto the previous one (rotation or reflection, uniform
      scale, shift) on the words both show; the first is scaled to unit spread.
    - "tsne": openTSNE on cosine affinities; a fresh layout starts from PCA with early
      exaggeration; a new snapshot continues from the current positions (new words start
      at their nearest shown word). Frames are in t-SNE's own coordinates.
    - "umap": umap-learn, if installed (MapUnavailable if not), started from the last
      layout.
    - "axes": the words' projections on SemanticAxes; no fitting, so coordinates mean the
      same in every frame.
    """

    METHODS = METHODS

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every layout: the next update starts afresh."""
        self.ids: np.ndarray | None = None
        self.layout: np.ndarray | None = None
        self.method = "pca"
        self._tsne = TsneLayout()
        self._umap = UmapLayout()
        self._done = True

    @property
    def converged(self) -> bool:
        """True when refine() has nothing more to do for the current snapshot."""
        return self._done

    # ------------------------------------------------------------------ snapshots
    def update(self, vectors: np.ndarray, ids: np.ndarray | None = None,
               method: str = "pca", seed: int = 0,
               axes: SemanticAxes | None = None) -> np.ndarray:
        """A new snapshot: vectors (n, d), row i for word ids[i] (default: 0..n-1).

        Returns its first frame, (n, 2) float64. For t-SNE this costs the affinities and
        at most one short chunk of optimisation; refine() goes on from there.
        Raises ValueError for an unknown method, vectors that are not finite or axes
        that do not fit the words, MapUnavailable when the method's package is missing.
        """
        if method not in self.METHODS:
            raise ValueError(f"unknown map method {method!r}; use one of "
                             f"{', '.join(self.METHODS)}")
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a (n, d) array; got shape {vectors.shape}")
        ids = np.arange(vectors.shape[0]) if ids is None else np.asarray(ids)
        if ids.shape != (vectors.shape[0],):
            raise ValueError(f"{len(ids)} ids for {vectors.shape[0]} rows of vectors")
        if not np.isfinite(vectors).all():
            raise ValueError("the vectors hold NaN or infinite values (did training "
                             "diverge?)")
        # a user's mistake or a missing package is refused before anything changes, so
        # the last map stays as it was
        if method == "umap":
            load_umap()
        if method == "axes":
            check_axes(axes, ids)
        try:
            layout = self._first_frame(vectors, ids, method, seed, axes)
        except Exception:
            self.reset()  # half-made state must not poison the next snapshot
            raise
        self.ids, self.layout, self.method = ids.copy(), layout, method
        return layout

    def _first_frame(self, vectors: np.ndarray, ids: np.ndarray, method: str, seed: int,
                     axes: SemanticAxes | None) -> np.ndarray:
        switched = method != self.method or self.layout is None
        shared, previous_rows = self._shared_rows(ids)
        if method == "axes":
            layout = axes_layout(vectors, ids, axes)
            if (not axes.y_from and not switched and shared.size >= 2
                    and np.dot(layout[shared, 1], self.layout[previous_rows, 1]) < 0):
                layout[:, 1] *= -1  # the principal axis's sign is arbitrary: keep the last
            self._done = True
            return layout
        if method == "handout":
            layout = handout_layout(vectors)
            if not switched and shared.size >= 2:  # the SVD's signs: keep the last frame's
                flip = np.sum(layout[shared] * self.layout[previous_rows], axis=0) < 0
                layout[:, flip] *= -1
            self._tsne.embedding = None
            self._done = True
            return layout
        if method == "pca" or vectors.shape[0] < SMALLEST_TSNE:
            self._tsne.embedding = None
            self._done = True
            return self._pca_frame(vectors, shared, previous_rows, switched)
        if method == "tsne":
            layout = self._tsne.start(vectors, seed, shared, previous_rows, self.layout,
                                      switched)
            self._done = self._tsne.done
            return layout
        layout = self._umap.start(load_umap(), vectors, seed, shared, previous_rows,
                                  self.layout, switched)
        self._done = self._umap.done
        return layout

    def refine(self) -> np.ndarray | None:
        """One more short chunk of optimisation of the current snapshot (t-SNE, UMAP),
        returning the new frame; None when there is nothing more to do (always for PCA
        and axes)."""
        if self._done or self.layout is None:
            self._done = True
            return None
        if self.method == "tsne" and self._tsne.embedding is not None:
            layout = self._tsne.chunk()
            self._done = self._tsne.done
        elif self.method == "umap":
            layout = self._umap.chunk(self.layout)
            self._done = self._umap.done
        else:
            self._done = True
            return None
        self.layout = layout
        return layout

    def _shared_rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows of `ids`, rows of the last frame) of the words both frames show."""
        if self.ids is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        _, current_rows, previous_rows = np.intersect1d(ids, self.ids, return_indices=True)
        return current_rows, previous_rows

    def _pca_frame(self, vectors: np.ndarray, shared: np.ndarray, previous_rows: np.ndarray,
                   switched: bool) -> np.ndarray:
        layout = pca_2d(vectors)
        if switched or shared.size < 3:
            return unit_spread(layout)
        return align_on(layout, shared, self.layout[previous_rows], scale=True)
