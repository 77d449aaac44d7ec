"""The toy world's own test sets: the shipped files are what the grammar gives, every word
is in the toy corpus, and the grades agree with where the words meet in the text."""

import random
from collections import Counter, defaultdict

import pytest

from core.data.corpus import Corpus
from core.train.config import TrainConfig
from resources.toy_world import (
    TOPICS,
    TOY_ANALOGIES,
    TOY_PAIRS,
    generate_sentences,
    toy_analogies,
    toy_pairs,
    write_test_sets,
)

HEADER = ["word1", "word2", "similarity"]


def read_analogies(text: str) -> dict[str, list[tuple[str, ...]]]:
    sections: dict[str, list[tuple[str, ...]]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith(":"):
            current = line[1:].strip()
            assert current not in sections, f"section {current} appears twice"
            sections[current] = []
        else:
            assert current is not None, f"question before any section: {line!r}"
            sections[current].append(tuple(line.split(" ")))
    return sections


def read_pairs(text: str) -> tuple[list[str], list[tuple[str, str, float]]]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = []
    for line in lines[1:]:
        first, second, score = line.split("\t")
        rows.append((first, second, float(score)))
    return lines[0].split("\t"), rows


@pytest.fixture(scope="module")
def sections():
    return read_analogies(TOY_ANALOGIES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pairs():
    header, rows = read_pairs(TOY_PAIRS.read_text(encoding="utf-8"))
    assert header == HEADER
    return rows


@pytest.fixture(scope="module")
def sentences():
    return list(generate_sentences())


@pytest.fixture(scope="module")
def vocabulary(sentences):
    # as the app loads the toy world (w2v_gui/controllers/corpus.py: min_count 1)
    return Corpus.from_sentences(sentences)


def test_shipped_files_are_what_the_grammar_gives(tmp_path):
    assert TOY_ANALOGIES.read_bytes() == toy_analogies().encode("utf-8")
    assert TOY_PAIRS.read_bytes() == toy_pairs().encode("utf-8")
    written = write_test_sets(tmp_path)
    assert [path.name for path in written] == [TOY_ANALOGIES.name, TOY_PAIRS.name]
    assert [path.read_bytes() for path in written] == [
        TOY_ANALOGIES.read_bytes(), TOY_PAIRS.read_bytes()]


def test_every_word_is_in_the_toy_corpus(sections, pairs, vocabulary):
    words = {word for questions in sections.values() for question in questions
             for word in question}
    words |= {word for first, second, _ in pairs for word in (first, second)}
    assert words <= set(vocabulary.index), sorted(words - set(vocabulary.index))
    # common enough to stay in a vocabulary cut at the default min_count too
    counts = dict(zip(vocabulary.words, vocabulary.counts.tolist(), strict=True))
    assert min(counts[word] for word in words) >= TrainConfig().min_count
    assert all(word.isalpha() and word == word.lower() for word in words)


def test_each_planted_relation_has_its_section(sections):
    assert {"gender", "capital-country", "country-language", "capital-language"} <= set(
        sections)
    assert all(sections.values()), [name for name, q in sections.items() if not q]
    assert ("king", "queen", "prince", "princess") in sections["gender"]
    assert ("paris", "france", "berlin", "germany") in sections["capital-country"]
    total = sum(map(len, sections.values()))
    assert 300 <= total <= 1500


def test_questions_are_four_distinct_words_and_none_repeats(sections):
    questions = [question for found in sections.values() for question in found]
    assert all(len(question) == 4 for question in questions)
    # a, b and c are never the answer (analogy search leaves them out), so all four differ
    assert all(len(set(question)) == 4 for question in questions)
    repeated = [q for q, n in Counter(questions).items() if n > 1]
    assert not repeated


def test_pair_scores_are_graded_on_0_to_10(pairs):
    scores = Counter(score for _, _, score in pairs)
    assert all(0 <= score <= 10 for score in scores)
    assert len(scores) >= 5 and min(scores.values()) >= 5
    assert 200 <= len(pairs) <= 1000
    assert ("king", "queen", 9.0) in pairs
    assert all(first != second for first, second, _ in pairs)
    keys = Counter(frozenset((first, second)) for first, second, _ in pairs)
    assert not [tuple(key) for key, n in keys.items() if n > 1]
    assert len({word for first, second, _ in pairs for word in (first, second)}) >= 100


def test_pair_grades_follow_the_text(pairs, sentences):
    """Grade 4: the two words meet in a sentence; 2: same topic, never together; 0: each
    word comes from another sentence maker."""
    makers: dict[str, set[str]] = defaultdict(set)
    for maker, _ in TOPICS:
        rng = random.Random(0)
        for _ in range(3000):
            for word in maker(rng):
                makers[word].add(maker.__name__)
    together: dict[str, set[int]] = defaultdict(set)
    for number, sentence in enumerate(sentences):
        for word in sentence:
            together[word].add(number)
    for first, second, score in pairs:
        # a graded word keeps to one topic, or its grade would mix two
        assert len(makers[first]) == len(makers[second]) == 1, (first, second)
        same_topic = makers[first] == makers[second]
        meet = bool(together[first] & together[second])
        if score == 4:
            assert same_topic and meet, (first, second)
        elif score == 2:
            assert same_topic and not meet, (first, second)
        elif score == 0:
            assert not same_topic and not meet, (first, second)
        else:
            assert same_topic, (first, second)
