import numpy as np

from core.projection import MapTracker, align_on, pca_2d, tsne_2d, unit_spread


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


def test_align_undoes_a_rotation_and_a_reflection():
    rng = np.random.default_rng(1)
    previous = rng.normal(size=(50, 2))
    angle = 1.1
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    for turned in (previous @ rotation, previous @ rotation @ np.diag([1.0, -1.0])):
        np.testing.assert_allclose(align_on(turned, np.arange(50), previous), previous,
                                   atol=1e-10)


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


def test_tsne_is_seeded_and_starts_from_a_layout():
    rng = np.random.default_rng(3)
    clusters = np.repeat(rng.normal(scale=5, size=(3, 8)), 15, axis=0)
    vectors = clusters + rng.normal(scale=0.1, size=clusters.shape)
    first = tsne_2d(vectors, seed=4, iterations=250)
    again = tsne_2d(vectors, seed=4, iterations=250)
    np.testing.assert_allclose(first, again)
    follow = tsne_2d(vectors, initial=first, seed=4, iterations=250)
    assert follow.shape == (45, 2) and np.isfinite(follow).all()
    labels = np.repeat(np.arange(3), 15)
    centres = np.array([follow[labels == k].mean(axis=0) for k in range(3)])
    spread = max(np.linalg.norm(follow[labels == k] - centres[k], axis=1).mean() for k in range(3))
    assert spread < np.min([np.linalg.norm(centres[i] - centres[j])
                            for i in range(3) for j in range(i + 1, 3)])


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


def test_tsne_frames_follow_the_last_layout():
    rng = np.random.default_rng(7)
    clusters = np.repeat(rng.normal(scale=5, size=(4, 8)), 20, axis=0)
    vectors = clusters + rng.normal(scale=0.2, size=clusters.shape)
    tracker = MapTracker()
    pca = tracker.update(vectors, method="pca")
    tracker.update(vectors, method="tsne")
    tsne = tracker.update(vectors, method="tsne")
    again = tracker.update(vectors + rng.normal(scale=0.01, size=vectors.shape), method="tsne")
    assert tsne.shape == pca.shape == (80, 2)
    # a t-SNE frame started from the previous one keeps its clusters where they were
    labels = np.repeat(np.arange(4), 20)
    for k in range(4):
        moved = np.linalg.norm(again[labels == k].mean(axis=0) - tsne[labels == k].mean(axis=0))
        assert moved < 0.2
