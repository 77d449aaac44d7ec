"""Vectors or corpus (issue 16, finding 11) and the messages for files that mislead (finding
12): a vectors file that cannot be read is never taken for a corpus, and says why."""

import bz2
import gzip
import lzma
import struct
import warnings

import numpy as np
import pytest

from core.data.corpus import load_corpus
from core.open_vectors import read_vectors
from core.vectors.embeddings import Embeddings
from core.vectors.reading import VectorFileError, classify_file, is_vectors_file, write_vectors

WORDS = [f"w{i}" for i in range(40)]


@pytest.fixture
def vectors() -> Embeddings:
    rng = np.random.default_rng(5)
    return Embeddings(WORDS, rng.standard_normal((len(WORDS), 8)).astype(np.float32))


def text_vectors(vectors: Embeddings, tmp_path) -> bytes:
    write_vectors(vectors, tmp_path / "source.txt", "word2vec")
    return (tmp_path / "source.txt").read_bytes()


def binary_vectors(vectors: Embeddings, tmp_path, newlines: bool = True) -> bytes:
    records = [w.encode() + b" " + v.astype("<f4").tobytes() + (b"\n" if newlines else b"")
               for w, v in zip(vectors.words, vectors.vectors, strict=True)]
    return f"{len(vectors)} {vectors.dim}\n".encode() + b"".join(records)


def body(content: bytes) -> bytes:
    """All after the header line."""
    return content.split(b"\n", 1)[1]


def old_fasttext_model(dim: int = 10) -> bytes:
    """The start of a fastText model from before its magic number: the training arguments
    (dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
    lrUpdateRate, t), then the dictionary."""
    arguments = struct.pack("<12id", dim, 5, 5, 5, 5, 1, 2, 2, 2_000_000, 3, 6, 100, 1e-4)
    dictionary = struct.pack("<3iq", 2, 2, 0, 10) + b"the\x00" + struct.pack("<qb", 6, 0)
    return arguments + dictionary + bytes(64)


PROSE = (b"It was a bright cold day in April, and the clocks were striking thirteen.\n"
         b"Winston Smith slipped quickly through the glass doors of Victory Mansions.\n")


# ---------------------------------------------------------------------------- finding 11
@pytest.mark.parametrize("format,name", [("word2vec", "v.vec"), ("word2vec-binary", "v.bin"),
                                         ("glove", "v.txt"), ("projector", "v.tsv")])
def test_readable_vectors_are_vectors(tmp_path, vectors, format, name):
    write_vectors(vectors, tmp_path / name, format)
    assert classify_file(tmp_path / name) == "vectors"
    assert classify_file(str(tmp_path / name)) == "vectors"


@pytest.mark.parametrize("name,content", [
    ("prose.txt", PROSE),
    ("numbered.txt", b"1984 2001\n" + PROSE * 3),  # line 1 is two numbers: not a header
    ("big_numbered.txt", b"12 3\n" + PROSE * 20_000),  # 3 MB: the header fits the size
    ("blank.txt", b"\n\n" + PROSE),
    ("chapters.txt", b"chapter 1\nchapter 2\nchapter 3\n" + PROSE),
    ("empty.txt", b""),
    ("sst.txt", b"sentence_index\tsentence\n1\tA film , finally .\n2\tIt 's good\n"),
    ("utf16.txt", PROSE.decode().encode("utf-16")),
    ("text8", b" ".join([b"anarchism", b"originated", b"as", b"a", b"term"] * 300_000)),
])
def test_prose_is_a_corpus(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert classify_file(path) == "corpus"


@pytest.mark.parametrize("opener,suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2"),
                                           (lzma.open, ".xz")])
def test_a_compressed_corpus_is_a_corpus(tmp_path, opener, suffix):
    path = tmp_path / f"corpus.txt{suffix}"
    with opener(path, "wb") as stream:
        stream.write(PROSE * 10)
    assert classify_file(path) == "corpus"
    assert load_corpus(path).token_count > 0


def test_a_folder_is_a_corpus(tmp_path):
    (tmp_path / "a.txt").write_bytes(PROSE)
    assert classify_file(tmp_path) == "corpus"


