"""The loss race: two runs on the same corpus, measured on what they share.

Naive softmax and negative sampling minimise different objectives, and skip-gram and
CBOW predict different things, so their own losses cannot be compared. A race measures
both runs, at moments of their training time, on:

- the full-softmax log-loss of held-out pairs, in nats per pair: for each pair (a, b) of
  words within a window of each other, −log softmax(U v_a)_b over the whole vocabulary.
  Skip-gram predicts b from the center a; CBOW with a one-word context a predicts the
  center b with the very same formula, so the measure is one for every model and loss;
- the analogy accuracy of a test set (core.evaluation.scoring), when one is given.

The held-out pairs come from sentences set aside once (`split_held_out`): both runs train
on the other sentences only, and neither ever sees the held-out ones.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from core.data.corpus import Corpus
from core.math.functions import softmax_with_log_norm
from core.train.config import TrainConfig

HELD_OUT_PAIRS = 2000  # pairs measured; their sentences never reach the trainers
HELD_OUT_SHARE = 0.02  # at most this share of the sentences is set aside
CHUNK = 256  # pairs scored at once against the whole vocabulary

RACES = {
    "losses": (("naive softmax", {"loss": "softmax"}),
               ("negative sampling", {"loss": "neg"})),
    "models": (("skip-gram", {"model": "skipgram"}), ("CBOW", {"model": "cbow"})),
}


@dataclass(frozen=True)
class HeldOut:
    """Pairs (inputs[i], targets[i]) of word ids of the training corpus."""

    inputs: np.ndarray
    targets: np.ndarray

    def __len__(self) -> int:
        return int(self.inputs.size)


def split_held_out(corpus: Corpus, window: int, pairs: int = HELD_OUT_PAIRS,
                   seed: int = 0) -> tuple[Corpus, HeldOut]:
    """Set aside random sentences (at most HELD_OUT_SHARE of them, at least 5, never all)
    until they hold `pairs` (center, outside) pairs within `window`; return the corpus of
    the other sentences and those pairs, by its ids (a pair with a word the rest never
    uses is dropped). Raises ValueError, saying what to use instead, when the corpus is
    too small to hold anything out."""
    rng = np.random.default_rng(seed)
    if corpus.sentence_count < 2:
        raise ValueError("a race sets sentences aside to measure on, and this corpus has "
                         f"{corpus.sentence_count}. Use a corpus of many sentences (lines).")
    order = rng.permutation(corpus.sentence_count)
    # a share of the sentences, never all of them; on a small corpus at least a few
    limit = min(corpus.sentence_count - 1,
                max(5, int(corpus.sentence_count * HELD_OUT_SHARE)))
    held, found = [], 0
    for s in order[:limit]:
        length = int(corpus.sentence_offsets[s + 1] - corpus.sentence_offsets[s])
        if length < 2:
            continue
        held.append(int(s))
        found += sum(min(window, i) + min(window, length - 1 - i) for i in range(length))
        if found >= pairs:
            break
    aside = set(held)
    words = corpus.words
    rest = (
        [words[i] for i in corpus.sentence(s)] for s in range(corpus.sentence_count)
        if s not in aside
    )
    training = Corpus.from_sentences(rest, source=corpus.source)
    inputs, targets = [], []
    for s in held:
        sentence = [training.index.get(words[i], -1) for i in corpus.sentence(s)]
        for i, a in enumerate(sentence):
            for j in range(max(0, i - window), min(len(sentence), i + window + 1)):
                b = sentence[j]
                if j != i and a >= 0 and b >= 0:
                    inputs.append(a)
                    targets.append(b)
    inputs, targets = np.array(inputs, dtype=np.int64), np.array(targets, dtype=np.int64)
    if inputs.size == 0:
        raise ValueError("the sentences set aside for the race hold no pair of words the "
                         "rest of the corpus knows, so there is nothing to measure on. Use "
                         "a larger corpus, with sentences of two words or more.")
    if inputs.size > pairs:
        keep = np.sort(rng.choice(inputs.size, size=pairs, replace=False))
        inputs, targets = inputs[keep], targets[keep]
    return training, HeldOut(inputs, targets)


def held_out_log_loss(center_vectors: np.ndarray, outside_vectors: np.ndarray,
                      held_out: HeldOut) -> float:
    """Mean −log softmax(U v_a)_b over the held-out pairs, in nats (NaN for none)."""
    if not len(held_out):
        return float("nan")
    total = 0.0
    for start in range(0, len(held_out), CHUNK):
        inputs = held_out.inputs[start:start + CHUNK]
        targets = held_out.targets[start:start + CHUNK]
        scores = center_vectors[inputs].astype(np.float64) @ outside_vectors.T.astype(
            np.float64)
        _, log_norm = softmax_with_log_norm(scores)
        total += float(np.sum(log_norm - scores[np.arange(inputs.size), targets]))
    return total / len(held_out)


def race_configs(base: TrainConfig, race: str) -> list[tuple[str, TrainConfig]]:
    """The two runs of a race ("losses" or "models"), otherwise as `base`."""
    return [(name, base.replace(**changes)) for name, changes in RACES[race]]


@dataclass(frozen=True)
class RacePoint:
    seconds: float  # training time so far (measuring excluded)
    words_done: int
    words_per_second: float
    log_loss: float  # held-out, nats per pair
    accuracy: float  # analogies, NaN without a test set


@dataclass
class RaceRun:
    name: str
    config: TrainConfig
    points: list[RacePoint] = field(default_factory=list)
    finished: bool = False

    def to_json(self) -> dict:
        return {"name": self.name, "config": json.loads(self.config.to_json()),
                "finished": self.finished,
                "points": [{key: (None if isinstance(value, float) and math.isnan(value)
                                  else value) for key, value in asdict(point).items()}
                           for point in self.points]}

    @classmethod
    def from_json(cls, data: dict) -> RaceRun:
        """Raises ValueError (or KeyError, TypeError) for a record that is not a run's: a
        session's race is checked whole before it is shown."""
        points = [RacePoint(**{key: _race_number(key, value) for key, value in point.items()})
                  for point in data["points"]]
        return cls(str(data["name"]), TrainConfig.from_json(json.dumps(data["config"])), points,
                   bool(data.get("finished", True)))


