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

The trainer is split by job: `trainer_batches` (what a step trains on), `trainer_models`
(skip-gram and CBOW), `trainer_negative` (the pooled negative-sampling update),
`trainer_state` (save and load), `trainer_errors` (the failures, re-exported here),
`memory_budget` (what a run needs, refused when it does not fit).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.data.corpus import Corpus
from core.train.batches import Batching, Step
from core.train.config import TrainConfig
from core.train.errors import DivergenceError, TrainerError, unreadable_model
from core.train.memory_budget import NotEnoughMemory, check_fits
from core.train.models import ModelSteps
from core.train.negative import NOISE_TABLE_SIZE, NegativeSamplingStep
from core.train.state import SavedState
from core.vectors.embeddings import Embeddings

__all__ = ["NOISE_TABLE_SIZE", "DivergenceError", "NotEnoughMemory", "StepStats", "Trainer",
           "TrainerError", "unreadable_model"]


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

    @property
    def windows(self) -> bool:
        """The handout's batching: words_done counts windows, progress is iterations."""
        return self.iterations is not None


class Trainer(Batching, ModelSteps, NegativeSamplingStep, SavedState):
    """Trains word vectors on a Corpus, one bounded `step()` at a time.

    center_vectors:  (V, d) float32, the input vectors (the embedding users keep)
    outside_vectors: (V, d) float32, the output vectors
    Initialised as word2vec.c does: center vectors uniform in ±0.5/d, outside vectors zero.
    Raises TrainerError when the corpus cannot be trained on, and NotEnoughMemory (a
    TrainerError, with the figures and what to lower) when the run would not fit in the
    memory this computer has free (`core.train.memory_budget.check_fits`; check_memory=False
    skips that, for a run read from a file whose own allocations were checked).
    """

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
        # position
        self.epoch = 0
        self.cursor = 0  # next center in the epoch's sub-sampled text
        self.steps = 0
        self.words_done = 0
        self.pairs_seen = 0
        self.smoothed_loss = float("nan")
        self.last_loss = float("nan")  # the most recent measured loss, per loss_unit
        self.handout_cost: float | None = None
        self.seconds = 0.0
        self._epoch_state: dict | None = None  # generator state at the epoch's start
        self._kept_ids: np.ndarray | None = None
        self._kept_sentences: np.ndarray | None = None
        self._window_text: tuple[np.ndarray, np.ndarray] | None = None
        # while not None, a step writes what it trained on here (core.train.step_math)
        self.recording: dict | None = None
        # a step larger than one chunk, between calls (core.train.batches), the config
        # it was started with, and its share done
        self._in_flight: Step | None = None
        self._in_flight_config: TrainConfig | None = None
        self._partial_step = 0.0

    def __getstate__(self) -> dict:
        """Copies and pickles leave out a step in flight (a generator): it is computed
        again from the state it started at, which nothing has changed yet."""
        state = self.__dict__.copy()
        state.update(_in_flight=None, _in_flight_config=None, _partial_step=0.0)
        return state

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
        """The rate the next step uses: halved every `halve_every` steps, or linear in
        progress from alpha down to min_alpha."""
        config = self.config
        if config.schedule == "halving":
            return config.alpha * 0.5 ** (self.steps // config.halve_every)
        decayed = config.alpha - (config.alpha - config.min_alpha) * self.progress
        return max(config.min_alpha, decayed)

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
    def step(self) -> StepStats:
        """Do one bounded chunk of training and return the stats. Pausing = not calling.

        A step that fits one chunk (core.train.batches.inputs_per_chunk) is taken whole;
        a larger one takes several calls, the last applying it; between them the vectors,
        the position and the generator are those before the step (`stats().partial_step`
        says how far it is). While `recording`, a call takes one whole step.
        Raises DivergenceError (the vectors left as before the step) when the loss or a
        gradient becomes non-finite, TrainerError when the run cannot go on otherwise.
        """
        if self.finished:
            return self.stats()
        started = time.perf_counter()
        # Overflow shows up as a non-finite gradient, which _check_finite reports before
        # anything is applied; NumPy's own warnings about it would only be noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            whole, loss = self._advance_step()
        if whole:
            self.steps += 1
            if loss is not None:
                if not np.isfinite(loss):
                    raise self._divergence(f"the loss became {loss}")
                decay = 0.05
                self.smoothed_loss = loss if np.isnan(self.smoothed_loss) else (
                    (1 - decay) * self.smoothed_loss + decay * loss)
                self.last_loss = loss
        self.seconds += time.perf_counter() - started
        return self.stats()

    def _advance_step(self) -> tuple[bool, float | None]:
        """Run the step in flight (a new one if none) for one chunk, or to its end while
        recording: (True, its loss or None) when it ended, (False, None) when it did not."""
        if self._in_flight is not None and (self.recording is not None
                                            or self._in_flight_config != self.config):
            self._drop_step_in_flight()  # it is computed again, recorded or re-configured
        if self._in_flight is None:
            self._in_flight = (self._windows_step() if self.config.batching == "windows"
                               else self._corpus_step())
            self._in_flight_config = self.config
        try:
            while True:
                self._partial_step = next(self._in_flight)
                if self.recording is None:
                    return False, None
        except StopIteration as ended:
            self._in_flight = self._in_flight_config = None
            self._partial_step = 0.0
            return True, ended.value
        except BaseException:  # a divergence or an interrupt: the step is dropped whole
            self._in_flight = self._in_flight_config = None
            self._partial_step = 0.0
            raise

    def _drop_step_in_flight(self) -> None:
        if self._in_flight is not None:
            self._in_flight.close()
        self._in_flight = self._in_flight_config = None
        self._partial_step = 0.0

    def _divergence(self, what: str) -> DivergenceError:
        return DivergenceError(
            f"{what} at step {self.steps + 1} (learning rate {self.learning_rate():g}): "
            "training diverged. Lower the learning rate (alpha) and train on; the vectors "
            "are kept as they were before this step."
        )

    def _check_finite(self, *arrays: np.ndarray) -> None:
        """Refuse a step whose gradients overflowed, before it changes any parameter."""
        if not all(np.isfinite(array).all() for array in arrays):
            raise self._divergence("a gradient became infinite or NaN")

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