def unreadable_vectors(vectors: Embeddings, tmp_path) -> list[tuple[str, bytes, str]]:
    text = text_vectors(vectors, tmp_path)
    binary = binary_vectors(vectors, tmp_path)
    rows = body(text)
    return [
        ("three_fields.txt", b"40 8 1\n" + rows,
         r"three_fields.txt, line 1: reads '40 8 1', which looks like a header, but a header "
         r"is two whole numbers, '<words> <dimensions>', and the rows below have 8 numbers "
         r"each. Fix line 1 to '40 8'"),
        ("three_fields_word.txt", b"40 8 x\n" + rows, r"line 1: reads '40 8 x', which looks "
         r"like a header"),
        ("wrong_text_dim.txt", b"40 7\n" + rows,
         r"wrong_text_dim.txt, line 1: has a header saying 7 numbers per word, but its rows "
         r"have 8 numbers per word: the header's dimension is wrong. Fix line 1 to '40 8'"),
        ("bad_token.txt", b"40 8\n" + rows.replace(b"\n", b" e-01\n", 1),
         r"bad_token.txt, line 2: has 9 numbers, but the header says 8"),
        ("wrong_binary_dim.bin", b"40 10\n" + body(binary),
         r"records line up as 8 numbers per word: the header's dimension is wrong"),
        ("vectors.txt.gz", gzip.compress(text),
         r"vectors.txt.gz: holds gzip-compressed word vectors, which must be decompressed "
         r"first. Decompress it \(gzip -dc vectors.txt.gz > vectors.txt\) and open "
         r"vectors.txt\."),
        ("vectors.vec.gz", gzip.compress(text), r"gzip -dc vectors.vec.gz > vectors.vec"),
        ("vectors.txt.bz2", bz2.compress(text), r"bzip2 -dc vectors.txt.bz2 > vectors.txt"),
        ("binary.bin.gz", gzip.compress(binary), r"holds gzip-compressed word vectors"),
        ("model.bin", old_fasttext_model(), r"model.bin: is a fastText model, not a file of "
         r"word vectors. .*load_facebook_model.*save_word2vec_format.*print-word-vectors"),
        ("new_model.bin", struct.pack("<ii", 793712314, 12) + old_fasttext_model(300),
         r"is a fastText model"),
        ("prose.vec", PROSE, r"prose.vec, line 1: is not a vectors file"),
        ("prose.bin", PROSE, r"prose.bin, line 1: is not a vectors file"),
        ("table.tsv", b"name\tvalue\nred\t5\n", r"table.tsv, line 1: is not a vectors file"),
        ("blank_line.txt", b"\n" + text, r"blank_line.txt, line 1: starts with an empty line"),
        ("utf16_vectors.txt", text.decode().encode("utf-16-le"),
         r"utf16_vectors.txt: is UTF-16 text, not UTF-8. Convert it \(iconv -f UTF-16LE -t "
         r"UTF-8 utf16_vectors.txt > utf16_vectors-utf8.txt\)"),
        ("glove.6B.txt", b"PK\x03\x04" + bytes(60), r"zip archive"),
        ("cut.txt", text[:-30], r"cut.txt, line 41: ends in the middle of line 41"),
    ]


def test_vectors_that_cannot_be_read_are_never_a_corpus(tmp_path, vectors):
    for name, content, message in unreadable_vectors(vectors, tmp_path):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(VectorFileError, match=message) as classified:
            classify_file(path)
        assert classified.value.path == path
        with pytest.raises(VectorFileError) as read:
            read_vectors(path)
        assert str(read.value) == str(classified.value), name  # the same words both ways


def test_a_missing_file_cannot_be_classified(tmp_path):
    with pytest.raises(VectorFileError, match=r"missing.txt: cannot be read"):
        classify_file(tmp_path / "missing.txt")


def test_is_vectors_file_still_never_raises(tmp_path, vectors):
    for name, content, _ in unreadable_vectors(vectors, tmp_path):
        (tmp_path / name).write_bytes(content)
        assert is_vectors_file(tmp_path / name) in (True, False)
    write_vectors(vectors, tmp_path / "v.txt", "glove")
    assert is_vectors_file(tmp_path / "v.txt")


