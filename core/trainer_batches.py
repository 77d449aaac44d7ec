"""The trainer's batches: what one step trains on, for either way of batching.

batching="corpus": each epoch sub-samples the corpus once; a step takes the next
`batch_words` kept words as centers, each with a dynamic window (reach drawn from
1..window, never crossing a sentence), and hands the block to skip-gram or CBOW.
batching="windows": the handout's step, `batch_size` random windows of its window text,
K fresh noise words per pair for negative sampling (a draw equal to the outside word is
drawn again), the gradient averaged over the windows.
Used as a base of `core.trainer.Trainer`; it reads and advances the trainer's position
(epoch, cursor, words_done, pairs_seen, handout_cost) and rng.
"""

from __future__ import annotations

import numpy as np

from core.corpus import handout_reject_probabilities, handout_window_text
from core.losses import batched_naive_softmax, batched_neg_sampling, draw_negative_batch
from core.scatter import scatter_add_rows
from core.trainer_errors import TrainerError

WARMUP_FRACTION = 0.15  # the start of a run takes small steps (see _corpus_step)
WARMUP_BATCH = 64
SOFTMAX_SCORES_PER_STEP = 4_000_000  # bounds a naive-softmax step's (pairs × |V|) block
HANDOUT_COST_EVERY = 10  # the handout's PRINT_EVERY: its cost is smoothed at these steps


