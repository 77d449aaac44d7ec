"""Check the gradients of a model, now: the trainer's own forward pass
(core.train.forward.loss_and_gradients), by central differences (core.math.gradcheck) at
given parameters, in float64.

A small sample of (center, context) windows is drawn from the corpus, with the run's
window, and the noise words a step would draw for them (a pool per NOISE_GROUP windows,
or K per pair with the handout's batching), drawn once so that the loss is a fixed
function of the parameters. Loss and gradients are the very ones a training step applies,
gathered into dense dJ/dV and dJ/dU. The check perturbs the entries of every row that
takes part, or a random sample of them when there are more than `max_entries` (naive
softmax touches every row of U). CBOW with cbow_mean is checked against the exact gradient
of the mean, dJ/dv̂ / c; the trainer then applies the whole dJ/dv̂ to each context word,
as word2vec.c does.

`check_parameters` takes the arrays, corpus and config (a copy of a running trainer's
vectors, say); `check_model_gradient` checks a Trainer's current ones.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from core.data.corpus import Corpus
from core.errors import Cancelled
from core.math.gradcheck import check_gradient
from core.train import forward
from core.train.config import TrainConfig
from core.train.forward import Batch, draw_batch
from core.train.negative import NOISE_TABLE_SIZE
from core.train.trainer import Trainer

TOLERANCE = 1e-7  # the target for the worst relative error


@dataclass(frozen=True)
class ModelGradientCheck:
    """The result: the worst relative error |n − a| / max(1, |n|, |a|) and where it was."""

    model: str
    loss: str
    worst_relative_error: float
    matrix: str  # "V" (center vectors) or "U" (outside vectors)
    word: str
    row: int
    component: int
    numeric: float
    analytic: float
    windows: int
    entries_checked: int
    entries_in_play: int
    tolerance: float = TOLERANCE

    @property
    def passed(self) -> bool:
        return bool(self.worst_relative_error <= self.tolerance)

    @property
    def where(self) -> str:
        return (f"{'dJ/dV' if self.matrix == 'V' else 'dJ/dU'}, the row of "
                f"'{self.word}' (id {self.row}), component {self.component}")

    def summary(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"{self.model} with {self.loss}: worst relative error "
                f"{self.worst_relative_error:.2e} at {self.where} (numeric {self.numeric:.6g},"
                f" analytic {self.analytic:.6g}); {self.entries_checked:,} of "
                f"{self.entries_in_play:,} entries, {self.windows} windows: {verdict} "
                f"(target {self.tolerance:g})")

    def to_json(self) -> dict:
        result = asdict(self)
        result["where"] = self.where
        result["passed"] = self.passed
        return result


@dataclass(frozen=True)
class Windows:
    """The sample: center ids (n,), their context block (n, 2·window) and its mask."""

    centers: np.ndarray
    context: np.ndarray
    valid: np.ndarray


def sample_windows(token_ids: np.ndarray, sentence_offsets: np.ndarray, window: int,
                   count: int, rng: np.random.Generator) -> Windows:
    """`count` random positions of the text, each with its whole window inside its sentence
    (positions with no context word are drawn again)."""
    lengths = np.diff(sentence_offsets)
    usable = np.nonzero(lengths >= 2)[0]
    if usable.size == 0:
        raise ValueError("no sentence has two words: there are no windows to check")
    offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
    sentences = usable[rng.integers(0, usable.size, size=count)]
    starts, sizes = sentence_offsets[sentences], lengths[sentences]
    where = rng.integers(0, sizes)
    positions = where[:, None] + offsets[None, :]
    valid = (positions >= 0) & (positions < sizes[:, None])
    indices = starts[:, None] + np.clip(positions, 0, sizes[:, None] - 1)
    return Windows(token_ids[starts + where], token_ids[indices], valid)


def loss_and_gradients(center: np.ndarray, outside: np.ndarray, batch: Batch,
                       config: TrainConfig) -> tuple[float, np.ndarray, np.ndarray]:
    """The summed loss of the batch and its dense gradients (dJ/dV, dJ/dU): the trainer's
    own forward pass (core.train.forward), with the exact gradient of the mean for CBOW
    with cbow_mean (the trainer applies the whole dJ/dv̂ to each context word)."""
    gradients = forward.loss_and_gradients(center, outside, batch, config)
    if gradients is None:  # no window has a context word (the sample never makes one)
        return 0.0, np.zeros_like(center), np.zeros_like(outside)
    grad_center, grad_outside = gradients.dense(center.shape, outside.shape,
                                                exact_mean=config.cbow_mean)
    return gradients.loss, grad_center, grad_outside


def check_model_gradient(trainer: Trainer, windows: int = 8, max_entries: int = 2000,
                         seed: int = 0, seconds: float | None = None,
                         should_stop: Callable[[], bool] | None = None
                         ) -> ModelGradientCheck:
    """Check the gradient of `trainer`'s model × loss at its current parameters (see
    `check_parameters`; the trainer is not changed)."""
    return check_parameters(trainer.center_vectors, trainer.outside_vectors, trainer.corpus,
                            trainer.config, windows=windows, max_entries=max_entries,
                            seed=seed, seconds=seconds, should_stop=should_stop,
                            noise_table=trainer.noise_table)


def check_parameters(center_vectors: np.ndarray, outside_vectors: np.ndarray,
                     corpus: Corpus, config: TrainConfig, windows: int = 8,
                     max_entries: int = 2000, seed: int = 0, seconds: float | None = None,
                     should_stop: Callable[[], bool] | None = None,
                     noise_table: np.ndarray | None = None) -> ModelGradientCheck:
    """Check the gradient of config's model × loss at these parameters ((V, d) each, the
    rows in play copied to float64; nothing is changed) on `windows` windows of `corpus`.
    With `seconds`, fewer entries are checked where one evaluation is slow (naive softmax
    on a large vocabulary), so that the check takes about that long. `should_stop()` true
    stops it: Cancelled. Noise words come from `noise_table` (the corpus's
    unigram^0.75 table by default).
    """
    handout = config.batching == "windows"
    model = "skipgram" if handout else config.model  # the handout's batching: skip-gram
    rng = np.random.default_rng(seed)
    sample = sample_windows(corpus.token_ids, corpus.sentence_offsets, config.window,
                            windows, rng)
    table = corpus.noise_table(NOISE_TABLE_SIZE) if noise_table is None else noise_table
    # the noise words a step would draw for these windows: pools of NOISE_POOL words, or
    # K per pair with the handout's batching (a draw equal to o drawn again); drawn once,
    # so that the loss is a fixed function of the parameters
    batch = draw_batch(sample.centers, sample.context, sample.valid, config,
                       lambda shape: table[rng.integers(0, table.size, size=shape)])
    pool = np.zeros(0, dtype=np.int64) if batch.pools is None else batch.pools.reshape(-1)
    noise = batch.noise if handout and config.loss == "neg" else None
    # the rows in play (those whose gradient is not zero by construction), and the problem
    # on them alone: V's input rows, U's target and noise rows (all of U for softmax)
    vocabulary = center_vectors.shape[0]
    inputs_of = sample.context[sample.valid] if model == "cbow" else sample.centers
    v_rows = np.unique(inputs_of)
    u_rows = (np.arange(vocabulary) if config.loss == "softmax" else np.unique(np.r_[
        sample.context[sample.valid], sample.centers,
        pool if noise is None else noise.reshape(-1)]))
    v_of = (v_rows, u_rows) if model == "skipgram" else (u_rows, v_rows)

    def local(rows: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return np.minimum(np.searchsorted(rows, ids), rows.size - 1)

    compact = Batch(local(v_of[0], sample.centers),
                    np.where(sample.valid, local(v_of[1], sample.context), 0), sample.valid,
                    pools=None if batch.pools is None else local(u_rows, batch.pools),
                    noise=None if batch.noise is None else local(u_rows, batch.noise))
    center = center_vectors[v_rows].astype(np.float64)
    outside = outside_vectors[u_rows].astype(np.float64)
    dim = center.shape[1]
    entries = np.r_[np.arange(v_rows.size) * dim, (v_rows.size + np.arange(u_rows.size)) * dim]
    entries = (entries[:, None] + np.arange(dim)[None, :]).reshape(-1)  # flat indices
    in_play = entries.size
    in_center = entries < center.size  # the entries of V, then those of U
    rows = np.where(in_center, entries, entries - center.size) // dim
    components = entries % dim

    def evaluate() -> tuple[float, np.ndarray, np.ndarray]:
        if should_stop is not None and should_stop():
            raise Cancelled("the gradient check was stopped")
        return loss_and_gradients(center, outside, compact, config)

    wanted = max_entries
    if seconds is not None:
        started = time.perf_counter()
        evaluate()
        each = time.perf_counter() - started
        wanted = min(wanted, max(20, int(seconds / (2 * max(each, 1e-9)))))
    if in_play > wanted:
        keep = np.sort(rng.choice(in_play, size=wanted, replace=False))
        entries, in_center = entries[keep], in_center[keep]
        rows, components = rows[keep], components[keep]
    pick_v, pick_u = np.nonzero(in_center)[0], np.nonzero(~in_center)[0]

    def f(x: np.ndarray) -> tuple[float, np.ndarray]:
        center[rows[pick_v], components[pick_v]] = x[pick_v]
        outside[rows[pick_u], components[pick_u]] = x[pick_u]
        total, grad_center, grad_outside = evaluate()
        gradient = np.empty_like(x)
        gradient[pick_v] = grad_center[rows[pick_v], components[pick_v]]
        gradient[pick_u] = grad_outside[rows[pick_u], components[pick_u]]
        return total, gradient

    x = np.empty(entries.size)
    x[pick_v] = center[rows[pick_v], components[pick_v]]
    x[pick_u] = outside[rows[pick_u], components[pick_u]]
    result = check_gradient(f, x, tolerance=TOLERANCE)
    worst = result.worst_index[0]
    row = int((v_rows if in_center[worst] else u_rows)[rows[worst]])
    return ModelGradientCheck(
        model=model, loss="naive softmax" if config.loss == "softmax"
        else "negative sampling", worst_relative_error=result.worst_error,
        matrix="V" if in_center[worst] else "U", word=corpus.words[row], row=row,
        component=int(components[worst]), numeric=result.numeric,
        analytic=result.analytic, windows=windows, entries_checked=int(entries.size),
        entries_in_play=int(in_play))


def write_report(check: ModelGradientCheck, path) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(check.to_json(), stream, indent=2)
        stream.write("\n")
