"""The fast trainer's math against the per-example reference (core.math.losses, core.cs224n.models).

Pooled noise has the expected gradient of K fresh draws per pair; the trainer passes the
pool weights that make it so; one step of skip-gram or CBOW equals -lr × the reference
gradient of the same windows.
"""

import numpy as np
import pytest

import core.math.steps
import core.train.forward
import core.train.update
from core.cs224n.models import cbow, skipgram
from core.data.corpus import Corpus
from core.math.losses import (
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    pooled_noise,
)
from core.train.config import TrainConfig
from core.train.negative import NOISE_GROUP, NOISE_POOL
from core.train.trainer import Trainer
from tests.core.test_trainer import planted_corpus

# ----------------------------------------------------------------------------------------
# Pooled noise: its expectation over pools is that of K fresh draws per pair
# ----------------------------------------------------------------------------------------

NOISE = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03])  # P_n over 8 words
K = 5
PAIRS = np.array([1.0, 3.0, 2.0])  # three inputs of one group, with 1, 3 and 2 pairs


def noise_terms(center, outside_vectors):
    """Each word w's noise term for one center, from the per-example reference: the
    difference between its loss with negatives [w] and with none."""
    base = neg_sampling_loss_and_gradient(center, 0, outside_vectors, [])
    terms = [neg_sampling_loss_and_gradient(center, 0, outside_vectors, [w])
             for w in range(len(NOISE))]
    return ([t[0] - base[0] for t in terms], [t[1] - base[1] for t in terms],
            [t[2] - base[2] for t in terms])


def exact_expectation(inputs, outside_vectors):
    """E over K fresh draws per pair from P_n, nothing skipped: for input i,
    PAIRS[i] · K · Σ_w P_n(w) · (w's term); the outside gradient summed over inputs."""
    loss, center, outside = [], [], np.zeros_like(outside_vectors)
    for pairs, vector in zip(PAIRS, inputs, strict=True):
        losses, centers, outsides = noise_terms(vector, outside_vectors)
        loss.append(pairs * K * np.dot(NOISE, losses))
        center.append(pairs * K * np.einsum("w,wd->d", NOISE, np.array(centers)))
        outside += pairs * K * np.einsum("w,wvd->vd", NOISE, np.array(outsides))
    return np.concatenate([np.ravel(loss), np.ravel(center), np.ravel(outside)])


def pooled_estimates(inputs, outside_vectors, pools, weights):
    """One estimate (loss, input gradients, outside gradient) per pool, as rows."""
    draws = pools.shape[0]
    grouped = np.broadcast_to(inputs, (draws, *inputs.shape))
    noise = pooled_noise(grouped, outside_vectors[pools], weights)
    # pool entries onto their rows of U, one (V, d) gradient per pool
    slot = (np.arange(draws)[:, None] * len(NOISE) + pools).ravel()
    outside = np.stack([np.bincount(slot, weights=noise.pool[:, :, k].ravel(),
                                    minlength=draws * len(NOISE))
                        for k in range(noise.pool.shape[2])], axis=1)
    return np.concatenate([noise.loss, noise.inputs.reshape(draws, -1),
                           outside.reshape(draws, -1)], axis=1)


def z_scores(estimates, exact):
    """(mean - exact) in standard errors of the Monte Carlo mean, per component."""
    mean = estimates.mean(axis=0)
    standard_error = estimates.std(axis=0, ddof=1) / np.sqrt(estimates.shape[0])
    assert np.all(standard_error > 0)
    return (mean - exact) / standard_error


