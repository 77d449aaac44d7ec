"""The forward pass (core.train.forward): one pure function of (parameters, batch) gives the
loss and gradients that the trainer's step applies, the gradient check checks and the step
inspector shows; `Trainer.step(keep_batch=True)` hands back the batch it trained on."""

import copy

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.train.config import PRESETS, TrainConfig
from core.train.forward import Batch, draw_batch, loss_and_gradients
from core.train.gradcheck import check_model_gradient, check_parameters
from core.train.negative import LOSS_EVERY, NOISE_GROUP, NOISE_POOL
from core.train.trainer import Trainer
from core.train.update import apply_gradients, train_batch


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(50)]
    return Corpus.from_sentences([[words[j] for j in rng.integers(0, 50, size=rng.integers(2, 12))]
                                  for _ in range(600)])


CONFIGS = {
    "skip-gram, negative sampling": TrainConfig(dim=10, min_count=1, sample=0),
    "skip-gram, naive softmax": TrainConfig(dim=10, min_count=1, loss="softmax"),
    "CBOW mean, negative sampling": TrainConfig(dim=10, min_count=1, model="cbow"),
    "CBOW summed, naive softmax": TrainConfig(dim=10, min_count=1, model="cbow",
                                              loss="softmax", cbow_mean=False),
    "the handout's batching": PRESETS["cs224n"].replace(dim=10, iterations=50, min_count=1),
    "the handout's batching, softmax": PRESETS["cs224n"].replace(dim=10, iterations=50,
                                                                 min_count=1, loss="softmax"),
}


def warmed(corpus: Corpus, config: TrainConfig) -> Trainer:
    trainer = Trainer(corpus, config)
    for _ in range(5):
        trainer.step()
    return trainer


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_step_is_the_forward_pass_on_the_batch_it_hands_back(corpus, name):
    config = CONFIGS[name]
    trainer = warmed(corpus, config)
    twin = copy.deepcopy(trainer)
    rate = trainer.learning_rate()
    if config.batching == "windows":
        rate /= config.batch_size  # the handout averages over its windows
    with_loss = trainer.steps % LOSS_EVERY == 0
    stats = trainer.step(keep_batch=True)
    batch = stats.batch
    assert isinstance(batch, Batch) and stats.steps == twin.steps + 1
    # the same step, by hand: the pure forward pass, then the update, bit for bit
    center, outside = twin.center_vectors.copy(), twin.outside_vectors.copy()
    gradients = loss_and_gradients(center, outside, batch, config, with_loss=with_loss)
    np.testing.assert_array_equal(center, twin.center_vectors)  # it changed nothing
    np.testing.assert_array_equal(outside, twin.outside_vectors)
    apply_gradients(center, outside, gradients, rate)
    np.testing.assert_array_equal(center, trainer.center_vectors)
    np.testing.assert_array_equal(outside, trainer.outside_vectors)
    # train_batch, the step a worker would take on shared arrays, is the same
    center, outside = twin.center_vectors.copy(), twin.outside_vectors.copy()
    assert train_batch(center, outside, batch, config, rate, with_loss=with_loss).finite()
    np.testing.assert_array_equal(center, trainer.center_vectors)
    np.testing.assert_array_equal(outside, trainer.outside_vectors)
    # and a step that does not keep its batch is the same step
    assert twin.step().batch is None
    np.testing.assert_array_equal(twin.center_vectors, trainer.center_vectors)
    np.testing.assert_array_equal(twin.outside_vectors, trainer.outside_vectors)


def test_the_batch_holds_the_noise_it_was_trained_with(corpus):
    trainer = warmed(corpus, CONFIGS["skip-gram, negative sampling"])
    batch = trainer.step(keep_batch=True).batch
    windows = int(batch.valid.any(axis=1).sum())
    assert batch.noise is None
    assert batch.pools.shape == (-(-windows // NOISE_GROUP), NOISE_POOL)
    handout = warmed(corpus, CONFIGS["the handout's batching"])
    batch = handout.step(keep_batch=True).batch
    assert batch.pools is None
    assert batch.noise.shape == (int(batch.valid.sum()), handout.config.negative)
    owner, slot = np.nonzero(batch.valid)
    assert not np.any(batch.noise == batch.context[owner, slot][:, None])  # drawn again


def test_draw_batch_draws_no_noise_for_windows_without_context():
    config = TrainConfig(dim=4)
    empty = np.zeros((3, 2 * config.window), dtype=bool)
    batch = draw_batch(np.arange(3), np.zeros_like(empty, dtype=np.int32), empty, config,
                       lambda shape: pytest.fail("nothing to draw for"))
    assert batch.pools is None
    assert loss_and_gradients(np.ones((4, 4)), np.ones((4, 4)), batch, config) is None


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_forward_pass_runs_in_float64_and_its_dense_gradient_is_finite(corpus, name):
    config = CONFIGS[name]
    trainer = warmed(corpus, config)
    batch = trainer.step(keep_batch=True).batch
    center = trainer.center_vectors.astype(np.float64)
    outside = trainer.outside_vectors.astype(np.float64)
    gradients = loss_and_gradients(center, outside, batch, config)
    assert gradients.finite() and np.isfinite(gradients.loss)
    grad_center, grad_outside = gradients.dense(center.shape, outside.shape)
    assert grad_center.dtype == np.float64 and grad_outside.shape == outside.shape
    assert np.abs(grad_center).sum() > 0 and np.abs(grad_outside).sum() > 0


def test_the_check_of_copied_parameters_is_the_check_of_the_trainer(corpus):
    trainer = warmed(corpus, CONFIGS["CBOW mean, negative sampling"])
    copied = check_parameters(trainer.center_vectors.copy(), trainer.outside_vectors.copy(),
                              trainer.corpus, trainer.config, windows=5)
    assert copied == check_model_gradient(trainer, windows=5) and copied.passed


def test_the_trainer_keeps_no_side_channel(corpus):
    trainer = Trainer(corpus, CONFIGS["skip-gram, negative sampling"])
    assert not hasattr(trainer, "recording")
    assert trainer.step().batch is None


def test_a_batch_whose_gradients_overflow_changes_nothing(corpus):
    config = CONFIGS["skip-gram, negative sampling"]
    trainer = warmed(corpus, config)
    batch = trainer.step(keep_batch=True).batch
    center = trainer.center_vectors.copy()
    center[batch.centers[0]] = np.inf
    outside = trainer.outside_vectors.copy()
    before = center.copy(), outside.copy()
    with np.errstate(all="ignore"):
        gradients = train_batch(center, outside, batch, config, 0.025)
    assert not gradients.finite()
    np.testing.assert_array_equal(center, before[0])
    np.testing.assert_array_equal(outside, before[1])
