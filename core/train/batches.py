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
`Batches` is a part of `core.train.trainer.Trainer`: it owns the epoch's text, and reads
and advances what `Run` declares of the trainer (its vectors, position and generator).
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from dataclasses import dataclass
from functools import partial
from typing import Protocol

import numpy as np

from core.data.corpus import Corpus, handout_reject_probabilities, handout_window_text
from core.errors import DivergenceError, TrainerError
from core.math.steps import StepSums
from core.train.config import TrainConfig
from core.train.forward import (
    Batch,
    Gradients,
    draw_batch,
    loss_and_gradients,
    true_scores,
)
from core.train.negative import LOSS_EVERY, NOISE_GROUP, NOISE_POOL, draw_from_table
from core.train.state import Position
from core.train.update import (
    add_curvature_along,
    add_gradients,
    apply_negative_sums,
    apply_plain_sums,
    hot_rows,
    train_batch,
)

WARMUP_FRACTION = 0.15  # the start of a run takes small steps (see corpus_step)
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


class Run(Protocol):
    """What a step reads and advances of its run (core.train.trainer.Trainer)."""

    corpus: Corpus
    config: TrainConfig
    rng: np.random.Generator  # every random draw of the run, in order
    center_vectors: np.ndarray  # (V, d) float32, updated in place
    outside_vectors: np.ndarray  # (V, d) float32, updated in place
    noise_table: np.ndarray  # the unigram^0.75 table
    keep_probability: np.ndarray  # (V,) sub-sampling's chance to keep each word
    position: Position  # epoch, cursor, steps, words_done, pairs_seen, handout_cost
    concurrent: int  # processes stepping on these vectors at once (core.math.steps)

    @property
    def progress(self) -> float: ...

    def learning_rate(self) -> float: ...

    def divergence(self, what: str) -> DivergenceError: ...


