"""Word-vector files: every format written and read back, detection, bad input, policies."""

import struct

import numpy as np
import pytest

from core.errors import Cancelled
from core.open_vectors import read_vectors
from core.vectors import reading as vector_files
from core.vectors.embeddings import Embeddings
from core.vectors.reading import (
    FORMATS,
    VectorFileError,
    detect_format,
    is_vectors_file,
    read_metadata,
    write_vectors,
)

# words Python's str.splitlines would cut (U+2028, U+2029, U+0085), non-ASCII, a lone digit
WORDS = ["king", "queen", "café", "日本語", "line\u2028separator", "para\u2029graph",
         "next\x85line", "7", "émoji😀"]


@pytest.fixture
def toy() -> Embeddings:
    rng = np.random.default_rng(3)
    vectors = (rng.standard_normal((len(WORDS), 5)) * 10.0 ** rng.integers(-5, 2, (9, 5)))
    return Embeddings(WORDS, vectors.astype(np.float32), np.arange(len(WORDS), 0, -1) * 10)


def printed(vectors: np.ndarray) -> np.ndarray:
    """The values a text writer with 6 significant digits stores."""
    return np.array([[np.float32(float(f"{x:.6g}")) for x in row] for row in vectors.tolist()],
                    dtype=np.float32)


def suffix(format: str) -> str:
    return {"word2vec": ".vec", "word2vec-binary": ".bin", "glove": ".txt",
            "projector": ".tsv"}[format]


# ---------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("format", ["word2vec", "word2vec-binary", "glove", "projector"])
def test_every_format_round_trips(tmp_path, toy, format):
    path = tmp_path / f"vectors{suffix(format)}"
    written = write_vectors(toy, path, format)
    assert written[0] == path and all(p.exists() for p in written)
    assert detect_format(path) == format
    loaded = read_vectors(path)
    assert loaded.format == format and loaded.path == path
    assert loaded.embeddings.words == WORDS
    assert loaded.embeddings.vectors.dtype == np.float32
    expected = toy.vectors if format == "word2vec-binary" else printed(toy.vectors)
    np.testing.assert_array_equal(loaded.embeddings.vectors, expected)
    assert loaded.embeddings.counts is None
    assert loaded.notes == []
    if format == "projector":
        assert written[1] == tmp_path / "vectors_metadata.tsv"
        assert loaded.metadata == {"word": WORDS, "count": [str(c) for c in toy.counts]}
    else:
        assert loaded.metadata == {}


def test_the_embeddings_wrappers_use_the_same_files(tmp_path, toy):
    write_vectors(toy, tmp_path / "v.txt", "word2vec")
    write_vectors(toy, tmp_path / "v.bin", "word2vec-binary")
    write_vectors(toy, tmp_path / "p.tsv", "projector", tmp_path / "p_meta.tsv")
    assert read_vectors(tmp_path / "v.txt").embeddings.words == WORDS
    binary = read_vectors(tmp_path / "v.bin", format="word2vec-binary").embeddings
    np.testing.assert_array_equal(binary.vectors, toy.vectors)
    loaded = read_vectors(tmp_path / "p.tsv", metadata_path=tmp_path / "p_meta.tsv")
    assert loaded.embeddings.words == WORDS


@pytest.mark.parametrize("kind", ["model", "session"])
def test_models_and_sessions_give_the_trainer_vectors_and_counts(tmp_path, kind):
    from core.session import Session, save_session
    from core.train.config import PRESETS
    from core.train.trainer import Trainer
    from tests.core.test_trainer import planted_corpus

    corpus, _ = planted_corpus(sentences=200)
    trainer = Trainer(corpus, PRESETS["quick_demo"].replace(epochs=1, dim=6))
    trainer.step()
    path = tmp_path / ("m.npz" if kind == "model" else "s.w2vsession")
    trainer.save(path) if kind == "model" else save_session(path, Session(trainer))
    assert detect_format(path) == kind
    loaded = read_vectors(path, limit=5)
    assert loaded.format == kind
    assert loaded.embeddings.words == corpus.words[:5]
    np.testing.assert_array_equal(loaded.embeddings.vectors, trainer.center_vectors[:5])
    np.testing.assert_array_equal(loaded.embeddings.counts, corpus.counts[:5])
    assert loaded.notes == [f"Read the first 5 words of {corpus.vocab_size:,} (the limit)."]


