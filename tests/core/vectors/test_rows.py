"""core.vectors.rows on its own: the policies every reader shares (a repeated word keeps its
first vector, a non-finite row is dropped, bytes that are not UTF-8 become U+FFFD, reading
stops at the limit) and the notes that say what was dropped."""

from pathlib import Path

import numpy as np
import pytest

from core.vectors.rows import Rows, counted, decode_words, limit_note, plural
from core.vectors.types import VectorFileError

PATH = Path("vectors.txt")


def block(*rows) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def test_rows_in_file_order_fill_one_float32_matrix_beyond_its_first_capacity():
    rows = Rows(PATH, dim=2, capacity=1, limit=None, track_rows=True)
    rows.add(["a", "b"], block([1, 2], [3, 4]), [1, 2])
    rows.add(["c"], block([5, 6]), [3])
    matrix = rows.matrix()
    assert matrix.dtype == np.float32 and matrix.shape == (3, 2)
    assert matrix.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert rows.words == ["a", "b", "c"] and rows.rows_read == 3
    assert rows.kept_rows == [0, 1, 2] and rows.notes() == []


def test_a_repeated_word_keeps_its_first_vector_and_a_note_names_both_lines():
    rows = Rows(PATH, dim=1, capacity=4, limit=None, track_rows=True)
    rows.add(["a", "b"], block([1], [2]), [2, 3])
    rows.add(["b", "c", "a"], block([9], [3], [8]), [4, 5, 6])  # across blocks too
    assert rows.words == ["a", "b", "c"] and rows.matrix().ravel().tolist() == [1, 2, 3]
    assert rows.kept_rows == [0, 1, 3] and rows.rows_read == 5
    assert rows.notes() == ["Dropped 2 repeated words, keeping each word's first vector (the "
                            "first repeat: 'b' on line 4, first seen on line 3)."]


def test_non_finite_rows_are_dropped_with_a_note():
    rows = Rows(PATH, dim=2, capacity=4, limit=None, unit="word")
    rows.add(["a", "b", "c", "d"], block([1, np.nan], [1, 2], [np.inf, 0], [1e39, 0]),
             [1, 2, 3, 4])  # 1e39 is infinite in float32
    assert rows.words == ["b"]
    (note,) = rows.notes()
    assert note.startswith("Dropped 3 rows holding NaN or infinite values")
    assert "(the first: 'a' on word 1)" in note


def test_the_limit_stops_reading_and_counts_kept_words_not_rows():
    rows = Rows(PATH, dim=1, capacity=2, limit=2)
    rows.add(["a", "a", "b", "c"], block([1], [2], [3], [4]), [1, 2, 3, 4])
    assert rows.full and rows.words == ["a", "b"]
    assert rows.rows_read == 3  # "c" was not read: the limit came first
    rows.add(["d"], block([5]), [5])
    assert rows.words == ["a", "b"] and rows.rows_read == 3


def test_words_that_are_not_utf8_become_replacement_characters_with_a_note():
    rows = Rows(PATH, dim=1, capacity=3, limit=None)
    rows.add_encoded([b"caf\xc3\xa9", b"bad\xff", b"also\xfe"], block([1], [2], [3]), [1, 2, 3])
    assert rows.words == ["café", "bad\ufffd", "also\ufffd"]
    (note,) = rows.notes()
    assert note.startswith("2 words held bytes that are not UTF-8")
    assert "(the first: 'bad\ufffd' on line 2)" in note


def test_a_word_past_the_limit_is_not_counted_as_undecodable():
    rows = Rows(PATH, dim=1, capacity=1, limit=1)
    rows.add_encoded([b"ok", b"bad\xff"], block([1], [2]), [1, 2])
    assert rows.words == ["ok"] and rows.undecodable == 0 and rows.notes() == []


def test_no_usable_row_is_an_error_that_says_why():
    empty = Rows(PATH, dim=1, capacity=1, limit=None)
    with pytest.raises(VectorFileError, match="holds no vectors"):
        empty.check_not_empty()
    one = Rows(PATH, dim=1, capacity=1, limit=None)
    one.add(["a"], block([np.nan]), [1])
    with pytest.raises(VectorFileError, match="its only row cannot be used: Dropped 1 row "):
        one.check_not_empty()
    many = Rows(PATH, dim=1, capacity=1, limit=None)
    many.add(["a", "b"], block([np.nan], [np.inf]), [1, 2])
    with pytest.raises(VectorFileError, match="none of its 2 rows can be used"):
        many.check_not_empty()
    many.add(["c"], block([1]), [3])
    many.check_not_empty()  # one row is enough


def test_decode_words_reports_which_words_were_replaced():
    assert decode_words([b"a", b"b"]) == (["a", "b"], [])
    assert decode_words([b"a", b"\xffb", b"c"]) == (["a", "\ufffdb", "c"], [1])
    # a newline inside a word must not split it when they are decoded at once
    assert decode_words([b"a\nb", b"c"]) == (["a\nb", "c"], [])


def test_counts_agree_with_their_nouns():
    assert (plural(1), plural(0), plural(2)) == ("", "s", "s")
    assert counted(1, "row") == "1 row"
    assert counted(1000, "word") == "1,000 words"
    assert limit_note(1, 10) == "Read the first 1 word of 10 (the limit)."
    assert limit_note(2000, None) == ("Read the first 2,000 words (the limit); the rest of the "
                                      "file was not read.")
