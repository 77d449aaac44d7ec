"""The fast trainer: equal to the handout's math, learns planted structure, resumes exactly."""

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.math.losses import neg_sampling_loss_and_gradient, pooled_noise, weighted_neg_sampling
from core.train.config import PRESETS, ConfigError, TrainConfig
from core.train.trainer import DivergenceError, Trainer, TrainerError


def planted_corpus(seed: int = 0, sentences: int = 3000) -> tuple[Corpus, list[tuple[str, str]]]:
    """Partner words (a_i, b_i) are used interchangeably in the same contexts c_i*."""
    rng = np.random.default_rng(seed)
    pairs = [(f"a{i}", f"b{i}") for i in range(8)]
    fillers = [f"f{i}" for i in range(30)]
    text = []
    for _ in range(sentences):
        group = int(rng.integers(len(pairs)))
        word = pairs[group][int(rng.integers(2))]
        context = [f"c{group}x{int(k)}" for k in rng.integers(4, size=4)]
        noise = [fillers[int(k)] for k in rng.integers(len(fillers), size=2)]
        text.append(noise[:1] + context[:2] + [word] + context[2:] + noise[1:])
    return Corpus.from_sentences(text), pairs


def nearest(trainer: Trainer, word: str) -> str:
    return trainer.embeddings().most_similar(word, 1)[0][0]


def test_positive_block_equals_per_example_in_float32():
    rng = np.random.default_rng(1)
    vocab, dim, batch, width = 12, 6, 5, 4
    inputs = rng.normal(size=(batch, dim)).astype(np.float32)
    outside = rng.normal(size=(vocab, dim)).astype(np.float32)
    targets = rng.integers(vocab, size=(batch, width))
    valid = rng.random((batch, width)) < 0.7
    result = weighted_neg_sampling(inputs, targets, np.ones(width, np.float32),
                                   valid.astype(np.float32), outside)
    grad_outside = np.zeros_like(outside)
    grad_outside[result.outside_rows] = result.outside
    expected_outside = np.zeros((vocab, dim))
    for i in range(batch):
        expected_center = np.zeros(dim)
        expected_loss = 0.0
        for j in np.flatnonzero(valid[i]):
            loss, grad_center, grad_out = neg_sampling_loss_and_gradient(
                inputs[i].astype(np.float64), targets[i, j], outside.astype(np.float64), [])
            expected_loss += loss
            expected_center += grad_center
            expected_outside += grad_out
        assert result.loss[i] == pytest.approx(expected_loss, rel=1e-5)
        np.testing.assert_allclose(result.center[i], expected_center, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grad_outside, expected_outside, rtol=1e-5, atol=1e-6)


