"""The trainer's negative-sampling update: pooled noise words, then the curvature guard.

Groups of NOISE_GROUP inputs share one pool of NOISE_POOL noise words drawn from the
corpus's unigram^0.75 table, and every gradient of a step is computed at the step's
starting point before any is applied (each row's summed step limited as core.math.steps says).
A step computed in chunks (core.train.batches) adds each chunk's gradients to a
`StepSums` instead, and `_apply_negative_sums` applies them once at the end, with the
same guard.
Used as a base of `core.train.trainer.Trainer`; it reads the trainer's config, rng, noise_table,
steps, center_vectors and outside_vectors, and calls its `_check_finite`,
`_input_occurrences` and `_apply_input_update`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.math.functions import normalize_rows as unit_rows
from core.math.functions import sigmoid
from core.math.losses import BatchGradients, PooledNoise, pooled_noise, weighted_neg_sampling
from core.math.steps import (
    StepSums,
    apply_input_rows,
    apply_limited,
    curvature_along,
    curvature_bound,
    output_row_curvature,
    unit_directions,
)

NOISE_TABLE_SIZE = 1 << 22  # slots of the unigram^0.75 table noise words are drawn from
NOISE_GROUP = 64  # inputs that share one pool of noise words
NOISE_POOL = 48  # noise words in a pool
LOSS_EVERY = 4  # negative sampling measures its loss (for display only) every 4th step


def draw_from_table(table: np.ndarray, rng: np.random.Generator,
                    shape: tuple[int, ...]) -> np.ndarray:
    """Noise words of `shape`: uniform slots of a unigram^0.75 table."""
    return table[rng.integers(0, NOISE_TABLE_SIZE, size=shape)]


@dataclass
class NegativeGradients:
    """Every gradient of one negative-sampling batch, at its starting point.

    true:             the true outside words' part (core.math.losses.weighted_neg_sampling)
    pool:             (G, M) the noise pools
    input_gradients:  (n, d) dJ/d input, true and noise parts
    input_curvature:  (n,) each input's curvature along its own gradient
    pool_gradients:   (G·M, d) dJ/du of each pool entry
    pool_curvature:   (G·M,)
    loss:             the summed loss, or None when this step does not measure it
    """

    true: BatchGradients
    pool: np.ndarray
    input_gradients: np.ndarray
    input_curvature: np.ndarray
    pool_gradients: np.ndarray
    pool_curvature: np.ndarray
    loss: float | None


class NegativeSamplingStep:
    """The pooled negative-sampling update of `Trainer` (a mixin; see the module)."""

    def _draw_noise(self, shape: tuple[int, ...]) -> np.ndarray:
        return draw_from_table(self.noise_table, self.rng, shape)

    def _negative_sampling(self, input_rows, inputs: np.ndarray, targets: np.ndarray,
                           labels: np.ndarray, weights: np.ndarray, noise_terms: np.ndarray,
                           learning_rate: float, into: StepSums | None = None,
                           rng: np.random.Generator | None = None) -> float | None:
        """One negative-sampling update for n inputs (rows `input_rows` of V, or the CBOW
        context rows mapped by the caller) against their true `targets` and a noise pool.

        Noise: groups of NOISE_GROUP inputs share a pool of NOISE_POOL words drawn from
        unigram^0.75; every input scores every word of its pool, each counted
        `noise_terms` · K / NOISE_POOL times (noise_terms = the input's pair count). That is
        the expected loss and gradient of K fresh draws per pair, with lower variance for
        the input's update, computed with dense products instead of per-pair gathers.
        Returns the summed loss on every LOSS_EVERY-th step, else None.
        A pool word equal to a true target is not skipped (word2vec.c skips such draws;
        their expected weight is K·P_n(w) per pair, significant only for the few most
        frequent words).
        With `into` (a chunk of a larger step) nothing is applied: the gradients are added
        to `into` and the pools drawn from `rng`, the step's own generator.
        """
        count = inputs.shape[0]
        with_loss = self.steps % LOSS_EVERY == 0
        true = weighted_neg_sampling(inputs, targets, labels, weights, self.outside_vectors,
                                     with_loss=with_loss)
        groups = -(-count // NOISE_GROUP)
        pool = (self._draw_noise((groups, NOISE_POOL)) if into is None
                else draw_from_table(self.noise_table, rng, (groups, NOISE_POOL)))
        if self.recording is not None:
            # group g: inputs g·NOISE_GROUP … (g+1)·NOISE_GROUP − 1 (a chunked step's groups
            # follow one another, each chunk's last group padded)
            earlier = self.recording.get("pools")
            self.recording["pools"] = (pool if into is None or earlier is None
                                       else np.concatenate([earlier, pool]))
        found = self._negative_gradients(inputs, true, pool, noise_terms, with_loss)
        scored = weights != 0
        keys, owners = targets[scored], np.nonzero(scored)[0]
        score_curvature = true.score_curvature[scored]
        if into is not None:
            into.outside.add(true.outside_rows, true.outside)
            into.outside.curvature += curvature_bound(keys, owners, score_curvature, inputs,
                                                      self.corpus.vocab_size)
            into.pool.add_occurrences(pool.reshape(-1), found.pool_gradients,
                                      found.pool_curvature)
            into.center.add_occurrences(*self._input_occurrences(
                input_rows, found.input_gradients, found.input_curvature))
            return found.loss
        true_curvature = output_row_curvature(
            true.outside_rows, true.outside, keys, owners, score_curvature, inputs,
            self.corpus.vocab_size, learning_rate)
        apply_limited(self.outside_vectors, true.outside_rows, true.outside, true_curvature,
                      learning_rate)
        apply_input_rows(self.outside_vectors, pool.reshape(-1), found.pool_gradients,
                         found.pool_curvature, learning_rate)
        self._apply_input_update(input_rows, found.input_gradients, found.input_curvature,
                                 learning_rate)
        return found.loss

    def _negative_gradients(self, inputs: np.ndarray, true: BatchGradients, pool: np.ndarray,
                            noise_terms: np.ndarray, with_loss: bool) -> NegativeGradients:
        """The noise part for the pools and every curvature, all at the batch's starting
        point; refuses non-finite values (DivergenceError) before anything is applied."""
        count, dim = inputs.shape
        negative = self.config.negative
        groups = pool.shape[0]
        padding = groups * NOISE_GROUP - count
        grouped_inputs = np.concatenate(
            [inputs, np.zeros((padding, dim), dtype=inputs.dtype)]
        ).reshape(groups, NOISE_GROUP, dim)
        noise_weights = np.concatenate(
            [noise_terms, np.zeros(padding, dtype=noise_terms.dtype)]
        ).astype(np.float32).reshape(groups, NOISE_GROUP, 1) * (negative / NOISE_POOL)
        pool_vectors = np.take(self.outside_vectors, pool, axis=0)
        noise = pooled_noise(grouped_inputs, pool_vectors, noise_weights, with_loss=with_loss)

        # Every gradient is computed at the batch's starting point before any is applied.
        input_gradients = true.center + noise.inputs.reshape(-1, dim)[:count]
        input_curvature = self._input_curvature(input_gradients, true, noise, pool_vectors,
                                                count)
        pool_gradients = noise.pool.reshape(-1, dim)
        pool_curvature = self._pool_curvature(pool_gradients, grouped_inputs, noise)
        self._check_finite(input_gradients, pool_gradients, true.outside, input_curvature,
                           pool_curvature, *((true.loss, noise.loss) if with_loss else ()))
        # summed in float64: finite float32 terms cannot overflow, so the checks above hold
        loss = (float(true.loss.sum(dtype=np.float64) + noise.loss.sum(dtype=np.float64))
                if with_loss else None)
        return NegativeGradients(true, pool, input_gradients, input_curvature,
                                 pool_gradients, pool_curvature, loss)

    def _hot_rows(self, into: StepSums, learning_rate: float) -> tuple[np.ndarray, np.ndarray]:
        """The true outside rows whose trace bound passes 1/lr, and their summed steps'
        directions ĝ (see core.math.steps.output_row_curvature): (hot row ids, (h, d))."""
        rows = into.outside.rows()
        hot = rows[learning_rate * into.outside.curvature[rows] > 1.0]
        return hot, unit_directions(into.outside.sums_of(hot))

    def _add_curvature_along(self, along: np.ndarray, hot_rows: np.ndarray,
                             directions: np.ndarray, keys: np.ndarray, owners: np.ndarray,
                             inputs: np.ndarray) -> None:
        """Add one chunk's Σ c (x·ĝ)² to `along` (h,) for the hot rows: the scores of true
        outside words in `keys` (row ids, with their inputs `owners` of `inputs`) whose row
        is hot, c = σ'(u·x) recomputed at the step's starting point."""
        position = np.full(self.corpus.vocab_size, -1, dtype=np.int64)
        position[hot_rows] = np.arange(hot_rows.size)
        entry = position[keys]
        selected = entry >= 0
        entry, owners, keys = entry[selected], owners[selected], keys[selected]
        scores = np.einsum("md,md->m", self.outside_vectors[keys], inputs[owners])
        probabilities = sigmoid(scores)
        along += curvature_along(directions, entry, owners,
                                 probabilities * (1.0 - probabilities), inputs)

    def _apply_negative_sums(self, into: StepSums, learning_rate: float,
                             hot_rows: np.ndarray, along: np.ndarray) -> None:
        """Apply a chunked step's sums in the order a whole step applies them: U's true
        rows (hot rows limited by `along`, their curvature along the summed step), U's pool
        rows, then V's rows."""
        curvature = into.outside.curvature  # the trace bound, by row
        if hot_rows.size:
            curvature = curvature.copy()
            curvature[hot_rows] = along
        into.outside.apply_limited(self.outside_vectors, learning_rate, curvature)
        into.pool.apply_limited(self.outside_vectors, learning_rate)
        into.center.apply_limited(self.center_vectors, learning_rate)

    @staticmethod
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

    @staticmethod
    def _pool_curvature(pool_gradients: np.ndarray, grouped_inputs: np.ndarray,
                        noise: PooledNoise) -> np.ndarray:
        """(G·M,) curvature Σ c (x·ĝ)² of each pool entry along its own step."""
        groups, group_size, dim = grouped_inputs.shape
        directions = unit_rows(pool_gradients).reshape(groups, -1, dim)
        along = grouped_inputs @ directions.transpose(0, 2, 1)  # (G, g, M)
        return np.sum(noise.curvature * along * along, axis=1).reshape(-1)
