"""Gradient checks of both losses under skip-gram and CBOW, and the batched forms."""

import random

import numpy as np
import pytest

from core.cs224n.models import cbow, negative_sampling_loss, skipgram
from core.math.gradcheck import check_gradient
from core.math.losses import (
    batched_naive_softmax,
    batched_neg_sampling,
    draw_negative_samples,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
)

WORST_ALLOWED = 1e-7


def window_objective(model, loss_name, vocab, dim, rng):
    """f(x) over stacked [V; U] for a few random windows, as the handout's wrapper does."""
    windows = [
        (int(rng.integers(vocab)), [int(w) for w in rng.integers(vocab, size=rng.integers(1, 7))])
        for _ in range(4)
    ]
    if loss_name == "softmax":
        loss = naive_softmax_loss_and_gradient
    else:
        loss = negative_sampling_loss(lambda: random.randint(0, vocab - 1), count=6)

    def objective(x):
        center_vectors, outside_vectors = x[:vocab], x[vocab:]
        total, grad = 0.0, np.zeros_like(x)
        for center, outside in windows:
            value, grad_center, grad_outside = model(
                center, outside, center_vectors, outside_vectors, loss
            )
            total += value
            grad[:vocab] += grad_center
            grad[vocab:] += grad_outside
        return total, grad

    return objective


@pytest.mark.parametrize("model", [skipgram, cbow], ids=["skipgram", "cbow"])
@pytest.mark.parametrize("loss_name", ["softmax", "negative"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_pass_a_strict_check(model, loss_name, seed):
    rng = np.random.default_rng(seed)
    vocab, dim = int(rng.integers(4, 12)), int(rng.integers(2, 7))
    x = rng.normal(scale=0.8, size=(2 * vocab, dim))
    random.seed(seed)
    result = check_gradient(window_objective(model, loss_name, vocab, dim, rng), x)
    assert result.worst_error <= WORST_ALLOWED, result


def test_skipgram_center_gradient_only_in_center_row():
    rng = np.random.default_rng(3)
    center_vectors, outside_vectors = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    _, grad_center, grad_outside = skipgram(2, [0, 1, 5, 1], center_vectors, outside_vectors)
    assert np.count_nonzero(np.abs(grad_center).sum(axis=1)) == 1
    assert np.abs(grad_center[2]).sum() > 0
    assert np.count_nonzero(np.abs(grad_outside).sum(axis=1)) == 6  # softmax touches all rows


def test_repeated_negative_gets_its_gradient_twice():
    rng = np.random.default_rng(4)
    outside_vectors = rng.normal(size=(5, 3))
    center = rng.normal(size=3)
    _, _, once = neg_sampling_loss_and_gradient(center, 0, outside_vectors, [3, 1])
    _, _, twice = neg_sampling_loss_and_gradient(center, 0, outside_vectors, [3, 3, 1])
    np.testing.assert_allclose(twice[3], 2 * once[3])
    np.testing.assert_allclose(twice[1], once[1])
    loss_once = neg_sampling_loss_and_gradient(center, 0, outside_vectors, [3])[0]
    loss_twice = neg_sampling_loss_and_gradient(center, 0, outside_vectors, [3, 3])[0]
    loss_none = neg_sampling_loss_and_gradient(center, 0, outside_vectors, [])[0]
    assert loss_twice - loss_none == pytest.approx(2 * (loss_once - loss_none))


def test_outside_word_is_redrawn_never_a_negative():
    draws = iter([2, 2, 1, 2, 4, 2, 2, 0])
    assert draw_negative_samples(2, lambda: next(draws), 3) == [1, 4, 0]


def test_cbow_context_word_twice_gets_gradient_twice():
    rng = np.random.default_rng(5)
    center_vectors, outside_vectors = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    _, grad, _ = cbow(0, [1, 1, 2], center_vectors, outside_vectors)
    np.testing.assert_allclose(grad[1], 2 * grad[2])


def test_batched_neg_sampling_equals_per_example():
    rng = np.random.default_rng(6)
    vocab, dim, batch, k = 9, 5, 7, 4
    inputs = rng.normal(size=(batch, dim))
    outside_vectors = rng.normal(size=(vocab, dim))
    outside = rng.integers(vocab, size=batch)
    negatives = rng.integers(vocab, size=(batch, k))
    result = batched_neg_sampling(inputs, outside, negatives, outside_vectors)
    grad_outside = np.zeros_like(outside_vectors)
    np.add.at(grad_outside, result.outside_rows, result.outside)
    expected_outside = np.zeros_like(outside_vectors)
    for i in range(batch):
        loss, grad_in, grad_out = neg_sampling_loss_and_gradient(
            inputs[i], outside[i], outside_vectors, negatives[i]
        )
        assert result.loss[i] == pytest.approx(loss)
        np.testing.assert_allclose(result.center[i], grad_in, rtol=1e-10)
        expected_outside += grad_out
    np.testing.assert_allclose(grad_outside, expected_outside, rtol=1e-10, atol=1e-12)


def test_batched_naive_softmax_equals_per_example():
    rng = np.random.default_rng(7)
    vocab, dim, batch = 8, 4, 5
    inputs = rng.normal(size=(batch, dim))
    outside_vectors = rng.normal(size=(vocab, dim))
    outside = rng.integers(vocab, size=batch)
    result = batched_naive_softmax(inputs, outside, outside_vectors)
    expected_outside = np.zeros_like(outside_vectors)
    for i in range(batch):
        loss, grad_in, grad_out = naive_softmax_loss_and_gradient(
            inputs[i], outside[i], outside_vectors
        )
        assert result.loss[i] == pytest.approx(loss)
        np.testing.assert_allclose(result.center[i], grad_in, rtol=1e-10)
        expected_outside += grad_out
    np.testing.assert_allclose(result.outside, expected_outside, rtol=1e-10, atol=1e-12)


def test_losses_are_finite_at_huge_scores():
    outside_vectors = np.array([[1000.0, 0.0], [-1000.0, 0.0], [0.0, 1000.0]])
    center = np.array([1000.0, 1000.0])
    with np.errstate(all="raise"):
        loss, _, _ = neg_sampling_loss_and_gradient(center, 1, outside_vectors, [0, 2])
    assert np.isfinite(loss) and loss > 1e5


def test_naive_softmax_loss_is_exact_where_y_hat_underflows():
    # ŷ_o = e^-1000 underflows to 0: the loss is log Σ exp(s) - s_o = 1000, not inf or
    # -log(tiny) = 87.3 (float32), and no warning is raised on the way
    outside_vectors = np.array([[0.0, 0.0], [1000.0, 0.0], [0.0, 0.0]])
    center = np.array([1.0, 0.0])
    with np.errstate(all="raise"):
        loss, grad_center, _ = naive_softmax_loss_and_gradient(center, 0, outside_vectors)
        batched = batched_naive_softmax(center[None].astype(np.float32), np.array([0]),
                                        outside_vectors.astype(np.float32))
    assert loss == pytest.approx(1000.0)
    assert batched.loss[0] == pytest.approx(1000.0)
    np.testing.assert_allclose(grad_center, [1000.0, 0.0])  # U^T (ŷ - y): all on word 1
