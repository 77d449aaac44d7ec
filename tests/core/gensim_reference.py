"""gensim's answers, question by question, for the parity tests of core.evaluation: its
analogy loop replayed with most_similar_cosmul, and a comparison with our AnalogyResult.

Test-only helpers: they need gensim (imported lazily) and belong to no layer of core."""

from __future__ import annotations

import warnings
from collections import Counter


def gensim_cosmul_sections(keyed_vectors, path, restrict_vocab: int = 300_000,
                           case_insensitive: bool = True) -> list[dict]:
    """gensim's evaluate_word_analogies loop, line for line, with most_similar_cosmul on a
    KeyedVectors of the first restrict_vocab rows (most_similar_cosmul ignores its own
    restrict_vocab; gensim 4.4's evaluate_word_analogies ignores its similarity_function).
    Returns gensim's sections, [{"section", "correct", "incorrect"}, ...], without the final
    "Total accuracy" entry."""
    from gensim.models import KeyedVectors

    size = min(restrict_vocab, len(keyed_vectors))
    restricted = KeyedVectors(keyed_vectors.vector_size)
    restricted.add_vectors(keyed_vectors.index_to_key[:size], keyed_vectors.vectors[:size])
    form = str.upper if case_insensitive else str
    ok_vocab = {form(k): restricted.get_index(k) for k in reversed(restricted.index_to_key)}
    sections: list[dict] = []
    section = None
    with open(path, "rb") as lines:
        for raw in lines:
            line = raw.decode("utf-8")
            if line.startswith(": "):
                if section:
                    sections.append(section)
                section = {"section": line.lstrip(": ").strip(), "correct": [],
                           "incorrect": []}
                continue
            try:
                a, b, c, expected = [form(word) for word in line.split()]
            except ValueError:
                continue
            if not all(word in ok_vocab for word in (a, b, c, expected)):
                continue
            original, restricted.key_to_index = restricted.key_to_index, ok_vocab
            with warnings.catch_warnings():  # it calls the deprecated init_sims every time
                warnings.simplefilter("ignore", DeprecationWarning)
                sims = restricted.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)
            restricted.key_to_index = original
            predicted = None
            for element in sims:
                predicted = form(element[0])
                if predicted in ok_vocab and predicted not in {a, b, c}:
                    break
            section["correct" if predicted == expected else "incorrect"].append(
                (a, b, c, expected))
    if section:
        sections.append(section)
    return sections


def same_answers(result, sections, case_insensitive: bool = True) -> bool:
    """True when our AnalogyResult and gensim's sections agree question by question: the same
    counts in every section and the same (multi)set of wrongly answered questions."""
    form = str.upper if case_insensitive else str
    counts = all(ours.correct == len(theirs["correct"])
                 and ours.total == len(theirs["correct"]) + len(theirs["incorrect"])
                 for ours, theirs in zip(result.sections, sections, strict=True))
    ours = Counter((w.section, *map(form, (w.a, w.b, w.c, w.expected))) for w in result.wrong)
    theirs = Counter((s["section"], *question) for s in sections for question in s["incorrect"])
    return counts and ours == theirs
