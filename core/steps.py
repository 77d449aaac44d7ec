"""Applying a minibatch's summed gradients to V and U without overshooting.

Sequential SGD (word2vec.c, gensim) applies each pair's update before computing the next;
a minibatch sums all of a row's gradients at the point the batch started. For most rows
that is the same step. A frequent word, met hundreds of times in one batch, would get
hundreds of steps at once and can overshoot, even diverge.

The guard (`apply_limited`): a row with summed gradient g and curvature estimate λ moves
by -lr / max(1, lr·λ) · g, the plain SGD step when lr·λ ≤ 1, else a step of 1/λ. If λ is
the Gauss-Newton curvature of the batch loss along g, λ = Σ_i c_i (x_i·ĝ)² with ĝ = g/|g|,
x_i the vectors the row was scored against and c_i = σ'(s_i) (the Rayleigh quotient of
H = Σ c_i x_i x_iᵀ along ĝ), then 1/λ is the minimiser of the quadratic model along g, and
lr·λ > 1 means the plain step would pass it. What λ the callers pass:

- `output_row_curvature` (U's rows scored as true outside words): λ along the summed step
  exactly, for the rows whose trace bound Σ_i c_i |x_i|² exceeds 1/lr; the other rows get
  the bound itself, which is ≤ 1/lr, so they take the plain step just as they would with λ.
- `apply_input_rows` (V's rows, and U's noise-pool rows): the sum over the row's
  occurrences of each occurrence's own curvature, which the caller computes along that
  occurrence's gradient: Σ_occ Σ_i c_i (x_i·ĝ_occ)². For a row met once this is λ along
  its step; for a row met several times it is not the curvature along the summed step
  (it may be larger or smaller).
"""

from __future__ import annotations

import numpy as np

from core.scatter import grouped_row_sums

_TINY = 1e-30


def apply_limited(matrix: np.ndarray, rows: np.ndarray, gradients: np.ndarray,
                  curvature: np.ndarray, learning_rate: float) -> None:
    """matrix[rows] -= step · gradients with step = lr / max(1, lr · curvature): the plain
    SGD step lr where lr · curvature ≤ 1, else 1 / curvature.

    rows (u,) distinct; gradients (u, d); curvature (u,) the caller's estimate for each
    row (see the module for what each caller passes).
    """
    step = learning_rate / np.maximum(1.0, learning_rate * curvature)
    matrix[rows] -= step.astype(matrix.dtype)[:, None] * gradients


def apply_input_rows(matrix: np.ndarray, row_ids: np.ndarray, gradients: np.ndarray,
                     curvature: np.ndarray, learning_rate: float) -> None:
    """Sum per-occurrence gradients (m, d) by row and apply them with the guard.

    row_ids (m,) may repeat; `curvature` (m,) is each occurrence's own (the caller's, along
    that occurrence's gradient). A row met several times is limited by the sum of its
    occurrences' curvatures, not by the curvature along its summed step.
    """
    rows, sums = grouped_row_sums(row_ids, np.arange(row_ids.size),
                                  np.ones(row_ids.size, dtype=gradients.dtype), gradients,
                                  matrix.shape[0])
    row_curvature = np.bincount(row_ids, weights=curvature, minlength=matrix.shape[0])
    apply_limited(matrix, rows, sums, row_curvature[rows], learning_rate)


def output_row_curvature(rows: np.ndarray, sums: np.ndarray, keys: np.ndarray,
                         owners: np.ndarray, score_curvature: np.ndarray, inputs: np.ndarray,
                         vocab_size: int, learning_rate: float) -> np.ndarray:
    """(u,) curvature of each output row, for `apply_limited`.

    rows (u,) and sums (u, d): the rows and their summed gradients; keys, owners,
    score_curvature (m,): for each score, its row, its input row and c = σ'(s) (scores
    whose key is not in `rows` are ignored); inputs (n, d).
    Every row first gets the trace bound Σ c |x|², which is ≥ the curvature along any
    direction. Rows with lr · bound > 1 ("hot") get instead λ = Σ c (x·ĝ)² along their
    summed step ĝ = sums / |sums| (one (n × hot) product). The other rows keep the bound:
    it is ≤ 1/lr, so `apply_limited` gives them the plain step, as λ would.
    """
    position = np.full(vocab_size, -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    entry_row = position[keys]
    known = entry_row >= 0
    entry_row, owners, score_curvature = entry_row[known], owners[known], score_curvature[known]
    input_norms = np.einsum("nd,nd->n", inputs, inputs)
    curvature = np.bincount(entry_row, weights=score_curvature * input_norms[owners],
                            minlength=rows.size)
    hot = np.flatnonzero(learning_rate * curvature > 1.0)
    if hot.size:
        directions = sums[hot] / np.maximum(np.linalg.norm(sums[hot], axis=1), _TINY)[:, None]
        projections = inputs @ directions.T  # (n, hot): x_i·ĝ for every input and hot row
        hot_index = np.full(rows.size, -1, dtype=np.int64)
        hot_index[hot] = np.arange(hot.size)
        entry_hot = hot_index[entry_row]
        selected = entry_hot >= 0
        along = projections[owners[selected], entry_hot[selected]]
        curvature[hot] = np.bincount(entry_hot[selected],
                                     weights=score_curvature[selected] * along * along,
                                     minlength=hot.size)
    return curvature