class Batching:
    """The batching of `Trainer` (a mixin; see the module)."""

    # ------------------------------------------------------------------ batching="corpus"
    def _start_epoch(self) -> None:
        """Sub-sample the corpus for this epoch (word2vec.c keeps w with keep_probability)."""
        self._epoch_state = self.rng.bit_generator.state
        ids = self.corpus.token_ids
        keep = self.rng.random(ids.size, dtype=np.float32) < self.keep_probability[ids]
        sentence_of = np.repeat(
            np.arange(self.corpus.sentence_count, dtype=np.int32),
            np.diff(self.corpus.sentence_offsets),
        )
        self._kept_ids = ids[keep]
        self._kept_sentences = sentence_of[keep]
        if self._kept_ids.size == 0:
            raise TrainerError("sub-sampling dropped every word; set sample to 0 or larger.")

    def _corpus_step(self) -> float | None:
        """Train on the next batch of centers; the mean loss per pair (skip-gram) or per
        window (CBOW: one center predicted from its window), or None when this step did
        not measure it (negative sampling measures every LOSS_EVERY-th step)."""
        if self._kept_ids is None:
            self._start_epoch()
        kept_ids, kept_sentences = self._kept_ids, self._kept_sentences
        config = self.config
        window = config.window
        # While the vectors grow from their tiny start, sequential SGD compounds its
        # updates and big summed steps would lag behind it: over the first 15% of the
        # run the step grows geometrically from WARMUP_BATCH words to batch_words.
        batch = config.batch_words
        if self.progress < WARMUP_FRACTION and batch > WARMUP_BATCH:
            batch = int(WARMUP_BATCH * (batch / WARMUP_BATCH) ** (self.progress / WARMUP_FRACTION))
        if config.loss == "softmax":
            batch = max(16, min(batch, SOFTMAX_SCORES_PER_STEP // (
                self.corpus.vocab_size * (window + 1))))
        first, last = self.cursor, min(self.cursor + batch, kept_ids.size)
        low, high = max(0, first - window), min(kept_ids.size, last + window)
        ids = kept_ids[low:high]
        sentences = kept_sentences[low:high]
        centers = np.arange(first - low, last - low)
        count = centers.size

        # dynamic window: each center's reach is drawn uniformly from 1..window
        reach = self.rng.integers(1, window + 1, size=count)
        offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
        positions = centers[:, None] + offsets[None, :]
        inside = (positions >= 0) & (positions < ids.size)
        positions = np.clip(positions, 0, ids.size - 1)
        valid = inside & (np.abs(offsets)[None, :] <= reach[:, None])
        valid &= sentences[positions] == sentences[centers][:, None]
        context = ids[positions]  # (n, 2·window)
        center_ids = ids[centers]

        learning_rate = self.learning_rate()
        if self.recording is not None:
            self.recording.update(centers=center_ids, context=context, valid=valid,
                                  learning_rate=learning_rate, pair_rate=learning_rate,
                                  noise=None, pools=None)
        if config.model == "skipgram":
            loss_sum, pairs = self._skipgram(center_ids, context, valid, learning_rate)
        else:
            loss_sum, pairs = self._cbow(center_ids, context, valid, learning_rate)

        self.cursor = last
        raw_per_kept = self.corpus.token_count / kept_ids.size
        self.words_done = self.epoch * self.corpus.token_count + int(
            round(self.cursor * raw_per_kept))
        if self.cursor >= kept_ids.size:
            self.epoch += 1
            self.cursor = 0
            self._kept_ids = self._kept_sentences = None
            self.words_done = self.epoch * self.corpus.token_count
        self.pairs_seen += pairs
        return None if loss_sum is None else loss_sum / max(pairs, 1)

    # ------------------------------------------------------------------ batching="windows"
    def _handout_text(self) -> tuple[np.ndarray, np.ndarray]:
        """The handout's window source (see core.corpus.handout_window_text), built once."""
        if self._window_text is None:
            reject = handout_reject_probabilities(self.corpus.counts)
            self._window_text = handout_window_text(self.corpus, reject, self.rng)
        return self._window_text

    def _windows_step(self) -> float:
        """The handout's step on `batch_size` random windows; its cost: the mean loss per
        window (each window's loss summed over its outside words)."""
        ids, spans = self._handout_text()
        config = self.config
        window, wanted = config.window, config.batch_size
        offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
        chosen_center = chosen_context = chosen_valid = None
        while True:  # a window with no context is drawn again, as in the handout
            draw = 2 * wanted
            span = spans[self.rng.integers(0, spans.shape[0], size=draw)]
            where = span[:, 0] + (self.rng.random(draw) * span[:, 1]).astype(np.int64)
            reach = self.rng.integers(1, window + 1, size=draw)
            positions = where[:, None] + offsets[None, :]
            valid = (positions >= span[:, :1]) & (positions < (span[:, 0] + span[:, 1])[:, None])
            valid &= np.abs(offsets)[None, :] <= reach[:, None]
            positions = np.clip(positions, 0, ids.size - 1)
            context = ids[positions]
            center = ids[where]
            valid &= context != center[:, None]
            good = valid.any(axis=1)
            parts = (center[good], context[good], valid[good])
            if chosen_center is None:
                chosen_center, chosen_context, chosen_valid = parts
            else:
                chosen_center = np.r_[chosen_center, parts[0]]
                chosen_context = np.r_[chosen_context, parts[1]]
                chosen_valid = np.r_[chosen_valid, parts[2]]
            if chosen_center.size >= wanted:
                break
        center = chosen_center[:wanted]
        context, valid = chosen_context[:wanted], chosen_valid[:wanted]
        owner, slot = np.nonzero(valid)
        outside = context[owner, slot]
        pair_centers = center[owner]
        # the handout redraws a noise word equal to the outside word
        noise = draw_negative_batch(self._draw_noise, outside, config.negative)
        learning_rate = self.learning_rate()
        if self.recording is not None:
            noise_of = np.full((*valid.shape, config.negative), -1, dtype=noise.dtype)
            noise_of[owner, slot] = noise  # each pair's K draws, by window and slot
            self.recording.update(centers=center, context=context, valid=valid,
                                  learning_rate=learning_rate,
                                  pair_rate=learning_rate / wanted, noise=noise_of,
                                  pools=None)
        if config.loss == "softmax":
            result = batched_naive_softmax(self.center_vectors[pair_centers], outside,
                                           self.outside_vectors)
            self._check_finite(result.center, result.outside, result.loss)
            self.outside_vectors -= (learning_rate / wanted) * result.outside
        else:
            result = batched_neg_sampling(self.center_vectors[pair_centers], outside, noise,
                                          self.outside_vectors)
            self._check_finite(result.center, result.outside, result.loss)
            self.outside_vectors[result.outside_rows] -= (learning_rate / wanted) * result.outside
        scatter_add_rows(self.center_vectors, pair_centers, result.center,
                         -learning_rate / wanted)
        # the handout's cost: the batch-averaged window loss
        cost = float(result.loss.sum(dtype=np.float64)) / wanted
        self.words_done += wanted
        self.pairs_seen += int(owner.size)
        if (self.steps + 1) % HANDOUT_COST_EVERY == 0:
            self.handout_cost = cost if not self.handout_cost else (
                0.95 * self.handout_cost + 0.05 * cost)
        return cost