class Batches:
    """What each step of `run` trains on, and the step itself (see the module). It owns
    the epoch's text, saved and restored by core.train.state:

    epoch_state:    the generator state the epoch's sub-sampling was drawn from
                    (batching="corpus"; None before an epoch starts)
    kept_ids:       the epoch's sub-sampled word ids, and kept_sentences each one's
                    sentence (None between epochs)
    window_text:    the handout's window text (batching="windows"): word ids (M,) and
                    spans (W, 2), built at the first step
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.epoch_state: dict | None = None
        self.kept_ids: np.ndarray | None = None
        self.kept_sentences: np.ndarray | None = None
        self.window_text: tuple[np.ndarray, np.ndarray] | None = None

    def step(self, keep: bool = False) -> Step:
        """The next step of the run's batching, as a generator (see the module)."""
        if self.run.config.batching == "windows":
            return self.windows_step(keep)
        return self.corpus_step(keep)

    def draw_noise(self, shape: tuple[int, ...]) -> np.ndarray:
        """Noise words of `shape` from the run's generator (a whole step's draws)."""
        return draw_from_table(self.run.noise_table, self.run.rng, shape)

    # ------------------------------------------------------------------ batching="corpus"
    def start_epoch(self) -> None:
        """Sub-sample the corpus for this epoch (word2vec.c keeps w with keep_probability)."""
        run, corpus = self.run, self.run.corpus
        self.epoch_state = run.rng.bit_generator.state
        ids = corpus.token_ids
        keep = run.rng.random(ids.size, dtype=np.float32) < run.keep_probability[ids]
        sentence_of = np.repeat(
            np.arange(corpus.sentence_count, dtype=np.int32),
            np.diff(corpus.sentence_offsets),
        )
        self.kept_ids = ids[keep]
        self.kept_sentences = sentence_of[keep]
        if self.kept_ids.size == 0:
            raise TrainerError("sub-sampling dropped every word; set sample to 0 or larger.")

    def _resume_inside_epoch(self) -> None:
        """A run that stopped part-way through an epoch without its sub-sampled text (one
        trained by several workers, core.parallel) goes on from the same share of the
        epoch's text. A run of one trainer always starts an epoch at its start (its saves
        keep the text), so for it this does nothing."""
        position, tokens = self.run.position, self.run.corpus.token_count
        done = position.words_done - position.epoch * tokens
        if position.cursor == 0 and 0 < done < tokens:
            position.cursor = min(self.kept_ids.size - 1,
                                  int(done / tokens * self.kept_ids.size))

    def corpus_step(self, keep: bool = False) -> Step:
        """Train on the next batch of centers; returns its `StepResult`: the mean loss per
        pair (skip-gram) or per window (CBOW: one center predicted from its window), or None
        when this step did not measure it (negative sampling measures every LOSS_EVERY-th
        step), and with `keep` the Batch it trained on. A generator: a step larger than one
        chunk yields after each (see the module)."""
        if self.kept_ids is None:
            self.start_epoch()
            self._resume_inside_epoch()
        run, kept_ids = self.run, self.kept_ids
        position, corpus, config = run.position, run.corpus, run.config
        window = config.window
        # While the vectors grow from their tiny start, sequential SGD compounds its
        # updates and big summed steps would lag behind it: over the first 15% of the
        # run the step grows geometrically from WARMUP_BATCH words to batch_words.
        batch = config.batch_words
        if run.progress < WARMUP_FRACTION and batch > WARMUP_BATCH:
            batch = int(WARMUP_BATCH * (batch / WARMUP_BATCH) ** (run.progress / WARMUP_FRACTION))
        if config.loss == "softmax":
            batch = softmax_words(batch, corpus.vocab_size, window)
        first, last = position.cursor, min(position.cursor + batch, kept_ids.size)
        per_chunk = inputs_per_chunk(config, corpus.vocab_size)
        learning_rate = run.learning_rate()
        if last - first <= per_chunk:
            # dynamic window: each center's reach is drawn uniformly from 1..window
            reach = run.rng.integers(1, window + 1, size=last - first)
            trained = draw_batch(*self.corpus_block(first, last, reach), config,
                                 self.draw_noise)
            gradients = self.train(trained, learning_rate)
            loss_sum, pairs = (None, 0) if gradients is None else (gradients.loss,
                                                                    gradients.pairs)
            parts = [trained]
        else:
            loss_sum, pairs, parts = yield from self.corpus_chunks(first, last, per_chunk,
                                                                    learning_rate)

        position.cursor = last
        raw_per_kept = corpus.token_count / kept_ids.size
        position.words_done = position.epoch * corpus.token_count + int(
            round(position.cursor * raw_per_kept))
        if position.cursor >= kept_ids.size:
            position.epoch += 1
            position.cursor = 0
            self.kept_ids = self.kept_sentences = None
            position.words_done = position.epoch * corpus.token_count
        position.pairs_seen += pairs
        return StepResult(None if loss_sum is None else loss_sum / max(pairs, 1),
                          Batch.joined(parts) if keep else None)

    def train(self, batch: Batch, rate: float) -> Gradients | None:
        """A whole step on `batch` (core.train.update.train_batch); refuses
        (DivergenceError) a step whose gradients overflowed, before it changes anything."""
        run = self.run
        gradients = train_batch(run.center_vectors, run.outside_vectors, batch, run.config,
                                rate, with_loss=run.position.steps % LOSS_EVERY == 0,
                                concurrent=run.concurrent)
        if gradients is not None and not gradients.finite():
            raise self.run.divergence("a gradient became infinite or NaN")
        return gradients

    def gradients(self, batch: Batch) -> Gradients | None:
        """The forward pass on `batch` at the current vectors (a chunk of a larger step);
        refuses (DivergenceError) gradients that overflowed."""
        run = self.run
        gradients = loss_and_gradients(run.center_vectors, run.outside_vectors, batch,
                                       run.config, with_loss=run.position.steps % LOSS_EVERY == 0)
        if gradients is not None and not gradients.finite():
            raise self.run.divergence("a gradient became infinite or NaN")
        return gradients

    def corpus_block(self, first: int, last: int, reach: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centers first..last-1 of the epoch's kept words with their windows of `reach`:
        (center ids (n,), context (n, 2·window), valid (n, 2·window): the slots that are
        real context words, within reach and in the center's sentence)."""
        kept_ids, kept_sentences = self.kept_ids, self.kept_sentences
        window = self.run.config.window
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

    def corpus_chunks(self, first: int, last: int, per_chunk: int, learning_rate: float
                      ) -> Generator[float, None, tuple[float | None, int, list[Batch]]]:
        """One step over centers first..last-1, `per_chunk` centers a call: their gradients
        summed at the step's starting point, then applied at once (see the module).
        Negative sampling takes a second pass over the chunks when some true outside row
        is "hot" (core.math.steps.output_row_curvature): its curvature along the summed step
        needs the whole sum first. Yields the share done; returns (loss sum, pairs, the
        chunks' batches)."""
        run = self.run
        config, vocab_size = run.config, run.corpus.vocab_size
        rng = copy.deepcopy(run.rng)  # the step's own: run.rng moves when it is applied
        draw = partial(draw_from_table, run.noise_table, rng)
        into = StepSums(vocab_size, config.dim)
        negative = config.loss == "neg"
        starts = range(first, last, per_chunk)
        passes = len(starts) * (2 if negative else 1)
        reaches, parts = [], []
        loss_sum, measured, pairs = 0.0, False, 0
        for done, start in enumerate(starts, 1):
            stop = min(start + per_chunk, last)
            reach = rng.integers(1, config.window + 1, size=stop - start)
            reaches.append(reach.astype(np.uint8))  # window ≤ 100
            trained = draw_batch(*self.corpus_block(start, stop, reach), config, draw)
            parts.append(trained)
            gradients = self.gradients(trained)
            if gradients is not None:
                add_gradients(into, gradients, vocab_size)
                if gradients.loss is not None:
                    loss_sum, measured = loss_sum + gradients.loss, True
                pairs += gradients.pairs
            yield done / passes
        if negative:
            hot, directions = hot_rows(into, learning_rate)
            along = np.zeros(hot.size)
            if hot.size:
                for done, (start, reach) in enumerate(zip(starts, reaches, strict=True), 1):
                    block = Batch(*self.corpus_block(start, min(start + per_chunk, last),
                                                      reach))
                    inputs, keys, owners = true_scores(run.center_vectors, block, config)
                    add_curvature_along(along, run.outside_vectors, hot, directions, keys,
                                        owners, inputs)
                    yield (len(starts) + done) / passes
            apply_negative_sums(into, run.center_vectors, run.outside_vectors,
                                learning_rate, hot, along, run.concurrent)
        else:  # naive softmax: the plain step, as scatter_add_rows and -= apply it
            into.center.apply_plain(run.center_vectors, learning_rate)
            if into.dense is not None:
                run.outside_vectors -= learning_rate * into.dense
        run.rng.bit_generator.state = rng.bit_generator.state
        return (loss_sum if measured else None), pairs, parts

    # ------------------------------------------------------------------ batching="windows"
    def handout_text(self) -> tuple[np.ndarray, np.ndarray]:
        """The handout's window source (see core.data.corpus.handout_window_text), built once."""
        if self.window_text is None:
            corpus = self.run.corpus
            reject = handout_reject_probabilities(corpus.counts)
            self.window_text = handout_window_text(corpus, reject, self.run.rng)
        return self.window_text

    def windows_step(self, keep: bool = False) -> Step:
        """The handout's step on `batch_size` random windows; its cost: the mean loss per
        window (each window's loss summed over its outside words), in a `StepResult` with,
        given `keep`, the Batch it trained on. A generator: a step larger than one chunk
        yields after each (see the module)."""
        run = self.run
        config, position, vocab_size = run.config, run.position, run.corpus.vocab_size
        wanted = config.batch_size
        self.handout_text()
        learning_rate = run.learning_rate()
        rate = learning_rate / wanted  # the handout averages the gradient over the windows
        per_chunk = inputs_per_chunk(config, vocab_size)
        if wanted <= per_chunk:
            trained = draw_batch(*self.draw_windows(wanted, run.rng), config,
                                 self.draw_noise)
            gradients = self.train(trained, rate)
            loss_sum, pairs, parts = gradients.loss, gradients.pairs, [trained]
        else:
            rng = copy.deepcopy(run.rng)  # the step's own: run.rng moves when applied
            draw = partial(draw_from_table, run.noise_table, rng)
            into = StepSums(vocab_size, config.dim)
            loss_sum, pairs, parts = 0.0, 0, []
            starts = range(0, wanted, per_chunk)
            for done, start in enumerate(starts, 1):
                trained = draw_batch(*self.draw_windows(min(per_chunk, wanted - start), rng),
                                     config, draw)
                parts.append(trained)
                gradients = self.gradients(trained)
                add_gradients(into, gradients, vocab_size)
                loss_sum, pairs = loss_sum + gradients.loss, pairs + gradients.pairs
                yield done / len(starts)
            apply_plain_sums(into, run.center_vectors, run.outside_vectors, rate)
            run.rng.bit_generator.state = rng.bit_generator.state
        # the handout's cost: the batch-averaged window loss
        cost = loss_sum / wanted
        position.words_done += wanted
        position.pairs_seen += pairs
        if (position.steps + 1) % HANDOUT_COST_EVERY == 0:
            position.handout_cost = cost if not position.handout_cost else (
                0.95 * position.handout_cost + 0.05 * cost)
        return StepResult(cost, Batch.joined(parts) if keep else None)

    def draw_windows(self, wanted: int, rng: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`wanted` random windows of the handout's window text, as its step draws them:
        (centers (n,), context (n, 2·window), valid (n, 2·window))."""
        ids, spans = self.handout_text()
        window = self.run.config.window
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
