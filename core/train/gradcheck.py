"""Check the gradients of a model, now: the trainer's own batched loss-and-gradient
functions, by central differences (core.math.gradcheck) at its current parameters, in float64.

A small sample of (center, context) windows is drawn from the trainer's corpus, with the
trainer's window. The loss is assembled from the very functions a training step calls,
the way `core.train.models` and `core.train.negative` call them:

    skip-gram, naive softmax      batched_naive_softmax over every pair of the windows
    skip-gram, negative sampling  weighted_neg_sampling for the true outside words, plus
                                  pooled_noise: the windows share one pool of noise words
                                  (drawn once, so the loss is a fixed function), each pool
                                  word counted pairs · K / pool-size times
    CBOW, either loss             the same, with v̂ = Σ v_w over the window (the mean with
                                  cbow_mean) as the input and the center word as the target
    the handout's batching        skip-gram pairs (it trains skip-gram whatever the model),
                                  each with K noise words of its own (batched_neg_sampling),
                                  a draw equal to the outside word drawn again

and the analytic gradient is gathered from their outputs (rows of V through the sum or
mean, rows of U). The check perturbs the entries of every row that takes part, or a random
sample of them when there are more than `max_entries` (naive softmax touches every row of
U). CBOW with cbow_mean is checked against the exact gradient of the mean, dJ/dv̂ / c; the
trainer then applies the whole dJ/dv̂ to each context word, as word2vec.c does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from core.math.gradcheck import check_gradient
from core.math.losses import (
    batched_naive_softmax,
    batched_neg_sampling,
    draw_negative_batch,
    pooled_noise,
    weighted_neg_sampling,
)

TOLERANCE = 1e-7  # the target for the worst relative error
POOL = 48  # noise words in the check's one pool (the trainer's NOISE_POOL)


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


def loss_and_gradients(model: str, loss: str, center: np.ndarray, outside: np.ndarray,
                       windows: Windows, pool: np.ndarray, negative: int,
                       cbow_mean: bool, noise: np.ndarray | None = None
                       ) -> tuple[float, np.ndarray, np.ndarray]:
    """The summed loss of the windows and its gradients (dJ/dV, dJ/dU), from the trainer's
    batched functions (see the module). `noise` (pairs, K): the handout's batching, whose
    pairs each score K noise words of their own (batched_neg_sampling) instead of a pool."""
    grad_center, grad_outside = np.zeros_like(center), np.zeros_like(outside)
    owner, slot = np.nonzero(windows.valid)
    if noise is not None and loss == "neg":  # the handout's batching: skip-gram pairs
        pair_centers = windows.centers[owner]
        result = batched_neg_sampling(center[pair_centers], windows.context[owner, slot],
                                      noise, outside)
        np.add.at(grad_center, pair_centers, result.center)
        grad_outside[result.outside_rows] += result.outside
        return float(result.loss.sum()), grad_center, grad_outside
    counts = windows.valid.sum(axis=1).astype(center.dtype)
    if model == "skipgram":
        inputs = center[windows.centers]
        input_rows, spread = windows.centers, None
    else:  # CBOW: v̂ = Σ_w v_w (or the mean) over each window's context words
        inputs = np.zeros((windows.centers.size, center.shape[1]), dtype=center.dtype)
        np.add.at(inputs, owner, center[windows.context[owner, slot]])
        if cbow_mean:
            inputs /= counts[:, None]
        input_rows, spread = windows.context[owner, slot], owner
    if loss == "softmax":
        if model == "skipgram":
            result = batched_naive_softmax(inputs[owner], windows.context[owner, slot],
                                           outside)
            np.add.at(grad_center, windows.centers[owner], result.center)
        else:
            result = batched_naive_softmax(inputs, windows.centers, outside)
            input_gradients = result.center
        grad_outside += result.outside
        total = float(result.loss.sum())
    else:
        if model == "skipgram":
            true = weighted_neg_sampling(inputs, windows.context, np.ones(1),
                                         windows.valid.astype(center.dtype), outside)
            noise_terms = counts
        else:
            true = weighted_neg_sampling(inputs, windows.centers[:, None], np.ones(1),
                                         np.ones((windows.centers.size, 1)), outside)
            noise_terms = np.ones(windows.centers.size)
        weights = (noise_terms * negative / pool.size)[None, :, None]
        noise = pooled_noise(inputs[None], outside[pool][None], weights)
        grad_outside[true.outside_rows] += true.outside
        np.add.at(grad_outside, pool, noise.pool[0])
        input_gradients = true.center + noise.inputs[0]
        if model == "skipgram":
            np.add.at(grad_center, input_rows, input_gradients)
        total = float(true.loss.sum() + noise.loss.sum())
    if model == "cbow":
        through = input_gradients / counts[:, None] if cbow_mean else input_gradients
        np.add.at(grad_center, input_rows, through[spread])
    return total, grad_center, grad_outside


class GradientCheckCancelled(Exception):
    """The check was stopped before it ended (the app closes)."""


def check_model_gradient(trainer, windows: int = 8, max_entries: int = 2000,
                         seed: int = 0, seconds: float | None = None,
                         should_stop: Callable[[], bool] | None = None
                         ) -> ModelGradientCheck:
    """Check the gradient of `trainer`'s model × loss at its current parameters (the rows
    in play copied to float64; the trainer is not changed). With `seconds`, fewer entries
    are checked where one evaluation is slow (naive softmax on a large vocabulary), so that
    the check takes about that long. `should_stop()` true stops it: GradientCheckCancelled.
    """
    config, corpus = trainer.config, trainer.corpus
    handout = config.batching == "windows"
    model = "skipgram" if handout else config.model  # the handout's batching: skip-gram
    rng = np.random.default_rng(seed)
    sample = sample_windows(corpus.token_ids, corpus.sentence_offsets, config.window,
                            windows, rng)
    table = trainer.noise_table
    pool = table[rng.integers(0, table.size, size=POOL)]
    noise = None
    if handout and config.loss == "neg":  # K draws per pair, a draw equal to o drawn again
        noise = draw_negative_batch(
            lambda shape: table[rng.integers(0, table.size, size=shape)],
            sample.context[sample.valid], config.negative)
    # the rows in play (those whose gradient is not zero by construction), and the problem
    # on them alone: V's input rows, U's target and noise rows (all of U for softmax)
    vocabulary = trainer.center_vectors.shape[0]
    inputs_of = sample.context[sample.valid] if model == "cbow" else sample.centers
    v_rows = np.unique(inputs_of)
    u_rows = (np.arange(vocabulary) if config.loss == "softmax" else np.unique(np.r_[
        sample.context[sample.valid], sample.centers,
        pool if noise is None else noise.reshape(-1)]))
    v_of = (v_rows, u_rows) if model == "skipgram" else (u_rows, v_rows)

    def local(rows: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return np.minimum(np.searchsorted(rows, ids), rows.size - 1)

    compact = Windows(local(v_of[0], sample.centers),
                      np.where(sample.valid, local(v_of[1], sample.context), 0), sample.valid)
    compact_pool = local(u_rows, pool)
    compact_noise = None if noise is None else local(u_rows, noise)
    center = trainer.center_vectors[v_rows].astype(np.float64)
    outside = trainer.outside_vectors[u_rows].astype(np.float64)
    dim = center.shape[1]
    entries = np.r_[np.arange(v_rows.size) * dim, (v_rows.size + np.arange(u_rows.size)) * dim]
    entries = (entries[:, None] + np.arange(dim)[None, :]).reshape(-1)  # flat indices
    in_play = entries.size
    in_center = entries < center.size  # the entries of V, then those of U
    rows = np.where(in_center, entries, entries - center.size) // dim
    components = entries % dim

    def evaluate() -> tuple[float, np.ndarray, np.ndarray]:
        if should_stop is not None and should_stop():
            raise GradientCheckCancelled("the gradient check was stopped")
        return loss_and_gradients(model, config.loss, center, outside, compact, compact_pool,
                                  config.negative, config.cbow_mean, compact_noise)

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