# ---------------------------------------------------------------------------- the numbers
def test_bulk_number_parsing_equals_float32_of_python_float(tmp_path):
    rng = np.random.default_rng(0)
    values = (rng.standard_normal(3000) * 10.0 ** rng.integers(-12, 12, 3000)).tolist()
    formats = ["%.6f", "%.9g", "%g", "%.3e", "%.18e", "%.17g", "%r", "%.1f", "%+.4f", "%.12f",
               "%.2E"]
    tokens = [fmt % x for fmt in formats for x in values]
    tokens += ["0", "-0", "12", "+3", ".5", "5.", "-.25", "1e+05", "00012.50", "1E5"]
    tokens += ["1", "-2"]  # pad to a multiple of the dimension
    dim = 12
    rows = [tokens[i:i + dim] for i in range(0, len(tokens), dim)]
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"w{i} " + " ".join(row) + "\n" for i, row in enumerate(rows)))
    loaded = read_vectors(path)
    expected = np.array([[np.float32(float(t)) for t in row] for row in rows])
    np.testing.assert_array_equal(loaded.embeddings.vectors, expected)


def test_pieces_of_any_size_give_the_same_result(tmp_path, toy, monkeypatch):
    path = tmp_path / "v.txt"
    rng = np.random.default_rng(1)
    many = Embeddings([f"w{i}" for i in range(300)], rng.standard_normal((300, 40)))
    write_vectors(many, path, "word2vec")
    whole = read_vectors(path).embeddings
    monkeypatch.setattr(vector_files, "CHUNK_BYTES", 100)  # smaller than one line
    pieces = read_vectors(path).embeddings
    assert pieces.words == whole.words
    np.testing.assert_array_equal(pieces.vectors, whole.vectors)
    write_vectors(many, tmp_path / "v.bin", "word2vec-binary")
    np.testing.assert_array_equal(read_vectors(tmp_path / "v.bin").embeddings.vectors,
                                  many.vectors)


def test_crlf_trailing_spaces_blank_lines_a_bom_and_no_final_newline(tmp_path):
    path = tmp_path / "messy.vec"
    path.write_bytes(b"\xef\xbb\xbf2 3\r\nalpha 1 2 3 \r\n\r\nbeta\t4  5 6")
    loaded = read_vectors(path)
    assert loaded.format == "word2vec"
    assert loaded.embeddings.words == ["alpha", "beta"]
    np.testing.assert_array_equal(loaded.embeddings.vectors, [[1, 2, 3], [4, 5, 6]])


def test_a_word_with_spaces_is_everything_before_the_last_d_numbers(tmp_path):
    path = tmp_path / "glove.840B.txt"
    path.write_text("the 0.1 0.2\nat name@domain.com 0.3 0.4\n. . . 0.5 0.6\n")
    loaded = read_vectors(path)
    assert loaded.embeddings.words == ["the", "at name@domain.com", ". . ."]
    np.testing.assert_allclose(loaded.embeddings.vectors[2], [0.5, 0.6])


