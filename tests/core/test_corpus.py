import bz2
import gzip
import lzma

import numpy as np
import pytest

from core.data.corpus import Corpus, HandoutDataset, load_corpus
from core.data.reading import CorpusError, iter_sentences, tokenize
from tests.core.test_vector_classify import PROSE, old_fasttext_model


def test_tokenizer_lowercases_and_drops_punctuation():
    assert tokenize("Don't stop: 3.14, well-known U.S. café—ok! (1,000) _x_") == [
        "don't", "stop", "3.14", "well-known", "u", "s", "café", "ok", "1,000", "x"]


def test_plain_text_vocabulary_counts_and_ids(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("the cat sat\n\nThe dog sat on the mat.\n", encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.words[0] == "the" and corpus.counts[0] == 3
    assert corpus.token_ids.dtype == np.int32
    assert corpus.sentence_count == 2
    second = [corpus.words[i] for i in corpus.sentence(1)]
    assert second == ["the", "dog", "sat", "on", "the", "mat"]
    assert list(corpus.counts) == sorted(corpus.counts, reverse=True)


def test_min_count_and_max_vocab_size_prune(tmp_path):
    corpus = Corpus.from_sentences([["a", "b", "a"], ["c"], ["b", "b", "d", "a"]], min_count=2)
    assert corpus.words == ["a", "b"]  # a: 3, b: 3 (a seen first)
    assert corpus.sentence_count == 3 and corpus.sentence(1).size == 0
    capped = Corpus.from_sentences([["a", "b", "a"], ["c"], ["b", "b", "d"]], max_vocab_size=1)
    assert capped.words == ["b"]


def test_sst_file_is_detected_and_tokenized_like_the_handout(tmp_path):
    path = tmp_path / "datasetSentences.txt"
    path.write_text("sentence_index\tsentence\n1\tA film , finally .\n2\tIt 's good\n")
    sentences = list(iter_sentences(path))
    assert sentences == [["a", "film", ",", "finally", "."], ["it", "'s", "good"]]


@pytest.mark.parametrize("opener,suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2"),
                                           (lzma.open, ".xz")])
def test_compressed_files_stream(tmp_path, opener, suffix):
    path = tmp_path / f"corpus.txt{suffix}"
    with opener(path, "wt", encoding="utf-8") as handle:
        handle.write("alpha beta\ngamma alpha\n" * 1000)
    corpus = load_corpus(path)
    assert corpus.token_count == 4000 and corpus.words[0] == "alpha"


def test_folder_of_text_files(tmp_path):
    (tmp_path / "b.txt").write_text("two words\n")
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    assert list(iter_sentences(tmp_path)) == [["one"], ["two", "words"]]


def test_long_single_line_is_cut_without_losing_words(tmp_path):
    path = tmp_path / "text8"
    words = [f"w{i % 5000}" for i in range(400_000)]  # ~2.5 MB on one line
    path.write_text(" ".join(words))
    corpus = load_corpus(path)
    assert corpus.token_count == len(words)
    assert corpus.sentence_count >= 2
    decoded = [corpus.words[i] for i in corpus.token_ids[:5]]
    assert decoded == words[:5]


def test_invalid_utf8_names_file_and_byte_offset(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good words here\nand then \xff\xfe bad\n")
    with pytest.raises(CorpusError, match=r"bad.txt is not valid UTF-8 at byte 25.*lenient"):
        load_corpus(path)
    lenient = load_corpus(path, lenient=True)
    assert "bad" in lenient.index


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CorpusError, match="binary"):
        load_corpus(path)


@pytest.mark.parametrize("content", ["", "\n\n  \n", "!!! ... ???\n"])
def test_empty_corpus_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_text(content)
    with pytest.raises(CorpusError, match="has no words"):
        load_corpus(path)


