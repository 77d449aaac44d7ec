"""The trainer's negative-sampling update: pooled noise words, then the curvature guard.

Groups of NOISE_GROUP inputs share one pool of NOISE_POOL noise words drawn from the
corpus's unigram^0.75 table, and every gradient of a step is computed at the step's
starting point before any is applied (each row's summed step limited as core.steps says).
Used as a base of `core.trainer.Trainer`; it reads the trainer's config, rng, noise_table,
steps, center_vectors and outside_vectors, and calls its `_check_finite` and
`_apply_input_update`.
"""

from __future__ import annotations

import numpy as np

from core.functions import normalize_rows as unit_rows
from core.losses import BatchGradients, PooledNoise, pooled_noise, weighted_neg_sampling
from core.steps import apply_input_rows, apply_limited, output_row_curvature

NOISE_TABLE_SIZE = 1 << 22  # slots of the unigram^0.75 table noise words are drawn from
NOISE_GROUP = 64  # inputs that share one pool of noise words
NOISE_POOL = 48  # noise words in a pool
LOSS_EVERY = 4  # negative sampling measures its loss (for display only) every 4th step


class NegativeSamplingStep:
    """The pooled negative-sampling update of `Trainer` (a mixin; see the module)."""

    def _draw_noise(self, shape: tuple[int, ...]) -> np.ndarray:
        return self.noise_table[self.rng.integers(0, NOISE_TABLE_SIZE, size=shape)]

    def _negative_sampling(self, input_rows, inputs: np.ndarray, targets: np.ndarray,
                           labels: np.ndarray, weights: np.ndarray, noise_terms: np.ndarray,
                           learning_rate: float) -> float | None:
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
        """
        count, dim = inputs.shape
        negative = self.config.negative
        with_loss = self.steps % LOSS_EVERY == 0
        true = weighted_neg_sampling(inputs, targets, labels, weights, self.outside_vectors,
                                     with_loss=with_loss)
        groups = -(-count // NOISE_GROUP)
        padding = groups * NOISE_GROUP - count
        grouped_inputs = np.concatenate(
            [inputs, np.zeros((padding, dim), dtype=inputs.dtype)]
        ).reshape(groups, NOISE_GROUP, dim)
        noise_weights = np.concatenate(
            [noise_terms, np.zeros(padding, dtype=noise_terms.dtype)]
        ).astype(np.float32).reshape(groups, NOISE_GROUP, 1) * (negative / NOISE_POOL)
        pool = self._draw_noise((groups, NOISE_POOL))
        if self.recording is not None:
            self.recording["pools"] = pool  # group g: inputs g·NOISE_GROUP … (g+1)·NOISE_GROUP − 1
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

        scored = weights != 0
        true_curvature = output_row_curvature(
            true.outside_rows, true.outside, targets[scored], np.nonzero(scored)[0],
            true.score_curvature[scored], inputs, self.corpus.vocab_size, learning_rate)
        apply_limited(self.outside_vectors, true.outside_rows, true.outside, true_curvature,
                      learning_rate)
        apply_input_rows(self.outside_vectors, pool.reshape(-1), pool_gradients,
                         pool_curvature, learning_rate)
        self._apply_input_update(input_rows, input_gradients, input_curvature, learning_rate)
        if not with_loss:
            return None
        # summed in float64: finite float32 terms cannot overflow, so the checks above hold
        return float(true.loss.sum(dtype=np.float64) + noise.loss.sum(dtype=np.float64))

    @staticmethod
    def _input_curvature(gradients: np.ndarray, true: BatchGradients, noise: PooledNoise,
                         pool_vectors: np.ndarray, count: int) -> np.ndarray:
        """(n,) curvature Σ c (u·ĝ)² of each input along its own step (see core.steps)."""
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
