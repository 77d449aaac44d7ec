"""Comparing two embeddings whose differences are known: a rotated copy shows no change,
swapped words come first, dropped and added words are counted exactly; bad pairs are
refused with the reason."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import ortho_group

from core.cli import main as command_line
from core.compare import CompareError, compare
from core.compare.comparison import Cancelled
from core.vectors.embeddings import Embeddings
from core.vectors.reading import write_vectors


def clustered(words: int = 400, dim: int = 16, seed: int = 0) -> Embeddings:
    """Words in 20 tight groups, so that each word's neighbours are well defined."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, dim))
    vectors = centres[np.arange(words) % 20] + 0.1 * rng.normal(size=(words, dim))
    return Embeddings([f"w{i}" for i in range(words)], vectors.astype(np.float32))


def rotated(embeddings: Embeddings, dim: int | None = None, seed: int = 1) -> Embeddings:
    dim = dim or embeddings.dim
    padded = np.zeros((len(embeddings), dim))
    padded[:, :embeddings.dim] = embeddings.vectors
    turn = ortho_group.rvs(dim, random_state=seed)
    return Embeddings(list(embeddings.words), (padded @ turn).astype(np.float32))


def test_a_rotated_copy_shows_no_change():
    a = clustered()
    result = compare(a, rotated(a), k=10)
    assert result.shared == 400 and result.only_in_a == [] and result.only_in_b == []
    assert all(change.kept == 1.0 for change in result.words)
    assert min(change.cosine for change in result.words) > 0.9999
    assert all(change.gained == () and change.lost == () for change in result.words)


def test_a_rotated_copy_in_more_dimensions_shows_no_change():
    a = clustered(dim=8)
    result = compare(a, rotated(a, dim=12), k=5)
    assert all(change.kept == 1.0 for change in result.words)
    assert min(change.cosine for change in result.words) > 0.9999


def test_swapped_words_come_first_with_what_they_gained_and_lost():
    a = clustered()
    b = rotated(a)
    first, second = b.index["w5"], b.index["w17"]  # in groups 5 and 17
    b.vectors[[first, second]] = b.vectors[[second, first]]
    result = compare(a, b, k=10)
    assert {result.words[0].word, result.words[1].word} == {"w5", "w17"}
    assert result.words[0].kept == 0.0 and result.words[0].cosine < 0.9
    moved = next(change for change in result.words if change.word == "w5")
    assert all(int(word[1:]) % 20 == 17 for word in moved.gained)  # w17's group now
    assert all(int(word[1:]) % 20 == 5 for word in moved.lost)
    assert result.words[2].cosine > 0.9999  # the rest aligned as before


def test_dropped_and_added_words_are_counted_exactly():
    a = clustered()
    b = rotated(a)
    keep = [i for i, word in enumerate(b.words) if word not in ("w3", "w50", "w399")]
    extra = np.ones((2, b.dim), dtype=np.float32)
    b = Embeddings([*(b.words[i] for i in keep), "new1", "new2"],
                   np.vstack([b.vectors[keep], extra]))
    result = compare(a, b, k=10, words=100)
    assert result.shared == 397
    assert result.only_in_a == ["w3", "w50", "w399"] and result.only_in_b == ["new1", "new2"]
    assert len(result.words) == 100  # the 100 first shared words are ranked


def test_pairs_that_cannot_be_compared_are_refused_with_the_reason():
    a = clustered()
    other = Embeddings(["x", "y", "z"], np.eye(3, 16, dtype=np.float32))
    with pytest.raises(CompareError, match="no word in common"):
        compare(a, other)
    few = Embeddings(["w1", "w2", "w3"], np.eye(3, 16, dtype=np.float32))
    with pytest.raises(CompareError, match="only 3 shared words for 16 dimensions"):
        compare(a, few)
    with pytest.raises(CompareError, match="10 words to rank for 16 dimensions"):
        compare(a, rotated(a), words=10)  # the rotation is fitted on the ranked words


def test_a_comparison_can_be_cancelled_and_reports_progress():
    a = clustered()
    seen = []
    with pytest.raises(Cancelled):
        compare(a, rotated(a), progress=seen.append, cancelled=lambda: bool(seen))
    assert seen and 0 < seen[0] <= 1


def swapped_pair_files(folder) -> None:
    """a.txt, and b.txt: a rotated copy with the vectors of w5 and w17 swapped."""
    a = clustered()
    b = rotated(a)
    b.vectors[[5, 17]] = b.vectors[[17, 5]]
    write_vectors(a, folder / "a.txt", "word2vec")
    write_vectors(b, folder / "b.txt", "word2vec")


def test_the_command_line_writes_the_report(tmp_path, capsys):
    swapped_pair_files(tmp_path)
    report = tmp_path / "r.json"
    assert command_line(["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                         "--k", "10", "--words", "200", "--report", str(report)]) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["shared"], data["only_in_a"], data["only_in_b"], data["k"]) == (400, 0, 0, 10)
    assert len(data["words"]) == 200
    assert {data["words"][0]["word"], data["words"][1]["word"]} == {"w5", "w17"}
    assert set(data["words"][0]) == {"word", "kept", "cosine", "gained", "lost"}
    out = capsys.readouterr().out
    assert "400 shared words" in out and "w5" in out
    assert command_line(["compare", str(tmp_path / "a.txt"), str(tmp_path / "missing.txt")]
                        ) != 0


def test_the_nearest_are_those_a_full_sort_finds():
    from core.compare.comparison import top_k

    rng = np.random.default_rng(4)
    block = rng.normal(size=(300, 500)).astype(np.float32)
    np.testing.assert_array_equal(top_k(block, 7), np.argsort(-block, axis=1)[:, :7])


def test_a_report_that_cannot_be_written_is_refused_before_any_work(tmp_path, capsys,
                                                                     monkeypatch):
    from core import cli

    swapped_pair_files(tmp_path)
    monkeypatch.setattr(cli, "compare", lambda *a, **k: pytest.fail("compared anyway"))
    status = command_line(["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                           "--report", str(tmp_path / "missing" / "r.json")])
    assert status != 0 and "missing" in capsys.readouterr().err
