import itertools

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from core.map import colours as map_colours
from core.map.colours import (
    DEFAULT_CLUSTERS,
    GRADIENT,
    OTHER,
    PALETTE,
    Colouring,
    cluster_colouring,
    frequency_colouring,
    metadata_colouring,
    no_colouring,
)
from core.map.labels import label_order
from core.map.word_labels import WordLabelsError, labels_for_words, read_word_labels
from core.vectors.writing import write_vectors


def relative_luminance(colour) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    channels = np.asarray(colour, dtype=np.float64) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92,
                      ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def blobs(sizes, dim=20, spread=0.05, seed=1):
    """Points around random directions, one blob per size, shuffled; returns (vectors, truth)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), dim))
    truth = np.repeat(np.arange(len(sizes)), sizes)
    vectors = centres[truth] + rng.normal(scale=spread, size=(len(truth), dim))
    order = rng.permutation(len(truth))
    return vectors[order].astype(np.float32), truth[order]


# ---------------------------------------------------------------------------------- palette
def test_palette_colours_are_distinct_and_readable_on_white():
    assert DEFAULT_CLUSTERS <= len(PALETTE)
    colours = [*PALETTE, OTHER]
    assert len(set(colours)) == len(colours)
    for first, second in itertools.combinations(colours, 2):
        assert np.abs(np.subtract(first, second)).sum() >= 60, (first, second)
    for colour in PALETTE:
        assert relative_luminance(colour) < 0.8, colour
        assert all(0 <= channel <= 255 for channel in colour)


def test_gradient_runs_from_dark_to_light_over_unit_positions():
    positions = [position for position, _ in GRADIENT]
    assert positions[0] == 0 and positions[-1] == 1
    assert positions == sorted(positions)
    luminance = [relative_luminance(colour) for _, colour in GRADIENT]
    assert luminance == sorted(luminance)  # viridis brightens monotonically
    assert luminance[-1] < 0.8  # its faintest end is still visible on white
    ends = map_colours.gradient_colours(np.array([0.0, 1.0]))
    assert [tuple(ends[0]), tuple(ends[1])] == [GRADIENT[0][1], GRADIENT[-1][1]]


# ---------------------------------------------------------------------------------- clusters
def test_clusters_recover_planted_blobs_numbered_by_size():
    vectors, truth = blobs([60, 45, 30, 20])
    colouring = cluster_colouring(vectors, k=4)
    assert colouring.kind == "clusters"
    assert adjusted_rand_score(truth, colouring.groups) >= 0.9
    assert np.bincount(colouring.groups).tolist() == [60, 45, 30, 20]
    assert colouring.colours.shape == (155, 3) and colouring.colours.dtype == np.uint8
    for group in range(4):
        rows = colouring.groups == group
        assert (colouring.colours[rows] == PALETTE[group]).all()


def test_clusters_are_deterministic_for_a_seed():
    vectors, _ = blobs([40, 40, 40], spread=0.8)
    first = cluster_colouring(vectors, k=5, seed=3)
    second = cluster_colouring(vectors.copy(), k=5, seed=3)
    assert np.array_equal(first.groups, second.groups)
    assert np.array_equal(first.centrality, second.centrality)
    assert first.legend == second.legend


def test_clusters_use_unit_rows_so_length_does_not_matter():
    vectors, truth = blobs([30, 30])
    lengths = np.random.default_rng(0).uniform(0.1, 10, size=(len(vectors), 1))
    colouring = cluster_colouring(vectors * lengths.astype(np.float32), k=2)
    assert adjusted_rand_score(truth, colouring.groups) == 1.0


@pytest.mark.parametrize(("asked", "rows", "expected"),
                         [(50, 100, len(PALETTE)), (0, 100, 1), (-3, 100, 1), (5, 3, 3)])
def test_cluster_count_is_clipped(asked, rows, expected):
    vectors = np.random.default_rng(0).normal(size=(rows, 8)).astype(np.float32)
    colouring = cluster_colouring(vectors, k=asked)
    assert len(set(colouring.groups.tolist())) == expected
    assert len(colouring.legend) == expected


def test_identical_rows_give_no_empty_clusters():
    vectors = np.repeat(np.eye(3, dtype=np.float32)[:2], 5, axis=0)
    colouring = cluster_colouring(vectors, k=4)
    assert sorted(set(colouring.groups.tolist())) == [0, 1]
    assert len(colouring.legend) == 2


def test_legend_names_each_clusters_most_central_words():
    # word "a0" sits on cluster a's centre, "a1" a little off it, "a2" further, ...; each
    # word off along its own axis, so the centroid stays near the centre
    vectors, words = [], []
    for cluster, (name, size) in enumerate([("a", 5), ("b", 4)]):  # a is the larger
        for i in range(size):
            vector = np.zeros(8, dtype=np.float32)
            vector[cluster] = 1.0
            if i:
                vector[2 + i] = 0.1 * i
            vectors.append(vector)
            words.append(f"{name}{i}")
    colouring = cluster_colouring(np.array(vectors), k=2, words=words)
    assert colouring.legend == [("1: a0, a1, a2", PALETTE[0]), ("2: b0, b1, b2", PALETTE[1])]
    for group, first in ((0, 0), (1, 5)):
        members = np.flatnonzero(colouring.groups == group)
        assert np.argmax(colouring.centrality[members]) == 0
        assert members[0] == first
    unnamed = cluster_colouring(np.array(vectors), k=2)
    assert unnamed.legend[0][0] == "Cluster 1 (5 words)"


def test_clusters_refuse_non_finite_vectors_and_accept_none():
    vectors = np.ones((4, 3), dtype=np.float32)
    vectors[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cluster_colouring(vectors)
    empty = cluster_colouring(np.zeros((0, 5), dtype=np.float32))
    assert empty.colours.shape == (0, 3) and empty.legend == []


def test_large_inputs_cluster_in_mini_batches(monkeypatch):
    monkeypatch.setattr(map_colours, "MINI_BATCH_ABOVE", 100)
    vectors, truth = blobs([150, 100, 60], dim=10)
    colouring = cluster_colouring(vectors, k=3, seed=2)
    assert adjusted_rand_score(truth, colouring.groups) >= 0.9
    again = cluster_colouring(vectors, k=3, seed=2)
    assert np.array_equal(colouring.groups, again.groups)


# ---------------------------------------------------------------------------------- metadata
def test_metadata_categories_colour_the_most_common_values():
    labels = ["noun"] * 5 + ["verb"] * 3 + ["adj"] * 2 + ["adv"] + [None, "  "]
    words = [f"w{i}" for i in range(len(labels))]
    colouring = metadata_colouring(words, labels, max_groups=2)
    assert colouring.kind == "metadata" and not colouring.gradient
    assert colouring.groups.tolist() == [0] * 5 + [1] * 3 + [-1] * 5
    assert tuple(colouring.colours[0]) == PALETTE[0]
    assert tuple(colouring.colours[5]) == PALETTE[1]
    assert all(tuple(colour) == OTHER for colour in colouring.colours[8:])
    assert colouring.legend == [("noun (5)", PALETTE[0]), ("verb (3)", PALETTE[1]),
                                ("other or no value (5)", OTHER)]


def test_metadata_max_groups_is_clipped_to_the_palette_and_ties_are_alphabetical():
    labels = [f"v{i:02d}" for i in range(20)]
    colouring = metadata_colouring(labels, labels, max_groups=100)
    assert colouring.groups.max() == len(PALETTE) - 1
    assert [text for text, _ in colouring.legend[:2]] == ["v00 (1)", "v01 (1)"]
    assert colouring.legend[-1] == (f"other ({20 - len(PALETTE)})", OTHER)


def test_metadata_only_missing_values():
    colouring = metadata_colouring(["a", "b"], [None, ""])
    assert colouring.groups.tolist() == [-1, -1]
    assert colouring.legend == [("no value (2)", OTHER)]


def test_metadata_centrality_from_vectors_or_position():
    words = ["a", "b", "c", "d"]
    labels = ["x", "x", "x", "y"]
    by_position = metadata_colouring(words, labels)
    assert by_position.centrality.tolist() == [0, -1, -2, -3]
    vectors = np.array([[1, 0.5], [1, 0], [1, -0.5], [0, 1]], dtype=np.float32)
    by_vectors = metadata_colouring(words, labels, vectors=vectors)
    assert np.argmax(by_vectors.centrality[:3]) == 1  # "b" sits on the centroid of x


def test_numeric_metadata_becomes_a_gradient():
    labels = ["1", "5", "3", None, "2.5"]
    colouring = metadata_colouring(list("abcde"), labels)
    assert colouring.gradient and colouring.kind == "metadata"
    assert (colouring.groups == -1).all()
    assert tuple(colouring.colours[1]) == GRADIENT[0][1]  # highest = dark end
    assert tuple(colouring.colours[0]) == GRADIENT[-1][1]
    assert tuple(colouring.colours[3]) == OTHER
    assert colouring.legend == [("highest: 5", GRADIENT[0][1]), ("lowest: 1", GRADIENT[-1][1]),
                                ("no value (1)", OTHER)]
    luminance = [relative_luminance(colouring.colours[i]) for i in (1, 2, 4, 0)]
    assert luminance == sorted(luminance)


def test_wide_positive_numbers_use_a_log_scale():
    colouring = metadata_colouring(list("abc"), ["1", "100", "10000"])
    middle = colouring.colours[1]
    expected = map_colours.gradient_colours(np.array([0.5]))[0]
    assert np.abs(middle.astype(int) - expected).max() <= 1
    assert colouring.legend[1][0] == "lowest: 1 (log scale)"


def test_one_number_or_mixed_values_stay_categorical():
    assert not metadata_colouring(list("ab"), ["7", "7"]).gradient
    mixed = metadata_colouring(list("abc"), ["1", "two", "3"])
    assert not mixed.gradient and mixed.groups.min() >= 0


def test_metadata_length_must_match():
    with pytest.raises(ValueError, match="2 labels for 3 words"):
        metadata_colouring(list("abc"), ["x", "y"])


# ---------------------------------------------------------------------------------- frequency
def test_frequency_gradient_darkens_monotonically_with_frequency():
    ranks = np.array([0, 1, 3, 10, 40, 200, 999])
    colouring = frequency_colouring(ranks)
    assert colouring.kind == "frequency" and colouring.gradient
    assert tuple(colouring.colours[0]) == GRADIENT[0][1]
    assert tuple(colouring.colours[-1]) == GRADIENT[-1][1]
    luminance = [relative_luminance(colour) for colour in colouring.colours]
    assert luminance == sorted(luminance) and len(set(luminance)) == len(ranks)
    assert colouring.legend == [("most frequent", GRADIENT[0][1]),
                                ("least frequent", GRADIENT[-1][1])]
    assert colouring.centrality.tolist() == (-ranks).tolist()


def test_frequency_edge_cases():
    same = frequency_colouring(np.array([4, 4]))
    assert (same.colours == GRADIENT[0][1]).all()
    assert frequency_colouring(np.array([], dtype=np.int64)).colours.shape == (0, 3)
    with pytest.raises(ValueError, match="non-negative"):
        frequency_colouring(np.array([-1, 2]))


# ---------------------------------------------------------------------------------- label order
def test_label_order_interleaves_groups_most_central_first():
    groups = np.array([1, 0, 0, 1, 0, 2, -1, 0])
    centrality = np.array([0.9, 0.2, 0.8, 0.5, 0.95, 0.1, 0.99, 0.5])
    colouring = Colouring("clusters", np.zeros((8, 3), np.uint8), [], groups, centrality)
    order = label_order(np.arange(8), colouring)
    # round 1: best of group 0, 1, 2, then the ungrouped; round 2: ...
    assert order.tolist() == [4, 0, 5, 6, 2, 3, 7, 1]


def test_label_order_on_a_subset_returns_those_rows():
    vectors, _ = blobs([20, 20, 20])
    colouring = cluster_colouring(vectors, k=3)
    subset = np.arange(0, 60, 2)
    order = label_order(subset, colouring)
    assert sorted(order.tolist()) == subset.tolist()
    first_round = order[:3]
    assert sorted(colouring.groups[first_round].tolist()) == [0, 1, 2]
    for group in range(3):
        in_group = subset[colouring.groups[subset] == group]
        best = in_group[np.argmax(colouring.centrality[in_group])]
        assert best in first_round
    assert label_order(np.array([], dtype=np.int64), colouring).tolist() == []


@pytest.mark.parametrize("make", [frequency_colouring, no_colouring])
def test_label_order_without_groups_follows_frequency(make):
    ranks = np.array([5, 0, 3, 1])
    order = label_order(np.arange(4), make(ranks))
    assert order.tolist() == [1, 3, 2, 0]


# ------------------------------------------------------------------------- labels_for_words
def test_labels_keyed_by_the_word_column():
    metadata = {"pos": ["noun", "verb", ""], "Word": ["king", "run", "the"]}
    assert labels_for_words(["run", "king", "the", "zebra"], metadata, "pos") == \
        ["verb", "noun", None, None]


def test_labels_keyed_by_the_first_column_and_case_insensitively():
    metadata = {"token": ["King", "run", "run"], "pos": ["noun", "verb", "noun"]}
    assert labels_for_words(["king", "run"], metadata, "pos") == ["noun", "verb"]


def test_labels_keyed_by_position_when_there_is_no_word_column():
    vocabulary = ["the", "king", "run"]
    metadata = {"pos": ["det", "noun", "verb"]}
    assert labels_for_words(["run", "the"], metadata, "pos", vocabulary) == ["verb", "det"]
    two_columns = {"pos": ["det", "noun", "verb"], "source": ["x", "y", "z"]}
    assert labels_for_words(["king"], two_columns, "source", vocabulary) == ["y"]


def test_a_first_column_of_words_beats_position():
    vocabulary = ["the", "king", "run"]
    metadata = {"lemma": ["run", "the", "king"], "pos": ["verb", "det", "noun"]}
    assert labels_for_words(["king"], metadata, "pos", vocabulary) == ["noun"]


def test_labels_for_an_unknown_column():
    with pytest.raises(ValueError, match="'pos'"):
        labels_for_words(["a"], {"word": ["a"], "label": ["x"]}, "pos")


# ------------------------------------------------------------------------- read_word_labels
def write(tmp_path, text, name="labels.tsv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_read_without_header(tmp_path):
    path = write(tmp_path, "king\tnoun\nrun\tverb\r\n\ncafé\tnoun\n")
    assert read_word_labels(path) == {"word": ["king", "run", "café"],
                                      "label": ["noun", "verb", "noun"]}


def test_read_with_header_and_several_columns(tmp_path):
    path = write(tmp_path, "\ufeffWord\tpos\tsense\nking\tnoun\troyal\nrun\tverb\n")
    columns = read_word_labels(path)
    assert columns == {"word": ["king", "run"], "pos": ["noun", "verb"],
                       "sense": ["royal", ""]}
    assert labels_for_words(["run"], columns, "pos") == ["verb"]


def test_header_detected_from_a_numeric_column(tmp_path):
    path = write(tmp_path, "lemma\tcount\nthe\t100\nking\t7\n")
    assert read_word_labels(path) == {"lemma": ["the", "king"], "count": ["100", "7"]}
    plain = write(tmp_path, "the\t100\nking\t7\n", name="plain.tsv")
    assert read_word_labels(plain)["word"] == ["the", "king"]


def test_read_unnamed_columns(tmp_path):
    path = write(tmp_path, "king\tnoun\troyal\n")
    assert list(read_word_labels(path)) == ["word", "label 1", "label 2"]


def test_projector_metadata_written_by_embeddings_reads_back(tmp_path):
    from core.vectors.embeddings import Embeddings

    embeddings = Embeddings(["the", "king"], np.eye(2, dtype=np.float32), np.array([9, 2]))
    metadata = tmp_path / "meta.tsv"
    write_vectors(embeddings, tmp_path / "vectors.tsv", "projector", metadata)
    columns = read_word_labels(metadata)
    assert columns["word"] == ["the", "king"]
    colouring = metadata_colouring(["the", "king"], labels_for_words(
        ["the", "king"], columns, "count"))
    assert colouring.gradient


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"\n \n", "is empty"),
    (b"\x00\x01\x02binary", "binary"),
    (b"king\tnoun\nqueen noun\n", "line 2: no tab"),
    ("king\tnoun\ncaf\u00e9\tnoun\n".encode("latin-1"), "line 2: byte 0xe9 is not UTF-8"),
    (b"king\tnoun\n\tverb\n", "line 2: the word .* is empty"),
    (b"king\tnoun\nrun\tverb\tx\n", "line 2: 3 fields but the first line has 2"),
    (b"word\tpos\n", "header line but no rows"),
])
def test_bad_files_name_the_file_and_the_line(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(WordLabelsError, match=message) as caught:
        read_word_labels(path)
    assert "labels.tsv" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(WordLabelsError, match="Cannot read .*absent.tsv"):
        read_word_labels(tmp_path / "absent.tsv")


def test_trailing_tabs_are_not_extra_fields(tmp_path):
    path = write(tmp_path, "king\tnoun\t\nrun\tverb\n")
    assert read_word_labels(path)["label"] == ["noun", "verb"]


def test_matched_clusters_keep_their_colours_when_k_means_numbers_them_anew():
    from core.map.colours import match_groups

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 10)) * 5
    sizes = (30, 20, 10)
    vectors = np.concatenate([c + rng.normal(size=(n, 10)) for c, n in zip(centres, sizes,
                                                                               strict=True)])
    ids = np.arange(len(vectors))
    words = [f"w{i}" for i in ids]
    first = cluster_colouring(vectors, k=3, words=words)
    # the same words, the largest group shrunk below the others: numbered anew by size
    shrunk = np.r_[np.arange(30, 60), np.arange(0, 5)]
    second = cluster_colouring(vectors[shrunk], k=3, words=[words[i] for i in shrunk])
    matched = match_groups(ids, first, ids[shrunk], second)
    assert not np.array_equal(second.groups, first.groups[shrunk])  # k-means renumbered
    assert np.array_equal(matched.groups, first.groups[shrunk])
    assert np.array_equal(matched.colours, first.colours[shrunk])
    for group in range(3):
        text, colour = matched.legend[group]
        assert text.startswith(f"{group + 1}: ") and colour == PALETTE[group]
