"""core.evaluation.scoring: the test-set readers, analogy and word-pair scoring, and (when gensim is
installed) the same numbers as gensim's evaluate_word_analogies / evaluate_word_pairs."""

import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest

from core.errors import Cancelled
from core.evaluation import (
    EvaluationFileError,
    evaluate_analogies,
    evaluate_pairs,
    parse_analogies,
    parse_pairs,
    read_analogies,
    read_pairs,
)
from core.evaluation import analogies as evaluation
from core.vectors.embeddings import Embeddings

# ---------------------------------------------------------------------- reading


def test_parse_analogies_sections_comments_blank_and_invalid_lines():
    text = ("# made by hand\n"
            "\n"
            ": capitals\r\n"
            "Athens Greece Baghdad Iraq\r\n"
            "too few words\n"
            "\n"
            "one two three four five\n"
            ":  family \n"
            ": empty\n"
            ": family\n"
            "boy girl brother  sister\n"
            "\tman woman king queen   \n")
    analogies = parse_analogies(text, "toy.txt")
    assert analogies.name == "toy.txt"
    assert analogies.sections == ("capitals", "family", "empty", "family")
    assert analogies.questions == (("Athens", "Greece", "Baghdad", "Iraq"),
                                   ("boy", "girl", "brother", "sister"),
                                   ("man", "woman", "king", "queen"))
    assert analogies.section_of.tolist() == [0, 3, 3]
    assert analogies.invalid_lines == 2


def test_a_question_before_any_section_is_an_error_naming_the_line():
    with pytest.raises(EvaluationFileError) as caught:
        parse_analogies("# comment\na b c d\n: s\n", "q.txt")
    assert caught.value.line == 2
    assert "q.txt, line 2" in str(caught.value) and "': section'" in str(caught.value)


def test_parse_pairs_tab_header_comments_and_invalid_lines():
    text = ("# WordSim353\n"
            "Word 1\tWord 2\tHuman (mean)\n"
            "love\tsex\t6.77\n"
            "\n"
            "tiger\tcat\n"
            "tiger\ttiger\t10.00\r\n"
            "money\tcash\tnan\n"
            "bad\tscore\tx\n")
    pairs = parse_pairs(text)
    assert pairs.pairs == (("love", "sex"), ("tiger", "tiger"))
    assert pairs.scores.dtype == np.float64
    assert pairs.scores.tolist() == [6.77, 10.0]
    assert pairs.invalid_lines == 4  # the header, the short line, "nan" and "x"


def test_parse_pairs_counts_each_unusable_data_line():
    pairs = parse_pairs("a\tb\t1\nheader\tline\tscore\nshort\tline\nc\td\tnan\n")
    assert pairs.pairs == (("a", "b"),)
    assert pairs.invalid_lines == 3


def test_parse_pairs_comma_and_whitespace_delimiters():
    comma = parse_pairs("word1,word2,score\ntiger, cat ,7.35\nbook,paper,7.46\n")
    assert comma.pairs == (("tiger", "cat"), ("book", "paper"))
    assert comma.scores.tolist() == [7.35, 7.46] and comma.invalid_lines == 1
    spaced = parse_pairs("sun-n sunlight-n 50.000000\nautomobile-n car-n 50.0\n")
    assert spaced.pairs[0] == ("sun-n", "sunlight-n") and spaced.invalid_lines == 0


def test_parse_pairs_reads_simlex_style_extra_columns():
    text = ("word1\tword2\tPOS\tSimLex999\tconc(w1)\tconc(w2)\n"
            "old\tnew\tA\t1.58\t2.72\t2.81\n"
            "smart\tintelligent\tA\t9.2\t1.75\t2.46\n")
    pairs = parse_pairs(text, "SimLex-999.txt")
    assert pairs.pairs == (("old", "new"), ("smart", "intelligent"))
    assert pairs.scores.tolist() == [1.58, 9.2]
    assert pairs.invalid_lines == 1


def test_read_files_and_gzip(tmp_path):
    questions = tmp_path / "q.txt.gz"
    questions.write_bytes(gzip.compress(b": s\na b c d\n"))
    assert read_analogies(questions).questions == (("a", "b", "c", "d"),)
    pairs = tmp_path / "p.tsv"
    pairs.write_text("\ufeff# c\na\tb\t1\n", encoding="utf-8")
    assert read_pairs(pairs).pairs == (("a", "b"),)
    assert read_pairs(pairs).name == "p.tsv"


