"""The model's forward pass: one batch's loss and gradients as a pure function of the
parameters, the one place the trainer's step, the gradient check and the step inspector
take them from.

A `Batch` is what one step (or one chunk of a larger step) trains on: windows of center
words with their context words, and the noise words drawn for them. `loss_and_gradients`
reads the parameters and the batch and writes nothing: it returns the summed loss and
every gradient, at the parameters it was given, as rows (which rows of V and U receive
which gradient), with the curvatures the trainer's step guard needs
(core.math.steps). Applying them is the caller's: the trainer (core.train.trainer) adds
them to the vectors or to a chunked step's sums; the gradient check (core.train.gradcheck)
gathers them into dense dJ/dV and dJ/dU. The same function runs on any (V, d) arrays, so
a worker process can run it on arrays in shared memory.

    skip-gram, naive softmax      batched_naive_softmax over every (center, outside) pair
    skip-gram, negative sampling  weighted_neg_sampling for the true outside words, plus
                                  pooled_noise: groups of NOISE_GROUP inputs share a pool of
                                  NOISE_POOL noise words, each pool word counted
                                  pairs · K / NOISE_POOL times
    CBOW, either loss             the same, with v̂ = Σ v_w over the window (the mean with
                                  cbow_mean) as the input and the center word as the target;
                                  every context word receives the whole dJ/dv̂ (word2vec.c)
    the handout's batching        skip-gram pairs (whatever the model), each with K noise
                                  words of its own (batched_neg_sampling)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

from core.math.functions import normalize_rows as unit_rows
from core.math.losses import (
    BatchGradients,
    PooledNoise,
    batched_naive_softmax,
    batched_neg_sampling,
    draw_negative_batch,
    pooled_noise,
    weighted_neg_sampling,
)
from core.train.config import TrainConfig

NOISE_GROUP = 64  # inputs that share one pool of noise words
NOISE_POOL = 48  # noise words in a pool

Draw = Callable[[tuple[int, ...]], np.ndarray]  # noise words of a shape


@dataclass(frozen=True)
class Batch:
    """What one step (or chunk) trains on.

    centers:  (n,) int, each window's center word
    context:  (n, 2·window) int, its context words
    valid:    (n, 2·window) bool, the slots that are real context words
    pools:    (G, NOISE_POOL) the pooled noise words (negative sampling, batching="corpus"):
              group g serves the windows with a context word numbered g·NOISE_GROUP … ;
              None otherwise
    noise:    (pairs, K) each pair's K noise words (batching="windows"), the pairs in the
              order of np.nonzero(valid); None otherwise
    counts:   (n,) each window's context words (derived from valid, counted once)
    """

    centers: np.ndarray
    context: np.ndarray
    valid: np.ndarray
    pools: np.ndarray | None = None
    noise: np.ndarray | None = None
    counts: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.counts is None:  # each window's context words, counted once
            object.__setattr__(self, "counts", self.valid.sum(axis=1))

    @staticmethod
    def joined(parts: Sequence[Batch]) -> Batch:
        """The batches of a step's chunks as one (the pools of each chunk follow those of
        the one before; each chunk's last group is padded)."""
        if len(parts) == 1:
            return parts[0]

        def join(name: str) -> np.ndarray | None:
            arrays = [getattr(part, name) for part in parts if getattr(part, name) is not None]
            return np.concatenate(arrays) if arrays else None

        return Batch(join("centers"), join("context"), join("valid"), join("pools"),
                     join("noise"), join("counts"))