def test_min_count_too_high_says_so(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text("a b c\n")
    with pytest.raises(CorpusError, match=r"min_count=5 times \(the most frequent occurs "
                       r"once\).*Lower min_count"):
        load_corpus(path, min_count=5)
    path.write_text("a b a\n")
    with pytest.raises(CorpusError, match=r"the most frequent occurs 2 times"):
        load_corpus(path, min_count=5)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus(tmp_path / "nope.txt")
    with pytest.raises(CorpusError, match="no text files"):
        load_corpus(tmp_path)


def test_noise_distribution_and_sub_sampling():
    corpus = Corpus.from_sentences([["a"] * 90 + ["b"] * 10])
    noise = corpus.noise_distribution()
    assert noise.sum() == pytest.approx(1.0)
    assert noise[0] / noise[1] == pytest.approx(9**0.75)
    keep = corpus.keep_probabilities(1e-2)
    threshold = 1e-2 * 100
    assert keep[0] == pytest.approx((np.sqrt(90 / threshold) + 1) * threshold / 90)
    assert np.all(corpus.keep_probabilities(0) == 1)


def test_handout_dataset_sub_samples_frequent_words():
    # 120k tokens: the threshold 1e-5 × total exceeds 1, so once-seen words are all kept
    words = [["the", f"w{i}", "the", f"v{i % 7}"] for i in range(30_000)]
    dataset = HandoutDataset(Corpus.from_sentences(words))
    reject = dataset.reject_probabilities()
    assert reject[dataset.word_to_index["the"]] > 0.9
    assert reject[dataset.word_to_index["w5"]] == 0.0
    ids, spans = dataset._sub_sampled_text()
    the_share = np.mean(ids == dataset.word_to_index["the"])
    assert the_share < 0.2  # half of the raw text, almost all dropped


def test_shared_sst_file_loads(sst_file):
    corpus = load_corpus(sst_file)
    assert corpus.sentence_count == 11855
    assert 200_000 < corpus.token_count < 260_000
    assert corpus.words[:2] == [".", "the"] or "the" in corpus.words[:3]


@pytest.mark.parametrize("codec,name", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
                                        ("utf-16-be", "UTF-16BE")])
@pytest.mark.parametrize("lenient", [False, True])
def test_a_utf16_corpus_says_utf16_and_how_to_convert(tmp_path, codec, name, lenient):
    path = tmp_path / "book.txt"
    path.write_bytes(PROSE.decode().encode(codec))
    with pytest.raises(CorpusError, match=rf"book.txt is UTF-16 text; a corpus must be UTF-8. "
                       rf"Convert it \(iconv -f {name} -t UTF-8 book.txt > book-utf8.txt\) "
                       r"and open book-utf8.txt\."):
        load_corpus(path, lenient=lenient)


def test_a_compressed_utf16_corpus_is_converted_on_the_way(tmp_path):
    path = tmp_path / "book.txt.gz"
    path.write_bytes(gzip.compress(PROSE.decode().encode("utf-16")))
    with pytest.raises(CorpusError, match=r"\(gzip -dc book.txt.gz \| iconv -f UTF-16 -t "
                       r"UTF-8 > book-utf8.txt\)"):
        load_corpus(path)


def test_a_utf16_corpus_of_other_scripts_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "book.txt"
    path.write_bytes("日本語の文章です。\n".encode("utf-16"))
    with pytest.raises(CorpusError, match=r"is UTF-16 text"):
        load_corpus(path)


def test_files_that_are_not_text_are_named_when_opened_as_a_corpus(tmp_path):
    (tmp_path / "model.bin").write_bytes(old_fasttext_model())
    with pytest.raises(CorpusError, match=r"model.bin is a fastText model, not a text corpus. "
                       r"To explore its vectors: Open the .vec file"):
        load_corpus(tmp_path / "model.bin")
    (tmp_path / "corpus.txt").write_bytes(gzip.compress(PROSE))
    with pytest.raises(CorpusError, match=r"corpus.txt is gzip-compressed, but its name does "
                       r"not say so. Decompress it \(gzip -dc corpus.txt > corpus.txt.out\)"):
        load_corpus(tmp_path / "corpus.txt")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CorpusError, match=r"image.png is a PNG image, a binary file, not text"):
        load_corpus(tmp_path / "image.png")
