import builtins

import numpy as np
import pytest

from core.map.pca import align_on, pca_2d, unit_spread
from core.map.tracker import MapTracker, MapUnavailable, SemanticAxes
from core.map.truth import neighbour_share
from core.map.tsne import chunk_iterations
from core.math.functions import rms_radius


def planted_clusters(seed: int = 0, groups: int = 20, size: int = 15, dim: int = 20):
    """(start, final): random vectors and clustered ones a run would move them towards."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(groups, dim))
    final = np.repeat(centres, size, axis=0) + rng.normal(size=(groups * size, dim))
    return rng.normal(size=final.shape), final


# ---------------------------------------------------------------------------- PCA
def test_pca_finds_the_two_spread_axes():
    rng = np.random.default_rng(0)
    points = np.zeros((200, 6))
    points[:, 2] = rng.normal(scale=5.0, size=200)
    points[:, 4] = rng.normal(scale=2.0, size=200)
    points += rng.normal(scale=0.01, size=points.shape)
    layout = pca_2d(points)
    assert layout.shape == (200, 2)
    assert abs(np.corrcoef(layout[:, 0], points[:, 2])[0, 1]) > 0.999
    assert abs(np.corrcoef(layout[:, 1], points[:, 4])[0, 1]) > 0.99  # sampling mixes a bit


def test_align_undoes_a_rotation_a_reflection_and_a_scale():
    rng = np.random.default_rng(1)
    previous = rng.normal(size=(50, 2))
    angle = 1.1
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    for turned in (previous @ rotation, previous @ rotation @ np.diag([1.0, -1.0])):
        np.testing.assert_allclose(align_on(turned, np.arange(50), previous), previous,
                                   atol=1e-10)
        np.testing.assert_allclose(align_on(3.5 * turned + 2.0, np.arange(50), previous,
                                            scale=True), previous, atol=1e-10)


def test_tracked_frames_glide_instead_of_flipping():
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(100, 10)) * np.linspace(3, 0.1, 10)
    tracker = MapTracker()
    first = tracker.update(vectors)
    nudged = vectors + rng.normal(scale=0.01, size=vectors.shape)
    second = tracker.update(-nudged)  # a sign flip of every axis: PCA output may flip too
    assert np.abs(second - first).max() < 0.1
    raw = unit_spread(pca_2d(-nudged))
    assert np.abs(raw + first).max() < 0.1  # untracked, the map would jump to its mirror


def test_tracked_frames_keep_their_size_as_vectors_grow():
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(60, 8)) * np.linspace(2, 0.2, 8)
    tracker = MapTracker()
    small = tracker.update(vectors * 0.01)
    large = tracker.update(vectors * 50)
    np.testing.assert_allclose(large, small, atol=1e-9)


def test_pinning_a_far_word_does_not_rescale_the_map():
    rng = np.random.default_rng(8)
    vectors = rng.normal(size=(300, 20)) * np.linspace(3, 0.2, 20)
    tracker = MapTracker()
    before = tracker.update(vectors, np.arange(300))
    far = rng.normal(size=(1, 20)) * 40  # a rare word far from the others, pinned
    after = tracker.update(np.vstack([vectors, far]), np.r_[np.arange(300), 4000])
    assert abs(rms_radius(after[:300]) / rms_radius(before) - 1) < 0.03
    # scaled to unit spread frame by frame, the outlier would shrink everyone else
    untracked = unit_spread(pca_2d(np.vstack([vectors, far])))
    assert rms_radius(untracked[:300]) < 0.5 * rms_radius(before)


def test_showing_fewer_words_does_not_rescale_the_ones_left():
    rng = np.random.default_rng(9)
    vectors = rng.normal(size=(300, 20)) * np.linspace(3, 0.2, 20)
    vectors[:30] *= 0.3  # the most frequent words sit close together
    tracker = MapTracker()
    before = tracker.update(vectors, np.arange(300))
    after = tracker.update(vectors[:30], np.arange(30))
    assert abs(rms_radius(after) / rms_radius(before[:30]) - 1) < 0.03
    # scaled to unit spread frame by frame, those 30 words would suddenly fill the map
    assert rms_radius(unit_spread(pca_2d(vectors[:30]))) > 2 * rms_radius(before[:30])


def test_a_changed_word_set_stays_aligned_on_the_words_it_shares():
    rng = np.random.default_rng(6)
    vectors = rng.normal(size=(80, 10)) * np.linspace(3, 0.1, 10)
    tracker = MapTracker()
    first = tracker.update(vectors[:60], np.arange(60))
    ids = np.r_[np.arange(50), 70, 75]  # fewer frequent words, two pinned ones
    second = tracker.update(-vectors[ids], ids)  # PCA of the new set may come out mirrored
    # the shared words stay where they were, up to the small change of the principal axes
    shift = np.linalg.norm(second[:50] - first[:50], axis=1)
    assert np.median(shift) < 0.25


# ---------------------------------------------------------------------------- t-SNE
def test_live_tsne_reaches_the_quality_of_a_full_tsne():
    """The benchmark in small: vectors move from random to planted clusters over a few
    snapshots, one refine between them; after the last one a fixed number of refines."""
    from openTSNE import TSNE

    start, final = planted_clusters()
    # the reference: a whole standard t-SNE run (750 iterations) on the final vectors
    reference = neighbour_share(final, TSNE(metric="cosine", n_jobs=1,
                                            random_state=0).fit(final))
    tracker = MapTracker()
    for weight in np.linspace(0, 1, 12):
        tracker.update((1 - weight) * start + weight * final, method="tsne")
        tracker.refine()
    layout = tracker.layout
    for _ in range(5):
        layout = tracker.refine() if not tracker.converged else layout
    assert reference > 0.7  # the planted clusters are there to be found
    assert neighbour_share(final, layout) >= 0.9 * reference
    assert neighbour_share(final, pca_2d(final)) < 0.8 * reference


def test_continuing_keeps_shared_words_in_place():
    _, vectors = planted_clusters(seed=3, groups=8, size=12)
    tracker = MapTracker()
    tracker.update(vectors, method="tsne")
    while tracker.refine() is not None:
        pass
    settled = tracker.layout.copy()
    spread = rms_radius(settled)
    rng = np.random.default_rng(4)
    ids = np.r_[np.arange(90), 500, 501]  # six words gone, two new ones
    nudged = np.vstack([vectors[:90], vectors[[3, 50]]])
    nudged += rng.normal(scale=0.05, size=nudged.shape)
    first = tracker.update(nudged, ids, method="tsne")
    # no restart: the map keeps its size and the shared words barely move
    assert abs(rms_radius(first[:90]) / rms_radius(settled[:90]) - 1) < 0.1
    assert np.median(np.linalg.norm(first[:90] - settled[:90], axis=1)) < 0.1 * spread
    # a new word starts beside its nearest shown word
    assert np.linalg.norm(first[90] - first[3]) < 0.05 * spread
    while (frame := tracker.refine()) is not None:
        last = frame
    assert np.median(np.linalg.norm(last[:90] - settled[:90], axis=1)) < 0.2 * spread


def test_refine_ends_for_every_method():
    _, vectors = planted_clusters(seed=5, groups=5, size=20)
    tracker = MapTracker()
    for method in ("pca", "axes"):
        tracker.update(vectors, method=method, axes=SemanticAxes((0, 1), (40, 41)))
        assert tracker.converged and tracker.refine() is None
    first = tracker.update(vectors, method="tsne")
    assert first.shape == (100, 2) and not tracker.converged
    frames = 0
    while tracker.refine() is not None:
        frames += 1
        assert frames < 50
    assert tracker.converged and frames >= 1
    assert tracker.update(vectors[:3], np.arange(3), method="tsne").shape == (3, 2)
    assert tracker.converged  # too few words to arrange: the PCA frame, nothing to refine


def test_tsne_is_repeatable_for_a_seed():
    _, vectors = planted_clusters(seed=6, groups=4, size=15)
    frames = []
    for _ in range(2):
        tracker = MapTracker()
        tracker.update(vectors, method="tsne", seed=3)
        frames.append(tracker.refine())
    np.testing.assert_allclose(frames[0], frames[1])


def test_chunks_shrink_as_the_map_grows():
    assert chunk_iterations(300) > chunk_iterations(1000) > chunk_iterations(2000) >= 3


def test_bad_input_is_refused_with_a_reason():
    tracker = MapTracker()
    with pytest.raises(ValueError, match="unknown map method"):
        tracker.update(np.ones((5, 3)), method="mds")
    with pytest.raises(ValueError, match="NaN or infinite"):
        tracker.update(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="SemanticAxes"):
        tracker.update(np.ones((5, 3)), method="axes")


# ---------------------------------------------------------------------------- axes
def test_axes_place_words_by_their_projection():
    rng = np.random.default_rng(10)
    direction = np.zeros(16)
    direction[0] = 1.0
    amount = np.linspace(-2, 2, 40)
    vectors = 3.0 * np.eye(16)[1] + amount[:, None] * direction
    vectors += rng.normal(scale=0.02, size=vectors.shape)
    ids = np.arange(100, 140)
    axes = SemanticAxes(x_from=(100, 101), x_to=(138, 139))
    layout = MapTracker().update(vectors, ids, method="axes", axes=axes)
    # unit rows projected on the from->to direction: in order of the planted amount
    assert np.all(np.diff(layout[:, 0]) > 0)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    way = unit[[38, 39]].mean(axis=0) - unit[[0, 1]].mean(axis=0)
    np.testing.assert_allclose(layout[:, 0], unit @ (way / np.linalg.norm(way)))
    both = SemanticAxes((100,), (139,), y_from=(139,), y_to=(100,))
    reversed_y = MapTracker().update(vectors, ids, "axes", axes=both)
    np.testing.assert_allclose(reversed_y[:, 1], -reversed_y[:, 0], atol=1e-12)


def test_axes_frames_are_comparable_and_not_refitted():
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(60, 12))
    axes = SemanticAxes((0, 1, 2), (3, 4, 5))
    tracker = MapTracker()
    first = tracker.update(vectors, method="axes", axes=axes)
    second = tracker.update(2.0 * vectors + rng.normal(scale=1e-3, size=vectors.shape),
                            method="axes", axes=axes)
    np.testing.assert_allclose(second, first, atol=1e-2)  # same directions, same places
    with pytest.raises(ValueError, match="not among the map's words"):
        tracker.update(vectors[:10], np.arange(10), method="axes",
                       axes=SemanticAxes((0,), (50,)))
    assert tracker.layout is second  # a refused request leaves the map as it was


# ---------------------------------------------------------------------------- UMAP
def test_missing_umap_is_reported_with_the_install_command(monkeypatch):
    real_import = builtins.__import__

    def no_umap(name, *args, **kwargs):
        if name == "umap" or name.startswith("umap."):
            raise ImportError("No module named 'umap'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_umap)
    tracker = MapTracker()
    vectors = np.random.default_rng(12).normal(size=(30, 5))
    shown = tracker.update(vectors)
    with pytest.raises(MapUnavailable, match="pip install umap-learn"):
        tracker.update(vectors, method="umap")
    assert tracker.method == "pca" and tracker.layout is shown  # the map is kept


def test_umap_follows_the_last_layout():
    pytest.importorskip("umap")
    _, vectors = planted_clusters(seed=13, groups=5, size=20)
    tracker = MapTracker()
    first = tracker.update(vectors, method="umap")
    while (frame := tracker.refine()) is not None:
        first = frame
    again = tracker.update(vectors, method="umap")
    assert again.shape == (100, 2) and np.isfinite(again).all()
    assert np.median(np.linalg.norm(again - first, axis=1)) < 0.3 * rms_radius(first)


def test_the_handouts_picture_is_its_run_py_projection_with_steady_signs():
    from core.map.pca import HANDOUT_WORDS, handout_layout

    assert len(HANDOUT_WORDS) == 24 and HANDOUT_WORDS[0] == "great"
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(24, 10)) * np.linspace(3, 0.5, 10)
    # the handout's run.py, step by step
    temp = vectors - np.mean(vectors, axis=0)
    covariance = 1.0 / len(vectors) * temp.T.dot(temp)
    U, _S, _V = np.linalg.svd(covariance)
    coord = temp.dot(U[:, 0:2])
    np.testing.assert_allclose(np.abs(handout_layout(vectors)), np.abs(coord), atol=1e-12)

    tracker = MapTracker()
    first = tracker.update(vectors, method="handout")
    np.testing.assert_allclose(np.abs(first), np.abs(coord), atol=1e-12)  # not rescaled
    for _ in range(5):
        vectors = vectors + 0.01 * rng.normal(size=vectors.shape)
        frame = tracker.update(vectors, method="handout")
        assert np.all(np.sum(frame * first, axis=0) > 0)  # no axis flips between frames
        first = frame
