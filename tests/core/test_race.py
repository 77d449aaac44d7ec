"""The loss race's shared measures: held-out sentences set aside once, the full-softmax
log-loss of their pairs, and runs that keep in sessions."""

import math

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.math import losses
from core.train.config import TrainConfig
from core.train.race import (
    HeldOut,
    RacePoint,
    RaceRun,
    held_out_log_loss,
    race_configs,
    split_held_out,
)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(50)]
    return Corpus.from_sentences([[words[j] for j in rng.integers(0, 50, size=9)]
                                  for _ in range(3000)])


def test_the_held_out_sentences_are_not_trained_on(corpus):
    training, held_out = split_held_out(corpus, window=2, pairs=500)
    assert len(held_out) == 500
    assert training.sentence_count < corpus.sentence_count
    assert corpus.sentence_count - training.sentence_count <= 0.02 * corpus.sentence_count
    assert training.token_count == corpus.token_count - 9 * (
        corpus.sentence_count - training.sentence_count)
    assert held_out.inputs.max() < training.vocab_size
    assert not np.any(held_out.inputs == -1) and len(held_out.inputs) == len(held_out.targets)


def test_the_log_loss_is_the_full_softmax_per_pair():
    rng = np.random.default_rng(0)
    center, outside = rng.normal(size=(30, 5)), rng.normal(size=(30, 5))
    pairs = HeldOut(rng.integers(0, 30, size=700), rng.integers(0, 30, size=700))
    expected = np.mean([losses.naive_softmax_loss_and_gradient(center[a], b, outside)[0]
                        for a, b in zip(pairs.inputs, pairs.targets, strict=True)])
    assert held_out_log_loss(center, outside, pairs) == pytest.approx(expected, rel=1e-12)
    # before training (U = 0) every word is equally likely: log |V| nats
    assert held_out_log_loss(center, np.zeros_like(outside), pairs) == pytest.approx(
        math.log(30))
    assert math.isnan(held_out_log_loss(center, outside, HeldOut(np.zeros(0, int),
                                                                  np.zeros(0, int))))


def test_the_races_and_their_record():
    names = [name for name, _ in race_configs(TrainConfig(), "losses")]
    assert names == ["naive softmax", "negative sampling"]
    configs = dict(race_configs(TrainConfig(dim=7), "models"))
    assert configs["CBOW"].model == "cbow" and configs["CBOW"].dim == 7
    run = RaceRun("CBOW", configs["CBOW"], [RacePoint(1.5, 100, 66.7, 3.2, float("nan"))],
                  finished=True)
    again = RaceRun.from_json(run.to_json())
    assert again.config == run.config and again.points[0].seconds == 1.5
    assert math.isnan(again.points[0].accuracy)
    with pytest.raises((KeyError, TypeError, ValueError)):
        RaceRun.from_json({"name": "x", "config": {"dim": -3}, "points": []})


def test_a_corpus_too_small_to_race_on_says_so():
    with pytest.raises(ValueError, match="many sentences"):
        split_held_out(Corpus.from_sentences([["just", "one", "line"]]), window=2)
    with pytest.raises(ValueError, match="nothing to measure"):
        split_held_out(Corpus.from_sentences([["a"], ["b"], ["c"]]), window=2)
