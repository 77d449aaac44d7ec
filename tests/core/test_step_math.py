"""Step mode's core: one recorded step is exactly Trainer.step's, and the numbers shown for
one example are those of core.math.losses' per-example functions."""

import copy

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.map.tracker import MapTracker
from core.math import losses
from core.math.functions import sigmoid
from core.train.config import PRESETS, TrainConfig
from core.train.step_math import handout_noise, linear_map, pair_math, record_step
from core.train.trainer import Trainer


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(60)]
    return Corpus.from_sentences([[words[j] for j in rng.zipf(1.5, size=rng.integers(3, 14))
                                   if j < 60] or ["w0", "w1"] for _ in range(1500)])


CONFIGS = {
    "skip-gram, negative sampling": TrainConfig(dim=12, min_count=1),
    "skip-gram, naive softmax": TrainConfig(dim=12, min_count=1, loss="softmax"),
    "CBOW, negative sampling": TrainConfig(dim=12, min_count=1, model="cbow"),
    "CBOW summed, naive softmax": TrainConfig(dim=12, min_count=1, model="cbow",
                                              loss="softmax", cbow_mean=False),
    "the handout's batching": PRESETS["cs224n"].replace(dim=12, iterations=200, min_count=1),
}


def warmed(corpus, config) -> Trainer:
    trainer = Trainer(corpus, config)
    for _ in range(6):
        trainer.step()
    return trainer


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_a_recorded_step_is_exactly_the_trainers_step(corpus, name):
    trainer = warmed(corpus, CONFIGS[name])
    twin = copy.deepcopy(trainer)
    record = record_step(trainer)
    twin.step()
    np.testing.assert_array_equal(trainer.center_vectors, twin.center_vectors)
    np.testing.assert_array_equal(trainer.outside_vectors, twin.outside_vectors)
    assert trainer.steps == twin.steps and trainer.rng.random() == twin.rng.random()
    assert record.examples and not hasattr(trainer, "recording")  # no side channel
    assert not np.array_equal(record.center_before, record.center_after)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_numbers_are_the_per_example_functions(corpus, name):
    record = record_step(warmed(corpus, CONFIGS[name]))
    for index in (0, len(record.examples) - 1):
        math = pair_math(record, index)
        example = math.example
        center = record.center_before.astype(np.float64)
        outside = record.outside_before.astype(np.float64)
        v = center[list(example.inputs)].sum(axis=0)
        if record.model == "cbow" and record.cbow_mean:
            v /= len(example.inputs)
        np.testing.assert_array_equal(math.input_vector, v)
        if record.loss == "softmax":
            loss, grad_v, grad_u = losses.naive_softmax_loss_and_gradient(v, example.target,
                                                                          outside)
            assert math.grad_outside_norm == pytest.approx(np.linalg.norm(grad_u))
            probabilities = [p for _, _, p in math.top_words]
            assert probabilities == sorted(probabilities, reverse=True)
        else:
            drawn = list(math.noise_drawn)
            assert len(drawn) == record.negative and example.target not in drawn
            loss, grad_v, grad_u = losses.neg_sampling_loss_and_gradient(
                v, example.target, outside, drawn)
            score = outside[example.target] @ v
            assert math.target_sigma == pytest.approx(sigmoid(score))
            assert math.target_loss + sum(t.loss for t in math.noise) == pytest.approx(loss)
            for term in math.noise:
                np.testing.assert_allclose(term.gradient, grad_u[term.word])
        assert math.loss == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(math.grad_input, grad_v)
        np.testing.assert_allclose(math.grad_target, grad_u[example.target])
        if record.loss == "softmax":
            assert "curvature" not in math.differs  # only negative sampling limits steps


def test_the_handouts_step_is_the_sum_of_its_examples_updates(corpus):
    # an independent check of what the record says the step trained on: the handout's
    # per-pair updates of every example, with the noise words recorded for it, add up to
    # exactly what the trainer did
    record = record_step(warmed(corpus, CONFIGS["the handout's batching"]))
    assert record.pair_rate == pytest.approx(record.learning_rate / 50)
    center = record.center_before.astype(np.float64)
    outside = record.outside_before.astype(np.float64)
    center_change, outside_change = np.zeros_like(center), np.zeros_like(outside)
    for index, example in enumerate(record.examples):
        drawn = handout_noise(record, index)
        assert len(drawn) == record.negative and example.target not in drawn
        _, grad_v, grad_u = losses.neg_sampling_loss_and_gradient(
            center[example.inputs[0]], example.target, outside, list(drawn))
        center_change[example.inputs[0]] -= record.pair_rate * grad_v
        outside_change -= record.pair_rate * grad_u
    np.testing.assert_allclose(record.center_after - center, center_change, atol=2e-6)
    np.testing.assert_allclose(record.outside_after - outside, outside_change, atol=2e-6)
    assert "rate / 50 windows" in pair_math(record, 0).differs


def test_a_cbow_sum_moves_by_each_context_words_update():
    words = [f"w{i}" for i in range(50)]
    corpus = Corpus.from_sentences([[words[(7 * i + j) % 50] for j in range(10)]
                                    for i in range(600)])
    config = TrainConfig(dim=8, min_count=1, model="cbow", cbow_mean=False, sample=0)
    record = record_step(warmed(corpus, config))
    index = next(i for i, e in enumerate(record.examples) if len(e.inputs) > 1)
    math = pair_math(record, index)
    before, after = math.moves["v_c"]
    count = len(math.example.inputs)
    np.testing.assert_allclose(after, before - count * record.pair_rate * math.grad_input)
    assert "whole dJ/dv̂" in math.differs and "curvature" in math.differs


def test_a_word_drawn_twice_is_one_term_with_twice_the_gradient(corpus):
    record = record_step(warmed(corpus, CONFIGS["skip-gram, negative sampling"]))
    target = record.examples[0].target
    record.noise_table = np.array([w for w in (0, 1, 2) if w != target][:2])  # 2 words only
    math = pair_math(record, 0)
    assert sum(t.draws for t in math.noise) == record.negative
    repeated = max(math.noise, key=lambda t: t.draws)
    assert repeated.draws >= 3  # K = 5 draws among two words
    v = math.input_vector
    u = record.outside_before[repeated.word].astype(np.float64)
    np.testing.assert_allclose(repeated.gradient, repeated.draws * sigmoid(u @ v) * v)
    assert "pool" in math.differs  # the trainer's own noise words differ, and it says so


def test_a_finished_run_has_no_step_to_record(corpus):
    trainer = Trainer(corpus, TrainConfig(dim=4, min_count=1, epochs=1))
    trainer.train()
    with pytest.raises(ValueError, match="finished"):
        record_step(trainer)


def test_the_pca_map_is_recovered_as_an_affine_map_and_tsne_is_not():
    rng = np.random.default_rng(0)
    tracker = MapTracker()
    first = rng.normal(size=(80, 10))
    tracker.update(first, method="pca")
    moved = first + 0.05 * rng.normal(size=first.shape)
    layout = tracker.update(moved, method="pca")  # rotated and scaled onto the first frame
    matrix, offset = linear_map(moved, layout)
    np.testing.assert_allclose(moved @ matrix + offset, layout, atol=1e-9)
    assert linear_map(moved, rng.normal(size=(80, 2))) is None