def test_nan_and_infinite_rows_are_dropped_with_a_note(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("4 2\na 1 2\nb nan 2\nc 1e400 1\nd -inf 0\n")
    loaded = read_vectors(path)
    assert loaded.embeddings.words == ["a"]
    assert loaded.notes == ["Dropped 3 rows holding NaN or infinite values, which cannot be "
                            "compared or mapped (the first: 'b' on line 3)."]


def test_a_repeated_word_keeps_its_first_vector(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("a 1 2\nb 3 4\na 5 6\nb 7 8\nc 9 9\n")
    loaded = read_vectors(path)
    assert loaded.embeddings.words == ["a", "b", "c"]
    np.testing.assert_array_equal(loaded.embeddings.vectors, [[1, 2], [3, 4], [9, 9]])
    assert loaded.notes == ["Dropped 2 repeated words, keeping each word's first vector (the "
                            "first repeat: 'a' on line 3, first seen on line 1)."]


@pytest.mark.parametrize("format", ["word2vec", "word2vec-binary", "glove", "projector"])
def test_limit_keeps_the_first_words(tmp_path, toy, format):
    path = tmp_path / f"v{suffix(format)}"
    write_vectors(toy, path, format)
    loaded = read_vectors(path, limit=3)
    assert loaded.embeddings.words == WORDS[:3]
    assert len(loaded.embeddings.vectors) == 3
    if format == "glove":
        assert loaded.notes == ["Read the first 3 words (the limit); the rest of the file was "
                                "not read."]
    else:
        assert loaded.notes == ["Read the first 3 words of 9 (the limit)."]
    if format == "projector":
        assert loaded.metadata["word"] == WORDS[:3]
    assert read_vectors(path, limit=100).notes == []


def test_limit_counts_kept_words(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("a 1\na 2\nb 3\nc 4\n")
    loaded = read_vectors(path, limit=2)
    assert loaded.embeddings.words == ["a", "b"]


def test_progress_is_reported_and_a_stop_cancels(tmp_path, monkeypatch):
    monkeypatch.setattr(vector_files, "CHUNK_BYTES", 256)
    monkeypatch.setattr(vector_files, "PROGRESS_INTERVAL", 0.0)
    path = tmp_path / "v.txt"
    path.write_text("".join(f"w{i} {i} {i + 1} {i + 2}\n" for i in range(200)))
    calls = []
    read_vectors(path, progress=lambda done, total: calls.append((done, total)))
    size = path.stat().st_size
    assert len(calls) > 3 and calls[-1] == (size, size)
    assert all(total == size for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    polls = []

    def stop_on_the_third_poll() -> bool:
        polls.append(1)
        return len(polls) >= 3

    with pytest.raises(Cancelled):
        read_vectors(path, should_stop=stop_on_the_third_poll)
    with pytest.raises(Cancelled):
        read_vectors(path, should_stop=lambda: True)


# ---------------------------------------------------------------------------- detection
def test_the_name_does_not_decide_text_or_binary(tmp_path, toy):
    write_vectors(toy, tmp_path / "binary.txt", "word2vec-binary")
    write_vectors(toy, tmp_path / "text.bin", "word2vec")
    assert detect_format(tmp_path / "binary.txt") == "word2vec-binary"
    assert detect_format(tmp_path / "text.bin") == "word2vec"
    assert set(FORMATS) == {"word2vec", "word2vec-binary", "glove", "projector", "model",
                            "session"}


def test_a_small_binary_file_of_ascii_bytes_is_binary(tmp_path):
    # 3 words x 4 dims whose float bytes are all ASCII letters and digits: values ~1e-10
    rng = np.random.default_rng(7)
    alphabet = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    raw = rng.choice(alphabet, size=(3, 16)).astype(np.uint8)
    raw[:, 3::4] = rng.choice(np.frombuffer(b"0123", dtype=np.uint8), size=(3, 4))
    vectors = raw.view("<f4")
    assert np.all(np.abs(vectors) < 1e-6) and raw.tobytes().decode("utf-8")
    content = b"3 4\n" + b"".join(w + b" " + row.tobytes() + b"\n"
                                  for w, row in zip([b"ab", b"cd", b"ef"], raw, strict=True))
    path = tmp_path / "tiny.txt"
    path.write_bytes(content)
    assert detect_format(path) == "word2vec-binary"
    loaded = read_vectors(path)
    assert loaded.embeddings.words == ["ab", "cd", "ef"]
    np.testing.assert_array_equal(loaded.embeddings.vectors, vectors)


def test_a_text_file_that_also_fits_a_binary_reading_is_text(tmp_path):
    content = b"2 2\na 0.5 0.25\nb 1.0 2.0\n"
    body = content[4:]
    # read as binary, the same bytes are two records of 8 bytes that end exactly at the end
    fits, exact, _ = vector_files._binary_sample_fits(body, 2, 2, whole=True)
    assert fits and exact
    path = tmp_path / "ambiguous.bin"
    path.write_bytes(content)
    assert detect_format(path) == "word2vec"
    np.testing.assert_array_equal(read_vectors(path).embeddings.vectors, [[0.5, 0.25], [1, 2]])


def test_gensim_style_binary_without_newlines(tmp_path):
    vectors = np.array([[1.5, -2.0], [0.25, 8.0]], dtype="<f4")
    path = tmp_path / "gensim.bin"
    path.write_bytes(b"2 2\n" + b"one " + vectors[0].tobytes() + b"two " + vectors[1].tobytes())
    loaded = read_vectors(path)
    assert loaded.format == "word2vec-binary" and loaded.embeddings.words == ["one", "two"]
    np.testing.assert_array_equal(loaded.embeddings.vectors, vectors)


def test_a_binary_word_that_is_not_utf8_is_replaced_with_a_note(tmp_path):
    row = np.ones(3, dtype="<f4").tobytes()
    path = tmp_path / "cut.bin"
    path.write_bytes(b"2 3\ncaf\xc3 " + row + b"\nok " + row + b"\n")
    loaded = read_vectors(path)
    assert loaded.embeddings.words == ["caf\ufffd", "ok"]
    assert "1 word held bytes that are not UTF-8" in loaded.notes[0]


def test_is_vectors_file_tells_vectors_from_a_corpus(tmp_path, toy):
    write_vectors(toy, tmp_path / "v.txt", "glove")
    (tmp_path / "corpus.txt").write_text("the cat sat on the mat\nchapter 1\n")
    (tmp_path / "chapter.txt").write_text("chapter 1\nthe cat sat on the mat\n")
    assert is_vectors_file(tmp_path / "v.txt")
    assert not is_vectors_file(tmp_path / "corpus.txt")
    assert not is_vectors_file(tmp_path / "chapter.txt")
    assert not is_vectors_file(tmp_path)
    assert not is_vectors_file(tmp_path / "missing.txt")


# ---------------------------------------------------------------------------- metadata
def test_metadata_with_one_column_has_no_header(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("word\nother\n")
    assert read_metadata(path) == {"label": ["word", "other"]}


def test_metadata_with_several_columns_has_a_header(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_bytes("Word\tkind\r\ncafé\tdrink\r\ntea\t\r\n".encode())
    assert read_metadata(path) == {"Word": ["café", "tea"], "kind": ["drink", ""]}
    path.write_text("word\tkind\na\tb\tc\n")
    with pytest.raises(VectorFileError, match=r"labels.tsv, line 2: has 3 cells"):
        read_metadata(path)


@pytest.mark.parametrize("name", ["vectors_metadata.tsv", "metadata.tsv",
                                  "vectors.metadata.tsv"])
def test_projector_metadata_is_found_beside_the_vectors(tmp_path, name):
    (tmp_path / "vectors.tsv").write_text("0.1\t0.2\n0.3\t0.4\n")
    (tmp_path / name).write_text("index\tWORD\n0\tred\n1\tblue\n")
    loaded = read_vectors(tmp_path / "vectors.tsv")
    assert loaded.embeddings.words == ["red", "blue"]
    assert loaded.metadata == {"index": ["0", "1"], "WORD": ["red", "blue"]}


def test_projector_words_fall_back_to_the_first_column_then_row_numbers(tmp_path):
    (tmp_path / "v.tsv").write_text("0.1\t0.2\n0.3\t0.4\n")
    assert read_vectors(tmp_path / "v.tsv").embeddings.words == ["0", "1"]
    assert "No metadata file was found beside v.tsv" in read_vectors(tmp_path / "v.tsv").notes[0]
    (tmp_path / "labels.tsv").write_text("red\nblue\n")
    loaded = read_vectors(tmp_path / "v.tsv", metadata_path=tmp_path / "labels.tsv")
    assert loaded.embeddings.words == ["red", "blue"] and loaded.notes == []
    (tmp_path / "short.tsv").write_text("red\n")
    with pytest.raises(VectorFileError, match="more rows than its metadata has words"):
        read_vectors(tmp_path / "v.tsv", metadata_path=tmp_path / "short.tsv")


# ---------------------------------------------------------------------------- bad input
def binary_bytes(words: list[bytes], dim: int) -> bytes:
    row = struct.pack(f"<{dim}f", *range(dim))
    return f"{len(words)} {dim}\n".encode() + b"".join(w + b" " + row + b"\n" for w in words)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

BAD_FILES = [
    ("empty.vec", b"", r"empty.vec: is empty"),
    ("prose.txt", b"It was a dark and stormy night.\nThe end.\n",
     r"prose.txt, line 1: is not a vectors file: .* reads 'It was a dark"),
    ("image.vec", PNG, r"image.vec: is a PNG image, not a file of word vectors"),
    ("blob.txt", bytes(range(1, 256)) * 20, r"blob.txt.*binary data"),
    ("utf16.txt", "king 0.1 0.2\nqueen 0.3 0.4\n".encode("utf-16"), r"utf16.txt: is UTF-16"),
    ("cut.txt", b"3 4\na 1 2 3 4\nb 1 2 3 4\nc 1 2",
     r"cut.txt, line 4: ends in the middle of line 4 \(2 of 4 numbers\): it is cut off after "
     r"line 3, the last complete line"),
    ("more.txt", b"3 2\na 1 2\nb 3 4\n",
     r"more.txt: has 2 rows but its header promises 3: it is cut off after line 3"),
    ("fewer.txt", b"1 2\na 1 2\nb 3 4\n",
     r"fewer.txt, line 3: has more rows than the 1 its header promises"),
    ("mixed.txt", b"2 4\na 1 2 3 4\nb 1 2\n",
     r"mixed.txt, line 3: has 2 numbers, but the header says 4 \(rows of mixed dimensions\)"),
    ("mixed.glove", b"a 1 2 3\nb 1 2 3\nc 1 2 3 4\n",
     r"mixed.glove, line 3: has 4 numbers, but line 1 has 3"),
    ("nan.txt", b"2 2\na 1 2\nb 1 x\n", r"nan.txt, line 3: 'x' is not a number"),
    ("comma.txt", b"a 1,5 2\n", r"comma.txt, line 1: is not a vectors file"),
    ("comma2.txt", b"a 1.5 2\nb 1,5 2\n", r"comma2.txt, line 2: '1,5' is not a number"),
    ("zero.txt", b"3 0\n", r"zero.txt, line 1: has an impossible header"),
    ("huge.txt", b"1000000 300\na 1\n", r"huge.txt, line 1: has a header promising 1,000,000"),
    ("none.txt", b"0 5\n", r"none.txt, line 1: holds no vectors"),
    ("allnan.txt", b"a nan 1\nb inf 2\n", r"allnan.txt: none of its 2 rows can be used"),
    ("wordonly.txt", b"2 2\na 1 2\nb\n", r"wordonly.txt, line 3: has a word but no numbers"),
    ("cutbin.bin", binary_bytes([b"one", b"two", b"three"], 8)[:-20],
     r"cutbin.bin: ends inside word 3 of the 3 its header promises after word 2 \('two'\): "
     r"it is cut off"),
    ("longbin.bin", binary_bytes([b"one", b"two"], 8) + b"three " + bytes(32),
     r"longbin.bin: has more data after the 2 words its header promises"),
    ("zip.txt", b"PK\x03\x04" + bytes(100), r"zip.txt: is not a readable .txt file|zip"),
    ("fasttext.bin", b"\xba\x16\x4f\x2f" + bytes(100),
     r"is a fastText model, not a file of word vectors.*\.vec"),
]


@pytest.mark.parametrize("name,content,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_reported_with_the_file_line_and_fix(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(VectorFileError, match=message) as caught:
        read_vectors(path)
    assert str(path) in str(caught.value)
    assert caught.value.path == path


def test_a_projector_metadata_file_opened_by_mistake_says_so(tmp_path):
    path = tmp_path / "words.tsv"
    path.write_text("word\tcount\nthe\t5\n")
    with pytest.raises(VectorFileError, match="open the vectors TSV beside it"):
        read_vectors(path)


def test_naming_the_wrong_format_is_an_error(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("king 0.1 0.2\n")
    with pytest.raises(VectorFileError, match="has no '<words> <dimensions>' header"):
        read_vectors(path, format="word2vec")
    with pytest.raises(ValueError, match="format must be one of"):
        read_vectors(path, format="csv")


def test_words_a_format_cannot_hold_are_refused_when_writing(tmp_path):
    spaced = Embeddings(["new york", "b"], np.ones((2, 2)))
    with pytest.raises(VectorFileError, match="word 1 \\('new york'\\) holds a space"):
        write_vectors(spaced, tmp_path / "v.bin", "word2vec-binary")
    write_vectors(spaced, tmp_path / "v.txt", "glove")  # text can: the last d are numbers
    assert read_vectors(tmp_path / "v.txt").embeddings.words == ["new york", "b"]
    assert not (tmp_path / "v.bin").exists()


# ---------------------------------------------------------------------------- gensim
@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_what_we_write_and_we_read_what_gensim_writes(tmp_path, toy, binary):
    keyed_vectors = pytest.importorskip("gensim.models").KeyedVectors
    words = [w for w in WORDS if "\x85" not in w]  # gensim's text reader splits on U+0085
    ours = Embeddings(words, toy.vectors[:len(words)])
    path = tmp_path / "ours"
    write_vectors(ours, path, "word2vec-binary" if binary else "word2vec")
    theirs = keyed_vectors.load_word2vec_format(str(path), binary=binary)
    assert list(theirs.index_to_key) == words
    np.testing.assert_array_equal(theirs.vectors, read_vectors(path).embeddings.vectors)

    vectors = keyed_vectors(5)
    vectors.add_vectors(WORDS, toy.vectors)
    path = tmp_path / "gensim"
    vectors.save_word2vec_format(str(path), binary=binary)
    loaded = read_vectors(path)
    assert loaded.format == ("word2vec-binary" if binary else "word2vec")
    assert loaded.embeddings.words == WORDS
    np.testing.assert_array_equal(loaded.embeddings.vectors, toy.vectors)
    vectors.save_word2vec_format(str(path), write_header=False)
    glove = read_vectors(path)
    assert glove.format == "glove" and glove.embeddings.words == WORDS
    np.testing.assert_array_equal(glove.embeddings.vectors, toy.vectors)


def test_a_limit_that_reaches_the_end_adds_no_note(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("a 1 2\nb 3 4\n\n")
    assert read_vectors(path, limit=2).notes == []
    assert read_vectors(path, limit=1).notes == [
        "Read the first 1 word (the limit); the rest of the file was not read."]
