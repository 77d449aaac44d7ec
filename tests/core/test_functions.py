import numpy as np
import pytest

from core.math.functions import log_sigmoid, normalize_rows, sigmoid, softmax


def test_sigmoid_is_silent_and_correct_at_extremes():
    x = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])
    with np.errstate(all="raise"):
        s = sigmoid(x)
        ls = log_sigmoid(x)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    np.testing.assert_allclose(s[1:-1], 1 / (1 + np.exp(-x[1:-1])), rtol=1e-12)
    np.testing.assert_allclose(ls[1:-1], -np.logaddexp(0, -x[1:-1]), rtol=1e-12)
    assert ls[0] == -1000.0 and ls[-1] == 0.0


def test_sigmoid_keeps_float32_and_accepts_scalars():
    assert sigmoid(np.float32([3.0])).dtype == np.float32
    assert float(sigmoid(0)) == 0.5


def test_softmax_rows_are_stable_and_shift_invariant():
    x = np.array([[1000.0, 1000.0, -1000.0], [1.0, 2.0, 3.0]])
    with np.errstate(all="raise"):
        p = softmax(x)
        shifted = softmax(x + 12345.0)
    np.testing.assert_allclose(p[0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p, shifted, atol=1e-12)
    np.testing.assert_allclose(softmax(np.array([1.0, 2.0])), [0.26894142, 0.73105858])
    assert x[0, 0] == 1000.0  # input untouched


def test_normalize_rows_leaves_zero_rows_at_zero():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]])
    with np.errstate(all="raise"):
        n = normalize_rows(x)
    np.testing.assert_allclose(n, [[0.6, 0.8], [0.0, 0.0], [0.4472136, 0.89442719]], rtol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_functions_keep_dtype(dtype):
    x = np.ones((2, 3), dtype=dtype)
    assert softmax(x).dtype == dtype
    assert normalize_rows(x).dtype == dtype
