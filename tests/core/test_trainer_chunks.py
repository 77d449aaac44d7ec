"""Steps larger than one chunk: each call of Trainer.step does one bounded chunk, the step is
still one SGD update with the math of a whole step, and between calls the trainer's saved
state is the one before the step, so pausing, saving and resuming stay exact."""

import copy

import numpy as np
import pytest

import core.train.batches
import core.train.forward
from core.data.corpus import Corpus
from core.train.batches import inputs_per_chunk
from core.train.config import PARAMETERS, TrainConfig
from core.train.forward import Batch, loss_and_gradients
from core.train.negative import NOISE_GROUP, NOISE_POOL
from core.train.step_math import record_step
from core.train.trainer import DivergenceError, Trainer
from core.train.update import apply_gradients
from tests.core.test_trainer import planted_corpus

LARGEST_DIM = int(PARAMETERS["dim"].high)
LARGEST_BATCH = int(PARAMETERS["batch_words"].high)
LARGEST_WINDOW = int(PARAMETERS["window"].high)


def with_ghost(corpus: Corpus) -> Corpus:
    """The corpus with one more word that never occurs in its text: a noise table holding
    only it makes every noise draw the same and never equal to a true word."""
    return Corpus(words=[*corpus.words, "ghost"], counts=np.r_[corpus.counts, 1],
                  token_ids=corpus.token_ids, sentence_offsets=corpus.sentence_offsets)


def ghost_trainer(corpus: Corpus, config: TrainConfig, seed: int = 3) -> Trainer:
    """A trainer drawing only the ghost as noise, started from random vectors (so that
    every gradient is non-zero)."""
    trainer = Trainer(corpus, config)
    trainer.noise_table = np.full_like(trainer.noise_table, corpus.vocab_size - 1)
    rng = np.random.default_rng(seed)
    for name in ("center_vectors", "outside_vectors"):
        shape = getattr(trainer, name).shape
        setattr(trainer, name, rng.normal(scale=0.3, size=shape).astype(np.float32))
    return trainer


