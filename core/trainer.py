"""The fast vectorized trainer: minibatch skip-gram / CBOW in bounded steps, exact save/resume.

No Python loop runs per word or per pair: a step takes `batch_words` (sub-sampled) center
words, builds every (center, outside) pair of their dynamic windows as a masked
(n, 2·window) block, and computes losses and gradients with the batched functions of
`core.losses`. Gradients of a step are summed and applied at once (the step's pairs see
the parameters as they were at its start).

Negative sampling shares noise words within a window: each center word draws K noise
words once, and they serve all of its pairs, counted once per pair (so the expected
gradient is that of K fresh draws per pair). A noise word equal to a pair's outside word
is skipped for that pair, as word2vec.c does.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from core.config import TrainConfig
from core.corpus import Corpus, handout_reject_probabilities, handout_window_text
from core.embeddings import Embeddings
from core.files import atomic_write
from core.functions import normalize_rows as unit_rows
from core.losses import (
    batched_naive_softmax,
    batched_neg_sampling,
    pooled_noise,
    weighted_neg_sampling,
)
from core.scatter import scatter_add_rows
from core.steps import (
    apply_input_rows,
    apply_limited,
    output_row_curvature,
)

NOISE_TABLE_SIZE = 1 << 22
NOISE_GROUP = 64  # inputs that share one pool of noise words
NOISE_POOL = 48  # noise words in a pool
WARMUP_FRACTION = 0.15  # the start of a run takes small steps (see _corpus_step)
WARMUP_BATCH = 64
LOSS_EVERY = 4  # negative sampling measures its loss (for display only) every 4th step
SOFTMAX_SCORES_PER_STEP = 4_000_000  # bounds a naive-softmax step's (pairs × |V|) block
HANDOUT_COST_EVERY = 10  # the handout's PRINT_EVERY: its cost is smoothed at these steps
FORMAT_VERSION = 1


class TrainerError(ValueError):
    """Training cannot start or continue; the message says why and what to change."""


def unreadable_model(path: str | os.PathLike, error: Exception) -> TrainerError:
    return TrainerError(f"{path} is not a readable Word2Vec Studio model ({error}). "
                        "Choose another file, or train again.")


@dataclass(frozen=True)
class StepStats:
    """What one `Trainer.step` reports.

    loss:             mean loss per pair of the latest step that measured it (negative
                      sampling measures every LOSS_EVERY-th step)
    smoothed_loss:    exponential moving average of `loss`
    cost:             the handout's smoothed cost (batching="windows"), else None
    words_done:       corpus tokens consumed so far (windows for batching="windows")
    total_words:      words_done at the end of the run
    words_per_second: words_done / seconds spent inside `step`
    learning_rate:    the rate this step used
    epoch:            current epoch (0-based)
    progress:         fraction of the run done, 0..1
    finished:         the run is over
    """

    loss: float
    smoothed_loss: float
    cost: float | None
    words_done: int
    total_words: int
    words_per_second: float
    learning_rate: float
    epoch: int
    progress: float
    finished: bool


class Trainer:
    """Trains word vectors on a Corpus, one bounded `step()` at a time.

    center_vectors:  (V, d) float32, the input vectors (the embedding users keep)
    outside_vectors: (V, d) float32, the output vectors
    Initialised as word2vec.c does: center vectors uniform in ±0.5/d, outside vectors zero.
    """

    def __init__(self, corpus: Corpus, config: TrainConfig) -> None:
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
        self.last_loss = float("nan")  # the most recent measured loss per pair
        self.handout_cost: float | None = None
        self.seconds = 0.0
        self._epoch_state: dict | None = None  # generator state at the epoch's start
        self._kept_ids: np.ndarray | None = None
        self._kept_sentences: np.ndarray | None = None
        self._window_text: tuple[np.ndarray, np.ndarray] | None = None

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
    def progress(self) -> float:
        return min(1.0, self.words_done / max(1, self.total_words))

    def learning_rate(self) -> float:
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
            words_done=self.words_done,
            total_words=self.total_words,
            words_per_second=self.words_done / self.seconds if self.seconds > 0 else 0.0,
            learning_rate=self.learning_rate(),
            epoch=min(self.epoch, self.config.epochs - 1),
            progress=self.progress,
            finished=self.finished,
        )

    # ------------------------------------------------------------------ stepping
    def step(self) -> StepStats:
        """Do one bounded batch of training and return the stats. Pausing = not calling."""
        if self.finished:
            return self.stats()
        started = time.perf_counter()
        # Overflow shows up as a non-finite gradient, which _check_finite reports before
        # anything is applied; NumPy's own warnings about it would only be noise.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.config.batching == "windows":
                loss = self._windows_step()
            else:
                loss = self._corpus_step()
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

    def _divergence(self, what: str) -> TrainerError:
        return TrainerError(
            f"{what} at step {self.steps + 1} (learning rate {self.learning_rate():g}): "
            "training diverged. Lower the learning rate (alpha) and train on; the vectors "
            "are kept as they were before this step."
        )

    def _check_finite(self, *arrays: np.ndarray) -> None:
        """Refuse a step whose gradients overflowed, before it changes any parameter."""
        if not all(np.isfinite(array).all() for array in arrays):
            raise self._divergence("a gradient became infinite or NaN")

    def train(self, callback=None) -> StepStats:
        """Step until the run is finished; `callback(stats)` after each step."""
        stats = self.stats()
        while not self.finished:
            stats = self.step()
            if callback is not None:
                callback(stats)
        return stats

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

    def _corpus_step(self) -> float:
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

    def _draw_noise(self, shape: tuple[int, ...]) -> np.ndarray:
        return self.noise_table[self.rng.integers(0, NOISE_TABLE_SIZE, size=shape)]

    def _skipgram(self, center_ids, context, valid, learning_rate) -> tuple[float | None, int]:
        pair_count = valid.sum(axis=1)
        active = pair_count > 0
        center_ids, context, valid = center_ids[active], context[active], valid[active]
        pair_count = pair_count[active]
        inputs = self.center_vectors[center_ids]
        if self.config.loss == "softmax":
            owner, slot = np.nonzero(valid)
            result = batched_naive_softmax(inputs[owner], context[owner, slot],
                                           self.outside_vectors)
            self._check_finite(result.center, result.outside, result.loss)
            scatter_add_rows(self.center_vectors, center_ids[owner], result.center,
                             -learning_rate)
            self.outside_vectors -= learning_rate * result.outside
            return float(result.loss.sum(dtype=np.float64)), int(owner.size)
        # true outside words: the (n, 2·window) block, label 1, padding weighted 0
        labels = np.ones(context.shape[1], dtype=np.float32)
        loss = self._negative_sampling(center_ids, inputs, context, labels,
                                       valid.astype(np.float32), pair_count, learning_rate)
        return loss, int(pair_count.sum())

    def _negative_sampling(self, input_rows, inputs, targets, labels, weights, noise_terms,
                           learning_rate) -> float | None:
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
    def _input_curvature(gradients, true, noise, pool_vectors, count) -> np.ndarray:
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
    def _pool_curvature(pool_gradients, grouped_inputs, noise) -> np.ndarray:
        """(G·M,) curvature Σ c (x·ĝ)² of each pool entry along its own step."""
        groups, group_size, dim = grouped_inputs.shape
        directions = unit_rows(pool_gradients).reshape(groups, -1, dim)
        along = grouped_inputs @ directions.transpose(0, 2, 1)  # (G, g, M)
        return np.sum(noise.curvature * along * along, axis=1).reshape(-1)

    def _apply_input_update(self, input_rows, gradients, curvature, learning_rate) -> None:
        if self.config.model == "skipgram":
            apply_input_rows(self.center_vectors, input_rows, gradients, curvature,
                             learning_rate)
            return
        # CBOW: every context word of a window receives dJ/dv̂ (with the mean too, as
        # word2vec.c and gensim do; the exact gradient of the mean would be dJ/dv̂ / c).
        owner, context_rows = input_rows
        apply_input_rows(self.center_vectors, context_rows, gradients[owner], curvature[owner],
                         learning_rate)

    def _cbow(self, center_ids, context, valid, learning_rate) -> tuple[float | None, int]:
        context_count = valid.sum(axis=1)
        active = context_count > 0
        center_ids, context, valid = center_ids[active], context[active], valid[active]
        context_count = context_count[active]
        owner, slot = np.nonzero(valid)
        context_rows = context[owner, slot]
        # v̂ = Σ_w v_w (or the mean), one row per window, read straight from V
        summed = sparse.csr_matrix(
            (np.ones(owner.size, dtype=np.float32), (owner, context_rows)),
            shape=(center_ids.size, self.corpus.vocab_size),
        ) @ self.center_vectors
        inputs = summed / context_count[:, None] if self.config.cbow_mean else summed
        if self.config.loss == "softmax":
            result = batched_naive_softmax(inputs, center_ids, self.outside_vectors)
            self._check_finite(result.center, result.outside, result.loss)
            self.outside_vectors -= learning_rate * result.outside
            scatter_add_rows(self.center_vectors, context_rows, result.center[owner],
                             -learning_rate)
            return float(result.loss.sum(dtype=np.float64)), int(center_ids.size)
        ones = np.ones(center_ids.size, dtype=np.float32)
        loss = self._negative_sampling((owner, context_rows), inputs, center_ids[:, None],
                                       np.ones(1, dtype=np.float32), ones[:, None], ones,
                                       learning_rate)
        return loss, int(center_ids.size)

    # ------------------------------------------------------------------ the handout's batches
    def _handout_text(self) -> tuple[np.ndarray, np.ndarray]:
        """The handout's window source (see core.corpus.handout_window_text), built once."""
        if self._window_text is None:
            reject = handout_reject_probabilities(self.corpus.counts)
            self._window_text = handout_window_text(self.corpus, reject, self.rng)
        return self._window_text

    def _windows_step(self) -> float:
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
        noise = self._draw_noise((owner.size, config.negative))
        clash = noise == outside[:, None]
        while clash.any():  # the handout redraws a noise word equal to the outside word
            noise[clash] = self._draw_noise((int(clash.sum()),))
            clash = noise == outside[:, None]
        learning_rate = self.learning_rate()
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
        return float(result.loss.sum(dtype=np.float64)) / max(1, owner.size)

    def embeddings(self) -> Embeddings:
        """A copy of the center vectors (the embedding users keep) with the vocabulary."""
        return Embeddings(list(self.corpus.words), self.center_vectors.copy(),
                          self.corpus.counts.copy())

    # ------------------------------------------------------------------ save and load
    def save(self, path: str | os.PathLike) -> None:
        """Write the whole state (vectors, corpus, config, position, generator) to one .npz.

        The file is written beside the target and renamed into place, so an interrupted
        save never destroys the previous file.
        """
        with atomic_write(path) as stream:
            np.savez(stream, **self.state_arrays())

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The whole state as named arrays (what `save` writes; `from_state` reads it)."""
        position = {
            "epoch": self.epoch, "cursor": self.cursor, "steps": self.steps,
            "words_done": self.words_done, "pairs_seen": self.pairs_seen,
            "smoothed_loss": self.smoothed_loss, "last_loss": self.last_loss,
            "handout_cost": self.handout_cost, "seconds": self.seconds,
            "epoch_started": self._kept_ids is not None,
            "window_text": self._window_text is not None,
        }
        arrays = {
            "format_version": np.int64(FORMAT_VERSION),
            "config": np.array(self.config.to_json()),
            "position": np.array(json.dumps(position)),
            "rng_state": np.array(json.dumps(self.rng.bit_generator.state)),
            "epoch_rng_state": np.array(json.dumps(self._epoch_state)),
            "center_vectors": self.center_vectors,
            "outside_vectors": self.outside_vectors,
            "words": np.array(self.corpus.words),
            "counts": self.corpus.counts,
            "token_ids": self.corpus.token_ids,
            "sentence_offsets": self.corpus.sentence_offsets,
            "source": np.array(self.corpus.source),
        }
        if self._window_text is not None:
            arrays["window_ids"], arrays["window_spans"] = self._window_text
        return arrays

    @classmethod
    def load(cls, path: str | os.PathLike) -> Trainer:
        """Read a trainer saved by `save`; it continues exactly where it stopped."""
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls.from_state(data, path)
        except TrainerError:
            raise
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            raise unreadable_model(path, error) from error

    @classmethod
    def from_state(cls, data, path: str | os.PathLike = "the file") -> Trainer:
        """Rebuild a trainer from `state_arrays()` (or an open .npz holding them)."""
        try:
            version = int(data["format_version"])
            if version > FORMAT_VERSION:
                raise TrainerError(
                    f"{path} was saved by a newer Word2Vec Studio (format {version}); "
                    "update the app to open it.")
            config = TrainConfig.from_json(str(data["config"]))
            corpus = Corpus(
                words=[str(w) for w in data["words"]],
                counts=np.array(data["counts"]),
                token_ids=np.array(data["token_ids"]),
                sentence_offsets=np.array(data["sentence_offsets"]),
                source=str(data["source"]),
            )
            trainer = cls(corpus, config)
            trainer.center_vectors = np.array(data["center_vectors"])
            trainer.outside_vectors = np.array(data["outside_vectors"])
            position = json.loads(str(data["position"]))
            epoch_state = json.loads(str(data["epoch_rng_state"]))
            rng_state = json.loads(str(data["rng_state"]))
            window_text = ((np.array(data["window_ids"]), np.array(data["window_spans"]))
                           if position["window_text"] else None)
            expected = (corpus.vocab_size, config.dim)
            if (trainer.center_vectors.shape != expected
                    or trainer.outside_vectors.shape != expected):
                raise ValueError(f"vectors of shape {trainer.center_vectors.shape}, "
                                 f"expected {expected}")
        except TrainerError:
            raise
        except (OSError, ValueError, KeyError, TypeError, EOFError,
                zipfile.BadZipFile) as error:
            raise unreadable_model(path, error) from error
        for key in ("epoch", "cursor", "steps", "words_done", "pairs_seen",
                    "smoothed_loss", "last_loss", "handout_cost", "seconds"):
            setattr(trainer, key, position[key])
        trainer._window_text = window_text
        if position["epoch_started"]:
            # Re-derive the epoch's sub-sampling from the generator state that produced it.
            trainer.rng.bit_generator.state = epoch_state
            trainer._start_epoch()
        trainer.rng.bit_generator.state = rng_state
        return trainer
