"""TrainConfig: the one validated set of hyperparameters shared by the CLI, the GUI and tests.

Names and meanings follow gensim's Word2Vec where it has the same knob (`vector_size` is
`dim` here, `sg` is `model`, `hs=0, negative=K` is `loss="neg"`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Literal

MODELS = ("skipgram", "cbow")
LOSSES = ("neg", "softmax")
SCHEDULES = ("linear", "halving")
BATCHINGS = ("corpus", "windows")


class ConfigError(ValueError):
    """A hyperparameter is out of range; the message names it and the allowed values."""


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one training run.

    model:          "skipgram" (center predicts each outside word) or "cbow" (the averaged
                    context predicts the center)
    loss:           "neg" (negative sampling, O(K) per pair) or "softmax" (naive softmax,
                    O(|V|) per pair)
    dim:            vector size d
    window:         maximum window; each center's window is drawn uniformly from 1..window
    negative:       K noise words per pair, from unigram^0.75
    epochs:         passes over the corpus (batching="corpus")
    min_count:      words seen fewer times are dropped
    max_vocab_size: keep at most this many of the most frequent words (None: no cap)
    sample:         sub-sampling threshold, word2vec.c's formula (0 disables)
    alpha:          initial learning rate
    min_alpha:      final learning rate of the linear schedule
    schedule:       "linear" (alpha -> min_alpha over the run) or "halving" (the handout's:
                    alpha halved every `halve_every` steps)
    batching:       "corpus" (stream the corpus in order, `batch_words` tokens a step) or
                    "windows" (the handout's: `batch_size` random windows a step, averaged)
    batch_words:    tokens per step when batching="corpus"
    batch_size:     random windows per step when batching="windows"
    iterations:     steps of a batching="windows" run
    cbow_mean:      CBOW averages the context vectors (True) or sums them (False)
    seed:           the same seed on the same machine gives the same vectors
    """

    model: Literal["skipgram", "cbow"] = "skipgram"
    loss: Literal["neg", "softmax"] = "neg"
    dim: int = 100
    window: int = 5
    negative: int = 5
    epochs: int = 5
    min_count: int = 5
    max_vocab_size: int | None = None
    sample: float = 1e-3
    alpha: float = 0.025
    min_alpha: float = 0.0001
    schedule: Literal["linear", "halving"] = "linear"
    halve_every: int = 20000
    batching: Literal["corpus", "windows"] = "corpus"
    batch_words: int = 1024
    batch_size: int = 50
    iterations: int = 40000
    cbow_mean: bool = True
    seed: int = 1

    def __post_init__(self) -> None:
        check_choice("model", self.model, MODELS)
        check_choice("loss", self.loss, LOSSES)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_choice("batching", self.batching, BATCHINGS)
        check_int("dim", self.dim, 1, 10_000)
        check_int("window", self.window, 1, 100)
        check_int("negative", self.negative, 1, 100)
        check_int("epochs", self.epochs, 1, 10_000)
        check_int("min_count", self.min_count, 1, 10**9)
        if self.max_vocab_size is not None:
            check_int("max_vocab_size", self.max_vocab_size, 1, 10**8)
        check_float("sample", self.sample, 0.0, 1.0)
        check_float("alpha", self.alpha, 1e-8, 10.0)
        check_float("min_alpha", self.min_alpha, 0.0, self.alpha)
        check_int("halve_every", self.halve_every, 1, 10**9)
        check_int("batch_words", self.batch_words, 16, 10**7)
        check_int("batch_size", self.batch_size, 1, 10**6)
        check_int("iterations", self.iterations, 1, 10**9)
        check_int("seed", self.seed, 0, 2**63 - 1)

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        values = json.loads(text)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


def check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")


def check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number; got {value!r}.")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}; got {value}.")


def check_float(name: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ConfigError(f"{name} must be a number; got {value!r}.")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}; got {value:g}.")


PRESETS: dict[str, TrainConfig] = {
    # The CS224n handout's run.py: SST, d=10, C=5, K=10, 50 windows a batch, step 0.3
    # halved every 20,000 iterations, 40,000 iterations, every word kept (min_count 1).
    "cs224n": TrainConfig(
        dim=10, window=5, negative=10, min_count=1, alpha=0.3, min_alpha=0.0,
        schedule="halving", halve_every=20000, batching="windows", batch_size=50,
        iterations=40000, seed=31415,
    ),
    "gensim": TrainConfig(),
    # Seconds on the toy world (resources/toy_world.py): groups cluster and
    # king - man + woman ranks queen first. Its 300 words recur constantly, so smaller
    # steps than the default fit it better (final loss 1.12 against 1.27 at 1024).
    "quick_demo": TrainConfig(dim=50, window=4, epochs=10, min_count=1, batch_words=256),
}
