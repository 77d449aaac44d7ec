"""Compare two embeddings A and B of any vocabularies and dimensions.

- The shared words, in A's order (a trained model's and most vector files' order is most
  frequent first); the `words` first of them are the ones ranked.
- A onto B by orthogonal Procrustes (SciPy's `orthogonal_procrustes`) on those words'
  unit vectors, the smaller dimension padded with zeros: a rotation (or reflection), so
  no distance within A changes, and one map basis serves both.
- For each ranked word: its k nearest neighbours among the ranked words, by exact
  cosine, computed in A and in B each on its own (the alignment cannot change them); the
  share of A's k kept in B, the neighbours gained and lost; and the cosine between its
  aligned A vector and its B vector.
- Ranked most changed first: the fewest neighbours kept, then the lowest cosine.

Bad input raises CompareError: no word in common, or fewer shared words than dimensions
(the rotation is then not determined by the words).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import orthogonal_procrustes

from core.vectors.embeddings import Embeddings

CHUNK = 2048  # rows of the similarity matrix computed at once, at most
BLOCK_ENTRIES = 2048 * 20_000  # and at most this many similarities (160 MB of float32)


class CompareError(ValueError):
    """Two embeddings that cannot be compared; the message says why."""


class Cancelled(Exception):  # noqa: N818 (not an error: the user asked for it)
    """The comparison was cancelled."""


@dataclass(frozen=True)
class WordChange:
    word: str
    kept: float  # the share of its k nearest neighbours in A that are among them in B
    cosine: float  # between its A vector (aligned onto B) and its B vector
    gained: tuple[str, ...]  # neighbours in B, not in A (in B's order, nearest first)
    lost: tuple[str, ...]  # neighbours in A, not in B (in A's order)

    def to_json(self) -> dict:
        return {"word": self.word, "kept": self.kept, "cosine": self.cosine,
                "gained": list(self.gained), "lost": list(self.lost)}


@dataclass
class Comparison:
    shared: int
    only_in_a: list[str]
    only_in_b: list[str]
    k: int
    words: list[WordChange]  # the ranked words, most changed first
    rotation: np.ndarray  # (d, d): A's padded unit vectors @ rotation ≈ B's
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"shared": self.shared, "only_in_a": len(self.only_in_a),
                "only_in_b": len(self.only_in_b), "k": self.k,
                "words": [change.to_json() for change in self.words]}


def unit_rows(vectors: np.ndarray, dim: int) -> np.ndarray:
    """float32 rows scaled to length 1 (zero rows stay zero), padded to `dim` columns."""
    rows = np.zeros((len(vectors), dim), dtype=np.float32)
    rows[:, :vectors.shape[1]] = vectors
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.divide(rows, norms, out=rows, where=norms > 0)
    return rows


def nearest(unit: np.ndarray, k: int, progress: Callable[[int], None],
            cancelled: Callable[[], bool]) -> np.ndarray:
    """(n, k) the k nearest rows of each row by cosine (itself left out), nearest first."""
    n = len(unit)
    found = np.empty((n, k), dtype=np.int64)
    chunk = max(16, min(CHUNK, BLOCK_ENTRIES // max(n, 1)))  # rows at a time, bounded
    for start in range(0, n, chunk):
        if cancelled():
            raise Cancelled
        block = unit[start:start + chunk] @ unit.T
        rows = np.arange(len(block))
        block[rows, start + rows] = -np.inf  # not its own neighbour
        found[start:start + len(block)] = top_k(block, k)
        progress(len(block))
    return found


def top_k(block: np.ndarray, k: int) -> np.ndarray:
    """(rows, k) the columns of each row's k largest values, largest first. Found from
    the k-th largest value (np.partition; argpartition was 25 times slower on clustered
    vectors), then the few entries at or above it sorted."""
    threshold = np.partition(block, -k, axis=1)[:, -k]
    rows, columns = np.nonzero(block >= threshold[:, None])
    order = np.lexsort((-block[rows, columns], rows))  # by row, then largest first
    rows, columns = rows[order], columns[order]
    starts = np.searchsorted(rows, np.arange(len(block)))
    return columns[starts[:, None] + np.arange(k)]  # ties beyond the k-th left out


def compare(a: Embeddings, b: Embeddings, k: int = 10, words: int = 20_000,
            progress: Callable[[float], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Comparison:
    """Compare A with B (see the module's docstring). progress(fraction done) is called
    as it goes; when cancelled() turns true, it stops with Cancelled."""
    started = time.perf_counter()
    cancelled = cancelled or (lambda: False)
    in_b = b.index
    shared = [word for word in a.words if word in in_b]
    in_a = a.index
    only_a = [word for word in a.words if word not in in_b]
    only_b = [word for word in b.words if word not in in_a]
    if not shared:
        raise CompareError(f"the two embeddings have no word in common ({len(a):,} and "
                           f"{len(b):,} words): there is nothing to compare.")
    dim = max(a.dim, b.dim)
    if len(shared) < dim:
        raise CompareError(
            f"only {len(shared):,} shared words for {dim} dimensions: the rotation that "
            f"aligns them is not determined by fewer words than dimensions. Compare "
            "embeddings that share more words.")
    if k < 1:
        raise CompareError("k must be at least 1.")
    ranked = shared[:words]
    if len(ranked) < 2:
        raise CompareError("a word's neighbours need at least two shared words to rank.")
    if len(ranked) < dim:  # the rotation is fitted on the ranked words
        raise CompareError(
            f"{len(ranked):,} words to rank for {dim} dimensions: the rotation that aligns "
            "them is not determined by fewer words than dimensions. Rank at least "
            f"{dim} words.")
    k = min(k, len(ranked) - 1)
    rows_a = np.fromiter((in_a[w] for w in ranked), dtype=np.int64, count=len(ranked))
    rows_b = np.fromiter((in_b[w] for w in ranked), dtype=np.int64, count=len(ranked))
    unit_a = unit_rows(a.vectors[rows_a], dim)
    unit_b = unit_rows(b.vectors[rows_b], dim)
    rotation, _ = orthogonal_procrustes(unit_a.astype(np.float64), unit_b.astype(np.float64))
    total, done = 2 * len(ranked), [0]

    def advanced(count: int) -> None:
        done[0] += count
        if progress is not None:
            progress(done[0] / total)

    near_a = nearest(unit_a, k, advanced, cancelled)
    near_b = nearest(unit_b, k, advanced, cancelled)
    aligned = unit_a @ rotation.astype(np.float32)
    cosines = np.sum(aligned * unit_b, axis=1)
    changes = []
    for word, mine, theirs, cosine in zip(ranked, near_a.tolist(), near_b.tolist(),
                                          cosines.tolist(), strict=True):
        in_mine, in_theirs = set(mine), set(theirs)
        changes.append(WordChange(
            word, len(in_mine & in_theirs) / k, cosine,
            tuple(ranked[j] for j in theirs if j not in in_mine),
            tuple(ranked[j] for j in mine if j not in in_theirs)))
    changes.sort(key=lambda change: (change.kept, change.cosine))
    return Comparison(len(shared), only_a, only_b, k, changes, rotation,
                      time.perf_counter() - started)


def arrow_layout(a: Embeddings, b: Embeddings, rotation: np.ndarray,
                 words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) where each word is in A (aligned onto B) and in B, on one 2-D basis: the
    two principal axes of both sets of unit vectors together, so one linear projection
    serves both and an arrow from A's place to B's shows how the word moved."""
    dim = rotation.shape[0]
    in_a = unit_rows(a.vectors[[a.index[w] for w in words]], dim) @ rotation.astype(
        np.float32)
    in_b = unit_rows(b.vectors[[b.index[w] for w in words]], dim)
    both = np.vstack([in_a, in_b]).astype(np.float64)
    centre = both.mean(axis=0)
    _, _, axes = np.linalg.svd(both - centre, full_matrices=False)
    basis = axes[:2].T
    return (in_a - centre) @ basis, (in_b - centre) @ basis