@pytest.mark.parametrize("reader", [read_analogies, read_pairs])
@pytest.mark.parametrize("case", ["missing", "folder", "empty", "blank", "binary", "latin-1",
                                  "nothing valid", "damaged gzip"])
def test_bad_files_raise_errors_naming_the_file_and_the_fix(tmp_path, reader, case):
    path = tmp_path / "test set.txt"
    line = None
    if case == "folder":
        path.mkdir()
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "blank":
        path.write_bytes(b"\n  \n")
    elif case == "binary":
        path.write_bytes(b": s\na b c d\n\x00\x01\x02")
        line = 3
    elif case == "latin-1":
        path.write_bytes(": s\na b c d\nna\xefve b c d\n".encode("latin-1"))
        line = 3
    elif case == "nothing valid":
        path.write_text("# only a comment\n3 words only\n", encoding="utf-8")
    elif case == "damaged gzip":
        path.write_bytes(gzip.compress(b": s\na b c d\n")[:12])
    with pytest.raises(EvaluationFileError) as caught:
        reader(path)
    error = caught.value
    assert str(path) in str(error)
    assert error.problem and error.fix and error.fix in str(error)
    assert error.line == line
    if line is not None:
        assert f"line {line}" in str(error)


def test_no_valid_question_names_the_expected_format():
    with pytest.raises(EvaluationFileError, match="questions-words.txt"):
        parse_analogies("1 2 3\n", "q")
    with pytest.raises(EvaluationFileError, match="wordsim353.tsv"):
        parse_pairs("Word 1\tWord 2\tHuman (mean)\n", "p")


# ---------------------------------------------------------------------- analogies by hand


def embeddings_of(rows: dict[str, list[float]]) -> Embeddings:
    """Words in insertion order (most frequent first) with their vectors."""
    return Embeddings(list(rows), np.array(list(rows.values()), dtype=np.float32))


@pytest.fixture
def royal() -> Embeddings:
    return embeddings_of({
        "man": [1.0, 0.0, 0.1], "woman": [1.0, 1.0, 0.1], "king": [0.0, 0.0, 1.0],
        "queen": [0.0, 1.0, 1.0], "boy": [1.0, 0.0, -0.3], "girl": [1.0, 1.0, -0.3],
        "apple": [-1.0, 0.2, 0.0], "pear": [-1.0, 0.3, 0.1],
    })


def analogy_set(*questions: str, section: str = "s") -> evaluation.AnalogySet:
    return parse_analogies(f": {section}\n" + "\n".join(questions) + "\n")


def test_the_royal_analogy_and_the_counts(royal):
    analogies = parse_analogies(": royal\nman woman king queen\nman woman boy girl\n"
                                ": fruit\napple pear man dragonfruit\nman woman king apple\n")
    result = evaluate_analogies(royal, analogies)
    assert (result.correct, result.total, result.skipped) == (2, 3, 1)
    assert result.accuracy == pytest.approx(2 / 3)
    assert [(s.name, s.correct, s.total, s.skipped) for s in result.sections] == [
        ("royal", 2, 2, 0), ("fruit", 0, 1, 1)]
    assert result.wrong == (evaluation.WrongAnswer("fruit", "man", "woman", "king", "apple",
                                                   "queen"),)


def test_the_question_words_are_never_the_answer():
    # woman - man + king points at "king" itself, then at "queen"
    vectors = embeddings_of({"man": [1.0, 0.0], "woman": [1.0, 0.05], "king": [0.0, 1.0],
                             "queen": [0.3, 1.0], "far": [-1.0, -1.0]})
    result = evaluate_analogies(vectors, analogy_set("man woman king queen"))
    assert result.correct == 1


