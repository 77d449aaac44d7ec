"""2-D maps of the embedding: PCA aligned frame to frame, and t-SNE seeded from a layout.

PCA's axes are defined only up to sign and order, and they turn as training moves the
vectors, so consecutive frames can flip or spin. Each new frame is therefore rotated (or
reflected) onto the previous one by orthogonal Procrustes: the orthogonal R minimising
‖current·R − previous‖, which moves points as little as the new frame allows.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes
from sklearn.manifold import TSNE


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """(n, d) -> (n, 2) float64: coordinates on the two principal axes.

    A plain SVD of the centred rows: for the few hundred rows of a live map it costs a
    fraction of scikit-learn's PCA, whose input checks dominate at this size.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    count = vectors.shape[0]
    if count < 2:
        return np.zeros((count, 2))
    centred = vectors - vectors.mean(axis=0)
    left, singular, axes = np.linalg.svd(centred, full_matrices=False)
    # fix each axis's sign by its largest loading, as scikit-learn does, so that the same
    # vectors always give the same picture
    largest = axes[:2][np.arange(min(2, len(axes))), np.argmax(np.abs(axes[:2]), axis=1)]
    layout = left[:, :2] * singular[:2] * np.where(largest < 0, -1.0, 1.0)
    if layout.shape[1] < 2:
        layout = np.pad(layout, ((0, 0), (0, 2 - layout.shape[1])))
    return layout


def unit_spread(layout: np.ndarray) -> np.ndarray:
    """Centre a layout and scale it to unit root-mean-square radius."""
    centred = layout - layout.mean(axis=0)
    radius = np.sqrt(np.mean(np.sum(centred * centred, axis=1)))
    return centred / radius if radius > 0 else centred


class MapTracker:
    """Successive 2-D frames of a changing set of words, each aligned to the one before.

    Frames are scaled to unit spread, since vectors grow from a tiny start while training:
    the map keeps its size and the words move within it. Alignment uses the words the new
    frame shares with the last one, so adding a pinned word or changing how many words are
    shown does not make the map jump. t-SNE starts from the last layout (new words start at
    their PCA position), so successive t-SNE maps stay alike.
    """

    def __init__(self) -> None:
        self.ids: np.ndarray | None = None
        self.layout: np.ndarray | None = None
        self.method = "pca"

    def update(self, vectors: np.ndarray, ids: np.ndarray | None = None,
               method: str = "pca", seed: int = 0) -> np.ndarray:
        """vectors: (n, d), row i for word ids[i]; returns (n, 2) float64."""
        ids = np.arange(vectors.shape[0]) if ids is None else np.asarray(ids)
        layout = unit_spread(pca_2d(vectors))
        shared, previous_rows = self._shared_rows(ids)
        if shared.size >= 3:
            layout = align_on(layout, shared, self.layout[previous_rows])
        if method == "tsne":
            initial = layout.copy()
            if shared.size:
                initial[shared] = self.layout[previous_rows]
            spread = 10.0 if self.method == "tsne" else 1e-4  # continuing, or fresh
            layout = unit_spread(tsne_2d(vectors, initial, seed=seed, iterations=250,
                                         initial_spread=spread))
            if shared.size >= 3:
                layout = align_on(layout, shared, self.layout[previous_rows])
        elif method != "pca":
            raise ValueError(f"unknown map method {method!r}; use 'pca' or 'tsne'")
        self.ids, self.layout, self.method = ids.copy(), layout, method
        return layout

    def _shared_rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows of `ids`, rows of the last frame) of the words both frames show."""
        if self.ids is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        _, current_rows, previous_rows = np.intersect1d(ids, self.ids, return_indices=True)
        return current_rows, previous_rows

    def reset(self) -> None:
        self.ids = self.layout = None
        self.method = "pca"


def align_on(layout: np.ndarray, rows: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rotate or reflect all of `layout` (n, 2) so that layout[rows] best matches `target`,
    and move it so that their centres coincide."""
    subset = layout[rows]
    centre = subset.mean(axis=0)
    rotation, _ = orthogonal_procrustes(subset - centre, target - target.mean(axis=0))
    return (layout - centre) @ rotation + target.mean(axis=0)


def tsne_2d(vectors: np.ndarray, initial: np.ndarray | None = None, *,
            perplexity: float = 30.0, seed: int = 0, iterations: int = 500,
            initial_spread: float = 1e-4) -> np.ndarray:
    """(n, d) -> (n, 2) t-SNE on cosine distances, started from `initial` if given.

    A fresh start uses a tiny spread (scikit-learn's PCA start has std 1e-4); continuing
    from an earlier t-SNE layout, a spread near t-SNE's own (~10) keeps the map alike.
    The perplexity is lowered for small n, where scikit-learn requires perplexity < n.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    count = vectors.shape[0]
    if count < 3:
        return np.zeros((count, 2))
    if initial is not None and initial.shape == (count, 2):
        start = initial - initial.mean(axis=0)
        start = start / (np.std(start[:, 0]) or 1.0) * initial_spread
    else:
        start = "pca"
    model = TSNE(n_components=2, perplexity=min(perplexity, (count - 1) / 3), init=start,
                 metric="cosine", random_state=seed, max_iter=iterations)
    return model.fit_transform(vectors)
