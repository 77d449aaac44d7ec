"""PCA frames that follow each other: the two principal axes, each frame fitted onto the
last by orthogonal Procrustes with a uniform scale (the picture neither flips nor spins), the
start of a snapshot continued from the last frame, and the CS224n handout's own picture.

PCA's axes are defined only up to sign and order, and they turn as training moves the
vectors, so each PCA frame is fitted onto the previous one on the words both frames show;
neither adding a far word nor showing fewer words changes its size.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes

from core.math.functions import rms_radius

# the words the handout's run.py plots (word_vectors.png), in its order
HANDOUT_WORDS = ("great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
                 "enjoyable", "boring", "bad", "dumb", "annoying", "female", "male", "queen",
                 "king", "man", "woman", "rain", "snow", "hail", "coffee", "tea")


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """(n, d) -> (n, 2) float64: coordinates on the two principal axes.

    The axes are the top eigenvectors of the smaller of the two Gram matrices (d x d
    covariance, or n x n when there are fewer words than dimensions): a millisecond at
    the sizes of a live map, a fraction of a full SVD, and less exposed to BLAS threads
    that stall when the trainer keeps the other core busy.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    count, dim = vectors.shape
    if count < 2:
        return np.zeros((count, 2))
    centred = vectors - vectors.mean(axis=0)
    if dim <= count:
        _, eigenvectors = np.linalg.eigh(centred.T @ centred)
        axes = eigenvectors[:, ::-1][:, :2]
    else:
        eigenvalues, eigenvectors = np.linalg.eigh(centred @ centred.T)
        lengths = np.sqrt(np.clip(eigenvalues[::-1][:2], 0.0, None))
        axes = centred.T @ eigenvectors[:, ::-1][:, :2]
        axes /= np.where(lengths > 1e-12 * max(lengths[0], 1e-300), lengths, np.inf)
    # fix each axis's sign by its largest loading, as scikit-learn does, so that the same
    # vectors always give the same picture
    largest = axes[np.argmax(np.abs(axes), axis=0), np.arange(axes.shape[1])]
    layout = centred @ (axes * np.where(largest < 0, -1.0, 1.0))
    if layout.shape[1] < 2:
        layout = np.pad(layout, ((0, 0), (0, 2 - layout.shape[1])))
    return layout


def handout_layout(vectors: np.ndarray) -> np.ndarray:
    """(n, 2): the handout's run.py projection, exactly: the rows centred, their covariance
    (1/n) XᵀX, its SVD U S Vᵀ, and the coordinates X·U[:, :2]. No rescaling, no rotation:
    only each axis's sign, which an SVD leaves open, is kept from frame to frame by
    MapTracker."""
    vectors = np.asarray(vectors, dtype=np.float64)
    centred = vectors - vectors.mean(axis=0)
    covariance = centred.T @ centred / max(len(vectors), 1)
    left, _, _ = np.linalg.svd(covariance)
    layout = centred @ left[:, :2]
    if layout.shape[1] < 2:
        layout = np.pad(layout, ((0, 0), (0, 2 - layout.shape[1])))
    return layout


def unit_spread(layout: np.ndarray) -> np.ndarray:
    """Centre a layout and scale it to unit root-mean-square radius."""
    centred = layout - layout.mean(axis=0)
    radius = rms_radius(layout)
    return centred / radius if radius > 0 else centred


def align_on(layout: np.ndarray, rows: np.ndarray, target: np.ndarray, *,
             scale: bool = False) -> np.ndarray:
    """Rotate or reflect all of `layout` (n, 2) so that layout[rows] best matches `target`,
    and move it so that their centres coincide. With scale=True it is also scaled so
    that layout[rows] has the spread (RMS radius) of `target`.

    The scale is the ratio of the two spreads, not the least-squares factor: that one
    shrinks by the correlation of the two frames, and frames that differ a little
    would make the map shrink frame after frame.
    """
    subset = layout[rows]
    centre, target_centre = subset.mean(axis=0), target.mean(axis=0)
    rotation, _ = orthogonal_procrustes(subset - centre, target - target_centre)
    factor = 1.0
    if scale:
        own, wanted = rms_radius(subset), rms_radius(target)
        if own > 0 and wanted > 0:
            factor = wanted / own
    return (layout - centre) @ rotation * factor + target_centre


def continued_start(vectors: np.ndarray, positions: np.ndarray, shared: np.ndarray,
                     neighbours: np.ndarray, seed: int) -> np.ndarray:
    """Start positions for a new snapshot: shared words where they are; a new word at
    its nearest shared word (by cosine in the new vectors), or, if none of its
    neighbours is shown yet, at its PCA place fitted onto the shared words.
    neighbours: (n, k) each row's nearest rows by cosine, nearest first."""
    count = vectors.shape[0]
    start = np.full((count, 2), np.nan)
    start[shared] = positions
    new_rows = np.setdiff1d(np.arange(count), shared)
    if new_rows.size:
        is_shared = np.zeros(count, dtype=bool)
        is_shared[shared] = True
        fallback = align_on(pca_2d(vectors), shared, start[shared], scale=True)
        for row in new_rows:
            near = neighbours[row][is_shared[neighbours[row]]]
            start[row] = start[near[0]] if near.size else fallback[row]
        # a little jitter so that new words never sit exactly on another point
        spread = rms_radius(start[shared]) or 1.0
        rng = np.random.default_rng(seed)
        start[new_rows] += rng.normal(scale=1e-3 * spread, size=(new_rows.size, 2))
    return start
