import numpy as np
import pytest

from core.open_vectors import read_vectors
from core.vectors.embeddings import Embeddings, EmbeddingsError, UnknownWordError
from core.vectors.writing import write_vectors


@pytest.fixture
def toy() -> Embeddings:
    words = ["king", "queen", "man", "woman", "apple", "café"]
    vectors = np.array([
        [1.0, 1.0, 0.0], [1.0, -1.0, 0.0], [0.1, 1.0, 0.0],
        [0.1, -1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.2, 0.9],
    ], dtype=np.float32)
    return Embeddings(words, vectors, np.array([6, 5, 4, 3, 2, 1]))


def test_most_similar_excludes_the_query_and_ranks_by_cosine(toy):
    ranked = toy.most_similar("apple", 3)
    assert [w for w, _ in ranked][0] == "café"
    assert "apple" not in [w for w, _ in ranked]
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert toy.similarity("king", "king") == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogy_king_minus_man_plus_woman(toy, method):
    answer = toy.analogy("king", "man", "woman", 2, method=method)
    assert answer[0][0] == "queen"
    assert {"king", "man", "woman"}.isdisjoint(w for w, _ in answer)


def test_unknown_word_suggests_close_words(toy):
    with pytest.raises(UnknownWordError) as caught:
        toy.most_similar("quen")
    assert "queen" in caught.value.suggestions
    assert "Did you mean: queen" in str(caught.value)
    with pytest.raises(UnknownWordError) as caught:
        toy.vector("KING")
    assert caught.value.suggestions == ["king"]


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_round_trip(tmp_path, toy, binary):
    path = tmp_path / ("v.bin" if binary else "v.txt")
    write_vectors(toy, path, "word2vec-binary" if binary else "word2vec")
    loaded = read_vectors(path).embeddings
    assert loaded.words == toy.words
    np.testing.assert_allclose(loaded.vectors, toy.vectors, rtol=1e-5)


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_what_we_write(tmp_path, toy, binary):
    keyed_vectors = pytest.importorskip("gensim.models").KeyedVectors
    path = tmp_path / "v.out"
    write_vectors(toy, path, "word2vec-binary" if binary else "word2vec")
    loaded = keyed_vectors.load_word2vec_format(str(path), binary=binary)
    assert list(loaded.index_to_key) == toy.words
    np.testing.assert_allclose(loaded["café"], toy.vector("café"), rtol=1e-5)


def test_we_read_what_gensim_writes(tmp_path, toy):
    keyed_vectors = pytest.importorskip("gensim.models").KeyedVectors
    vectors = keyed_vectors(3)
    vectors.add_vectors(toy.words, toy.vectors)
    for binary in (False, True):
        path = tmp_path / f"g{binary}"
        vectors.save_word2vec_format(str(path), binary=binary)
        loaded = read_vectors(path).embeddings
        np.testing.assert_allclose(loaded.vectors, toy.vectors, rtol=1e-5)


def test_projector_tsv(tmp_path, toy):
    write_vectors(toy, tmp_path / "vectors.tsv", "projector", tmp_path / "metadata.tsv")
    rows = (tmp_path / "vectors.tsv").read_text().splitlines()
    assert len(rows) == 6 and len(rows[0].split("\t")) == 3
    metadata = (tmp_path / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    assert metadata[0] == "word\tcount" and metadata[6] == "café\t1"


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"hello world\n", "is not a vectors file"),
    (b"3 2\na 1 2\nb 1 2\n", "promises 3"),
    (b"2 2\na 1 2\nb 1\n", "line 3: has 1 number, but the header says 2"),
    (b"1 2\na 1 x\n", "line 2: 'x' is not a number"),
])
def test_corrupt_text_files_are_reported(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(EmbeddingsError, match=message):
        read_vectors(path)


def test_truncated_binary_file_is_reported(tmp_path, toy):
    path = tmp_path / "v.bin"
    write_vectors(toy, path, "word2vec-binary")
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(EmbeddingsError, match="cut off"):
        read_vectors(path, format="word2vec-binary")


def reference_ranking(unit: np.ndarray, scores: np.ndarray, exclude: list[int], count: int):
    """Every word scored in float64 and fully sorted: what the fast ranking must match."""
    order = [i for i in np.argsort(-scores, kind="stable") if i not in exclude]
    return order[:count]


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_queries_match_a_full_sort_in_float64(method):
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((500, 16)).astype(np.float32)
    embeddings = Embeddings([f"w{i}" for i in range(500)], vectors)
    unit = vectors.astype(np.float64) / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosines = unit @ unit[7]
    ranked = embeddings.most_similar("w7", 12)
    assert [embeddings.index[w] for w, _ in ranked] == reference_ranking(unit, cosines, [7], 12)
    np.testing.assert_allclose([s for _, s in ranked], np.sort(cosines)[::-1][1:13], atol=1e-6)
    a, b, c = (unit @ unit[i] for i in (3, 4, 5))
    if method == "3cosadd":
        scores = a - b + c
    else:
        scores = ((a + 1) / 2) * ((c + 1) / 2) / ((b + 1) / 2 + 1e-6)  # gensim's ε
    answer = embeddings.analogy("w3", "w4", "w5", 10, method=method)
    assert [embeddings.index[w] for w, _ in answer] == reference_ranking(unit, scores,
                                                                         [3, 4, 5], 10)
    np.testing.assert_allclose([s for _, s in answer],
                               sorted(np.delete(scores, [3, 4, 5]), reverse=True)[:10],
                               rtol=1e-5, atol=1e-5)
    assert len(embeddings.most_similar("w1", 1000)) == 499
    with pytest.raises(ValueError, match="3cosadd or 3cosmul"):
        embeddings.analogy("w3", "w4", "w5", method="3coswrong")
