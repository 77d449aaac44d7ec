"""The fast vectorized trainer: minibatch skip-gram / CBOW in bounded steps, exact save/resume.

No Python loop runs per word or per pair. With batching="corpus" a step takes
`batch_words` (sub-sampled) center words, builds every (center, outside) pair of their
dynamic windows as a masked (n, 2·window) block, and computes losses and gradients with
the batched functions of `core.math.losses`. Gradients of a step are summed and applied at once
(the step's pairs see the parameters as they were at its start); with negative sampling
each row's summed step is limited by its curvature (see `core.math.steps`). With
batching="windows" a step is the handout's: `batch_size` random windows, K fresh noise
words per pair (a draw equal to the outside word is drawn again).

Bounded calls: one call of `step()` computes at most one chunk of about CHUNK_WORK float32
products (`core.train.batches.inputs_per_chunk`), so a caller that pauses, saves or
stops between calls never waits long, whatever the words per step and the dimension. A
step larger than a chunk takes several calls and is applied by its last (see
core.train.batches); `StepStats.partial_step` says how far it is. A run that would not
fit in memory is refused when the Trainer is built (`core.train.memory_budget`).

Negative sampling with batching="corpus" pools its noise words: each group of
NOISE_GROUP = 64 inputs (skip-gram centers, or CBOW windows) shares one pool of
NOISE_POOL = 48 words drawn from unigram^0.75, and every input scores every word of its
pool, each counted noise_terms · K / 48 times (noise_terms: the input's pairs, 1 for a
CBOW window). Its expected loss and gradient are those of K fresh unigram^0.75 draws per
pair with nothing skipped or redrawn: a pool word equal to one of the input's true
targets is scored as noise too (word2vec.c skips such a draw; the handout draws again).

The trainer is split by job: `core.train.forward` (one batch's loss and gradients, a pure
function of the parameters and the `Batch`), `core.train.update` (applying them, with the
curvature guard), `core.train.batches` (what a step trains on, and chunked steps),
`core.train.state` (the position, save and load), `core.train.memory_budget` (what a run
needs, refused when it does not fit). Its failures are core.errors' TrainerError and
DivergenceError, re-exported here. `Trainer` holds its parts (a `Batches`, a `Position`)
and declares every attribute; what a step reads of it is `core.train.batches.Run`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Self

import numpy as np

from core.data.corpus import Corpus
from core.errors import DivergenceError, TrainerError
from core.train import state
from core.train.batches import Batches, Step, StepResult
from core.train.config import TrainConfig
from core.train.forward import Batch
from core.train.memory_budget import NotEnoughMemory, check_fits
from core.train.negative import NOISE_TABLE_SIZE
from core.train.saved_arrays import SavedArrays
from core.train.state import InPosition, Position
from core.vectors.embeddings import Embeddings

__all__ = ["NOISE_TABLE_SIZE", "DivergenceError", "NotEnoughMemory", "StepStats", "Trainer",
           "TrainerError"]


@dataclass(frozen=True)
class StepStats:
    """What one `Trainer.step` reports.

    loss:             mean loss of the latest step that measured it (negative sampling
                      measures every LOSS_EVERY-th step), per `loss_unit`
    smoothed_loss:    exponential moving average of `loss`, in the same unit
    cost:             the handout's smoothed cost (batching="windows": its run.py's
                      exploss, updated every 10th iteration, per window), else None
    loss_unit:        "pair" (skip-gram: one (center, outside) pair) or "window" (CBOW:
                      one center predicted from its window; batching="windows": the
                      handout's cost of one window, summed over its outside words)
    words_done:       corpus tokens consumed so far (windows for batching="windows")
    total_words:      words_done at the end of the run
    words_per_second: words_done / seconds spent inside `step`
    learning_rate:    the rate the next step will use: `stats()` reads `learning_rate()`
                      after the step advanced the position (with the linear schedule a
                      little below this step's rate; with halving, possibly just halved)
    epoch:            current epoch (0-based)
    progress:         fraction of the run done, 0..1
    finished:         the run is over
    steps:            steps (iterations) taken so far
    iterations:       the run's iterations for batching="windows", else None (epochs)
    partial_step:     the share (0..1) of a step larger than one chunk computed so far;
                      everything else above is as of the last whole step (0: between steps)
    batch:            what the step trained on (core.train.forward.Batch), when
                      `step(keep_batch=True)` asked for it; else None
    """

    loss: float
    smoothed_loss: float
    cost: float | None
    loss_unit: str
    words_done: int
    total_words: int
    words_per_second: float
    learning_rate: float
    epoch: int
    progress: float
    finished: bool
    steps: int = 0
    iterations: int | None = None
    partial_step: float = 0.0
    batch: Batch | None = field(default=None, compare=False, repr=False)

    @property
    def windows(self) -> bool:
        """The handout's batching: words_done counts windows, progress is iterations."""
        return self.iterations is not None


def scheduled_rate(config: TrainConfig, progress: float, steps: int) -> float:
    """The learning rate after `steps` steps, `progress` (0..1) of the run: halved every
    `halve_every` steps, or linear in progress from alpha down to min_alpha."""
    if config.schedule == "halving":
        return config.alpha * 0.5 ** (steps // config.halve_every)
    decayed = config.alpha - (config.alpha - config.min_alpha) * progress
    return max(config.min_alpha, decayed)


def divergence_error(what: str, steps: int, rate: float) -> DivergenceError:
    """A step after `steps` steps, at learning rate `rate`, went non-finite (`what`)."""
    return DivergenceError(
        f"{what} at step {steps + 1} (learning rate {rate:g}): training diverged. Lower "
        "the learning rate (alpha) and train on; the vectors are kept as they were before "
        "this step.")


class Trainer:
    """Trains word vectors on a Corpus, one bounded `step()` at a time.

    center_vectors:  (V, d) float32, the input vectors (the embedding users keep)
    outside_vectors: (V, d) float32, the output vectors
    Initialised as word2vec.c does: center vectors uniform in ±0.5/d, outside vectors zero.
    Raises TrainerError when the corpus cannot be trained on, and NotEnoughMemory (a
    TrainerError, with the figures and what to lower) when the run would not fit in the
    memory this computer has free (`core.train.memory_budget.check_fits`; check_memory=False
    skips that, for a run read from a file whose own allocations were checked).
    """

    # Every attribute of a trainer, declared here (core.train.batches and core.train.state
    # read and write these and no others).
    corpus: Corpus
    config: TrainConfig
    rng: np.random.Generator  # every random draw of the run, in order
    center_vectors: np.ndarray  # (V, d) float32
    outside_vectors: np.ndarray  # (V, d) float32
    noise_table: np.ndarray  # (NOISE_TABLE_SIZE,) int32, the unigram^0.75 table
    keep_probability: np.ndarray  # (V,) float32, sub-sampling's chance to keep each word
    # a trainer steps alone on its vectors (core.parallel's workers step several at once)
    concurrent: int = 1
    position: Position  # where the run is; its fields read as the trainer's own:
    epoch = InPosition()
    cursor = InPosition()
    steps = InPosition()
    words_done = InPosition()
    pairs_seen = InPosition()
    smoothed_loss = InPosition()
    last_loss = InPosition()
    handout_cost = InPosition()
    seconds = InPosition()
    # what each step trains on: the epoch's sub-sampled text or the handout's windows
    batches: Batches
    # a step larger than one chunk, between calls (core.train.batches), the config it
    # was started with, and its share done
    _in_flight: Step | None
    _in_flight_config: TrainConfig | None
    _partial_step: float

    def __init__(self, corpus: Corpus, config: TrainConfig, *,
                 check_memory: bool = True) -> None:
        if corpus.vocab_size < 2:
            raise TrainerError(
                f"the vocabulary has {corpus.vocab_size} word; training needs at least 2. "
                "Lower min_count or use a larger corpus."
            )
        sentence_lengths = np.diff(corpus.sentence_offsets)
        if not np.any(sentence_lengths >= 2):
            raise TrainerError(
                "no sentence has two words, so there are no (center, outside) pairs. "
                "Use a corpus with longer sentences or a lower min_count."
            )
        if check_memory:
            check_fits(config, corpus)  # before the vectors are allocated
        self.corpus = corpus
        self.config = config
        self.rng = np.random.default_rng(config.seed)
        vocab, dim = corpus.vocab_size, config.dim
        self.center_vectors = ((self.rng.random((vocab, dim), dtype=np.float32) - 0.5) / dim)
        self.outside_vectors = np.zeros((vocab, dim), dtype=np.float32)
        self.noise_table = corpus.noise_table(NOISE_TABLE_SIZE)
        self.keep_probability = corpus.keep_probabilities(config.sample).astype(np.float32)
        self.position = Position()
        self.batches = Batches(self)
        self._in_flight = self._in_flight_config = None
        self._partial_step = 0.0

    def __getstate__(self) -> dict:
        """Copies and pickles leave out a step in flight (a generator): it is computed
        again from the state it started at, which nothing has changed yet."""
        state = self.__dict__.copy()
        state.update(_in_flight=None, _in_flight_config=None, _partial_step=0.0)
        return state

    # ------------------------------------------------------------------ saved state
    def save(self, path: str | os.PathLike) -> None:
        """Write the whole state (vectors, corpus, config, position, generator) to one .npz,
        atomically (core.train.state.save)."""
        state.save(self, path)

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The whole state as named arrays (core.train.state.state_arrays)."""
        return state.state_arrays(self)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Self:
        """Read a trainer saved by `save`; it continues exactly where it stopped. Raises
        TrainerError naming the file and what is wrong when it cannot be used."""
        return state.load(cls, path)

    @classmethod
    def from_state(cls, data: SavedArrays | Mapping[str, np.ndarray],
                   path: str | os.PathLike = "the file") -> Self:
        """Rebuild a trainer from `state_arrays()` (a dict, named `path` in messages) or an
        open file (core.train.state.from_state)."""
        return state.from_state(cls, data, path)

    @staticmethod
    def prepare(corpus: Corpus) -> Corpus:
        """Build what every run on `corpus` shares (the noise table), so that a later
        Trainer(corpus, ...) starts at once; call it where waiting is cheap."""
        corpus.noise_table(NOISE_TABLE_SIZE)
        return corpus

    # ------------------------------------------------------------------ progress
    @property
    def total_words(self) -> int:
        if self.config.batching == "windows":
            return self.config.iterations * self.config.batch_size
        return self.config.epochs * self.corpus.token_count

    @property
    def finished(self) -> bool:
        return self.words_done >= self.total_words

    @property
    def loss_unit(self) -> str:
        """What one loss value measures: "pair" or "window" (see StepStats)."""
        if self.config.batching == "windows" or self.config.model == "cbow":
            return "window"
        return "pair"

    @property
    def progress(self) -> float:
        return min(1.0, self.words_done / max(1, self.total_words))

    def learning_rate(self) -> float:
        """The rate the next step uses (`scheduled_rate`)."""
        return scheduled_rate(self.config, self.progress, self.steps)

    def stats(self) -> StepStats:
        return StepStats(
            loss=self.last_loss,
            smoothed_loss=self.smoothed_loss,
            cost=self.handout_cost,
            loss_unit=self.loss_unit,
            words_done=self.words_done,
            total_words=self.total_words,
            words_per_second=self.words_done / self.seconds if self.seconds > 0 else 0.0,
            learning_rate=self.learning_rate(),
            epoch=min(self.epoch, self.config.epochs - 1),
            progress=self.progress,
            finished=self.finished,
            steps=self.steps,
            iterations=self.config.iterations if self.config.batching == "windows" else None,
            partial_step=self._partial_step,
        )

    # ------------------------------------------------------------------ stepping
    def step(self, *, keep_batch: bool = False) -> StepStats:
        """Do one bounded chunk of training and return the stats. Pausing = not calling.

        A step that fits one chunk (core.train.batches.inputs_per_chunk) is taken whole;
        a larger one takes several calls, the last applying it; between them the vectors,
        the position and the generator are those before the step (`stats().partial_step`
        says how far it is). With `keep_batch` the call takes one whole step (a step in
        flight is computed again) and the stats carry the Batch it trained on.
        Raises DivergenceError (the vectors left as before the step) when the loss or a
        gradient becomes non-finite, TrainerError when the run cannot go on otherwise.
        """
        if self.finished:
            return self.stats()
        started = time.perf_counter()
        # Overflow shows up as a non-finite gradient, which the step reports before
        # anything is applied; NumPy's own warnings about it would only be noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = self._advance_step(keep_batch)
        if result is not None:
            self.steps += 1
            loss = result.loss
            if loss is not None:
                if not np.isfinite(loss):
                    raise self.divergence(f"the loss became {loss}")
                decay = 0.05
                self.smoothed_loss = loss if np.isnan(self.smoothed_loss) else (
                    (1 - decay) * self.smoothed_loss + decay * loss)
                self.last_loss = loss
        self.seconds += time.perf_counter() - started
        stats = self.stats()
        if result is not None and result.batch is not None:
            stats = replace(stats, batch=result.batch)
        return stats

    def _advance_step(self, whole: bool) -> StepResult | None:
        """Run the step in flight (a new one if none) for one chunk, or to its end when
        `whole` (then keeping its batch): its StepResult when it ended, else None."""
        if self._in_flight is not None and (whole or self._in_flight_config != self.config):
            self._drop_step_in_flight()  # it is computed again, whole or re-configured
        if self._in_flight is None:
            self._in_flight = self.batches.step(whole)
            self._in_flight_config = self.config
        try:
            while True:
                self._partial_step = next(self._in_flight)
                if not whole:
                    return None
        except StopIteration as ended:
            self._in_flight = self._in_flight_config = None
            self._partial_step = 0.0
            return ended.value
        except BaseException:  # a divergence or an interrupt: the step is dropped whole
            self._in_flight = self._in_flight_config = None
            self._partial_step = 0.0
            raise

    def _drop_step_in_flight(self) -> None:
        if self._in_flight is not None:
            self._in_flight.close()
        self._in_flight = self._in_flight_config = None
        self._partial_step = 0.0

    def divergence(self, what: str) -> DivergenceError:
        """The error of a step that went non-finite: where, and what to do."""
        return divergence_error(what, self.steps, self.learning_rate())

    def train(self, callback: Callable[[StepStats], object] | None = None) -> StepStats:
        """Step until the run is finished; `callback(stats)` after each step."""
        stats = self.stats()
        while not self.finished:
            stats = self.step()
            if callback is not None:
                callback(stats)
        return stats

    def embeddings(self) -> Embeddings:
        """A copy of the center vectors (the embedding users keep) with the vocabulary."""
        return Embeddings(list(self.corpus.words), self.center_vectors.copy(),
                          self.corpus.counts.copy())
