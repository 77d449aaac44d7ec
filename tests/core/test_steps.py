"""The step guard of core.math.steps, against direct computations on small random inputs."""

import numpy as np
import pytest

from core.math.steps import apply_input_rows, apply_limited, output_row_curvature


def test_apply_limited_plain_step_up_to_one_then_one_over_curvature():
    rng = np.random.default_rng(0)
    learning_rate = 0.5
    matrix = rng.normal(size=(9, 3))
    before = matrix.copy()
    rows = np.array([7, 1, 4, 0, 5])
    gradients = rng.normal(size=(rows.size, 3))
    # lr·curvature: 0, 0.5, exactly 1 (still plain), 4, 40
    curvature = np.array([0.0, 1.0, 2.0, 8.0, 80.0])
    apply_limited(matrix, rows, gradients, curvature, learning_rate)
    for row, gradient, c in zip(rows, gradients, curvature, strict=True):
        step = learning_rate if learning_rate * c <= 1 else 1.0 / c  # lr / (lr·c)
        np.testing.assert_allclose(matrix[row], before[row] - step * gradient, rtol=1e-12)
    untouched = np.setdiff1d(np.arange(9), rows)
    np.testing.assert_array_equal(matrix[untouched], before[untouched])


def test_with_n_processes_stepping_at_once_each_takes_an_nth_of_a_limited_step():
    """Two workers compute their steps from the same vectors: where the guard binds, each
    moves a row half as far, so that together they reach the minimiser and do not pass
    it; where it does not bind the plain step stays."""
    rng = np.random.default_rng(3)
    learning_rate = 0.5
    rows = np.array([0, 1, 2, 3])
    gradients = rng.normal(size=(rows.size, 3))
    # lr·curvature: 0.25 (plain even for two), 1 (plain alone, limited for two), 4, 40
    curvature = np.array([0.5, 2.0, 8.0, 80.0])
    alone, two = np.zeros((4, 3)), np.zeros((4, 3))
    apply_limited(alone, rows, gradients, curvature, learning_rate)
    apply_limited(two, rows, gradients, curvature, learning_rate, concurrent=2)
    steps_two = np.array([learning_rate, 1 / (2 * 2.0), 1 / (2 * 8.0), 1 / (2 * 80.0)])
    np.testing.assert_allclose(two, -steps_two[:, None] * gradients, rtol=1e-12)
    np.testing.assert_allclose(alone[2:], 2 * two[2:], rtol=1e-12)  # limited: half each
    np.testing.assert_allclose(alone[0], two[0], rtol=1e-12)


def test_apply_input_rows_sums_repeated_rows_and_their_curvature():
    rng = np.random.default_rng(1)
    learning_rate = 0.1
    matrix = rng.normal(size=(6, 4))
    before = matrix.copy()
    row_ids = np.array([2, 5, 2, 0, 2, 5])
    gradients = rng.normal(size=(row_ids.size, 4))
    # row 2 is met three times at curvature 4 each: alone each would take the plain step
    # (lr·4 = 0.4), together lr·12 = 1.2 > 1 limits it to 1/12
    curvature = np.array([4.0, 1.0, 4.0, 3.0, 4.0, 2.0])
    apply_input_rows(matrix, row_ids, gradients, curvature, learning_rate)
    for row in np.unique(row_ids):
        mine = row_ids == row
        total_gradient = gradients[mine].sum(axis=0)
        total_curvature = curvature[mine].sum()
        step = learning_rate / max(1.0, learning_rate * total_curvature)
        np.testing.assert_allclose(matrix[row], before[row] - step * total_gradient,
                                   rtol=1e-12)
    np.testing.assert_allclose(matrix[2], before[2] - gradients[[0, 2, 4]].sum(axis=0) / 12,
                               rtol=1e-12)
    np.testing.assert_array_equal(matrix[[1, 3, 4]], before[[1, 3, 4]])


def brute_force_curvature(rows, sums, keys, owners, score_curvature, inputs, learning_rate):
    """For each row: the trace bound Σ c |x|², or, where lr·bound > 1, Σ c (x·ĝ)²."""
    expected = np.zeros(rows.size)
    for index, row in enumerate(rows):
        mine = keys == row
        x, c = inputs[owners[mine]], score_curvature[mine]
        bound = float(np.sum(c * np.sum(x * x, axis=1)))
        if learning_rate * bound > 1:
            direction = sums[index] / np.linalg.norm(sums[index])
            expected[index] = float(np.sum(c * (x @ direction) ** 2))
        else:
            expected[index] = bound
    return expected


@pytest.mark.parametrize("seed", range(4))
def test_output_row_curvature_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    vocab, dim, n, m = 12, 5, 7, 40
    inputs = rng.normal(size=(n, dim))
    keys = rng.integers(0, vocab, size=m)
    owners = rng.integers(0, n, size=m)
    score_curvature = rng.uniform(0.0, 0.25, size=m)  # σ'(s) ≤ 1/4
    rows = np.unique(keys)
    sums = rng.normal(size=(rows.size, dim))
    along_step = brute_force_curvature(rows, sums, keys, owners, score_curvature, inputs,
                                       np.inf)  # lr = ∞: every row hot, so these are the λ
    traces = np.bincount(keys, weights=score_curvature * np.sum(inputs[owners] ** 2, axis=1),
                         minlength=vocab)[rows]
    assert np.all(along_step <= traces + 1e-12)  # the trace bound is a bound
    learning_rate = 1.0 / np.median(traces)  # about half the rows are hot
    hot = learning_rate * traces > 1
    assert hot.any() and not hot.all()
    result = output_row_curvature(rows, sums, keys, owners, score_curvature, inputs, vocab,
                                  learning_rate)
    expected = brute_force_curvature(rows, sums, keys, owners, score_curvature, inputs,
                                     learning_rate)
    np.testing.assert_allclose(result, expected, rtol=1e-10)
    np.testing.assert_allclose(result[~hot], traces[~hot], rtol=1e-10)


def test_output_row_curvature_ignores_scores_of_rows_not_listed():
    rng = np.random.default_rng(5)
    inputs = rng.normal(size=(3, 2))
    keys, owners = np.array([1, 4, 4, 6]), np.array([0, 1, 2, 2])
    score_curvature = np.array([0.2, 0.1, 0.25, 0.2])
    rows, sums = np.array([1, 4]), rng.normal(size=(2, 2))
    result = output_row_curvature(rows, sums, keys, owners, score_curvature, inputs, 8, 1e-9)
    expected = brute_force_curvature(rows, sums, keys[:3], owners[:3], score_curvature[:3],
                                     inputs, 1e-9)
    np.testing.assert_allclose(result, expected, rtol=1e-12)