# ---------------------------------------------------------------------------- finding 12
@pytest.mark.parametrize("codec,name", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
                                        ("utf-16-be", "UTF-16BE")])
def test_utf16_vectors_say_utf16_and_how_to_convert(tmp_path, vectors, codec, name):
    path = tmp_path / "v.txt"
    path.write_bytes(text_vectors(vectors, tmp_path).decode().encode(codec))
    with pytest.raises(VectorFileError, match=rf"is UTF-16 text, not UTF-8. Convert it "
                       rf"\(iconv -f {name} -t UTF-8 v.txt > v-utf8.txt\) and open v-utf8.txt"):
        read_vectors(path)


def test_an_old_fasttext_model_is_named_not_an_empty_line(tmp_path):
    path = tmp_path / "wiki.bin"
    content = old_fasttext_model(dim=10)
    assert content[0] == 0x0A
    path.write_bytes(content)
    with pytest.raises(VectorFileError) as caught:
        read_vectors(path)
    message = str(caught.value)
    assert "empty line" not in message
    assert "is a fastText model, not a file of word vectors" in message
    assert "load_facebook_model('wiki.bin').wv.save_word2vec_format('wiki.vec')" in message
    assert "fasttext print-word-vectors wiki.bin" in message


@pytest.mark.parametrize("header_dim", [6, 7, 10, 300])
@pytest.mark.parametrize("newlines", [True, False])
def test_a_wrong_binary_dimension_is_not_blamed_on_a_cut_off_file(tmp_path, vectors,
                                                                   header_dim, newlines):
    path = tmp_path / "v.bin"
    path.write_bytes(f"40 {header_dim}\n".encode()
                     + body(binary_vectors(vectors, tmp_path, newlines)))
    with pytest.raises(VectorFileError) as caught:
        read_vectors(path)
    message = str(caught.value)
    assert "cut off" not in message
    assert (f"has a header saying {header_dim} numbers per word, but its records line up as "
            "8 numbers per word: the header's dimension is wrong. Fix line 1 to '40 8'."
            ) in message


def test_a_large_binary_file_with_a_wrong_dimension(tmp_path):
    rng = np.random.default_rng(2)
    many = Embeddings([f"word{i}" for i in range(3000)],
                      rng.standard_normal((3000, 100)).astype(np.float32))
    write_vectors(many, tmp_path / "v.bin", "word2vec-binary")
    content = (tmp_path / "v.bin").read_bytes()
    (tmp_path / "wrong.bin").write_bytes(b"3000 120\n" + body(content))
    with pytest.raises(VectorFileError, match=r"records line up as 100 numbers per word"):
        read_vectors(tmp_path / "wrong.bin")


def test_binary_records_that_line_up_with_no_dimension_say_so(tmp_path):
    path = tmp_path / "v.bin"
    rng = np.random.default_rng(4)
    noise = rng.integers(0, 256, 4000, dtype=np.uint8).tobytes().replace(b" ", b"\x01")
    path.write_bytes(b"40 8\nw0 " + noise)
    with pytest.raises(VectorFileError, match=r"records do not line up with the header's 8 "
                       r"numbers per word, nor with any other dimension"):
        read_vectors(path)


def test_a_binary_file_cut_off_is_still_called_cut_off(tmp_path, vectors):
    path = tmp_path / "v.bin"
    path.write_bytes(binary_vectors(vectors, tmp_path)[:-20])
    with pytest.raises(VectorFileError, match=r"ends inside word 40 of the 40 its header "
                       r"promises after word 39 \('w38'\): it is cut off"):
        read_vectors(path)