def test_restrict_vocab_skips_questions_and_limits_the_answers(royal):
    analogies = analogy_set("man woman king queen", "man woman boy girl")
    result = evaluate_analogies(royal, analogies, restrict_vocab=4)
    # "boy" and "girl" are beyond the first 4 words: skipped
    assert (result.correct, result.total, result.skipped) == (1, 1, 1)
    # with 3 words the expected word itself is outside: the question is skipped
    assert evaluate_analogies(royal, analogies, restrict_vocab=3).skipped == 2
    # the answer "girl" is at row 5: with only 5 rows it is not a candidate
    cut = embeddings_of({"man": [1.0, 0.0, -0.3], "woman": [1.0, 1.0, -0.3],
                         "boy": [1.0, 0.1, -0.3], "other": [0.0, 0.5, 0.4],
                         "girl": [1.0, 1.1, -0.3]})
    question = analogy_set("man woman boy girl", "man woman boy other")
    assert evaluate_analogies(cut, question).correct == 1
    limited = evaluate_analogies(cut, question, restrict_vocab=4)
    assert (limited.correct, limited.total, limited.skipped) == (1, 1, 1)
    assert limited.sections[0].correct == 1


def test_case_insensitive_the_most_frequent_casing_stands_for_a_word():
    # "Paris" (row 0) is more frequent than "paris" (row 4): its vector is the one used, and
    # points at italy; the vector of "paris" would point at spain
    vectors = embeddings_of({"Paris": [0.0, 1.0], "france": [1.0, 0.0], "rome": [0.0, -1.0],
                             "italy": [1.0, -2.0], "paris": [-1.0, 0.0], "spain": [2.0, -1.0]})
    question = analogy_set("PARIS France ROME Italy")
    assert evaluate_analogies(vectors, question).correct == 1
    strict = evaluate_analogies(vectors, question, case_insensitive=False)
    assert strict.skipped == 1 and strict.total == 0
    exact = evaluate_analogies(vectors, analogy_set("paris france rome italy"),
                               case_insensitive=False)
    assert exact.total == 1 and exact.wrong[0].predicted == "spain"


def test_a_casing_variant_of_a_question_word_is_not_an_answer():
    vectors = embeddings_of({"man": [1.0, 0.0], "woman": [1.0, 1.0], "king": [0.0, 1.0],
                             "queen": [0.1, 2.0], "King": [0.0, 1.0], "KING": [0.01, 1.0]})
    question = analogy_set("man woman king queen")
    result = evaluate_analogies(vectors, question)
    assert result.correct == 1
    # case-sensitive, "KING" is another word, and the best candidate
    strict = evaluate_analogies(vectors, question, case_insensitive=False)
    assert strict.correct == 0 and strict.wrong[0].predicted in {"King", "KING"}


def test_five_casing_variants_above_the_answer_end_gensims_window():
    """gensim looks at its 5 best candidates only: 5 variants of "baz" above "qux" make it
    answer the 5th (a variant, then wrong); 4 leave "qux" in the window."""
    variants = ["Baz", "bAz", "baZ", "BAz", "BaZ"]

    def vectors(count: int) -> Embeddings:
        rows = {"foo": [1.0, 0.0, 0.0], "bar": [1.0, 0.2, 0.0], "baz": [0.0, 1.0, 0.0],
                "qux": [0.0, 1.0, 0.15], "far": [-1.0, 0.0, 1.0]}
        for i, name in enumerate(variants[:count]):
            rows[name] = [0.0, 1.0, 0.1 + 0.01 * i]  # closer to baz + (bar - foo) than qux
        return embeddings_of(rows)

    question = analogy_set("foo bar baz qux")
    assert evaluate_analogies(vectors(4), question).correct == 1
    crowded = evaluate_analogies(vectors(5), question)
    assert crowded.correct == 0 and crowded.wrong[0].predicted in variants


def test_3cosmul_can_answer_otherwise_than_3cosadd():
    # cosines with (a, b, c): "big" (0, .95, .05) sums to 1.0 against 0.9 for "even"
    # (0, .45, .45), but p_b p_c / p_a is 1.024 for "big" and 1.051 for "even"
    vectors = embeddings_of({"a": [1.0, 0.0, 0.0, 0.0], "b": [0.0, 1.0, 0.0, 0.0],
                             "c": [0.0, 0.0, 1.0, 0.0], "big": [0.0, 0.95, 0.05, 0.308],
                             "even": [0.0, 0.45, 0.45, 0.771]})
    question = analogy_set("a b c big")
    assert evaluate_analogies(vectors, question, method="3cosadd").correct == 1
    mul = evaluate_analogies(vectors, question, method="3CosMul")
    assert mul.method == "3cosmul"
    assert mul.correct == 0 and mul.wrong[0].predicted == "even"


