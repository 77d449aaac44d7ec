"""Row sums by index (core.math.scatter) against np.add.at, the slow obvious way."""

import numpy as np
import pytest

from core.math.scatter import grouped_row_sums, scatter_add_rows


def reference_sums(keys, owners, weights, vectors, key_space):
    full = np.zeros((key_space, vectors.shape[1]))
    np.add.at(full, keys, weights[:, None] * vectors[owners])
    unique = np.unique(keys)
    return unique, full[unique]


@pytest.mark.parametrize("distinct", [5, 65_535, 65_536, 70_000],
                         ids=["few", "uint16-largest", "uint16-one-over", "many"])
def test_grouped_row_sums_equal_add_at(distinct):
    # above 65,535 distinct keys the compact keys no longer fit uint16: the other sort path
    rng = np.random.default_rng(distinct)
    key_space = distinct + 1000
    chosen = rng.choice(key_space, size=distinct, replace=False)
    repeats = rng.choice(chosen, size=max(20, distinct // 4))  # rows met several times
    keys = rng.permutation(np.r_[chosen, repeats])
    vectors = rng.normal(size=(50, 3))
    owners = rng.integers(0, vectors.shape[0], size=keys.size)
    weights = rng.normal(size=keys.size)
    unique, sums = grouped_row_sums(keys, owners, weights, vectors, key_space)
    expected_unique, expected_sums = reference_sums(keys, owners, weights, vectors, key_space)
    assert unique.size == distinct
    np.testing.assert_array_equal(unique, expected_unique)
    np.testing.assert_allclose(sums, expected_sums, rtol=1e-10, atol=1e-12)
    assert sums.dtype == vectors.dtype


def test_grouped_row_sums_keep_float32():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(4, 2)).astype(np.float32)
    keys = np.array([3, 0, 3, 3])
    _, sums = grouped_row_sums(keys, np.arange(4), np.ones(4), vectors, 5)
    assert sums.dtype == np.float32
    np.testing.assert_allclose(sums, [vectors[1], vectors[[0, 2, 3]].sum(axis=0)], rtol=1e-6)


def test_grouped_row_sums_of_nothing():
    unique, sums = grouped_row_sums(np.array([], dtype=np.int64), np.array([], dtype=np.int64),
                                    np.array([]), np.ones((3, 2)), 10)
    assert unique.shape == (0,) and sums.shape == (0, 2)


@pytest.mark.parametrize("distinct", [7, 70_000])
def test_scatter_add_rows_equals_add_at(distinct):
    rng = np.random.default_rng(distinct + 1)
    target = rng.normal(size=(distinct + 10, 2))
    rows = rng.integers(0, target.shape[0], size=3 * distinct)  # many repeats
    values = rng.normal(size=(rows.size, 2))
    expected = target.copy()
    np.add.at(expected, rows, -0.3 * values)
    scatter_add_rows(target, rows, values, -0.3)
    np.testing.assert_allclose(target, expected, rtol=1e-10, atol=1e-12)


def test_scatter_add_rows_of_nothing_changes_nothing():
    target = np.arange(6.0).reshape(3, 2)
    scatter_add_rows(target, np.array([], dtype=np.int64), np.zeros((0, 2)), 2.0)
    np.testing.assert_array_equal(target, np.arange(6.0).reshape(3, 2))
