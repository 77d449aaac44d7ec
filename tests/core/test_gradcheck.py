import random

import numpy as np
import pytest

from core.math.gradcheck import check_gradient


def test_exact_gradient_passes_and_reports_tiny_error():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    result = check_gradient(lambda v: (float(np.sum(v**3)), 3 * v**2), x)
    assert result.passed and result.worst_error < 1e-7
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored


def test_wrong_gradient_is_found_at_its_index():
    def wrong(v):
        grad = 2 * v
        grad[1, 0] += 0.5
        return float(np.sum(v**2)), grad

    result = check_gradient(wrong, np.ones((2, 2)))
    assert not result.passed
    assert result.worst_index == (1, 0)
    assert result.worst_error == pytest.approx(0.5 / 2.5, rel=1e-6)


def test_random_state_is_reset_before_every_evaluation():
    def stochastic(v):
        noise = random.random()  # would break the check without the reset
        return float(noise * np.sum(v**2)), 2 * noise * v

    random.seed(1)
    assert check_gradient(stochastic, np.array([0.3, -0.7])).passed


def test_float32_is_refused_with_advice():
    with pytest.raises(TypeError, match="float64"):
        check_gradient(lambda v: (0.0, v), np.zeros(2, dtype=np.float32))


def test_verbose_prints_verdict(capsys):
    check_gradient(lambda v: (float(v @ v), 2 * v), np.ones(2), label="square", verbose=True)
    assert "Gradient check passed for square" in capsys.readouterr().out
