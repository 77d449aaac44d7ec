"""TrainConfig and the one table of parameter limits that TrainConfig, the app and the
command line's help all read.

Names and meanings follow gensim's Word2Vec where it has the same knob (`vector_size` is
`dim` here, `sg` is `model`, `hs=0, negative=K` is `loss="neg"`); `cbow_mean=False` is the
one knob whose update differs (see TrainConfig).
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
LARGEST_SEED = 2**63 - 1
MAX_WORKERS = 256


class ConfigError(ValueError):
    """A hyperparameter is out of range; the message names it and the allowed values.

    field: the TrainConfig field at fault (None when a rule joins several)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Parameter:
    """One row of the limits table.

    kind:     "int", "float" or "choice"
    low/high: the inclusive range of "int" and "float" (None for "choice")
    step:     a sensible increment between values (for arrows that step through them)
    choices:  the values of a "choice"
    help:     one line, for `train --help` and for whoever shows the parameter
    optional: None is allowed too (no limit)
    """

    name: str
    kind: Literal["int", "float", "choice"]
    help: str
    low: float | None = None
    high: float | None = None
    step: float = 1
    choices: tuple[str, ...] = ()
    optional: bool = False

    def range_text(self, between: str = " to ") -> str:
        """The inclusive range as people read it: "1 to 10,000", "1e-08 to 10"."""
        if self.kind == "int":
            return f"{self.low:,}{between}{self.high:,}"
        return f"{self.low:g}{between}{self.high:g}"

    def check(self, value: Any) -> None:
        """Raise ConfigError naming this parameter when `value` is not allowed."""
        if value is None and self.optional:
            return
        if self.kind == "choice":
            if value not in self.choices:
                raise ConfigError(f"{self.name} must be one of {', '.join(self.choices)}; "
                                  f"got {value!r}.", self.name)
            return
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{self.name} must be a whole number; got {value!r}.",
                                  self.name)
            if not self.low <= value <= self.high:
                raise ConfigError(f"{self.name} must be between {self.low:,} and "
                                  f"{self.high:,}; got {value:,}.", self.name)
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise ConfigError(f"{self.name} must be a number; got {value!r}.", self.name)
        if not self.low <= value <= self.high:
            raise ConfigError(f"{self.name} must be between {self.low:g} and {self.high:g}; "
                              f"got {value:g}.", self.name)


# The one table of limits, in the order people read them.
PARAMETERS: dict[str, Parameter] = {p.name: p for p in (
    Parameter("model", "choice", "skipgram: the center predicts each outside "
              "word; cbow: the context predicts the center", choices=MODELS),
    Parameter("loss", "choice", "neg: negative sampling, O(K) per pair; softmax: "
              "naive softmax, O(|V|) per pair", choices=LOSSES),
    Parameter("dim", "int", "vector size d; V and U take |V| × d × 4 bytes "
              "each, and a run that would not fit in free memory is refused before it "
              "starts", 1, 10_000, 10),
    Parameter("window", "int", "largest window; each center's is drawn from "
              "1..window", 1, 100),
    Parameter("negative", "int", "noise words per pair, drawn from "
              "unigram^0.75", 1, 100),
    Parameter("alpha", "float", "initial learning rate", 1e-8, 10.0,
              0.005),
    Parameter("min_alpha", "float", "learning rate at the end of a "
              "linear schedule (at most alpha)", 0.0, 10.0, 0.0001),
    Parameter("schedule", "choice", "linear: alpha falls to min_alpha over the "
              "run; halving: the handout's, halved every halve_every steps",
              choices=SCHEDULES),
    Parameter("halve_every", "int", "steps between halvings (schedule "
              "halving)", 1, 10**9, 1000),
    Parameter("batching", "choice", "corpus: stream the corpus in order; "
              "windows: the handout's random windows, averaged", choices=BATCHINGS),
    Parameter("batch_words", "int", "center words per step (batching "
              "corpus), one SGD update; a large step is computed in short chunks and "
              "applied at once, so pausing stays prompt and memory bounded", 16, 10**7, 64),
    Parameter("batch_size", "int", "random windows per step "
              "(batching windows), one update; a large step is computed in short chunks",
              1, 10**6),
    Parameter("iterations", "int", "steps of a batching windows run",
              1, 10**9, 1000),
    Parameter("epochs", "int", "passes over the corpus (batching corpus)",
              1, 10_000),
    Parameter("min_count", "int", "words seen fewer times are dropped",
              1, 10**9),
    Parameter("max_vocab_size", "int", "keep at most this many of the "
              "most frequent words (none: no cap)", 1, 10**8, optional=True),
    Parameter("sample", "float", "word2vec.c's sub-sampling threshold "
              "(0 keeps every word)", 0.0, 1.0, 0.0001),
    Parameter("seed", "int", "the same seed on the same machine gives the same "
              "vectors (with one worker)", 0, LARGEST_SEED),
    Parameter("workers", "int", "processes that train at once on the shared vectors "
              "(batching corpus); 1 is deterministic and resumes bit for bit, more are "
              "faster and not (neither is gensim)", 1, MAX_WORKERS),
)}


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
                    Either way a step is one SGD update however large: a step larger than
                    one chunk of bounded work (core.train.batches.inputs_per_chunk) is
                    computed over several calls of Trainer.step and applied by the last,
                    so a pause never waits long, and its memory is one chunk plus the
                    sums it gathers (core.train.memory_budget)
    iterations:     steps of a batching="windows" run
    cbow_mean:      CBOW averages the context vectors (True) or sums them (False); either
                    way every context word gets the whole dJ/dv̂. With True that is what
                    word2vec.c and gensim do; with False it is the exact gradient of the sum,
                    whereas gensim's cbow_mean=0 divides it by the context count
    seed:           the same seed on the same machine gives the same vectors
    workers:        processes that train at once (core.parallel), sharing the vectors
                    lock-free; 1 trains in this process, deterministically. The handout's
                    batching is sequential SGD by definition: it takes 1 worker
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
    workers: int = 1

    def __post_init__(self) -> None:
        for parameter in PARAMETERS.values():
            parameter.check(getattr(self, parameter.name))
        if not isinstance(self.cbow_mean, bool):
            raise ConfigError(f"cbow_mean must be true or false; got {self.cbow_mean!r}.",
                              "cbow_mean")
        if self.batching == "windows" and self.workers > 1:
            raise ConfigError("the handout's batching (windows) is sequential SGD, one step "
                              "after another: set workers to 1, or batching to corpus.",
                              "workers")
        if self.min_alpha > self.alpha:
            raise ConfigError(f"min_alpha must be at most alpha ({self.alpha:g}); got "
                              f"{self.min_alpha:g}.", "min_alpha")

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        values = json.loads(text)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


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
