"""core.vectors.projector_metadata on its own: the Embedding Projector's label TSV read as
columns, and found beside its vectors file by the names the Projector uses."""

import pytest

from core.vectors.projector_metadata import projector_words, read_metadata
from core.vectors.types import VectorFileError


def test_one_column_has_no_header_and_is_called_label(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("word\ncafé\n\n")  # an empty label is a label; the last newline ends it
    assert read_metadata(path) == {"label": ["word", "café", ""]}


def test_several_columns_have_a_header_and_crlf_is_tolerated(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_bytes(b"\xef\xbb\xbfWord\tkind\r\nred\tcolour\r\nup\t\r\n")
    assert read_metadata(path) == {"Word": ["red", "up"], "kind": ["colour", ""]}


def test_only_a_newline_ends_a_row(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_bytes("a\u2028b\nc\x85d\n".encode())  # other line breaks stay in the label
    assert read_metadata(path) == {"label": ["a\u2028b", "c\x85d"]}


def test_two_columns_of_one_name_keep_both(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("word\tword\tword\nred\tRed\tRED\n")
    assert read_metadata(path) == {"word": ["red"], "word (2)": ["Red"], "word (3)": ["RED"]}


@pytest.mark.parametrize(("content", "message", "line"), [
    (b"", "is empty", None),
    (b"word\tkind\nred\tcolour\nblue\n", "has 1 cell but the header has 2", 3),
    (b"word\tkind\nred\tcolour\textra\n", "has 3 cells but the header has 2", 2),
    (b"ok\nbad \xff byte\n", "is not UTF-8 text", 2),
    ("word\nred\n".encode("utf-16"), "is UTF-16 text, not UTF-8", None),
])
def test_bad_metadata_says_what_is_wrong_and_where(tmp_path, content, message, line):
    path = tmp_path / "labels.tsv"
    path.write_bytes(content)
    with pytest.raises(VectorFileError, match=message) as caught:
        read_metadata(path)
    assert caught.value.line == line
    assert "labels.tsv" in str(caught.value)


def test_a_missing_metadata_file_cannot_be_read(tmp_path):
    with pytest.raises(VectorFileError, match="cannot be read"):
        read_metadata(tmp_path / "absent.tsv")


@pytest.mark.parametrize("name", ["vectors_metadata.tsv", "metadata.tsv",
                                  "vectors.metadata.tsv"])
def test_the_metadata_is_found_beside_the_vectors_by_name(tmp_path, name):
    vectors = tmp_path / "vectors.tsv"
    vectors.write_text("0.1\t0.2\n")
    (tmp_path / name).write_text("red\n")
    assert projector_words(vectors, None) == ({"label": ["red"]}, ["red"], "")


def test_the_first_name_the_projector_uses_wins(tmp_path):
    vectors = tmp_path / "vectors.tsv"
    vectors.write_text("0.1\t0.2\n")
    (tmp_path / "metadata.tsv").write_text("second\n")
    (tmp_path / "vectors_metadata.tsv").write_text("first\n")
    assert projector_words(vectors, None)[1] == ["first"]


def test_the_words_are_the_word_column_else_the_first(tmp_path):
    vectors = tmp_path / "v.tsv"
    given = tmp_path / "given.tsv"
    given.write_text("index\tWORD\n0\tred\n")
    metadata, words, note = projector_words(vectors, given)
    assert metadata == {"index": ["0"], "WORD": ["red"]} and words == ["red"] and note == ""
    given.write_text("name\tkind\nred\tcolour\n")
    assert projector_words(vectors, given)[1] == ["red"]


def test_without_metadata_the_words_are_row_numbers_and_a_note_says_so(tmp_path):
    vectors = tmp_path / "v.tsv"
    vectors.write_text("0.1\t0.2\n")
    metadata, words, note = projector_words(vectors, None)
    assert metadata == {} and words is None
    assert "No metadata file was found beside v.tsv" in note
    assert "v_metadata.tsv" in note and "0, 1, 2" in note


def test_a_vectors_file_named_metadata_is_not_its_own_metadata(tmp_path):
    vectors = tmp_path / "metadata.tsv"
    vectors.write_text("0.1\t0.2\n")
    assert projector_words(vectors, None)[1] is None
