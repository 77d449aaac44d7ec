"""Summing rows by index: how a minibatch's gradients reach the rows of V and U.

Fancy assignment (`U[rows] += g`) loses repeated rows and `np.add.at` is slow, so rows
are summed by one sparse product: (unique rows × n) @ (n × d).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


def grouped_row_sums(
    keys: np.ndarray, owners: np.ndarray, weights: np.ndarray, vectors: np.ndarray,
    key_space: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Σ weights[i] · vectors[owners[i]] for each distinct key.

    keys, owners, weights: (m,); vectors: (n, d); keys lie in 0..key_space-1.
    Returns (unique keys (u,) sorted, sums (u, d) in vectors' dtype).
    """
    present = np.bincount(keys, minlength=key_space)
    unique = np.flatnonzero(present)
    compact = np.empty(key_space, dtype=np.int32)
    compact[unique] = np.arange(unique.size, dtype=np.int32)
    compact_keys = compact[keys]
    # A stable sort by key groups each row's entries; on 16-bit keys NumPy sorts by radix.
    if unique.size <= np.iinfo(np.uint16).max:
        compact_keys = compact_keys.astype(np.uint16)
    order = np.argsort(compact_keys, kind="stable")
    indptr = np.zeros(unique.size + 1, dtype=np.int64)
    np.cumsum(present[unique], out=indptr[1:])
    summing = sparse.csr_matrix(
        (weights[order].astype(vectors.dtype, copy=False), owners[order], indptr),
        shape=(unique.size, vectors.shape[0]),
    )
    return unique, summing @ vectors


def scatter_add_rows(target: np.ndarray, rows: np.ndarray, values: np.ndarray,
                     scale: float = 1.0) -> None:
    """target[rows] += scale · values, repeated rows adding up. values: (m, d)."""
    if rows.size == 0:
        return
    weights = np.full(rows.size, scale, dtype=values.dtype)
    unique, sums = grouped_row_sums(rows, np.arange(rows.size), weights, values,
                                    target.shape[0])
    target[unique] += sums