def _race_number(key: str, value: object) -> float | int:
    """One value of a saved race point: a number (None stands for NaN), else ValueError."""
    if value is None:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"the race point's {key} is not a number")
    try:
        finite = math.isfinite(float(value))
    except OverflowError:  # a whole number too large for a float
        finite = False
    if not finite and not (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"the race point's {key} is not a finite number")
    if key == "words_done":
        if not isinstance(value, int) or value < 0:
            raise ValueError("the race point's words_done is not a count")
    return value


SMALL_VOCABULARY = 5000  # below it, naive softmax's O(|V|) per pair costs little
SAME = 0.01  # held-out log-losses within 1% of each other are "about the same"


def loss_at(run: RaceRun, seconds: float) -> float:
    """The run's held-out log-loss at `seconds` of training, read off its curve (linear
    between measurements)."""
    times = np.array([p.seconds for p in run.points])
    losses = np.array([p.log_loss for p in run.points])
    return float(np.interp(seconds, times, losses))


def race_verdict(kind: str, runs: list[RaceRun], vocabulary: int) -> str:
    """What a finished race shows, in words that claim no more than was measured: each
    run's held-out log-loss after the same training time (the shorter run's), which is
    lower, and each run's speed; on a small vocabulary, why that says little about the
    handout's comparison. "" while a run has no measurement."""
    if len(runs) != 2 or any(not run.points for run in runs):
        return ""
    horizon = min(run.points[-1].seconds for run in runs)
    losses = [loss_at(run, horizon) for run in runs]
    first, second = runs
    if abs(losses[0] - losses[1]) <= SAME * max(losses):
        outcome = (f"After {horizon:.0f} s of training each, both reached about the same "
                   f"held-out log-loss ({losses[0]:.3f} and {losses[1]:.3f} nats per pair)")
    else:
        best = 0 if losses[0] < losses[1] else 1
        outcome = (f"After {horizon:.0f} s of training each, {runs[best].name} reached a "
                   f"lower held-out log-loss ({losses[best]:.3f} nats per pair against "
                   f"{losses[1 - best]:.3f} for {runs[1 - best].name}): it predicted "
                   "unseen pairs better for the same time")
    speeds = (f"{first.name} trained {first.points[-1].words_per_second:,.0f} words/s, "
              f"{second.name} {second.points[-1].words_per_second:,.0f}")
    text = f"{outcome}. {speeds}."
    if kind == "losses" and vocabulary < SMALL_VOCABULARY:
        text += (f" With only {vocabulary:,} words, naive softmax scores {vocabulary:,} "
                 "words per pair, which costs little: the handout's point, negative "
                 "sampling's K + 1 scores against |V|, shows on a large vocabulary (SST: "
                 "19,538 words).")
    return text