def draw_batch(centers: np.ndarray, context: np.ndarray, valid: np.ndarray,
               config: TrainConfig, draw: Draw) -> Batch:
    """The batch of these windows with the noise words `config` trains them with, drawn
    by `draw(shape)`: K per pair a draw equal to the outside word drawn again (the handout's
    batching), or a pool per NOISE_GROUP windows with a context word (negative sampling)."""
    if config.batching == "windows":
        owner, slot = np.nonzero(valid)
        # the handout redraws a noise word equal to the outside word (also with softmax,
        # whose step draws them too and leaves them unused)
        noise = draw_negative_batch(draw, context[owner, slot], config.negative)
        return Batch(centers, context, valid, noise=noise)
    if config.loss == "neg":
        batch = Batch(centers, context, valid)
        count = int(np.count_nonzero(batch.counts))
        if count:
            return replace(batch, pools=draw((-(-count // NOISE_GROUP), NOISE_POOL)))
        return batch
    return Batch(centers, context, valid)


@dataclass
class Gradients:
    """One batch's loss and gradients at the parameters they were computed at.

    loss:             the summed loss, or None when not measured (with_loss=False)
    pairs:            pairs trained (skip-gram, the handout's batching) or windows (CBOW)
    input_rows:       (m,) the rows of V that receive an input gradient, one per occurrence
                      (CBOW: every context word of a window)
    input_gradients:  (m, d) dJ/dv of each occurrence (CBOW: the window's whole dJ/dv̂)
    window_sizes:     (m,) CBOW: each occurrence's window's context count (the exact
                      gradient of the mean is input_gradients / window_sizes); else None
    input_curvature:  (m,) negative sampling (corpus): each occurrence's curvature along
                      its own step; else None
    outside_rows:     (r,) distinct rows of U of the true outside words, or None (softmax)
    outside_gradients: (r, d) their dJ/du
    pool_rows:        (G·M,) pooled noise words, one per entry (negative sampling, corpus)
    pool_gradients:   (G·M, d) and pool_curvature (G·M,)
    dense_outside:    (V, d) dJ/dU of naive softmax, else None
    inputs:           (n, d) the inputs (v_c, or v̂), and `true_scores` (keys (s,), owners
                      (s,), score curvature (s,)): each scored true word's row of U, its
                      input and σ'(s), for the curvature guard (negative sampling, corpus)
    checked:          the arrays that must be finite for the step to be applied
    """

    loss: float | None
    pairs: int
    input_rows: np.ndarray
    input_gradients: np.ndarray
    window_sizes: np.ndarray | None = None
    input_curvature: np.ndarray | None = None
    outside_rows: np.ndarray | None = None
    outside_gradients: np.ndarray | None = None
    pool_rows: np.ndarray | None = None
    pool_gradients: np.ndarray | None = None
    pool_curvature: np.ndarray | None = None
    dense_outside: np.ndarray | None = None
    inputs: np.ndarray | None = None
    true_scores: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    checked: tuple[np.ndarray, ...] = ()
    _finite: bool | None = field(default=None, repr=False, compare=False)

    def finite(self) -> bool:
        """Whether every gradient (and the loss) is finite: a step with an overflow must
        not be applied. Checked once."""
        if self._finite is None:
            self._finite = all(np.isfinite(array).all() for array in self.checked)
        return self._finite

    def dense(self, center_shape: tuple[int, int], outside_shape: tuple[int, int],
              exact_mean: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(dJ/dV, dJ/dU) as dense arrays; `exact_mean`: CBOW with cbow_mean gets the exact
        gradient of the mean, dJ/dv̂ / c, where the trainer applies the whole dJ/dv̂."""
        dtype = self.input_gradients.dtype
        grad_center = np.zeros(center_shape, dtype=dtype)
        grad_outside = np.zeros(outside_shape, dtype=dtype)
        gradients = self.input_gradients
        if exact_mean and self.window_sizes is not None:
            gradients = gradients / self.window_sizes[:, None]
        np.add.at(grad_center, self.input_rows, gradients)
        if self.dense_outside is not None:
            grad_outside += self.dense_outside
        if self.outside_rows is not None:
            np.add.at(grad_outside, self.outside_rows, self.outside_gradients)
        if self.pool_rows is not None:
            np.add.at(grad_outside, self.pool_rows, self.pool_gradients)
        return grad_center, grad_outside


def active_windows(batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop the windows with no context word; returns the rest (center ids, context, valid)
    and each one's count."""
    count = batch.counts
    active = count > 0
    return batch.centers[active], batch.context[active], batch.valid[active], count[active]


def cbow_inputs(center_vectors: np.ndarray, batch: Batch, cbow_mean: bool
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The active windows' center ids (n,), each context word's window (m,) and row (m,),
    each window's context count (n,), and v̂ (n, d): the sum (or mean) of each window's
    context vectors."""
    center_ids, context, valid, context_count = active_windows(batch)
    owner, slot = np.nonzero(valid)
    context_rows = context[owner, slot]
    # v̂ = Σ_w v_w (or the mean), one row per window, read straight from V
    summed = sparse.csr_matrix(
        (np.ones(owner.size, dtype=center_vectors.dtype), (owner, context_rows)),
        shape=(center_ids.size, center_vectors.shape[0]),
    ) @ center_vectors
    inputs = summed / context_count[:, None] if cbow_mean else summed
    return center_ids, owner, context_rows, context_count, inputs


def true_scores(center_vectors: np.ndarray, batch: Batch, config: TrainConfig
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scores of true outside words in a batch, as negative sampling makes them:
    (inputs (n, d), each score's row of U (m,), its input (m,)). Skip-gram: each center
    scores its context words; CBOW: each window's v̂ scores its center."""
    if config.model == "skipgram":
        center_ids, context, valid, _ = active_windows(batch)
        owner, slot = np.nonzero(valid)
        return center_vectors[center_ids], context[owner, slot], owner
    center_ids, _, _, _, inputs = cbow_inputs(center_vectors, batch, config.cbow_mean)
    return inputs, center_ids, np.arange(center_ids.size)


def loss_and_gradients(center_vectors: np.ndarray, outside_vectors: np.ndarray,
                       batch: Batch, config: TrainConfig, *, with_loss: bool = True
                       ) -> Gradients | None:
    """The summed loss of `batch` and its gradients at (center_vectors, outside_vectors)
    ((V, d) each, float32 or float64), for config's model, loss and batching (see the
    module); None when no window of the batch has a context word. Changes nothing."""
    if config.batching == "windows":
        return _handout(center_vectors, outside_vectors, batch, config)
    if config.model == "skipgram":
        center_ids, context, valid, pair_count = active_windows(batch)
        if center_ids.size == 0:  # no center of this batch has a neighbour: nothing to do
            return None
        inputs = center_vectors[center_ids]
        if config.loss == "softmax":
            owner, slot = np.nonzero(valid)
            result = batched_naive_softmax(inputs[owner], context[owner, slot],
                                           outside_vectors)
            return Gradients(float(result.loss.sum(dtype=np.float64)), int(owner.size),
                             center_ids[owner], result.center, dense_outside=result.outside,
                             checked=(result.center, result.outside, result.loss))
        # true outside words: the (n, 2·window) block, label 1, padding weighted 0
        labels = np.ones(context.shape[1], dtype=np.float32)
        return _negative_sampling(center_ids, None, inputs, context, labels,
                                  valid.astype(np.float32), pair_count, outside_vectors,
                                  batch.pools, config, with_loss, int(pair_count.sum()))
    if not batch.counts.any():  # no window of this batch has a context word
        return None
    center_ids, owner, context_rows, context_count, inputs = cbow_inputs(
        center_vectors, batch, config.cbow_mean)
    sizes = context_count[owner]
    if config.loss == "softmax":
        result = batched_naive_softmax(inputs, center_ids, outside_vectors)
        # every context word gets the full dJ/dv̂, with the mean too
        return Gradients(float(result.loss.sum(dtype=np.float64)), int(center_ids.size),
                         context_rows, result.center[owner], window_sizes=sizes,
                         dense_outside=result.outside,
                         checked=(result.center, result.outside, result.loss))
    ones = np.ones(center_ids.size, dtype=np.float32)
    return _negative_sampling(context_rows, owner, inputs, center_ids[:, None],
                              np.ones(1, dtype=np.float32), ones[:, None], ones,
                              outside_vectors, batch.pools, config, with_loss,
                              int(center_ids.size), sizes)


def _handout(center_vectors: np.ndarray, outside_vectors: np.ndarray, batch: Batch,
             config: TrainConfig) -> Gradients:
    """The handout's batching: skip-gram pairs, each with its own K noise words."""
    owner, slot = np.nonzero(batch.valid)
    outside = batch.context[owner, slot]
    pair_centers = batch.centers[owner]
    if config.loss == "softmax":
        result = batched_naive_softmax(center_vectors[pair_centers], outside, outside_vectors)
        dense, rows = result.outside, None
    else:
        result = batched_neg_sampling(center_vectors[pair_centers], outside, batch.noise,
                                      outside_vectors)
        dense, rows = None, result.outside_rows
    return Gradients(float(result.loss.sum(dtype=np.float64)), int(owner.size),
                     pair_centers, result.center, outside_rows=rows,
                     outside_gradients=None if rows is None else result.outside,
                     dense_outside=dense,
                     checked=(result.center, result.outside, result.loss))


def _negative_sampling(input_rows: np.ndarray, owner: np.ndarray | None, inputs: np.ndarray,
                       targets: np.ndarray, labels: np.ndarray, weights: np.ndarray,
                       noise_terms: np.ndarray, outside_vectors: np.ndarray,
                       pool: np.ndarray, config: TrainConfig, with_loss: bool, pairs: int,
                       window_sizes: np.ndarray | None = None) -> Gradients:
    """Pooled negative sampling for n inputs against their true `targets` and the noise
    pools: every input scores every word of its group's pool, each counted
    `noise_terms` · K / NOISE_POOL times (noise_terms = the input's pair count), the
    expected loss and gradient of K fresh draws per pair with lower variance, computed with
    dense products instead of per-pair gathers. A pool word equal to a true target is not
    skipped (word2vec.c skips such draws; their expected weight is K·P_n(w) per pair).
    `input_rows`: the rows of V of the inputs (skip-gram), or of each CBOW context word
    with `owner` its window."""
    count, dim = inputs.shape
    true = weighted_neg_sampling(inputs, targets, labels, weights, outside_vectors,
                                 with_loss=with_loss)
    groups = pool.shape[0]
    padding = groups * NOISE_GROUP - count
    grouped_inputs = np.concatenate(
        [inputs, np.zeros((padding, dim), dtype=inputs.dtype)]
    ).reshape(groups, NOISE_GROUP, dim)
    noise_weights = np.concatenate(
        [noise_terms, np.zeros(padding, dtype=noise_terms.dtype)]
    ).astype(np.float32).reshape(groups, NOISE_GROUP, 1) * (config.negative / NOISE_POOL)
    pool_vectors = np.take(outside_vectors, pool, axis=0)
    noise = pooled_noise(grouped_inputs, pool_vectors, noise_weights, with_loss=with_loss)

    # Every gradient is computed at the batch's starting point before any is applied.
    input_gradients = true.center + noise.inputs.reshape(-1, dim)[:count]
    input_curvature = _input_curvature(input_gradients, true, noise, pool_vectors, count)
    pool_gradients = noise.pool.reshape(-1, dim)
    pool_curvature = _pool_curvature(pool_gradients, grouped_inputs, noise)
    checked = (input_gradients, pool_gradients, true.outside, input_curvature,
               pool_curvature, *((true.loss, noise.loss) if with_loss else ()))
    # summed in float64: finite float32 terms cannot overflow, so the checks above hold
    loss = (float(true.loss.sum(dtype=np.float64) + noise.loss.sum(dtype=np.float64))
            if with_loss else None)
    scored = weights != 0
    if owner is not None:  # CBOW: every context word of a window receives its dJ/dv̂
        input_gradients, input_curvature = input_gradients[owner], input_curvature[owner]
    return Gradients(loss, pairs, input_rows, input_gradients, window_sizes=window_sizes,
                     input_curvature=input_curvature, outside_rows=true.outside_rows,
                     outside_gradients=true.outside, pool_rows=pool.reshape(-1),
                     pool_gradients=pool_gradients, pool_curvature=pool_curvature,
                     inputs=inputs,
                     true_scores=(targets[scored], np.nonzero(scored)[0],
                                  true.score_curvature[scored]),
                     checked=checked)


def _input_curvature(gradients: np.ndarray, true: BatchGradients, noise: PooledNoise,
                     pool_vectors: np.ndarray, count: int) -> np.ndarray:
    """(n,) curvature Σ c (u·ĝ)² of each input along its own step (see core.math.steps)."""
    groups, pool_size, dim = pool_vectors.shape
    directions = unit_rows(gradients)
    along_true = np.einsum("njd,nd->nj", true.target_vectors, directions)
    padded = np.zeros((groups * NOISE_GROUP, dim), dtype=directions.dtype)
    padded[:count] = directions
    along_noise = padded.reshape(groups, NOISE_GROUP, dim) @ pool_vectors.transpose(0, 2, 1)
    return (np.sum(true.score_curvature * along_true * along_true, axis=1)
            + np.sum(noise.curvature * along_noise * along_noise, axis=2).reshape(-1)[:count])


def _pool_curvature(pool_gradients: np.ndarray, grouped_inputs: np.ndarray,
                    noise: PooledNoise) -> np.ndarray:
    """(G·M,) curvature Σ c (x·ĝ)² of each pool entry along its own step."""
    groups, group_size, dim = grouped_inputs.shape
    directions = unit_rows(pool_gradients).reshape(groups, -1, dim)
    along = grouped_inputs @ directions.transpose(0, 2, 1)  # (G, g, M)
    return np.sum(noise.curvature * along * along, axis=1).reshape(-1)
