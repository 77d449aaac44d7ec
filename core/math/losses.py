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

from core.math.functions import log_sigmoid, sigmoid, softmax_with_log_norm
from core.math.scatter import grouped_row_sums

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
    scores = outside_vectors @ center_vector  # s_w = u_w · v_c
    y_hat, log_norm = softmax_with_log_norm(scores)  # ŷ = softmax(U v_c)
    # J = -log ŷ_o = log Σ_w exp(s_w) - s_o: finite even where ŷ_o underflows to 0
    loss = log_norm - scores[outside_index]
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


def draw_negative_batch(draw, outside_indices: np.ndarray, count: int) -> np.ndarray:
    """(B, count) noise words for B pairs at once, as `draw_negative_samples` draws them
    for one: a draw equal to the pair's outside word is drawn again. `draw(shape)` returns
    an int array of that shape, e.g. slots of a unigram^0.75 table."""
    negatives = draw((outside_indices.size, count))
    clash = negatives == outside_indices[:, None]
    while clash.any():
        negatives[clash] = draw((int(clash.sum()),))
        clash = negatives == outside_indices[:, None]
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
    outside_rows: (M,) distinct rows of U that receive gradient
    outside:      (M, d) the gradient of each of those rows
    score_curvature: (B, J) d²J/ds² = weight · σ'(s) of each score, when computed; with
                  it the Gauss-Newton Hessian of a row is Σ σ'(s) x xᵀ over the vectors x
                  that row was scored against (used to keep summed steps stable)
    target_vectors: (B, J, d) the U rows each input was scored against, when computed
    """

    loss: np.ndarray
    center: np.ndarray
    outside_rows: np.ndarray
    outside: np.ndarray
    score_curvature: np.ndarray | None = None
    target_vectors: np.ndarray | None = None


def weighted_neg_sampling(
    inputs: np.ndarray,
    targets: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    outside_vectors: np.ndarray,
    with_loss: bool = True,
) -> BatchGradients:
    """Negative sampling in its general batched form: each input row scores J target rows.

    inputs (n, d); targets (n, J) rows of U; labels (n, J) or (J,): 1 for a true outside
    word, 0 for a noise word; weights (n, J): each score's term is multiplied by its
    weight (loss, gradient and curvature alike). The callers use 1 for a real term and 0
    for padding: the trainer's masked (n, 2·window) block of true outside words, and
    `batched_neg_sampling`'s all-ones (B, K+1). A word that appears twice in a row of
    `targets` (a repeated outside or noise word) has two columns, each counted once.
    Per score s = u_j·v: J_j = -log σ(s) if label 1 else -log σ(-s), and dJ_j/ds = σ(s) - label.
    Returns per-row losses (n,) (NaN without `with_loss`), dJ/d inputs (n, d) and the U
    rows with their gradients.
    """
    labels = np.broadcast_to(labels, targets.shape)
    target_vectors = np.take(outside_vectors, targets, axis=0)  # (n, J, d)
    scores = np.einsum("njd,nd->nj", target_vectors, inputs)  # u_j·v
    if with_loss:
        signed = np.where(labels > 0, scores, -scores)
        # J = -log σ(u_o·v_c) - Σ_k log σ(-u_k·v_c), each term counted `weight` times
        loss = -np.sum(weights * log_sigmoid(signed), axis=1)
    else:
        loss = np.full(scores.shape[0], np.nan, dtype=scores.dtype)
    probabilities = sigmoid(scores)
    coeff = weights * (probabilities - labels)  # dJ/ds
    # dJ/dv_c = Σ_j coeff_j u_j
    grad_inputs = np.einsum("nj,njd->nd", coeff, target_vectors)
    # dJ/du_j = Σ over the scores that use row j of coeff · v (repeats accumulate)
    used = coeff != 0
    owner = np.nonzero(used)[0]  # the input row behind each used score
    rows, grad_rows = grouped_row_sums(targets[used], owner, coeff[used], inputs,
                                       outside_vectors.shape[0])
    return BatchGradients(
        loss=loss, center=grad_inputs, outside_rows=rows, outside=grad_rows,
        # d²J/ds² = σ'(s) = σ(s)(1 - σ(s)), counted `weight` times
        score_curvature=weights * probabilities * (1.0 - probabilities),
        target_vectors=target_vectors,
    )


@dataclass
class PooledNoise:
    """The noise half of negative sampling when groups of inputs share a pool of noise words.

    loss:      (G, g) the noise terms of each input
    inputs:    (G, g, d) dJ/dv for each input
    pool:      (G, M, d) dJ/du for each pool entry (a word drawn twice has two entries)
    curvature: (G, g, M) weight · σ'(s) of each score
    """

    loss: np.ndarray
    inputs: np.ndarray
    pool: np.ndarray
    curvature: np.ndarray


def pooled_noise(inputs: np.ndarray, pool_vectors: np.ndarray, weights: np.ndarray,
                 with_loss: bool = True) -> PooledNoise:
    """J_noise = -Σ_m w · log σ(-u_m·v) for every input v of a group and every word m of
    its pool, computed as dense products (no per-pair gathers).

    inputs (G, g, d); pool_vectors (G, M, d); weights (G, g, 1) or (G, g, M): how many
    noise terms each score stands for. With M = K pool words of weight 1 and g = 1, this
    is exactly the noise part of `neg_sampling_loss_and_gradient`. The trainer passes
    pairs · K / M for an input with `pairs` pairs: its pairs' K draws each, spread evenly
    over the M pool words, so that the expectation over pools drawn from the noise
    distribution is that of K fresh draws per pair.
    """
    scores = inputs @ pool_vectors.transpose(0, 2, 1)  # u_m·v, (G, g, M)
    probabilities = sigmoid(scores)
    weights = np.broadcast_to(weights, scores.shape)
    coeff = weights * probabilities  # d/ds [-log σ(-s)] = σ(s)
    return PooledNoise(
        loss=(-np.sum(weights * log_sigmoid(-scores), axis=2) if with_loss
              else np.full(scores.shape[:2], np.nan, dtype=scores.dtype)),
        inputs=coeff @ pool_vectors,  # dJ/dv = Σ_m w σ(u_m·v) u_m
        pool=coeff.transpose(0, 2, 1) @ inputs,  # dJ/du_m = Σ_v w σ(u_m·v) v
        curvature=weights * probabilities * (1.0 - probabilities),
    )


def batched_neg_sampling(
    inputs: np.ndarray,
    outside_indices: np.ndarray,
    negative_indices: np.ndarray,
    outside_vectors: np.ndarray,
) -> BatchGradients:
    """Negative sampling for B pairs: inputs (B, d), outside_indices (B,), negatives (B, K).

    The same formulas as `neg_sampling_loss_and_gradient`, row by row: the target word is
    column 0 with label 1, the K noise words follow with label 0.
    """
    targets = np.concatenate([outside_indices[:, None], negative_indices], axis=1)  # (B, K+1)
    labels = np.zeros(targets.shape[1], dtype=inputs.dtype)
    labels[0] = 1
    weights = np.ones(targets.shape, dtype=inputs.dtype)
    return weighted_neg_sampling(inputs, targets, labels, weights, outside_vectors)


def batched_naive_softmax(
    inputs: np.ndarray, outside_indices: np.ndarray, outside_vectors: np.ndarray
) -> BatchGradients:
    """Naive softmax for B pairs with one dense (B, |V|) product over the whole vocabulary."""
    batch = inputs.shape[0]
    scores = inputs @ outside_vectors.T  # (B, |V|)
    y_hat, log_norm = softmax_with_log_norm(scores)
    rows = np.arange(batch)
    loss = log_norm - scores[rows, outside_indices]  # log Σ_w exp(s_w) - s_o
    error = y_hat
    error[rows, outside_indices] -= 1.0  # ŷ - y
    return BatchGradients(
        loss=loss,
        center=error @ outside_vectors,  # U^T (ŷ - y) for each pair
        outside_rows=np.arange(outside_vectors.shape[0]),
        outside=error.T @ inputs,  # Σ_pairs (ŷ - y) v_c^T
    )