def test_pooled_noise_with_k_words_equals_the_handout_noise_terms():
    rng = np.random.default_rng(2)
    vocab, dim, k = 10, 5, 4
    outside = rng.normal(size=(vocab, dim)).astype(np.float32)
    center = rng.normal(size=dim).astype(np.float32)
    pool = rng.integers(1, vocab, size=k)  # word 0 is the outside word
    noise = pooled_noise(center[None, None, :], outside[pool][None], np.ones((1, 1, 1), np.float32))
    positive = weighted_neg_sampling(center[None], np.array([[0]]), np.ones(1, np.float32),
                                     np.ones((1, 1), np.float32), outside)
    loss, grad_center, grad_outside = neg_sampling_loss_and_gradient(
        center.astype(np.float64), 0, outside.astype(np.float64), pool)
    assert positive.loss[0] + noise.loss[0, 0] == pytest.approx(loss, rel=1e-5)
    np.testing.assert_allclose(positive.center[0] + noise.inputs[0, 0], grad_center, rtol=1e-5)
    summed = np.zeros_like(outside)
    np.add.at(summed, pool, noise.pool[0])
    summed[positive.outside_rows] += positive.outside
    np.testing.assert_allclose(summed, grad_outside, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_planted_partners_become_nearest_neighbours(model):
    corpus, pairs = planted_corpus()
    trainer = Trainer(corpus, TrainConfig(model=model, dim=24, epochs=8, min_count=1,
                                          sample=0, batch_words=256, alpha=0.05, seed=3))
    stats = trainer.train()
    assert stats.finished and np.isfinite(stats.smoothed_loss)
    hits = sum(nearest(trainer, a) == b for a, b in pairs)
    assert hits >= 7, f"only {hits} of {len(pairs)} partners found"


def test_naive_softmax_learns_too():
    corpus, pairs = planted_corpus(sentences=800)
    trainer = Trainer(corpus, TrainConfig(loss="softmax", dim=16, epochs=6, min_count=1,
                                          sample=0, batch_words=128, alpha=0.05, seed=4))
    first = trainer.step()
    stats = trainer.train()
    assert stats.smoothed_loss < first.loss
    assert sum(nearest(trainer, a) == b for a, b in pairs) >= 6


def test_loss_goes_down():
    corpus, _ = planted_corpus(sentences=1500)
    trainer = Trainer(corpus, TrainConfig(dim=16, epochs=4, min_count=1, batch_words=128, seed=5))
    early = [trainer.step().loss for _ in range(8)]
    final = trainer.train()
    assert final.smoothed_loss < np.nanmean(early)


def small_config(**changes) -> TrainConfig:
    return TrainConfig(dim=12, epochs=2, min_count=1, batch_words=200, seed=7).replace(**changes)


@pytest.mark.parametrize("config", [
    small_config(),
    small_config(model="cbow"),
    small_config(loss="softmax"),
    PRESETS["cs224n"].replace(iterations=60, min_count=1),
], ids=["skipgram", "cbow", "softmax", "cs224n-windows"])
def test_save_load_continue_equals_uninterrupted(tmp_path, config):
    corpus, _ = planted_corpus(sentences=600)
    uninterrupted = Trainer(corpus, config)
    uninterrupted.train()

    interrupted = Trainer(corpus, config)
    for _ in range(7):
        interrupted.step()
    path = tmp_path / "model.npz"
    interrupted.save(path)
    resumed = Trainer.load(path)
    assert resumed.steps == 7 and resumed.words_done == interrupted.words_done
    resumed.train()
    np.testing.assert_array_equal(resumed.center_vectors, uninterrupted.center_vectors)
    np.testing.assert_array_equal(resumed.outside_vectors, uninterrupted.outside_vectors)
    assert resumed.words_done == uninterrupted.words_done


def test_same_seed_same_vectors_other_seed_other_vectors():
    corpus, _ = planted_corpus(sentences=400)
    first = Trainer(corpus, small_config())
    first.train()
    second = Trainer(corpus, small_config())
    second.train()
    other = Trainer(corpus, small_config(seed=8))
    other.train()
    np.testing.assert_array_equal(first.center_vectors, second.center_vectors)
    assert not np.array_equal(first.center_vectors, other.center_vectors)


def test_initialisation_follows_word2vec_c():
    corpus, _ = planted_corpus(sentences=100)
    trainer = Trainer(corpus, small_config(dim=10))
    assert trainer.center_vectors.dtype == np.float32
    assert np.abs(trainer.center_vectors).max() <= 0.5 / 10
    assert not trainer.outside_vectors.any()


def test_linear_and_halving_schedules():
    corpus, _ = planted_corpus(sentences=200)
    linear = Trainer(corpus, small_config(alpha=0.1, min_alpha=0.001))
    assert linear.learning_rate() == pytest.approx(0.1)
    linear.train()
    assert linear.learning_rate() == pytest.approx(0.001)
    halving = Trainer(corpus, small_config(schedule="halving", halve_every=3, alpha=0.4,
                                           batching="windows", iterations=10))
    for _ in range(3):
        halving.step()
    assert halving.learning_rate() == pytest.approx(0.2)


def test_cs224n_preset_cost_falls_on_a_small_corpus():
    corpus, _ = planted_corpus(sentences=2000)
    trainer = Trainer(corpus, PRESETS["cs224n"].replace(iterations=400))
    costs = []
    trainer.train(callback=lambda stats: costs.append(stats.cost))
    assert costs[8] is None and costs[9] is not None  # smoothed every 10 iterations
    assert costs[-1] < costs[9]


def test_divergence_is_caught_with_advice():
    corpus, _ = planted_corpus(sentences=400)
    trainer = Trainer(corpus, small_config(alpha=10.0, epochs=30))
    last_good = None
    # it diverges at about step 18; the bound only keeps a change that stops it from hanging
    with pytest.raises(DivergenceError, match="diverged.*Lower the learning rate"):
        for _ in range(500):
            last_good = (trainer.center_vectors.copy(), trainer.outside_vectors.copy())
            trainer.step()
        pytest.fail("did not diverge within 500 steps")
    # the refused step changed nothing: the state is the last good one
    np.testing.assert_array_equal(trainer.center_vectors, last_good[0])
    np.testing.assert_array_equal(trainer.outside_vectors, last_good[1])
    assert np.isfinite(trainer.center_vectors).all()


def test_corpus_too_small_is_refused():
    with pytest.raises(TrainerError, match="at least 2") as refused:
        Trainer(Corpus.from_sentences([["only", "only"]]), small_config())
    assert not isinstance(refused.value, DivergenceError)
    with pytest.raises(TrainerError, match="no sentence has two words") as refused:
        Trainer(Corpus.from_sentences([["a"], ["b"], ["c"]]), small_config())
    assert not isinstance(refused.value, DivergenceError)


def test_failures_have_kinds_a_divergence_is_a_trainer_error():
    assert issubclass(DivergenceError, TrainerError)
    corpus, _ = planted_corpus(sentences=100)
    # word2vec.c keeps a word about sqrt(sample / frequency) of the time: at 1e-12 this
    # 700-token corpus keeps 0.006 words on average (none with this seed)
    trainer = Trainer(corpus, small_config(sample=1e-12))
    with pytest.raises(TrainerError, match="sub-sampling dropped every word") as refused:
        trainer.step()
    assert type(refused.value) is TrainerError


@pytest.mark.parametrize("changes,message", [
    ({"dim": 0}, "dim must be between 1"),
    ({"window": 1000}, "window must be between"),
    ({"alpha": -1.0}, "alpha must be between"),
    ({"sample": float("nan")}, "sample must be a number"),
    ({"model": "glove"}, "model must be one of"),
    ({"epochs": 2.5}, "epochs must be a whole number"),
])
def test_absurd_hyperparameters_are_refused(changes, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**changes)


def test_corrupt_model_file_is_reported(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TrainerError, match="not a readable Word2Vec Studio model"):
        Trainer.load(path)


def test_shared_sst_preset_run_reports_handout_cost(sst_file):
    from core.data.corpus import load_corpus

    trainer = Trainer(load_corpus(sst_file), PRESETS["cs224n"].replace(iterations=2000))
    stats = trainer.train()
    assert stats.cost is not None and stats.cost < 40


def test_runs_on_one_corpus_share_one_read_only_noise_table():
    corpus, _ = planted_corpus(sentences=200)
    Trainer.prepare(corpus)
    first = Trainer(corpus, PRESETS["quick_demo"])
    second = Trainer(corpus, PRESETS["quick_demo"].replace(seed=9))
    assert first.noise_table is second.noise_table
    assert not first.noise_table.flags.writeable
    # the table's slots follow the noise distribution
    shares = np.bincount(first.noise_table, minlength=corpus.vocab_size) / first.noise_table.size
    np.testing.assert_allclose(shares, corpus.noise_distribution(), atol=1e-6)


def test_each_run_names_the_unit_of_its_loss_and_a_first_step_measures_in_it():
    corpus, _ = planted_corpus(sentences=300)
    vocab = corpus.vocab_size
    base = TrainConfig(dim=8, window=2, epochs=1, loss="softmax", batch_words=200, seed=3)
    # outside vectors start at zero: ŷ is uniform and each prediction costs log |V|
    skipgram = Trainer(corpus, base).step()
    assert skipgram.loss_unit == "pair" and skipgram.loss == pytest.approx(np.log(vocab))
    cbow = Trainer(corpus, base.replace(model="cbow")).step()
    assert cbow.loss_unit == "window" and cbow.loss == pytest.approx(np.log(vocab))
    windows = Trainer(corpus, base.replace(batching="windows", iterations=20, batch_size=50))
    first = windows.step()
    # the handout's cost of a window sums the losses of its outside words
    assert first.loss_unit == "window" and first.iterations == 20 and first.steps == 1
    pairs_per_window = windows.pairs_seen / 50
    assert first.loss == pytest.approx(pairs_per_window * np.log(vocab), rel=1e-3)


def test_a_windows_run_reports_one_unit_before_and_after_the_handouts_cost_appears():
    corpus, _ = planted_corpus(sentences=2000)
    trainer = Trainer(corpus, PRESETS["cs224n"].replace(iterations=30))
    reports = []
    trainer.train(callback=reports.append)
    assert reports[8].cost is None and reports[9].cost is not None
    # the smoothed loss moves smoothly through iteration 10: no jump to another measure
    smoothed = np.array([report.smoothed_loss for report in reports])
    assert np.all(np.abs(np.diff(smoothed)) < 0.1 * smoothed[:-1])
    assert reports[9].cost == pytest.approx(reports[9].loss)  # the handout's first exploss