def test_pooled_noise_expectation_is_k_fresh_draws_per_pair():
    rng = np.random.default_rng(11)
    dim, draws = 4, 10_000
    outside_vectors = rng.normal(scale=0.8, size=(len(NOISE), dim))
    inputs = rng.normal(scale=0.8, size=(PAIRS.size, dim))
    exact = exact_expectation(inputs, outside_vectors)
    pools = rng.choice(len(NOISE), size=(draws, NOISE_POOL), p=NOISE)

    # The trainer's weight: each of an input's pairs would draw K words, spread over the
    # NOISE_POOL words of the pool.
    weights = (PAIRS * K / NOISE_POOL)[None, :, None]
    z = z_scores(pooled_estimates(inputs, outside_vectors, pools, weights), exact)
    # Tolerance: 5 standard errors of the mean, computed from the sample (about 0.4% of
    # each component here). For a correct estimator the odds that any of the 47 components
    # is that far off are at most 47 × 6e-7 ≈ 3e-5; the generator is seeded, so the
    # outcome is fixed anyway.
    assert np.max(np.abs(z)) < 5

    # The same check refuses wrong weightings (off by thousands of standard errors): each
    # pool word counted once, or the input's pair count left out.
    for wrong in (np.ones((1, PAIRS.size, 1)), np.full((1, PAIRS.size, 1), K / NOISE_POOL)):
        z_wrong = z_scores(pooled_estimates(inputs, outside_vectors, pools, wrong), exact)
        assert np.max(np.abs(z_wrong)) > 50


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_trainer_weights_each_pool_word_pairs_times_k_over_pool(monkeypatch, model):
    calls = []

    def spy(inputs, pool_vectors, weights, with_loss=True):
        calls.append((inputs.copy(), weights.copy()))
        return pooled_noise(inputs, pool_vectors, weights, with_loss=with_loss)

    true_weights = []
    real_weighted = core.train.forward.weighted_neg_sampling

    def spy_true(inputs, targets, labels, weights, outside_vectors, with_loss=True):
        true_weights.append(weights.copy())
        return real_weighted(inputs, targets, labels, weights, outside_vectors, with_loss)

    monkeypatch.setattr(core.train.forward, "pooled_noise", spy)
    monkeypatch.setattr(core.train.forward, "weighted_neg_sampling", spy_true)
    corpus, _ = planted_corpus(sentences=300)
    config = TrainConfig(model=model, dim=8, negative=7, window=3, min_count=1, sample=0,
                         batch_words=200, seed=4)
    trainer = Trainer(corpus, config)
    for _ in range(3):
        trainer.step()
    assert len(calls) == 3 and len(true_weights) == 3
    for (grouped_inputs, weights), true in zip(calls, true_weights, strict=True):
        count = true.shape[0]  # inputs of the step: centers, or CBOW windows
        pairs = true.sum(axis=1)  # skip-gram: the center's context words; CBOW: 1
        if model == "cbow":
            np.testing.assert_array_equal(pairs, 1)
        assert grouped_inputs.shape[1] == NOISE_GROUP
        flat = weights.reshape(-1)
        np.testing.assert_allclose(flat[:count], pairs * config.negative / NOISE_POOL,
                                   rtol=1e-6)
        np.testing.assert_array_equal(flat[count:], 0)  # padding of the last group


# ----------------------------------------------------------------------------------------
# One step of the fast trainer against core.cs224n.models on the same windows
# ----------------------------------------------------------------------------------------

SENTENCES = [["a", "b", "c", "a", "d"], ["b", "b", "e", "c"], ["d", "a", "f", "b", "c", "e"],
             ["f", "e"], ["c", "a", "b"], ["e"]]


def one_step(**changes):
    """A trainer whose first step covers the whole tiny corpus with window 1 (so each
    center's context is exactly its neighbours in the sentence), started from random
    vectors; returns (trainer, V and U before the step as float64, the rate used)."""
    corpus = Corpus.from_sentences(SENTENCES)
    config = TrainConfig(dim=4, window=1, sample=0, min_count=1, epochs=1, batch_words=64,
                         alpha=0.05, seed=2).replace(**changes)
    trainer = Trainer(corpus, config)
    assert corpus.token_count < config.batch_words  # one step, no warm-up shrinking
    rng = np.random.default_rng(3)
    trainer.center_vectors = rng.normal(scale=0.3, size=trainer.center_vectors.shape).astype(
        np.float32)
    trainer.outside_vectors = rng.normal(scale=0.3, size=trainer.outside_vectors.shape).astype(
        np.float32)
    before = (trainer.center_vectors.astype(np.float64), trainer.outside_vectors.astype(np.float64))
    learning_rate = trainer.learning_rate()
    return trainer, before, learning_rate


def windows(corpus):
    """(center, context) of every position with window 1, within sentences."""
    for s in range(corpus.sentence_count):
        ids = corpus.token_ids[corpus.sentence_offsets[s]:corpus.sentence_offsets[s + 1]]
        for j, center in enumerate(ids):
            context = [int(ids[k]) for k in (j - 1, j + 1) if 0 <= k < ids.size]
            if context:
                yield int(center), context