def finish_step(trainer: Trainer) -> int:
    """Call step() until the step in flight is applied; returns the number of calls."""
    steps, calls = trainer.steps, 0
    while trainer.steps == steps:
        trainer.step()
        calls += 1
    return calls


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few centers (or windows), so that a step of this test's sizes needs
    several."""
    def use(inputs: int) -> None:
        monkeypatch.setattr(core.train.batches, "inputs_per_chunk", lambda *_: inputs)
    return use


# ----------------------------------------------------------------------------------------
# The math of one step, whole or in chunks
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("model,loss", [("skipgram", "neg"), ("cbow", "neg"),
                                        ("skipgram", "softmax"), ("cbow", "softmax")])
def test_a_step_in_chunks_equals_the_whole_step(small_chunks, monkeypatch, model, loss):
    # window 1 makes every reach 1 and the ghost every noise word, so the whole step and
    # the chunked one (which draws from its own generator) train on the same pairs
    corpus = with_ghost(planted_corpus(sentences=60)[0])
    # a high rate, so that the guard limits some rows and some true outside rows are "hot"
    config = TrainConfig(model=model, loss=loss, dim=6, window=1, sample=0, min_count=1,
                         batch_words=256, epochs=3, alpha=4.0, seed=5)
    start = ghost_trainer(corpus, config)
    start.epoch, start.words_done = 1, corpus.token_count  # past the warm-up: 256 words
    whole = copy.deepcopy(start)
    assert finish_step(whole) == 1
    small_chunks(NOISE_GROUP)  # whole noise groups, as inputs_per_chunk makes them
    chunked = copy.deepcopy(start)
    second_pass = []
    if loss == "neg":
        real = core.train.batches.add_curvature_along
        monkeypatch.setattr(core.train.batches, "add_curvature_along",
                            lambda *a: (second_pass.append(1), real(*a)))
    assert finish_step(chunked) >= 256 // NOISE_GROUP
    assert second_pass or loss == "softmax"
    assert chunked.words_done == whole.words_done and chunked.pairs_seen == whole.pairs_seen
    assert chunked.last_loss == pytest.approx(whole.last_loss, rel=1e-5)
    for name in ("center_vectors", "outside_vectors"):
        after, expected = getattr(chunked, name), getattr(whole, name)
        change = np.abs(expected - getattr(start, name)).max()
        assert change > 1e-2  # the step moved these vectors
        np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-5 * change)


@pytest.mark.parametrize("loss", ["neg", "softmax"])
def test_a_handout_step_in_chunks_is_the_handouts_step_on_its_windows(small_chunks, loss):
    corpus = with_ghost(planted_corpus(sentences=200)[0])
    config = TrainConfig(batching="windows", loss=loss, dim=6, window=3, negative=4,
                         batch_size=120, iterations=5, min_count=1, alpha=0.3, seed=2)
    small_chunks(25)
    chunked = ghost_trainer(corpus, config)
    reference = copy.deepcopy(chunked)
    record = record_step(chunked)  # one whole step, all its chunks, and its windows
    assert record.centers.size == 120 and chunked.steps == 1
    # the same windows and noise words through the path of a step that fits one chunk
    owner, slot = np.nonzero(record.valid)
    noise = record.noise[owner, slot]
    batch = Batch(record.centers, record.context, record.valid, noise=noise)
    gradients = loss_and_gradients(reference.center_vectors, reference.outside_vectors,
                                   batch, config)
    apply_gradients(reference.center_vectors, reference.outside_vectors, gradients,
                    record.pair_rate)
    for name in ("center_vectors", "outside_vectors"):
        np.testing.assert_allclose(getattr(chunked, name), getattr(reference, name),
                                   rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------------------
# Bounded calls at the largest settings the form allows
# ----------------------------------------------------------------------------------------

def test_the_largest_step_at_the_largest_dimension_returns_after_each_bounded_chunk(
        monkeypatch):
    corpus = planted_corpus(sentences=60)[0]
    config = TrainConfig(dim=LARGEST_DIM, batch_words=LARGEST_BATCH, window=LARGEST_WINDOW,
                         sample=0, min_count=1, epochs=20)
    trainer = Trainer(corpus, config)
    trainer.epoch, trainer.words_done = 5, 5 * corpus.token_count  # past the warm-up
    per_chunk = inputs_per_chunk(config, corpus.vocab_size)
    # a chunk's work: its centers × (their padded windows + the noise pool) × d products
    assert per_chunk * (2 * config.window + NOISE_POOL) * config.dim \
        <= core.train.batches.CHUNK_WORK
    inputs_this_call = []
    real = core.train.forward.weighted_neg_sampling

    def spy(inputs, *args, **kwargs):
        inputs_this_call.append(inputs.shape[0])
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(core.train.forward, "weighted_neg_sampling", spy)
    trainer.batches.start_epoch()  # what the step's first call would do first
    before = (trainer.center_vectors.copy(), trainer.rng.bit_generator.state, trainer.cursor)
    shares = []
    while trainer.steps == 0:
        inputs_this_call.clear()
        stats = trainer.step()
        assert sum(inputs_this_call) <= per_chunk  # one chunk's centers, at most, a call
        if trainer.steps == 0:  # between calls nothing of the saved state has changed
            shares.append(stats.partial_step)
            np.testing.assert_array_equal(trainer.center_vectors, before[0])
            assert trainer.rng.bit_generator.state == before[1]
            assert trainer.cursor == before[2] and stats.steps == 0
    # the whole epoch was the step: more calls than one chunk holds, each one reported
    assert len(shares) >= corpus.token_count // per_chunk
    assert shares == sorted(shares) and 0 < shares[0] and shares[-1] < 1
    assert stats.partial_step == 0.0 and trainer.cursor == 0 and trainer.epoch == 6


def test_every_setting_of_the_form_gives_chunks_within_the_work_bound():
    bound = core.train.batches.CHUNK_WORK
    for model in ("skipgram", "cbow"):
        for dim in (1, 100, LARGEST_DIM):
            for window in (1, 5, LARGEST_WINDOW):
                config = TrainConfig(model=model, dim=dim, window=window)
                per_chunk = inputs_per_chunk(config, 50_000)
                scored = 2 * window + NOISE_POOL + (model == "cbow")
                assert per_chunk >= 1
                if per_chunk > 1:
                    assert per_chunk * scored * dim <= bound


# ----------------------------------------------------------------------------------------
# Pausing, saving, resuming, recording, diverging and re-configuring in the middle of a step
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes", [{}, {"model": "cbow"}, {"loss": "softmax"},
                                     {"batching": "windows", "batch_size": 300,
                                      "iterations": 6}],
                         ids=["skipgram", "cbow", "softmax", "windows"])
def test_a_save_between_chunks_resumes_exactly(tmp_path, small_chunks, changes):
    corpus = planted_corpus(sentences=300)[0]
    config = TrainConfig(dim=8, epochs=2, min_count=1, batch_words=300, seed=7,
                         **changes)
    small_chunks(16)
    uninterrupted = Trainer(corpus, config)
    uninterrupted.train()

    interrupted = Trainer(corpus, config)
    finish_step(interrupted)
    finish_step(interrupted)
    for _ in range(3):  # in the middle of the third step
        assert interrupted.step().partial_step > 0
    path = tmp_path / "model.npz"
    interrupted.save(path)
    resumed = Trainer.load(path)
    assert resumed.steps == 2
    resumed.train()
    interrupted.train()
    for trainer in (resumed, interrupted):
        np.testing.assert_array_equal(trainer.center_vectors, uninterrupted.center_vectors)
        np.testing.assert_array_equal(trainer.outside_vectors, uninterrupted.outside_vectors)
        assert trainer.steps == uninterrupted.steps


def test_recording_takes_the_whole_step_as_the_calls_would(small_chunks):
    corpus = planted_corpus(sentences=300)[0]
    config = TrainConfig(dim=8, min_count=1, batch_words=300, seed=4)
    small_chunks(40)
    trainer = Trainer(corpus, config)
    trainer.step()  # a step in flight, which recording computes again, whole
    twin = copy.deepcopy(trainer)  # copies leave the step in flight out
    assert twin.stats().partial_step == 0 < trainer.stats().partial_step
    record = record_step(trainer)
    finish_step(twin)
    assert trainer.steps == twin.steps == 1
    np.testing.assert_array_equal(trainer.center_vectors, twin.center_vectors)
    np.testing.assert_array_equal(trainer.outside_vectors, twin.outside_vectors)
    # the record holds every chunk's windows: the step's centers, all of them
    assert record.centers.size == record.valid.shape[0] == twin.cursor > 40
    assert record.pools is not None and record.pools.shape[1] == NOISE_POOL


def test_a_divergence_in_a_chunk_leaves_the_state_before_the_step(small_chunks):
    corpus = planted_corpus(sentences=400)[0]
    config = TrainConfig(dim=12, epochs=30, min_count=1, batch_words=200, alpha=10.0, seed=7)
    small_chunks(40)
    trainer = Trainer(corpus, config)
    with pytest.raises(DivergenceError, match="Lower the learning rate"):
        for _ in range(5000):
            if trainer.stats().partial_step == 0:
                good = (trainer.center_vectors.copy(), trainer.outside_vectors.copy(),
                        trainer.rng.bit_generator.state, trainer.steps)
            trainer.step()
        pytest.fail("did not diverge")
    np.testing.assert_array_equal(trainer.center_vectors, good[0])
    np.testing.assert_array_equal(trainer.outside_vectors, good[1])
    assert trainer.rng.bit_generator.state == good[2] and trainer.steps == good[3]
    assert trainer.stats().partial_step == 0


def test_a_new_config_between_chunks_starts_the_step_again_with_it(small_chunks):
    corpus = planted_corpus(sentences=300)[0]
    config = TrainConfig(dim=8, min_count=1, batch_words=300, seed=4)
    small_chunks(40)
    trainer = Trainer(corpus, config)
    twin = copy.deepcopy(trainer)
    trainer.step()
    assert trainer.stats().partial_step > 0
    lower = config.replace(alpha=config.alpha / 2)
    trainer.config = twin.config = lower  # as "continue at a lower rate" does
    finish_step(trainer)
    finish_step(twin)
    np.testing.assert_array_equal(trainer.center_vectors, twin.center_vectors)
    np.testing.assert_array_equal(trainer.outside_vectors, twin.outside_vectors)
