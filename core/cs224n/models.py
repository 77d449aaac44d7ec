"""Skip-gram and CBOW for one window, built on either loss (per example, the handout's form).

A loss is any callable `loss(input_vector, target_index, outside_vectors)` returning
`(loss, dJ/d input_vector, dJ/dU)`, e.g. `naive_softmax_loss_and_gradient`, or
`neg_sampling_loss_and_gradient` with its noise words bound by `negative_sampling_loss`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.math.losses import (
    draw_negative_samples,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
)

LossFunction = Callable[[np.ndarray, int, np.ndarray], tuple[float, np.ndarray, np.ndarray]]


def negative_sampling_loss(sample_index: Callable[[], int], count: int = 10) -> LossFunction:
    """Bind a noise sampler to the negative-sampling loss: K fresh draws on every call."""

    def loss(center_vector: np.ndarray, outside_index: int, outside_vectors: np.ndarray):
        negatives = draw_negative_samples(outside_index, sample_index, count)
        return neg_sampling_loss_and_gradient(
            center_vector, outside_index, outside_vectors, negatives
        )

    return loss


def skipgram(
    center_index: int,
    outside_indices: Sequence[int],
    center_vectors: np.ndarray,
    outside_vectors: np.ndarray,
    loss_and_gradient: LossFunction = naive_softmax_loss_and_gradient,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Skip-gram for one window: J = Σ_{o in window} J(v_c, o, U), outside words in order.

    center_vectors: (|V|, d) V.  outside_vectors: (|V|, d) U.
    Returns (loss, dJ/dV (|V|, d), non-zero only in row c, dJ/dU (|V|, d) accumulated).
    """
    grad_center_vectors = np.zeros_like(center_vectors)
    grad_outside_vectors = np.zeros_like(outside_vectors)
    total = 0.0
    center_vector = center_vectors[center_index]
    for outside_index in outside_indices:
        loss, grad_center, grad_outside = loss_and_gradient(
            center_vector, outside_index, outside_vectors
        )
        total += loss
        grad_center_vectors[center_index] += grad_center
        grad_outside_vectors += grad_outside
    return total, grad_center_vectors, grad_outside_vectors


def cbow(
    center_index: int,
    context_indices: Sequence[int],
    center_vectors: np.ndarray,
    outside_vectors: np.ndarray,
    loss_and_gradient: LossFunction = naive_softmax_loss_and_gradient,
) -> tuple[float, np.ndarray, np.ndarray]:
    """CBOW for one window: predict the center word from its context.

    The context words' input vectors (rows of `center_vectors`, V) are **summed**, as in
    the 2017 handout: v̂ = Σ_{w in context} v_w, and J = J(v̂, c, U). Since dv̂/dv_w = I,
    every context occurrence receives dJ/dv̂ (a word present twice receives it twice).
    Returns (loss, dJ/dV, dJ/dU), both (|V|, d).
    """
    grad_center_vectors = np.zeros_like(center_vectors)
    context = np.asarray(context_indices, dtype=np.intp)
    if context.size == 0:
        return 0.0, grad_center_vectors, np.zeros_like(outside_vectors)
    summed_context = center_vectors[context].sum(axis=0)  # v̂ = Σ v_w
    loss, grad_summed, grad_outside_vectors = loss_and_gradient(
        summed_context, center_index, outside_vectors
    )
    np.add.at(grad_center_vectors, context, grad_summed)  # dJ/dv_w = dJ/dv̂, per occurrence
    return loss, grad_center_vectors, grad_outside_vectors