def test_3cosmul_divides_by_p_a_plus_gensims_epsilon():
    # "opposite" has p_a = 0: p_b p_c / (0 + 1e-6) = 250,000 beats "near" (p_a = 5e-7:
    # 167,000); with Levy and Goldberg's 1e-3 "near" would win (250.4 against 250.0)
    vectors = embeddings_of({"a": [1.0, 0.0, 0.0], "b": [0.0, 1.0, 0.0], "c": [0.0, 0.0, 1.0],
                             "near": [-1.0, 0.001, 0.001], "opposite": [-1.0, 0.0, 0.0]})
    assert evaluate_analogies(vectors, analogy_set("a b c opposite"), method="3cosmul",
                              ).correct == 1


def random_case(seed: int, words: int = 300, questions: int = 400):
    """Random vectors whose vocabulary has many casing variants, and questions over it."""
    rng = np.random.default_rng(seed)
    base = [f"w{i}x" for i in range(words // 2)]
    vocabulary = list(base)
    for word in rng.choice(base, words - len(base)).tolist():
        vocabulary.append(str(rng.choice([word.upper(), word.capitalize(), word[:2] + "X"])))
    vocabulary = list(dict.fromkeys(vocabulary))
    vectors = rng.normal(size=(len(vocabulary), 8)).astype(np.float32)
    picks = rng.choice(vocabulary, (questions, 4))
    lines = [" ".join(row) for row in picks]
    text = ": one\n" + "\n".join(lines[:200]) + "\n: two\n" + "\n".join(lines[200:]) + "\n"
    return Embeddings(vocabulary, vectors), parse_analogies(text)


@pytest.mark.parametrize("method", evaluation.METHODS)
def test_any_chunk_and_block_size_gives_the_same_result(monkeypatch, method):
    vectors, analogies = random_case(1)
    reference = evaluate_analogies(vectors, analogies, method=method, restrict_vocab=200)
    assert reference.total > 100
    for chunk in (1, 7, 1000):
        assert evaluate_analogies(vectors, analogies, method=method, restrict_vocab=200,
                                  chunk_size=chunk) == reference
    monkeypatch.setattr(evaluation, "BLOCK_COLUMNS", 13)  # candidates in 16 blocks
    assert evaluate_analogies(vectors, analogies, method=method, restrict_vocab=200,
                              chunk_size=50) == reference


@pytest.mark.parametrize("method", evaluation.METHODS)
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_the_batched_pass_answers_as_gensims_procedure_replayed(monkeypatch, method,
                                                                case_insensitive):
    """With every question sent to the replay of gensim's arithmetic (a margin of infinity),
    the answers are those of the batched pass."""
    vectors, analogies = random_case(2)
    batched = evaluate_analogies(vectors, analogies, method=method,
                                 case_insensitive=case_insensitive)
    monkeypatch.setattr(evaluation, "TIE_MARGIN", np.inf)
    replayed = evaluate_analogies(vectors, analogies, method=method,
                                  case_insensitive=case_insensitive)
    assert replayed == batched and batched.total > 100  # every predicted word included


def test_should_stop_cancels_and_progress_reaches_its_total(royal):
    analogies = analogy_set(*["man woman king queen"] * 10)
    with pytest.raises(Cancelled):
        evaluate_analogies(royal, analogies, chunk_size=3, should_stop=lambda: True)
    polls = iter([False, False, True])
    with pytest.raises(Cancelled):
        evaluate_analogies(royal, analogies, chunk_size=3, should_stop=lambda: next(polls))
    calls = []
    evaluate_analogies(royal, analogies, chunk_size=3, progress=lambda d, t: calls.append((d, t)))
    done = [d for d, _ in calls]
    assert done == sorted(done) and len({t for _, t in calls}) == 1
    assert calls[-1][0] == calls[-1][1] > 0 and len(calls) >= 4


def test_nothing_evaluated_is_not_an_error(royal):
    calls = []
    result = evaluate_analogies(royal, analogy_set("who what where when"),
                                progress=lambda d, t: calls.append((d, t)))
    assert (result.total, result.skipped, result.correct) == (0, 1, 0)
    assert math.isnan(result.accuracy) and math.isnan(result.sections[0].accuracy)
    assert calls == [(0, 0)]
    empty = Embeddings([], np.zeros((0, 3), dtype=np.float32))
    assert evaluate_analogies(empty, analogy_set("a b c d")).skipped == 1


@pytest.mark.parametrize(("option", "value"), [
    ("method", "3cosavg"), ("restrict_vocab", 0), ("restrict_vocab", 2.5),
    ("chunk_size", 0), ("chunk_size", True)])
def test_bad_parameters_name_themselves(royal, option, value):
    with pytest.raises(ValueError, match=option):
        evaluate_analogies(royal, analogy_set("man woman king queen"), **{option: value})


def test_results_are_valid_json(royal):
    result = evaluate_analogies(royal, parse_analogies(
        ": a\nman woman king apple\n: empty\n: b\nx y z w\n"))
    document = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert document["method"] == "3cosadd" and document["accuracy"] == 0.0
    assert [s["accuracy"] for s in document["sections"]] == [0.0, None, None]
    assert document["wrong"] == [{"section": "a", "a": "man", "b": "woman", "c": "king",
                                  "expected": "apple", "predicted": "queen"}]
    assert set(document) == {"method", "accuracy", "correct", "total", "skipped", "sections",
                             "wrong"}
    pairs = evaluate_pairs(royal, parse_pairs("man\twoman\t3\nx\ty\t1\n"))
    assert json.loads(json.dumps(pairs.to_json(), allow_nan=False)) == {
        "pearson": None, "spearman": None, "oov_ratio": 50.0, "pairs": 1, "skipped": 1}


# ---------------------------------------------------------------------- pairs by hand


def test_pairs_correlate_cosines_and_count_unknown_words(royal):
    pairs = parse_pairs("man\twoman\t5\nking\tqueen\t6\napple\tpear\t9\nman\tapple\t0\n"
                        "unicorn\tman\t3\nMAN\tKing\t2\n")
    result = evaluate_pairs(royal, pairs)
    assert (result.pairs, result.skipped) == (5, 1)
    assert result.oov_ratio == pytest.approx(100 / 6)
    cosines = [royal.similarity(a, b) for a, b in
               [("man", "woman"), ("king", "queen"), ("apple", "pear"), ("man", "apple"),
                ("man", "king")]]
    gold = [5, 6, 9, 0, 2]
    assert result.pearson == pytest.approx(np.corrcoef(gold, cosines)[0, 1], abs=1e-6)
    strict = evaluate_pairs(royal, pairs, case_insensitive=False)
    assert (strict.pairs, strict.skipped) == (4, 2)
    assert evaluate_pairs(royal, pairs, restrict_vocab=4).pairs == 3


# ---------------------------------------------------------------------- the same as gensim


@pytest.fixture(scope="module")
def trained():
    """A small gensim Word2Vec on the Lee corpus (a second), its vectors as ours, and a
    question file drawn from its vocabulary (half answered as gensim answers them, some
    words upper-cased) so that many questions are really evaluated."""
    pytest.importorskip("gensim")
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence
    from gensim.test.utils import datapath

    model = Word2Vec(LineSentence(datapath("lee_background.cor")), vector_size=40, epochs=8,
                     min_count=3, seed=1, workers=1)
    keyed = model.wv
    ours = Embeddings(list(keyed.index_to_key), keyed.vectors.copy())
    rng = np.random.default_rng(0)
    lines = []
    for section, size in enumerate((400, 1500)):  # the first within restrict_vocab=500
        words = keyed.index_to_key[:size]
        lines.append(f": drawn {section}")
        for _ in range(150):
            a, b, c = (str(w) for w in rng.choice(words, 3, replace=False))
            d = (keyed.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]
                 if rng.random() < 0.5 else str(rng.choice(words)))
            if rng.random() < 0.2:
                a, d = a.upper(), d.capitalize()
            lines.append(f"{a} {b} {c} {d}")
    return keyed, ours, "\n".join(lines) + "\n"


def test_the_lee_vocabulary_has_casing_variants(trained):
    keyed, _, _ = trained
    uppers = [w.upper() for w in keyed.index_to_key]
    assert len(set(uppers)) < len(uppers)


@pytest.mark.parametrize("method", evaluation.METHODS)
@pytest.mark.parametrize("restrict_vocab", [300_000, 500])
@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("questions", ["google", "drawn"])
def test_analogies_equal_gensims(trained, tmp_path, method, restrict_vocab, case_insensitive,
                                 questions):
    from gensim.test.utils import datapath

    from tests.core.gensim_reference import gensim_cosmul_sections, same_answers

    keyed, ours, drawn = trained
    path = Path(datapath("questions-words.txt"))
    if questions == "drawn":
        path = tmp_path / "drawn.txt"
        path.write_text(drawn, encoding="utf-8")
    result = evaluate_analogies(ours, read_analogies(path), method=method,
                                restrict_vocab=restrict_vocab,
                                case_insensitive=case_insensitive)
    if method == "3cosadd":
        accuracy, sections = keyed.evaluate_word_analogies(
            str(path), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive)
        sections = sections[:-1]
    else:
        sections = gensim_cosmul_sections(keyed, path, restrict_vocab, case_insensitive)
    correct = sum(len(s["correct"]) for s in sections)
    total = correct + sum(len(s["incorrect"]) for s in sections)
    assert result.total == total > 0
    assert result.correct == correct
    if questions == "drawn" and restrict_vocab > 500:
        assert correct > 0
    if total:
        assert result.accuracy == pytest.approx(correct / total, abs=1e-6)
    assert same_answers(result, sections, case_insensitive)


@pytest.mark.parametrize("name", ["wordsim353.tsv", "simlex999.txt"])
@pytest.mark.parametrize("restrict_vocab", [300_000, 500])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_pairs_equal_gensims(trained, name, restrict_vocab, case_insensitive):
    from gensim.test.utils import datapath

    keyed, ours, _ = trained
    result = evaluate_pairs(ours, read_pairs(datapath(name)), restrict_vocab=restrict_vocab,
                            case_insensitive=case_insensitive)
    pearson, spearman, oov = keyed.evaluate_word_pairs(
        datapath(name), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive)
    assert result.pairs > 2
    assert result.pearson == pytest.approx(pearson[0], abs=1e-6)
    assert result.spearman == pytest.approx(spearman[0], abs=1e-6)
    assert result.oov_ratio == pytest.approx(oov, abs=1e-6)


def test_crowded_casing_variants_equal_gensims(trained, tmp_path):
    """Casing variants placed next to the question words (so that they crowd gensim's window
    of 5) give the same answers as gensim's own evaluate_word_analogies."""
    from gensim.models import KeyedVectors

    from tests.core.gensim_reference import same_answers

    keyed, _, drawn = trained
    rng = np.random.default_rng(3)
    words = [w for w in keyed.index_to_key[:300] if w.isalpha() and w.islower() and len(w) > 3]
    extra, rows = [], []
    taken = set(keyed.index_to_key)
    for word in words[:120]:
        for variant in (word.upper(), word.capitalize(), word[:2].upper() + word[2:],
                        word[0] + word[1].upper() + word[2:], word[:-1] + word[-1].upper(),
                        word[:3].upper() + word[3:]):
            if variant in taken:
                continue
            taken.add(variant)
            extra.append(variant)
            rows.append(keyed[word] + rng.normal(0, 0.05, keyed.vector_size) * np.abs(
                keyed[word]).mean())
    crowded = KeyedVectors(keyed.vector_size)
    crowded.add_vectors(keyed.index_to_key + extra,
                        np.vstack([keyed.vectors, np.array(rows, dtype=np.float32)]))
    ours = Embeddings(list(crowded.index_to_key), crowded.vectors.copy())
    lines = [": crowded"]
    for _ in range(300):
        a, b, c, d = rng.choice(words[:120], 4)
        lines.append(f"{a} {b} {c} {d}")
    path = tmp_path / "crowded.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = evaluate_analogies(ours, read_analogies(path))
    _, sections = crowded.evaluate_word_analogies(str(path))
    assert result.total == 300
    assert same_answers(result, sections[:-1])
