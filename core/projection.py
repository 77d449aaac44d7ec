"""2-D maps of the embedding: PCA aligned frame to frame, and t-SNE seeded from a layout.

PCA's axes are defined only up to sign and order, and they turn as training moves the
vectors, so consecutive frames can flip or spin. Each new frame is therefore rotated (or
reflected) onto the previous one by orthogonal Procrustes: the orthogonal R minimising
‖current·R − previous‖, which moves points as little as the new frame allows.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """(n, d) -> (n, 2) float64: coordinates on the two principal axes."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.shape[0] < 2:
        return np.zeros((vectors.shape[0], 2))
    components = min(2, vectors.shape[1], vectors.shape[0])
    layout = PCA(n_components=components, svd_solver="full").fit_transform(vectors)
    if components < 2:
        layout = np.pad(layout, ((0, 0), (0, 2 - components)))
    return layout


def align(current: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Rotate or reflect `current` (n, 2) to best match `previous` (n, 2), both centred."""
    current_centre = current - current.mean(axis=0)
    rotation, _ = orthogonal_procrustes(current_centre, previous - previous.mean(axis=0))
    return current_centre @ rotation + previous.mean(axis=0)


def unit_spread(layout: np.ndarray) -> np.ndarray:
    """Centre a layout and scale it to unit root-mean-square radius."""
    centred = layout - layout.mean(axis=0)
    radius = np.sqrt(np.mean(np.sum(centred * centred, axis=1)))
    return centred / radius if radius > 0 else centred


class PcaTracker:
    """Successive PCA frames of the same n words, each aligned to the one before.

    Frames are scaled to unit spread, since vectors grow from a tiny start while training:
    the map keeps its size and the words move within it.
    """

    def __init__(self) -> None:
        self.layout: np.ndarray | None = None

    def update(self, vectors: np.ndarray) -> np.ndarray:
        layout = unit_spread(pca_2d(vectors))
        if self.layout is not None and self.layout.shape == layout.shape:
            layout = align(layout, self.layout)
        self.layout = layout
        return layout

    def reset(self) -> None:
        self.layout = None


def tsne_2d(vectors: np.ndarray, initial: np.ndarray | None = None, *,
            perplexity: float = 30.0, seed: int = 0, iterations: int = 500) -> np.ndarray:
    """(n, d) -> (n, 2) t-SNE on cosine distances, started from `initial` if given.

    Starting from the previous layout keeps successive maps alike; the perplexity is
    lowered for small n, where scikit-learn requires perplexity < n.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    count = vectors.shape[0]
    if count < 3:
        return np.zeros((count, 2))
    if initial is not None and initial.shape == (count, 2):
        start = initial - initial.mean(axis=0)
        # scikit-learn expects an initial layout of small spread (PCA init uses std 1e-4)
        start = start / (np.std(start[:, 0]) or 1.0) * 1e-4
    else:
        start = "pca"
    model = TSNE(n_components=2, perplexity=min(perplexity, (count - 1) / 3), init=start,
                 metric="cosine", random_state=seed, max_iter=iterations)
    return model.fit_transform(vectors)
