"""core.vectors.detection on its own: which format a file holds, where its rows start and
what its header says, and the message for a file that is not (or not quite) vectors."""

import gzip

import numpy as np
import pytest

from core.vectors.detection import (
    Layout,
    binary_dimension,
    detect,
    layout_for,
    looks_like_vectors,
)
from core.vectors.types import VectorFileError

WORDS = ["the", "cat", "sat", "on", "mat"]


def vectors(dim: int = 3, rows: int = len(WORDS)) -> np.ndarray:
    return np.random.default_rng(dim).standard_normal((rows, dim)).astype(np.float32)


def text_rows(values: np.ndarray, words=WORDS, separator: str = " ") -> str:
    return "".join(word + separator + separator.join(f"{v:.6f}" for v in row) + "\n"
                   for word, row in zip(words, values, strict=True))


def binary_records(values: np.ndarray, words=WORDS, newline: bool = True) -> bytes:
    end = b"\n" if newline else b""
    return b"".join(word.encode() + b" " + row.astype("<f4").tobytes() + end
                    for word, row in zip(words, values, strict=True))


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# ------------------------------------------------------------------ every format told apart


def test_word2vec_text_after_a_header(tmp_path):
    header = "5 3\n"
    path = write(tmp_path, "v.txt", header + text_rows(vectors()))
    assert detect(path) == Layout("word2vec", data_start=len(header), first_line=2, vocab=5,
                                  dim=3)


def test_word2vec_binary_after_a_header_with_or_without_newlines(tmp_path):
    for newline in (True, False):
        path = write(tmp_path, "v.bin", b"5 3\n" + binary_records(vectors(), newline=newline))
        assert detect(path) == Layout("word2vec-binary", 4, 2, 5, 3)


def test_a_byte_order_mark_is_skipped_and_the_rows_start_after_it(tmp_path):
    path = write(tmp_path, "v.txt", b"\xef\xbb\xbf5 3\n" + text_rows(vectors()).encode())
    layout = detect(path)
    assert (layout.format, layout.data_start, layout.vocab, layout.dim) == ("word2vec", 7, 5, 3)
    glove = write(tmp_path, "g.txt", b"\xef\xbb\xbf" + text_rows(vectors(4)).encode())
    assert detect(glove) == Layout("glove", 3, 1, None, 4)


def test_glove_has_no_header_and_its_dimension_is_the_commonest_row(tmp_path):
    path = write(tmp_path, "glove.txt", text_rows(vectors(4)))
    assert detect(path) == Layout("glove", 0, 1, None, 4)
    # a word may hold spaces: the rows of single words tell the dimension
    spaced = text_rows(vectors(2), words=["new york", *WORDS[1:]])
    assert detect(write(tmp_path, "spaced.txt", spaced)).dim == 2


def test_projector_tsv_is_numbers_only_between_tabs(tmp_path):
    rows = "".join("\t".join(f"{v:.5f}" for v in row) + "\n" for row in vectors(6))
    assert detect(write(tmp_path, "vectors.tsv", rows)) == Layout("projector", 0, 1, None, 6)
    # one number a row is a Projector file when the name says .tsv
    assert detect(write(tmp_path, "one.tsv", "0.5\n-1\n2e3\n")).format == "projector"


def test_models_and_sessions_are_told_by_the_arrays_they_hold(tmp_path):
    model = tmp_path / "model.npz"
    np.savez(model, center_vectors=vectors(), words=np.array(WORDS))
    assert detect(model) == Layout("model")
    session = tmp_path / "run.w2vsession"
    with open(session, "wb") as stream:
        np.savez(stream, session_version=np.int64(1))
    assert detect(session) == Layout("session")
    other = tmp_path / "other.npz"
    np.savez(other, something=np.zeros(3))
    with pytest.raises(VectorFileError, match="an archive but not a Word2Vec Studio model"):
        detect(other)
    fake = write(tmp_path, "fake.npz", "0.1 0.2\n")
    with pytest.raises(VectorFileError, match="not a readable .npz file"):
        detect(fake)


# ------------------------------------------------------------------ headers that are wrong


def test_a_header_whose_dimension_is_not_the_rows_names_the_right_one(tmp_path):
    path = write(tmp_path, "v.txt", "5 4\n" + text_rows(vectors(3)))
    with pytest.raises(VectorFileError, match=r"header's dimension is wrong") as caught:
        detect(path)
    assert "Fix line 1 to '5 3'" in str(caught.value)


def test_a_binary_header_whose_dimension_is_wrong_names_the_records_one(tmp_path):
    path = write(tmp_path, "v.bin", b"5 7\n" + binary_records(vectors(3)))
    with pytest.raises(VectorFileError, match=r"records line up as 3 numbers per word"):
        detect(path)


def test_binary_dimension_finds_how_records_line_up():
    body = binary_records(vectors(6))
    assert binary_dimension(body, 5, whole=True) == (6, 5)
    assert binary_dimension(body, 5, whole=False) == (6, 5)
    assert binary_dimension(b"nospacesatall", 5, whole=True) is None