@pytest.mark.parametrize("name,content,message", [
    ("one_row.txt", b"2 2\na 1 2\n", r"has 1 row but its header promises 2"),
    ("only_row.txt", b"a nan 1\n", r"its only row cannot be used: Dropped 1 row holding"),
    ("dim_one.txt", b"1000000 1\na 1\n",
     r"has a header promising 1,000,000 words of 1 number, more than its 14 bytes"),
    ("one_number.txt", b"a 1\nhello world again\n",
     r"line 1 has 1 number but line 2 reads 'hello world again'"),
    ("one_word.txt", b"1 1\n", r"has 0 rows but its header promises 1"),
])
def test_counts_agree_with_their_nouns(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(VectorFileError, match=message) as caught:
        read_vectors(path)
    assert not any(bad in str(caught.value) for bad in ("1 rows", "1 numbers", "1 words"))


def test_projector_row_counts_agree_with_their_nouns(tmp_path):
    (tmp_path / "v.tsv").write_text("0.1\t0.2\n")
    (tmp_path / "labels.tsv").write_text("red\nblue\n")
    with pytest.raises(VectorFileError, match=r"has 1 row but its metadata has 2 words"):
        read_vectors(tmp_path / "v.tsv", metadata_path=tmp_path / "labels.tsv")


@pytest.mark.filterwarnings("error")  # a NumPy RuntimeWarning would fail the test
@pytest.mark.parametrize("value", [b"1e39", b"-1e39", b"3.5e38", b"1e400"])
def test_a_value_too_large_for_float32_is_dropped_without_a_warning(tmp_path, value):
    path = tmp_path / "v.txt"
    path.write_bytes(b"3 2\na 1 2\nb " + value + b" 1\nc 3 4\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = read_vectors(path)
    assert loaded.embeddings.words == ["a", "c"]
    assert loaded.notes == ["Dropped 1 row holding NaN or infinite values, which cannot be "
                            "compared or mapped (the first: 'b' on line 3)."]


def test_the_largest_float32_values_are_kept(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"a 3.4e38 -3.4e38\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = read_vectors(path)
    np.testing.assert_array_equal(loaded.embeddings.vectors,
                                  np.array([[3.4e38, -3.4e38]], dtype=np.float32))


def test_non_utf8_words_are_replaced_with_a_note_in_text_and_binary_alike(tmp_path):
    words = [b"caf\xe9", b"tea", b"na\xefve", b"ok"]  # Latin-1
    text = b"".join(w + b" 1 2\n" for w in words)
    (tmp_path / "v.txt").write_bytes(b"4 2\n" + text)
    row = np.array([1, 2], dtype="<f4").tobytes()
    (tmp_path / "v.bin").write_bytes(b"4 2\n" + b"".join(w + b" " + row + b"\n" for w in words))
    (tmp_path / "g.txt").write_bytes(text)
    expected = ["caf\ufffd", "tea", "na\ufffdve", "ok"]
    for name, where in [("v.txt", "line 2"), ("v.bin", "word 1"), ("g.txt", "line 1")]:
        loaded = read_vectors(tmp_path / name)
        assert loaded.embeddings.words == expected, name
        assert loaded.notes == [
            "2 words held bytes that are not UTF-8 (the file may be in another encoding, or "
            "its writer cut long words mid-character); they are shown as \ufffd (the first: "
            f"'caf\ufffd' on {where})."], name


def test_a_non_utf8_word_after_the_limit_is_not_counted(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"a 1\nb 2\nc\xe9 3\n")
    assert read_vectors(path, limit=2).notes == [
        "Read the first 2 words (the limit); the rest of the file was not read."]


def test_utf16_projector_metadata_says_how_to_convert(tmp_path):
    (tmp_path / "v.tsv").write_text("0.1\t0.2\n0.3\t0.4\n")
    (tmp_path / "v_metadata.tsv").write_bytes("word\tkind\nred\tcolour\nblue\tcolour\n"
                                              .encode("utf-16"))
    with pytest.raises(VectorFileError, match=r"v_metadata.tsv: is UTF-16 text, not UTF-8. "
                       r"Convert it \(iconv -f UTF-16 -t UTF-8 v_metadata.tsv > "
                       r"v_metadata-utf8.tsv\)"):
        read_vectors(tmp_path / "v.tsv")


def test_text_that_starts_like_a_compressed_file_is_still_text(tmp_path):
    path = tmp_path / "g.txt"
    path.write_bytes(b"BZh 0.1 0.2\nGIF8 0.3 0.4\n%PDF 0.5 0.6\n")
    assert read_vectors(path).embeddings.words == ["BZh", "GIF8", "%PDF"]
    assert classify_file(path) == "vectors"
