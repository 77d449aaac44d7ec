"""The built-in toy world: deterministic, and its planted structure is learned by Quick demo."""

import pytest

from core.data.corpus import Corpus, load_corpus
from core.evaluation import evaluate_analogies, evaluate_pairs, read_analogies, read_pairs
from core.train.config import PRESETS
from core.train.trainer import Trainer
from resources.toy_world import (
    DAYS,
    MONTHS,
    TOY_ANALOGIES,
    TOY_PAIRS,
    generate_sentences,
    write_corpus,
)


def test_same_seed_same_text_other_seed_other_text():
    first = list(generate_sentences(500, seed=3))
    assert first == list(generate_sentences(500, seed=3))
    assert first != list(generate_sentences(500, seed=4))


def test_written_corpus_reads_back(tmp_path):
    path = write_corpus(tmp_path / "toy.txt", count=300)
    corpus = load_corpus(path)
    assert corpus.sentence_count == 300
    assert {"king", "queen", "paris", "monday"} <= set(corpus.words)


@pytest.fixture(scope="module")
def toy_corpus() -> Corpus:
    return Corpus.from_sentences(generate_sentences(), source="toy world")


@pytest.mark.parametrize("seed", [1, 2])
def test_quick_demo_learns_the_planted_answers(toy_corpus, seed):
    trainer = Trainer(toy_corpus, PRESETS["quick_demo"].replace(seed=seed))
    trainer.train()
    vectors = trainer.embeddings()
    assert vectors.analogy("king", "man", "woman", 1)[0][0] == "queen"
    assert vectors.analogy("paris", "france", "germany", 1)[0][0] == "berlin"
    assert {w for w, _ in vectors.most_similar("monday", 5)} <= set(DAYS)
    assert {w for w, _ in vectors.most_similar("june", 5)} <= set(MONTHS)
    # the toy world's own test sets: about 0.90 and 0.73 after Quick demo (seeds 1, 2)
    analogies = evaluate_analogies(vectors, read_analogies(TOY_ANALOGIES))
    assert analogies.skipped == 0 and analogies.accuracy >= 0.85
    assert evaluate_pairs(vectors, read_pairs(TOY_PAIRS)).spearman >= 0.6
