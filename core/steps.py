"""Applying a minibatch's summed gradients to V and U without overshooting.

Sequential SGD (word2vec.c, gensim) applies each pair's update before computing the next;
a minibatch sums all of a row's gradients at the point the batch started. For most rows
that is the same step. A frequent word, met hundreds of times in one batch, would get
hundreds of steps at once and can overshoot, even diverge.

The guard: along the summed step g of a row, the Gauss-Newton curvature of the batch loss
is λ = Σ_i c_i (x_i·ĝ)², where x_i are the vectors the row was scored against and
c_i = σ'(s_i) (the Rayleigh quotient of H = Σ c_i x_i x_iᵀ along ĝ = g/|g|). When
lr·λ > 1 the step would pass the minimum of the quadratic model along g, so it is cut to
the model's minimiser, a step of 1/λ. Rows with lr·λ ≤ 1 get the plain SGD step.
"""

from __future__ import annotations

import numpy as np

from core.scatter import grouped_row_sums

_TINY = 1e-30


def apply_limited(matrix: np.ndarray, rows: np.ndarray, gradients: np.ndarray,
                  curvature: np.ndarray, learning_rate: float) -> None:
    """matrix[rows] -= step · gradients with step = lr / max(1, lr · curvature).

    rows (u,) distinct; gradients (u, d); curvature (u,) along each row's step.
    """
    step = learning_rate / np.maximum(1.0, learning_rate * curvature)
    matrix[rows] -= step.astype(matrix.dtype)[:, None] * gradients


def apply_input_rows(matrix: np.ndarray, row_ids: np.ndarray, gradients: np.ndarray,
                     curvature: np.ndarray, learning_rate: float) -> None:
    """Sum per-occurrence gradients (m, d) by row and apply them with the guard.

    `curvature` (m,) is each occurrence's own; a row met several times adds them up.
    """
    rows, sums = grouped_row_sums(row_ids, np.arange(row_ids.size),
                                  np.ones(row_ids.size, dtype=gradients.dtype), gradients,
                                  matrix.shape[0])
    row_curvature = np.bincount(row_ids, weights=curvature, minlength=matrix.shape[0])
    apply_limited(matrix, rows, sums, row_curvature[rows], learning_rate)


def output_row_curvature(rows: np.ndarray, sums: np.ndarray, keys: np.ndarray,
                         owners: np.ndarray, score_curvature: np.ndarray, inputs: np.ndarray,
                         vocab_size: int, learning_rate: float) -> np.ndarray:
    """(u,) curvature of each output row along its summed step.

    rows (u,) and sums (u, d): the rows and their summed gradients; keys, owners,
    score_curvature (m,): for each score, its row, its input row and c = σ'(s);
    inputs (n, d). The trace bound Σ c |x|² ≥ λ clears most rows at once; λ itself
    (one (n × hot) product) is computed only for rows the bound cannot clear.
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
