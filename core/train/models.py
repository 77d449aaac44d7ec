"""The trainer's two models on a batch of windows: skip-gram and CBOW, either loss.

Naive softmax is applied here directly (one dense block over the vocabulary); negative
sampling goes through `core.train.negative`. Given `into` (a `core.math.steps.StepSums`), a
model adds the gradients of a chunk of a larger step there instead of applying them (see
core.train.batches). Used as a base of `core.train.trainer.Trainer`; it reads the trainer's
config, corpus, center_vectors and outside_vectors, and calls its `_check_finite` and
`_negative_sampling`.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from core.math.losses import batched_naive_softmax
from core.math.scatter import scatter_add_rows
from core.math.steps import StepSums, apply_input_rows


def active_windows(center_ids: np.ndarray, context: np.ndarray, valid: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop the windows with no context word; returns the rest and each one's count."""
    count = valid.sum(axis=1)
    active = count > 0
    return center_ids[active], context[active], valid[active], count[active]


class ModelSteps:
    """Skip-gram and CBOW updates of `Trainer` (a mixin; see the module).

    Each takes the batch's center ids (n,), its context block (n, 2·window) with the mask
    `valid` of the slots that are real context words, and the learning rate; it updates
    the vectors and returns (summed loss or None when not measured, pairs trained). With
    `into` it applies nothing and adds the gradients there, drawing noise from `rng`.
    """

    def _skipgram(self, center_ids: np.ndarray, context: np.ndarray, valid: np.ndarray,
                  learning_rate: float, into: StepSums | None = None,
                  rng: np.random.Generator | None = None) -> tuple[float | None, int]:
        center_ids, context, valid, pair_count = active_windows(center_ids, context, valid)
        if center_ids.size == 0:  # no center of this batch has a neighbour: nothing to do
            return None, 0
        inputs = self.center_vectors[center_ids]
        if self.config.loss == "softmax":
            owner, slot = np.nonzero(valid)
            result = batched_naive_softmax(inputs[owner], context[owner, slot],
                                           self.outside_vectors)
            self._check_finite(result.center, result.outside, result.loss)
            if into is not None:
                into.center.add_occurrences(center_ids[owner], result.center)
                into.add_dense(result.outside)
            else:
                scatter_add_rows(self.center_vectors, center_ids[owner], result.center,
                                 -learning_rate)
                self.outside_vectors -= learning_rate * result.outside
            return float(result.loss.sum(dtype=np.float64)), int(owner.size)
        # true outside words: the (n, 2·window) block, label 1, padding weighted 0
        labels = np.ones(context.shape[1], dtype=np.float32)
        loss = self._negative_sampling(center_ids, inputs, context, labels,
                                       valid.astype(np.float32), pair_count, learning_rate,
                                       into, rng)
        return loss, int(pair_count.sum())

    def _cbow_inputs(self, center_ids: np.ndarray, context: np.ndarray, valid: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The active windows' center ids (n,), each context word's window and row (m,),
        and v̂ (n, d): the sum (or mean) of each window's context vectors."""
        center_ids, context, valid, context_count = active_windows(center_ids, context, valid)
        owner, slot = np.nonzero(valid)
        context_rows = context[owner, slot]
        # v̂ = Σ_w v_w (or the mean), one row per window, read straight from V
        summed = sparse.csr_matrix(
            (np.ones(owner.size, dtype=np.float32), (owner, context_rows)),
            shape=(center_ids.size, self.corpus.vocab_size),
        ) @ self.center_vectors
        inputs = summed / context_count[:, None] if self.config.cbow_mean else summed
        return center_ids, owner, context_rows, inputs

    def _cbow(self, center_ids: np.ndarray, context: np.ndarray, valid: np.ndarray,
              learning_rate: float, into: StepSums | None = None,
              rng: np.random.Generator | None = None) -> tuple[float | None, int]:
        if not valid.any():  # no window of this batch has a context word
            return None, 0
        center_ids, owner, context_rows, inputs = self._cbow_inputs(center_ids, context, valid)
        if self.config.loss == "softmax":
            result = batched_naive_softmax(inputs, center_ids, self.outside_vectors)
            self._check_finite(result.center, result.outside, result.loss)
            # every context word gets the full dJ/dv̂, with the mean too (see below)
            if into is not None:
                into.add_dense(result.outside)
                into.center.add_occurrences(context_rows, result.center[owner])
            else:
                self.outside_vectors -= learning_rate * result.outside
                scatter_add_rows(self.center_vectors, context_rows, result.center[owner],
                                 -learning_rate)
            return float(result.loss.sum(dtype=np.float64)), int(center_ids.size)
        ones = np.ones(center_ids.size, dtype=np.float32)
        loss = self._negative_sampling((owner, context_rows), inputs, center_ids[:, None],
                                       np.ones(1, dtype=np.float32), ones[:, None], ones,
                                       learning_rate, into, rng)
        return loss, int(center_ids.size)

    def _true_scores(self, center_ids: np.ndarray, context: np.ndarray, valid: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The scores of true outside words in a batch, as negative sampling makes them:
        (inputs (n, d), each score's row of U (m,), its input (m,)). Skip-gram: each
        center scores its context words; CBOW: each window's v̂ scores its center."""
        if self.config.model == "skipgram":
            center_ids, context, valid, _ = active_windows(center_ids, context, valid)
            owner, slot = np.nonzero(valid)
            return self.center_vectors[center_ids], context[owner, slot], owner
        center_ids, _, _, inputs = self._cbow_inputs(center_ids, context, valid)
        return inputs, center_ids, np.arange(center_ids.size)

    def _input_occurrences(self, input_rows, gradients: np.ndarray, curvature: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows of V the inputs' gradients go to, one per occurrence: skip-gram's inputs
        are rows of V (`input_rows` (n,)); a CBOW input is a window, `input_rows` =
        (owner, context_rows), and every context word of a window receives dJ/dv̂ (with the
        mean too, as word2vec.c and gensim do; the exact gradient of the mean would be
        dJ/dv̂ / c)."""
        if self.config.model == "skipgram":
            return input_rows, gradients, curvature
        owner, context_rows = input_rows
        return context_rows, gradients[owner], curvature[owner]

    def _apply_input_update(self, input_rows, gradients: np.ndarray, curvature: np.ndarray,
                            learning_rate: float) -> None:
        """Apply the inputs' gradients to V (see `_input_occurrences`)."""
        apply_input_rows(self.center_vectors,
                         *self._input_occurrences(input_rows, gradients, curvature),
                         learning_rate)
