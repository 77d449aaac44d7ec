import numpy as np
import pytest

import core.map.truth as map_truth
from core.map.truth import cosine_neighbours, group_silhouette, map_neighbours, neighbour_share


def circle(count: int, seed: int = 0) -> np.ndarray:
    """Points on the unit circle: cosine and Euclidean distance rank them alike."""
    angles = np.random.default_rng(seed).uniform(0, 2 * np.pi, count)
    return np.column_stack([np.cos(angles), np.sin(angles)])


def test_a_map_that_is_the_data_keeps_every_neighbour():
    points = circle(200)
    assert neighbour_share(points, points) == 1.0
    assert neighbour_share(points * 7.0, points, k=5) == 1.0  # cosine ignores length


def test_an_unrelated_map_keeps_about_k_over_n():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(400, 30))
    share = neighbour_share(vectors, rng.normal(size=(400, 2)))
    assert share < 0.06  # chance is 10 / 399


def test_a_tiny_case_counted_by_hand():
    degrees = np.radians([0, 10, 90, 100])
    vectors = np.column_stack([np.cos(degrees), np.sin(degrees)])
    # true nearest: 0<->1 and 2<->3
    crossed = np.array([[0.0, 0], [5, 0], [0.1, 0], [5.1, 0]])  # 0<->2 and 1<->3 on the map
    assert neighbour_share(vectors, crossed, k=1) == 0.0
    half = np.array([[0.0, 0], [0.1, 0], [5, 0], [20, 0]])  # 0, 1 paired; 2 and 3 apart
    # 0 and 1 keep their neighbour; 2's map neighbour is 1 (lost); 3's is 2 (kept)
    assert neighbour_share(vectors, half, k=1) == 0.75


def test_chunked_neighbours_match_the_whole_matrix(monkeypatch):
    vectors = np.random.default_rng(2).normal(size=(300, 16))
    whole_indices, whole_distances = cosine_neighbours(vectors, 10)
    monkeypatch.setattr(map_truth, "CHUNK_ROWS", 64)
    indices, distances = cosine_neighbours(vectors, 10)
    np.testing.assert_array_equal(indices, whole_indices)
    np.testing.assert_allclose(distances, whole_distances, rtol=1e-5)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    np.testing.assert_array_equal(indices[:, 0], similarity.argmax(axis=1))
    assert np.all(np.diff(distances, axis=1) >= -1e-6)  # nearest first


def test_coincident_points_never_count_themselves():
    layout = np.zeros((6, 2))
    found = map_neighbours(layout, 3)
    assert found.shape == (6, 3)
    assert not np.any(found == np.arange(6)[:, None])


def test_small_and_mismatched_inputs():
    points = circle(4)
    assert neighbour_share(points, points, k=10) == 1.0  # k lowered to n - 1
    with pytest.raises(ValueError, match="rows"):
        neighbour_share(points, points[:3])
    with pytest.raises(ValueError, match="at least 2"):
        neighbour_share(points[:1], points[:1])


def test_group_silhouette_tells_apart_separate_and_mixed_groups():
    rng = np.random.default_rng(3)
    labels = np.repeat([0, 1, 2], 30)
    apart = rng.normal(scale=0.1, size=(90, 2)) + np.repeat([[0, 0], [5, 0], [0, 5]], 30,
                                                             axis=0)
    assert group_silhouette(apart, labels) > 0.8
    assert group_silhouette(rng.normal(size=(90, 2)), labels) < 0.1
