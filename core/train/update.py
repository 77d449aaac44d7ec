"""Applying a batch's gradients (core.train.forward.Gradients) to the vectors: at once
(`train_batch`: the forward pass and the update, the whole of a step that fits one chunk),
or added to a chunked step's sums and applied by its last chunk.

With negative sampling each row's summed step is limited by its curvature
(core.math.steps): the true outside rows by the trace bound, or, for the "hot" rows of a
chunked step, by their curvature along the summed step, which needs the whole sum first.
Naive softmax and the handout's batching take the plain step x ← x − rate · dJ/dx.
"""

from __future__ import annotations

import numpy as np

from core.math.functions import sigmoid
from core.math.scatter import scatter_add_rows
from core.math.steps import (
    StepSums,
    apply_input_rows,
    apply_limited,
    curvature_along,
    curvature_bound,
    output_row_curvature,
    unit_directions,
)
from core.train.config import TrainConfig
from core.train.forward import Batch, Gradients, loss_and_gradients


def train_batch(center_vectors: np.ndarray, outside_vectors: np.ndarray, batch: Batch,
                config: TrainConfig, rate: float, *, with_loss: bool = True,
                concurrent: int = 1) -> Gradients | None:
    """One whole step on `batch`: the forward pass, then its gradients applied in place at
    `rate`, unless one of them is not finite (then nothing changes: check
    `gradients.finite()`). None when no window of the batch has a context word. The step
    the trainer takes, on any (V, d) arrays (shared memory, say); `concurrent`: how many
    processes step on them at once (core.math.steps)."""
    gradients = loss_and_gradients(center_vectors, outside_vectors, batch, config,
                                   with_loss=with_loss)
    if gradients is not None and gradients.finite():
        apply_gradients(center_vectors, outside_vectors, gradients, rate, concurrent)
    return gradients


def apply_gradients(center_vectors: np.ndarray, outside_vectors: np.ndarray,
                    gradients: Gradients, rate: float, concurrent: int = 1) -> None:
    """One whole step: the gradients applied to the vectors in place, limited by their
    curvature when they carry it (pooled negative sampling), else plain."""
    if gradients.input_curvature is None:  # naive softmax, or the handout's batching
        if gradients.dense_outside is not None:
            outside_vectors -= rate * gradients.dense_outside
        else:
            outside_vectors[gradients.outside_rows] -= rate * gradients.outside_gradients
        scatter_add_rows(center_vectors, gradients.input_rows, gradients.input_gradients,
                         -rate)
        return
    keys, owners, score_curvature = gradients.true_scores
    true_curvature = output_row_curvature(
        gradients.outside_rows, gradients.outside_gradients, keys, owners, score_curvature,
        gradients.inputs, outside_vectors.shape[0], rate)
    apply_limited(outside_vectors, gradients.outside_rows, gradients.outside_gradients,
                  true_curvature, rate, concurrent)
    apply_input_rows(outside_vectors, gradients.pool_rows, gradients.pool_gradients,
                     gradients.pool_curvature, rate, concurrent)
    apply_input_rows(center_vectors, gradients.input_rows, gradients.input_gradients,
                     gradients.input_curvature, rate, concurrent)


def add_gradients(into: StepSums, gradients: Gradients, vocab_size: int) -> None:
    """A chunk of a larger step: its gradients added to the step's sums."""
    if gradients.input_curvature is None:
        if gradients.dense_outside is not None:
            into.add_dense(gradients.dense_outside)
        else:
            into.outside.add(gradients.outside_rows, gradients.outside_gradients)
        into.center.add_occurrences(gradients.input_rows, gradients.input_gradients)
        return
    keys, owners, score_curvature = gradients.true_scores
    into.outside.add(gradients.outside_rows, gradients.outside_gradients)
    into.outside.curvature += curvature_bound(keys, owners, score_curvature, gradients.inputs,
                                              vocab_size)
    into.pool.add_occurrences(gradients.pool_rows, gradients.pool_gradients,
                              gradients.pool_curvature)
    into.center.add_occurrences(gradients.input_rows, gradients.input_gradients,
                                gradients.input_curvature)


def apply_plain_sums(into: StepSums, center_vectors: np.ndarray, outside_vectors: np.ndarray,
                     rate: float) -> None:
    """Apply a chunked step's plain sums (naive softmax, the handout's batching)."""
    into.outside.apply_plain(outside_vectors, rate)
    if into.dense is not None:
        outside_vectors -= rate * into.dense
    into.center.apply_plain(center_vectors, rate)


def hot_rows(into: StepSums, learning_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """The true outside rows whose trace bound passes 1/lr, and their summed steps'
    directions ĝ (see core.math.steps.output_row_curvature): (hot row ids, (h, d))."""
    rows = into.outside.rows()
    hot = rows[learning_rate * into.outside.curvature[rows] > 1.0]
    return hot, unit_directions(into.outside.sums_of(hot))


def add_curvature_along(along: np.ndarray, outside_vectors: np.ndarray, hot: np.ndarray,
                        directions: np.ndarray, keys: np.ndarray, owners: np.ndarray,
                        inputs: np.ndarray) -> None:
    """Add one chunk's Σ c (x·ĝ)² to `along` (h,) for the hot rows: the scores of true
    outside words in `keys` (row ids, with their inputs `owners` of `inputs`) whose row
    is hot, c = σ'(u·x) recomputed at the step's starting point."""
    position = np.full(outside_vectors.shape[0], -1, dtype=np.int64)
    position[hot] = np.arange(hot.size)
    entry = position[keys]
    selected = entry >= 0
    entry, owners, keys = entry[selected], owners[selected], keys[selected]
    scores = np.einsum("md,md->m", outside_vectors[keys], inputs[owners])
    probabilities = sigmoid(scores)
    along += curvature_along(directions, entry, owners,
                             probabilities * (1.0 - probabilities), inputs)


def apply_negative_sums(into: StepSums, center_vectors: np.ndarray,
                        outside_vectors: np.ndarray, learning_rate: float,
                        hot: np.ndarray, along: np.ndarray, concurrent: int = 1) -> None:
    """Apply a chunked step's sums in the order a whole step applies them: U's true
    rows (hot rows limited by `along`, their curvature along the summed step), U's pool
    rows, then V's rows."""
    curvature = into.outside.curvature  # the trace bound, by row
    if hot.size:
        curvature = curvature.copy()
        curvature[hot] = along
    into.outside.apply_limited(outside_vectors, learning_rate, curvature, concurrent)
    into.pool.apply_limited(outside_vectors, learning_rate, concurrent=concurrent)
    into.center.apply_limited(center_vectors, learning_rate, concurrent=concurrent)