def test_a_header_of_three_fields_over_rows_is_named_a_header(tmp_path):
    path = write(tmp_path, "v.txt", "5 3 9\n" + text_rows(vectors(3)))
    with pytest.raises(VectorFileError, match=r"looks like a header") as caught:
        detect(path)
    assert "Fix line 1 to '5 3'" in str(caught.value)


@pytest.mark.parametrize(("header", "message"), [
    ("0 3\n", "holds no vectors"),
    ("5 0\n", "impossible header"),
    ("1000000 3\n", r"more than its [0-9]+ bytes can hold"),
])
def test_headers_that_cannot_be_true_are_refused(tmp_path, header, message):
    body = "" if header.startswith("0") else text_rows(vectors())
    with pytest.raises(VectorFileError, match=message):
        detect(write(tmp_path, "v.txt", header + body))


def test_a_header_of_zero_words_over_rows_says_rows_follow(tmp_path):
    with pytest.raises(VectorFileError, match="promising 0 words, but rows follow"):
        detect(write(tmp_path, "v.txt", "0 3\n" + text_rows(vectors())))


# ------------------------------------------------------------------ not vectors


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"the cat sat on the mat\nand so on\n", "line 1 should be a '<words> <dimensions>'"),
    (b"\n\nthe cat sat\n", "starts with an empty line, then reads 'the cat sat'"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "not a file of word vectors"),
])
def test_files_that_are_not_vectors_say_what_they_are(tmp_path, content, message):
    with pytest.raises(VectorFileError, match=message):
        detect(write(tmp_path, "v.txt", content))


def test_a_blank_first_line_above_rows_is_named(tmp_path):
    with pytest.raises(VectorFileError, match="starts with an empty line") as caught:
        detect(write(tmp_path, "v.txt", "\n" + text_rows(vectors())))
    assert caught.value.line == 1 and "Remove it" in str(caught.value)


def test_compressed_vectors_say_to_decompress_first(tmp_path):
    path = write(tmp_path, "v.txt.gz", gzip.compress(("5 3\n" + text_rows(vectors())).encode()))
    with pytest.raises(VectorFileError, match="must be decompressed first"):
        detect(path)


def test_a_folder_is_not_a_vectors_file(tmp_path):
    with pytest.raises(VectorFileError, match="is a folder"):
        detect(tmp_path)


def test_rows_that_stop_being_rows_are_named_by_line(tmp_path):
    content = text_rows(vectors(4))[:-1] + "\nthis line is prose and nothing else\n"
    with pytest.raises(VectorFileError, match=r"line 6 reads 'this line is prose") as caught:
        detect(write(tmp_path, "glove.txt", content))
    assert caught.value.line == 6


# ------------------------------------------------------------------ looks_like_vectors


@pytest.mark.parametrize("name", ["v.vec", "v.bin", "v.tsv", "v.npz", "v.w2vsession",
                                  "v.vec.gz", "v.bin.xz"])
def test_a_vectors_name_is_enough_without_reading(tmp_path, name):
    assert looks_like_vectors(tmp_path / name)  # the file does not even exist


def test_looks_like_vectors_reads_the_content_otherwise(tmp_path):
    assert looks_like_vectors(write(tmp_path, "a.txt", text_rows(vectors())))
    assert looks_like_vectors(write(tmp_path, "b.txt", b"5 3\n" + binary_records(vectors())))
    assert looks_like_vectors(write(tmp_path, "c.gz", gzip.compress(
        text_rows(vectors()).encode())))
    assert not looks_like_vectors(write(tmp_path, "d.txt", "the cat sat on the mat\n" * 20))
    # a few rows among prose are not enough: three in four lines must be rows
    mixed = text_rows(vectors()) + "a line of prose here\n" * 6
    assert not looks_like_vectors(write(tmp_path, "e.txt", mixed))
    with pytest.raises(VectorFileError):
        looks_like_vectors(tmp_path / "missing.txt")


# ------------------------------------------------------------------ layout_for


def test_layout_for_a_named_format_reads_only_the_header(tmp_path):
    path = write(tmp_path, "v.txt", "5 3\n" + text_rows(vectors()))
    assert layout_for(path, "word2vec") == Layout("word2vec", 4, 2, 5, 3)
    assert layout_for(tmp_path / "never-read.npz", "model") == Layout("model")
    glove = write(tmp_path, "g.txt", text_rows(vectors(4)))
    assert layout_for(glove, "glove") == Layout("glove", 0, 1, None, 4)


def test_layout_for_refuses_a_format_the_file_is_not(tmp_path):
    glove = write(tmp_path, "g.txt", text_rows(vectors(4)))
    with pytest.raises(VectorFileError, match="has no '<words> <dimensions>' header"):
        layout_for(glove, "word2vec")
    with pytest.raises(VectorFileError, match="line 1 is not a row of projector vectors"):
        layout_for(glove, "projector")
    with pytest.raises(VectorFileError, match="is empty"):
        layout_for(write(tmp_path, "blank.txt", "\n\n"), "glove")