def reference_step(corpus, model, center_vectors, outside_vectors, loss=None, mean=False):
    """Σ over the windows of core.cs224n.models' gradients (dJ/dV, dJ/dU). With `mean`, CBOW is
    fed the mean of its context (its vectors divided by the context count), and each
    context word receives the whole dJ/dv̂, the trainer's convention."""
    loss = loss or naive_softmax_loss_and_gradient
    grad_center = np.zeros_like(center_vectors)
    grad_outside = np.zeros_like(outside_vectors)
    for center, context in windows(corpus):
        if model == "skipgram":
            _, d_center, d_outside = skipgram(center, context, center_vectors, outside_vectors,
                                              loss)
        else:
            scale = len(context) if mean else 1
            _, d_center, d_outside = cbow(center, context, center_vectors / scale,
                                          outside_vectors, loss)
        grad_center += d_center
        grad_outside += d_outside
    return grad_center, grad_outside


def assert_step_equals(trainer, before, learning_rate, gradients):
    """The trainer's change equals -lr × gradients, up to float32 rounding: its arrays are
    float32 (relative error ~1e-7 a rounding, a few dozen terms a row), so 1e-5 of the
    largest change is far above rounding and far below any wrong term."""
    for after, start, gradient in zip((trainer.center_vectors, trainer.outside_vectors),
                                      before, gradients, strict=True):
        expected = -learning_rate * gradient
        assert np.abs(expected).max() > 1e-3  # the step really moves these vectors
        np.testing.assert_allclose(after - start, expected, rtol=1e-4,
                                   atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_one_softmax_step_is_minus_lr_times_the_reference_gradient(model):
    # cbow_mean=False: the trainer sums the context vectors, as core.cs224n.models' CBOW does
    trainer, before, learning_rate = one_step(model=model, loss="softmax",
                                              cbow_mean=False)
    gradients = reference_step(trainer.corpus, model, *before)
    trainer.step()
    assert_step_equals(trainer, before, learning_rate, gradients)


def test_cbow_mean_feeds_the_mean_and_gives_each_context_word_the_whole_gradient():
    trainer, before, learning_rate = one_step(model="cbow", loss="softmax",
                                              cbow_mean=True)
    gradients = reference_step(trainer.corpus, "cbow", *before, mean=True)
    trainer.step()
    assert_step_equals(trainer, before, learning_rate, gradients)
    # ... which is not the exact gradient of the mean model (that divides each context
    # word's share by the context count, 2 inside a sentence)
    exact_of_mean = np.zeros_like(before[0])
    for center, context in windows(trainer.corpus):
        _, d_center, _ = cbow(center, context, before[0] / len(context), before[1])
        exact_of_mean += d_center / len(context)
    assert not np.allclose(trainer.center_vectors - before[0], -learning_rate * exact_of_mean,
                           rtol=1e-2, atol=1e-4)


def test_one_cbow_negative_sampling_step_with_the_noise_fixed(monkeypatch):
    # K = NOISE_POOL gives each pool word weight pairs · K / NOISE_POOL = 1, so one fixed
    # pool is exactly the reference's K negatives (repeats and all) for every window.
    trainer, before, learning_rate = one_step(model="cbow", loss="neg",
                                              negative=NOISE_POOL, cbow_mean=False,
                                              alpha=0.01)
    pool = np.random.default_rng(5).integers(0, trainer.corpus.vocab_size, size=NOISE_POOL)
    monkeypatch.setattr(trainer.batches, "draw_noise",
                        lambda shape: np.broadcast_to(pool, shape).copy())
    # The comparison is with plain SGD: check that the curvature guard never cut a step.
    real_limited = core.math.steps.apply_limited

    def unlimited(matrix, rows, gradients, curvature, rate, concurrent=1):
        assert concurrent == 1  # one trainer
        assert np.all(rate * curvature <= 1.0), "the guard would limit this step"
        real_limited(matrix, rows, gradients, curvature, rate, concurrent)

    monkeypatch.setattr(core.math.steps, "apply_limited", unlimited)
    monkeypatch.setattr(core.train.update, "apply_limited", unlimited)

    def with_pool(vector, index, outside_vectors):
        return neg_sampling_loss_and_gradient(vector, index, outside_vectors, pool)

    gradients = reference_step(trainer.corpus, "cbow", *before, loss=with_pool)
    trainer.step()
    assert_step_equals(trainer, before, learning_rate, gradients)
