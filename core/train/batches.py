"""The trainer's batches: what one step trains on, for either way of batching, and how a
step too large to compute at once is computed in chunks.

batching="corpus": each epoch sub-samples the corpus once; a step takes the next
`batch_words` kept words as centers, each with a dynamic window (reach drawn from
1..window, never crossing a sentence), and hands the block to the forward pass (skip-gram or CBOW).
batching="windows": the handout's step, `batch_size` random windows of its window text,
K fresh noise words per pair for negative sampling (a draw equal to the outside word is
drawn again), the gradient averaged over the windows.

Chunks: a step is one SGD update whatever its size, but its work is done in chunks of at
most `inputs_per_chunk` centers (or windows), each about CHUNK_WORK float32 products, so
that no call of `Trainer.step` runs long (pausing and saving wait for the call in flight)
and a step's memory stays that of one chunk. A step that fits one chunk is computed and
applied at once, as it always was. A larger one is a generator that computes one chunk's
gradients per call at the step's starting point, adds them up (core.math.steps.StepSums) and
applies them all in its last call, with the same curvature guard: the math of one step,
up to the order of float32 sums and how centers are grouped to share noise pools. Until
then nothing the trainer saves has changed (vectors, position, generator: the step draws
from its own copy of the generator), so a save taken between chunks resumes exactly, by
computing the step again.

A step draws its `Batch` (core.train.forward.draw_batch), computes its gradients with the
forward pass and applies them (core.train.update); with `keep` it returns the batch too.
Used as a base of `core.train.trainer.Trainer` (the attributes it reads are declared
there); it reads and advances the trainer's position (epoch, cursor, words_done,
pairs_seen, handout_cost) and rng.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from dataclasses import dataclass
from functools import partial

import numpy as np

from core.data.corpus import handout_reject_probabilities, handout_window_text
from core.math.steps import StepSums
from core.train.config import TrainConfig
from core.train.errors import TrainerError
from core.train.forward import (
    Batch,
    Gradients,
    draw_batch,
    loss_and_gradients,
    true_scores,
)
from core.train.negative import LOSS_EVERY, NOISE_GROUP, NOISE_POOL, draw_from_table
from core.train.update import (
    add_curvature_along,
    add_gradients,
    apply_negative_sums,
    apply_plain_sums,
    hot_rows,
    train_batch,
)

WARMUP_FRACTION = 0.15  # the start of a run takes small steps (see _corpus_step)
WARMUP_BATCH = 64
SOFTMAX_SCORES_PER_STEP = 4_000_000  # bounds a naive-softmax step's (pairs × |V|) block
HANDOUT_COST_EVERY = 10  # the handout's PRINT_EVERY: its cost is smoothed at these steps
# One chunk of negative sampling gathers and multiplies about this many float32 values
# (inputs × vectors scored × d): 50-100 ms and 100-300 MB of working memory on the 2-core
# machine it was measured on, at any dimension and window.
CHUNK_WORK = 2**26
# Naive softmax's chunk: its dense products (pairs × |V| × d multiply-adds, BLAS) and its
# (pairs × |V|) block of scores.
SOFTMAX_CHUNK_WORK = 2**31
SOFTMAX_CHUNK_SCORES = 2**24

@dataclass(frozen=True)
class StepResult:
    """What a whole step returns: its loss (None when not measured) and, when asked for,
    the Batch it trained on (a chunked step's chunks joined)."""

    loss: float | None
    batch: Batch | None = None


Step = Generator[float, None, StepResult]  # yields the share done, returns the result


def softmax_words(batch: int, vocab_size: int, window: int) -> int:
    """Centers of a naive-softmax step of `batch` words: at most SOFTMAX_SCORES_PER_STEP
    expected scores ((window + 1) pairs of |V| scores a center), at least 16 centers."""
    return max(16, min(batch, SOFTMAX_SCORES_PER_STEP // (vocab_size * (window + 1))))


def largest_step(config: TrainConfig, vocab_size: int) -> int:
    """The most centers (batching="corpus") or windows (batching="windows") one step of
    this run takes."""
    if config.batching == "windows":
        return config.batch_size
    if config.loss == "softmax":
        return softmax_words(config.batch_words, vocab_size, config.window)
    return config.batch_words


def inputs_per_chunk(config: TrainConfig, vocab_size: int) -> int:
    """The most centers (batching="corpus") or windows (batching="windows") one chunk of a
    step computes, from the work each brings at the worst (every window at its full
    reach): negative sampling scores the padded (2·window) block of true outside words and
    a pool of NOISE_POOL words per center (the handout's batching: K + 1 words per pair,
    2·window pairs a window); naive softmax scores all |V| words per pair. At least 1;
    with negative sampling, whole groups of NOISE_GROUP centers when it is that many (a
    chunked step then groups its centers to share noise pools as a whole step does, as
    long as every center has a context word)."""
    dim, slots = config.dim, 2 * config.window
    if config.loss == "softmax":
        pairs = 1 if config.model == "cbow" and config.batching == "corpus" else slots
        return max(1, min(SOFTMAX_CHUNK_WORK // (pairs * vocab_size * dim),
                          SOFTMAX_CHUNK_SCORES // (pairs * vocab_size)))
    if config.batching == "windows":
        return max(1, CHUNK_WORK // (slots * (config.negative + 1) * dim))
    # CBOW also gathers each context word's gradient and scores its center
    per_input = slots + NOISE_POOL + (1 if config.model == "cbow" else 0)
    per_chunk = max(1, CHUNK_WORK // (per_input * dim))
    # whole noise groups, so that a chunked step shares pools as a whole step does
    return per_chunk - per_chunk % NOISE_GROUP if per_chunk >= NOISE_GROUP else per_chunk


class Batching:
    """The batching of `Trainer` (a mixin; see the module)."""

    def _draw_noise(self, shape: tuple[int, ...]) -> np.ndarray:
        """Noise words of `shape` from the trainer's generator (a whole step's draws)."""
        return draw_from_table(self.noise_table, self.rng, shape)

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

    def _corpus_step(self, keep: bool = False) -> Step:
        """Train on the next batch of centers; returns its `StepResult`: the mean loss per
        pair (skip-gram) or per window (CBOW: one center predicted from its window), or None
        when this step did not measure it (negative sampling measures every LOSS_EVERY-th
        step), and with `keep` the Batch it trained on. A generator: a step larger than one
        chunk yields after each (see the module)."""
        if self._kept_ids is None:
            self._start_epoch()
        kept_ids = self._kept_ids
        config = self.config
        window = config.window
        # While the vectors grow from their tiny start, sequential SGD compounds its
        # updates and big summed steps would lag behind it: over the first 15% of the
        # run the step grows geometrically from WARMUP_BATCH words to batch_words.
        batch = config.batch_words
        if self.progress < WARMUP_FRACTION and batch > WARMUP_BATCH:
            batch = int(WARMUP_BATCH * (batch / WARMUP_BATCH) ** (self.progress / WARMUP_FRACTION))
        if config.loss == "softmax":
            batch = softmax_words(batch, self.corpus.vocab_size, window)
        first, last = self.cursor, min(self.cursor + batch, kept_ids.size)
        per_chunk = inputs_per_chunk(config, self.corpus.vocab_size)
        learning_rate = self.learning_rate()
        if last - first <= per_chunk:
            # dynamic window: each center's reach is drawn uniformly from 1..window
            reach = self.rng.integers(1, window + 1, size=last - first)
            trained = draw_batch(*self._corpus_block(first, last, reach), config,
                                 self._draw_noise)
            gradients = self._train(trained, learning_rate)
            loss_sum, pairs = (None, 0) if gradients is None else (gradients.loss,
                                                                    gradients.pairs)
            parts = [trained]
        else:
            loss_sum, pairs, parts = yield from self._corpus_chunks(first, last, per_chunk,
                                                                    learning_rate)

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
        return StepResult(None if loss_sum is None else loss_sum / max(pairs, 1),
                          Batch.joined(parts) if keep else None)

    def _train(self, batch: Batch, rate: float) -> Gradients | None:
        """A whole step on `batch` (core.train.update.train_batch); refuses
        (DivergenceError) a step whose gradients overflowed, before it changes anything."""
        gradients = train_batch(self.center_vectors, self.outside_vectors, batch,
                                self.config, rate, with_loss=self.steps % LOSS_EVERY == 0)
        if gradients is not None and not gradients.finite():
            raise self._divergence("a gradient became infinite or NaN")
        return gradients

    def _gradients(self, batch: Batch) -> Gradients | None:
        """The forward pass on `batch` at the current vectors (a chunk of a larger step);
        refuses (DivergenceError) gradients that overflowed."""
        gradients = loss_and_gradients(self.center_vectors, self.outside_vectors, batch,
                                       self.config,
                                       with_loss=self.steps % LOSS_EVERY == 0)
        if gradients is not None and not gradients.finite():
            raise self._divergence("a gradient became infinite or NaN")
        return gradients

    def _corpus_block(self, first: int, last: int, reach: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centers first..last-1 of the epoch's kept words with their windows of `reach`:
        (center ids (n,), context (n, 2·window), valid (n, 2·window): the slots that are
        real context words, within reach and in the center's sentence)."""
        kept_ids, kept_sentences = self._kept_ids, self._kept_sentences
        window = self.config.window
        low, high = max(0, first - window), min(kept_ids.size, last + window)
        ids = kept_ids[low:high]
        sentences = kept_sentences[low:high]
        centers = np.arange(first - low, last - low)
        offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
        positions = centers[:, None] + offsets[None, :]
        inside = (positions >= 0) & (positions < ids.size)
        positions = np.clip(positions, 0, ids.size - 1)
        valid = inside & (np.abs(offsets)[None, :] <= reach[:, None])
        valid &= sentences[positions] == sentences[centers][:, None]
        context = ids[positions]  # (n, 2·window)
        return ids[centers], context, valid

    def _corpus_chunks(self, first: int, last: int, per_chunk: int, learning_rate: float
                       ) -> Generator[float, None, tuple[float | None, int, list[Batch]]]:
        """One step over centers first..last-1, `per_chunk` centers a call: their gradients
        summed at the step's starting point, then applied at once (see the module).
        Negative sampling takes a second pass over the chunks when some true outside row
        is "hot" (core.math.steps.output_row_curvature): its curvature along the summed step
        needs the whole sum first. Yields the share done; returns (loss sum, pairs, the
        chunks' batches)."""
        config = self.config
        rng = copy.deepcopy(self.rng)  # the step's own: self.rng moves when it is applied
        draw = partial(draw_from_table, self.noise_table, rng)
        into = StepSums(self.corpus.vocab_size, config.dim)
        negative = config.loss == "neg"
        starts = range(first, last, per_chunk)
        passes = len(starts) * (2 if negative else 1)
        reaches, parts = [], []
        loss_sum, measured, pairs = 0.0, False, 0
        for done, start in enumerate(starts, 1):
            stop = min(start + per_chunk, last)
            reach = rng.integers(1, config.window + 1, size=stop - start)
            reaches.append(reach.astype(np.uint8))  # window ≤ 100
            trained = draw_batch(*self._corpus_block(start, stop, reach), config, draw)
            parts.append(trained)
            gradients = self._gradients(trained)
            if gradients is not None:
                add_gradients(into, gradients, self.corpus.vocab_size)
                if gradients.loss is not None:
                    loss_sum, measured = loss_sum + gradients.loss, True
                pairs += gradients.pairs
            yield done / passes
        if negative:
            hot, directions = hot_rows(into, learning_rate)
            along = np.zeros(hot.size)
            if hot.size:
                for done, (start, reach) in enumerate(zip(starts, reaches, strict=True), 1):
                    block = Batch(*self._corpus_block(start, min(start + per_chunk, last),
                                                      reach))
                    inputs, keys, owners = true_scores(self.center_vectors, block, config)
                    add_curvature_along(along, self.outside_vectors, hot, directions, keys,
                                        owners, inputs)
                    yield (len(starts) + done) / passes
            apply_negative_sums(into, self.center_vectors, self.outside_vectors,
                                learning_rate, hot, along)
        else:  # naive softmax: the plain step, as scatter_add_rows and -= apply it
            into.center.apply_plain(self.center_vectors, learning_rate)
            if into.dense is not None:
                self.outside_vectors -= learning_rate * into.dense
        self.rng.bit_generator.state = rng.bit_generator.state
        return (loss_sum if measured else None), pairs, parts

    # ------------------------------------------------------------------ batching="windows"
    def _handout_text(self) -> tuple[np.ndarray, np.ndarray]:
        """The handout's window source (see core.data.corpus.handout_window_text), built once."""
        if self._window_text is None:
            reject = handout_reject_probabilities(self.corpus.counts)
            self._window_text = handout_window_text(self.corpus, reject, self.rng)
        return self._window_text

    def _windows_step(self, keep: bool = False) -> Step:
        """The handout's step on `batch_size` random windows; its cost: the mean loss per
        window (each window's loss summed over its outside words), in a `StepResult` with,
        given `keep`, the Batch it trained on. A generator: a step larger than one chunk
        yields after each (see the module)."""
        config = self.config
        wanted = config.batch_size
        self._handout_text()
        learning_rate = self.learning_rate()
        rate = learning_rate / wanted  # the handout averages the gradient over the windows
        per_chunk = inputs_per_chunk(config, self.corpus.vocab_size)
        if wanted <= per_chunk:
            trained = draw_batch(*self._draw_windows(wanted, self.rng), config,
                                 self._draw_noise)
            gradients = self._train(trained, rate)
            loss_sum, pairs, parts = gradients.loss, gradients.pairs, [trained]
        else:
            rng = copy.deepcopy(self.rng)  # the step's own: self.rng moves when applied
            draw = partial(draw_from_table, self.noise_table, rng)
            into = StepSums(self.corpus.vocab_size, config.dim)
            loss_sum, pairs, parts = 0.0, 0, []
            starts = range(0, wanted, per_chunk)
            for done, start in enumerate(starts, 1):
                trained = draw_batch(*self._draw_windows(min(per_chunk, wanted - start), rng),
                                     config, draw)
                parts.append(trained)
                gradients = self._gradients(trained)
                add_gradients(into, gradients, self.corpus.vocab_size)
                loss_sum, pairs = loss_sum + gradients.loss, pairs + gradients.pairs
                yield done / len(starts)
            apply_plain_sums(into, self.center_vectors, self.outside_vectors, rate)
            self.rng.bit_generator.state = rng.bit_generator.state
        # the handout's cost: the batch-averaged window loss
        cost = loss_sum / wanted
        self.words_done += wanted
        self.pairs_seen += pairs
        if (self.steps + 1) % HANDOUT_COST_EVERY == 0:
            self.handout_cost = cost if not self.handout_cost else (
                0.95 * self.handout_cost + 0.05 * cost)
        return StepResult(cost, Batch.joined(parts) if keep else None)

    def _draw_windows(self, wanted: int, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`wanted` random windows of the handout's window text, as its step draws them:
        (centers (n,), context (n, 2·window), valid (n, 2·window))."""
        ids, spans = self._handout_text()
        window = self.config.window
        offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
        chosen_center = chosen_context = chosen_valid = None
        while True:  # a window with no context is drawn again, as in the handout
            draw = 2 * wanted
            span = spans[rng.integers(0, spans.shape[0], size=draw)]
            where = span[:, 0] + (rng.random(draw) * span[:, 1]).astype(np.int64)
            reach = rng.integers(1, window + 1, size=draw)
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
        return chosen_center[:wanted], chosen_context[:wanted], chosen_valid[:wanted]
