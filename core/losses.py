"""The two word2vec losses and their gradients, per example (the handout's form) and batched.

Notation follows the CS224n handout. Rows of a matrix are words:
    v_c            the center word's vector, a row of the center matrix V   (d,)
    U              the outside (context) matrix                              (|V|, d)
    u_o            the true outside word's row of U                          (d,)
    ŷ = softmax(U v_c),   y = one-hot(o)

The per-example functions are the reference: the batched ones are tested against them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.functions import log_sigmoid, sigmoid, softmax

# ---------------------------------------------------------------------------------------
# Per example: one center vector, one outside word. Float64 in the handout's tests.
# ---------------------------------------------------------------------------------------


def naive_softmax_loss_and_gradient(
    center_vector: np.ndarray, outside_index: int, outside_vectors: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Naive-softmax loss J = -log ŷ_o for one (center, outside) pair.

    center_vector: (d,) v_c.  outside_index: o.  outside_vectors: (|V|, d) U.
    Returns (loss, dJ/dv_c of shape (d,), dJ/dU of shape (|V|, d)).
    Cost: O(|V| d) per pair, the lesson negative sampling answers.
    """
    y_hat = softmax(outside_vectors @ center_vector)  # ŷ = softmax(U v_c)
    loss = -np.log(y_hat[outside_index])  # J = -log ŷ_o
    error = y_hat.copy()
    error[outside_index] -= 1.0  # ŷ - y
    grad_center = outside_vectors.T @ error  # dJ/dv_c = U^T (ŷ - y)
    grad_outside = np.outer(error, center_vector)  # dJ/dU = (ŷ - y) v_c^T, one row a word
    return float(loss), grad_center, grad_outside


def draw_negative_samples(outside_index: int, sample_index, count: int) -> list[int]:
    """Draw `count` noise words by calling `sample_index()` once per draw, in order.

    A draw equal to the outside word is redrawn, so the true word is never a negative.
    Other words may repeat. `sample_index` is a zero-argument callable returning an int,
    e.g. a dataset's unigram^0.75 sampler.
    """
    negatives = []
    for _ in range(count):
        drawn = sample_index()
        while drawn == outside_index:
            drawn = sample_index()
        negatives.append(drawn)
    return negatives


def neg_sampling_loss_and_gradient(
    center_vector: np.ndarray,
    outside_index: int,
    outside_vectors: np.ndarray,
    negative_indices: Sequence[int],
) -> tuple[float, np.ndarray, np.ndarray]:
    """Negative-sampling loss for one pair, with the K noise words already drawn.

    J = -log σ(u_o·v_c) - Σ_k log σ(-u_k·v_c).
    A word drawn k times among the negatives contributes k terms, hence k times its
    gradient row (the handout's question (g)); the loop accumulates rather than assigns.
    Returns (loss, dJ/dv_c (d,), dJ/dU (|V|, d)).
    """
    u_o = outside_vectors[outside_index]
    negatives = np.asarray(negative_indices, dtype=np.intp)
    u_k = outside_vectors[negatives]  # (K, d)
    score_o = u_o @ center_vector  # u_o·v_c
    score_k = u_k @ center_vector  # u_k·v_c, (K,)

    loss = -log_sigmoid(score_o) - np.sum(log_sigmoid(-score_k))

    # d/dx [-log σ(x)] = σ(x) - 1 and d/dx [-log σ(-x)] = σ(x)
    coeff_o = sigmoid(score_o) - 1.0
    coeff_k = sigmoid(score_k)
    # dJ/dv_c = (σ(u_o·v_c) - 1) u_o + Σ_k σ(u_k·v_c) u_k
    grad_center = coeff_o * u_o + coeff_k @ u_k
    grad_outside = np.zeros_like(outside_vectors)
    # dJ/du_o = (σ(u_o·v_c) - 1) v_c
    grad_outside[outside_index] += coeff_o * center_vector
    # dJ/du_k = σ(u_k·v_c) v_c, once per draw: repeated draws add up
    for k, word in enumerate(negatives):
        grad_outside[word] += coeff_k[k] * center_vector
    return float(loss), grad_center, grad_outside


# ---------------------------------------------------------------------------------------
# Batched: B pairs at once, no Python loop per pair. Used by the fast trainer.
# ---------------------------------------------------------------------------------------


@dataclass
class BatchGradients:
    """Losses and gradients of a batch of B pairs.

    loss:         (B,) the loss of each pair
    center:       (B, d) dJ/d(input vector) for each pair's input row
    outside_rows: (M,) rows of U that receive gradient (may repeat)
    outside:      (M, d) the gradient to add at each of those rows
    """

    loss: np.ndarray
    center: np.ndarray
    outside_rows: np.ndarray
    outside: np.ndarray


def batched_neg_sampling(
    inputs: np.ndarray,
    outside_indices: np.ndarray,
    negative_indices: np.ndarray,
    outside_vectors: np.ndarray,
) -> BatchGradients:
    """Negative sampling for B pairs: inputs (B, d), outside_indices (B,), negatives (B, K).

    The same formulas as `neg_sampling_loss_and_gradient`, row by row: target and noise
    words are stacked as K+1 columns, with label 1 for the target and 0 for the noise,
    so that dJ/ds = σ(s) - label for every score s.
    """
    batch = inputs.shape[0]
    targets = np.concatenate([outside_indices[:, None], negative_indices], axis=1)  # (B, K+1)
    target_vectors = outside_vectors[targets]  # (B, K+1, d)
    scores = np.einsum("bkd,bd->bk", target_vectors, inputs)  # u_j·v_c
    signs = np.ones_like(scores)
    signs[:, 1:] = -1.0
    # J = -log σ(u_o·v_c) - Σ_k log σ(-u_k·v_c)
    loss = -np.sum(log_sigmoid(signs * scores), axis=1)
    coeff = sigmoid(scores)
    coeff[:, 0] -= 1.0  # σ(s) - label
    grad_inputs = np.einsum("bk,bkd->bd", coeff, target_vectors)  # Σ_j coeff_j u_j
    grad_rows = coeff[:, :, None] * inputs[:, None, :]  # coeff_j v_c, one row per draw
    width = targets.shape[1]
    return BatchGradients(
        loss=loss,
        center=grad_inputs,
        outside_rows=targets.reshape(batch * width),
        outside=grad_rows.reshape(batch * width, -1),
    )


def batched_naive_softmax(
    inputs: np.ndarray, outside_indices: np.ndarray, outside_vectors: np.ndarray
) -> BatchGradients:
    """Naive softmax for B pairs with one dense (B, |V|) product over the whole vocabulary."""
    batch = inputs.shape[0]
    y_hat = softmax(inputs @ outside_vectors.T)  # (B, |V|)
    rows = np.arange(batch)
    loss = -np.log(np.maximum(y_hat[rows, outside_indices], np.finfo(y_hat.dtype).tiny))
    error = y_hat
    error[rows, outside_indices] -= 1.0  # ŷ - y
    return BatchGradients(
        loss=loss,
        center=error @ outside_vectors,  # U^T (ŷ - y) for each pair
        outside_rows=np.arange(outside_vectors.shape[0]),
        outside=error.T @ inputs,  # Σ_pairs (ŷ - y) v_c^T
    )
