"""How faithfully a 2-D map shows the embedding: the share of each word's nearest neighbours
(by cosine, in full dimension) that are also its nearest neighbours on the map.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from core.math.functions import normalize_rows

CHUNK_ROWS = 1024  # rows of the cosine matrix held at once: 1024 x 20k float32 = 80 MB


def unit_rows(vectors: np.ndarray, dtype=np.float32) -> np.ndarray:
    """Rows scaled to unit length in `dtype` (core.math.functions.normalize_rows); a zero row
    stays zero."""
    return normalize_rows(np.asarray(vectors, dtype=dtype))


def cosine_neighbours(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, d) -> (indices, distances), each (n, k): every row's k nearest other rows by
    cosine distance (1 - cosine similarity), nearest first.

    Computed exactly, CHUNK_ROWS rows of the similarity matrix at a time, so memory stays
    bounded at tens of thousands of rows.
    """
    unit = unit_rows(vectors)
    count = unit.shape[0]
    k = min(k, count - 1)
    indices = np.empty((count, k), dtype=np.int64)
    similarities = np.empty((count, k), dtype=np.float64)
    for start in range(0, count, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, count)
        block = unit[start:stop] @ unit.T
        block[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not itself
        nearest = np.argpartition(-block, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(block, nearest, axis=1)
        order = np.argsort(-values, axis=1, kind="stable")
        indices[start:stop] = np.take_along_axis(nearest, order, axis=1)
        similarities[start:stop] = np.take_along_axis(values, order, axis=1)
    return indices, np.clip(1.0 - similarities, 0.0, 2.0)


def map_neighbours(layout: np.ndarray, k: int) -> np.ndarray:
    """(n, 2) -> (n, k) indices of every point's k nearest other points on the map."""
    layout = np.asarray(layout, dtype=np.float64)
    count = layout.shape[0]
    k = min(k, count - 1)
    _, found = cKDTree(layout).query(layout, k=k + 1)
    found = np.asarray(found).reshape(count, k + 1)
    # a point is normally its own nearest; among coincident points it may come later
    is_self = found == np.arange(count)[:, None]
    is_self[~is_self.any(axis=1), k] = True  # self not among them: drop the farthest
    return found[~is_self].reshape(count, k)


def neighbour_share(vectors: np.ndarray, layout: np.ndarray, k: int = 10) -> float:
    """Mean over words of |k nearest by cosine in full dimension ∩ k nearest by Euclidean
    distance on the map| / k, a word never counting as its own neighbour.

    vectors: (n, d); layout: (n, 2), row i of both for the same word. 1.0: every
    neighbourhood survives the map; about k / n: the map is unrelated to the vectors.
    k is lowered to n - 1 for tiny n.
    """
    vectors, layout = np.asarray(vectors), np.asarray(layout)
    count = vectors.shape[0]
    if layout.shape[0] != count:
        raise ValueError(f"vectors have {count} rows but the layout has {layout.shape[0]}")
    if count < 2:
        raise ValueError("neighbour_share needs at least 2 words")
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k}")
    true_neighbours, _ = cosine_neighbours(vectors, k)
    shown_neighbours = map_neighbours(layout, k)
    k = true_neighbours.shape[1]
    # both rows hold distinct indices, so the overlap is the count of shared entries
    kept = (true_neighbours[:, :, None] == shown_neighbours[:, None, :]).any(axis=2)
    return float(kept.sum() / (count * k))


def group_silhouette(layout: np.ndarray, labels) -> float:
    """scikit-learn's silhouette score of the groups `labels` (one per row) on the map:
    near 1 when each group sits apart, near 0 when groups overlap."""
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(np.asarray(layout, dtype=np.float64), np.asarray(labels)))
