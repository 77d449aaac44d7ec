"""Analogy questions (3CosAdd, 3CosMul) scored with gensim's numbers, as matrix products in
batches; word pairs are core.evaluation.pairs, the test sets core.evaluation.sets.

Semantics are those of gensim 4's `KeyedVectors.evaluate_word_analogies` and
`evaluate_word_pairs` (default arguments, dummy4unknown=False):

- Only the first `restrict_vocab` rows (the most frequent words) take part. A question or
  pair with a word outside them is skipped and counted.
- case_insensitive compares words upper-cased; when several of those rows share an upper-case
  form, the first (most frequent) stands for it, as gensim's `ok_vocab` built from
  `reversed(ok_keys)` does.
- 3CosAdd is `most_similar(positive=[b, c], negative=[a], topn=5, restrict_vocab=R)`:
  rank every row by cos(x, unit(u_b + u_c - u_a)). The question's rows are excluded, then a
  candidate whose (upper-cased) form is one of a, b, c is passed over. The answer is right
  when its form equals the expected word's.
- 3CosMul ranks by p_b · p_c / (p_a + 1e-6) with p_w = (1 + cos(x, w)) / 2, the formula of
  `most_similar_cosmul` (its epsilon is 1e-6, not Levy and Goldberg's 1e-3). gensim 4.4
  accepts `similarity_function` in `evaluate_word_analogies` but always calls `most_similar`,
  and `most_similar_cosmul` ignores its `restrict_vocab`; our 3CosMul is the analogy loop
  above with `most_similar_cosmul` on a KeyedVectors holding only the first R rows.
- gensim looks at its topn=5 best candidates once the question's rows are dropped. The best
  allowed candidate is outside that window only when at least 5 case variants of a, b, c
  (e.g. "Paris", "PARIS" beside "paris") outrank it; such questions are answered by
  replaying gensim's exact procedure (below), so the window's effect is reproduced too.

How it is fast: cosines between the question words (W distinct rows, ~900 for Google's
19,544 questions) and the candidates are one matrix product per block of candidate columns;
each question's scores are then a sparse combination of three rows of it (3CosMul is ranked
by the sum of logarithms, the same order). Excluded columns are set to -inf and the best and
runner-up found by argmax. Memory stays bounded by TABLE_BUDGET + SCORE_BUDGET float32
values (plus the cached unit rows, `Embeddings.unit_vectors`).

Why the numbers are identical, not just close: float32 scores computed in another order
differ from gensim's by up to ~1e-6, which can change an answer only when two candidates are
about that close (it happens: under-trained vectors have cosines of 0.9996 everywhere).
Every question whose best and runner-up are within TIE_MARGIN, or with no candidate, or
with 5 case variants about as high as its best, is re-answered by replaying gensim's own
arithmetic on the raw vectors (the same NumPy/BLAS calls, so the same float32 values and
the same tie order). That is typically under 1% of the questions (0.1% of the Google set
on 100,000 random 300-d vectors, 0.8% on small Word2Vec models).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

from core.errors import Cancelled
from core.evaluation.gensim_replay import (
    gensim_add,
    gensim_argsort,
    gensim_mul,
)
from core.evaluation.results import AnalogyResult, SectionScore, WrongAnswer
from core.evaluation.sets import AnalogySet
from core.evaluation.vocabulary import RESTRICT_VOCAB, Vocabulary, check_positive
from core.vectors.embeddings import Embeddings

METHODS = ("3cosadd", "3cosmul")
TOPN = 5  # gensim's evaluate_word_analogies asks most_similar for its 5 best
COSMUL_EPSILON = np.float32(1e-6)  # gensim's most_similar_cosmul: / (p_a + 0.000001)
# Best and runner-up closer than this (in score units: a sum of three cosines, or the log of
# the 3CosMul ratio) are re-answered with gensim's own arithmetic. Our scores and gensim's
# differed by at most 1.3e-6 (gaps by 2.6e-6) on trained 100-d and random 300-d vectors.
TIE_MARGIN = 2e-5
# Candidates are taken in blocks of columns small enough for the question-word cosines and a
# chunk's scores to stay in cache (measured: 2,048 columns are 25% faster than 37,000).
BLOCK_COLUMNS = 2048
TABLE_BUDGET = 1 << 25  # float32 question-word × candidate cosines at most (128 MB)
SCORE_BUDGET = 1 << 23  # float32 scores of one chunk of questions × a block (32 MB)
MAX_CHUNK = 4096  # questions per chunk, whatever the budget allows

ShouldStop = Callable[[], bool]
Progress = Callable[[int, int], None]


def evaluate_analogies(embeddings: Embeddings, analogies: AnalogySet, *,
                       method: str = "3cosadd", restrict_vocab: int | None = RESTRICT_VOCAB,
                       case_insensitive: bool = True, chunk_size: int | None = None,
                       should_stop: ShouldStop | None = None,
                       progress: Progress | None = None) -> AnalogyResult:
    """Answer every question of `analogies` with `embeddings` (rows most frequent first) and
    score it as gensim's evaluate_word_analogies does (see the module docstring).

    method:           "3cosadd" (gensim's most_similar) or "3cosmul" (most_similar_cosmul)
    restrict_vocab:   only the first N rows are candidates and known words (None: all rows)
    case_insensitive: compare words upper-cased, the most frequent casing standing for a word
    chunk_size:       questions scored per batch (None: as many as SCORE_BUDGET allows);
                      the result does not depend on it
    should_stop:      polled before every batch; when it returns True, Cancelled is
                      raised (nothing is returned)
    progress:         called as progress(done, total) after every batch, in units of
                      question × candidate block (total is fixed for the run; done reaches
                      it at the end); progress(0, 0) once when no question can be evaluated

    Raises ValueError naming the parameter for a bad method, restrict_vocab or chunk_size.
    """
    method = _checked_method(method)
    check_positive("restrict_vocab", restrict_vocab, allow_none=True)
    check_positive("chunk_size", chunk_size, allow_none=True)
    vocabulary = Vocabulary(embeddings, restrict_vocab, bool(case_insensitive))
    count = len(analogies.questions)
    flat = [word for question in analogies.questions for word in question]
    rows = vocabulary.rows(flat).reshape(count, 4)  # (Q, 4): a, b, c, expected
    known = (rows >= 0).all(axis=1)
    evaluated = np.flatnonzero(known)
    if len(evaluated):
        answers = _Scorer(embeddings, vocabulary, method, rows[evaluated, :3]).answer(
            chunk_size, should_stop, progress)
    else:
        answers = np.empty(0, dtype=np.int64)
        if progress is not None:
            progress(0, 0)
    expected = rows[evaluated, 3]
    found = answers >= 0
    right = np.zeros(len(evaluated), dtype=bool)
    right[found] = vocabulary.rep_of_row[answers[found]] == expected[found]
    return _analogy_result(embeddings, analogies, method, known, evaluated, answers, right)


def _analogy_result(embeddings: Embeddings, analogies: AnalogySet, method: str,
                    known: np.ndarray, evaluated: np.ndarray, answers: np.ndarray,
                    right: np.ndarray) -> AnalogyResult:
    """Per-section counts (np.bincount) and the wrong answers in file order."""
    sections = analogies.sections
    where = analogies.section_of
    size = len(sections)
    skipped = np.bincount(where[~known], minlength=size)
    totals = np.bincount(where[evaluated], minlength=size)
    corrects = np.bincount(where[evaluated[right]], minlength=size)
    scores = tuple(SectionScore(name, int(corrects[i]), int(totals[i]), int(skipped[i]))
                   for i, name in enumerate(sections))
    wrong = []
    for position in np.flatnonzero(~right).tolist():
        question = analogies.questions[evaluated[position]]
        answer = int(answers[position])
        wrong.append(WrongAnswer(sections[where[evaluated[position]]], *question,
                                 embeddings.words[answer] if answer >= 0 else None))
    return AnalogyResult(method, int(right.sum()), len(evaluated), int((~known).sum()), scores,
                         tuple(wrong))


def _checked_method(method: str) -> str:
    name = method.lower() if isinstance(method, str) else method
    if name not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}.")
    return name



class _Scorer:
    """Answers questions (rows of a, b, c in the restricted vocabulary) in batches.

    triples: (Qe, 3) int64 rows of a, b, c. answer() -> (Qe,) int64 row of each answer, -1
    when there is no candidate.
    """

    def __init__(self, embeddings: Embeddings, vocabulary: Vocabulary, method: str,
                 triples: np.ndarray) -> None:
        self.embeddings = embeddings
        self.vocabulary = vocabulary
        self.method = method
        self.triples = np.ascontiguousarray(triples, dtype=np.int64)
        self.unit = embeddings.unit_vectors
        self._norms: np.ndarray | None = None
        self.words, inverse = np.unique(self.triples, return_inverse=True)
        inverse = inverse.reshape(-1, 3)
        count = len(self.triples)
        width = len(self.words)
        # score = coefficients @ table: +b +c -a, over the cosines (3CosAdd) or over
        # [log p ; log(p + eps)] (3CosMul: log(p_b p_c / (p_a + eps)) ranks the same)
        columns = np.stack([inverse[:, 1], inverse[:, 2],
                            inverse[:, 0] + (width if method == "3cosmul" else 0)], axis=1)
        self.table_rows = width * (2 if method == "3cosmul" else 1)
        coefficients = np.tile(np.array([1, 1, -1], dtype=np.float32), count)
        self.coefficients = sparse.csr_matrix(
            (coefficients, (np.repeat(np.arange(count), 3), columns.ravel())),
            shape=(count, self.table_rows))
        self.variant_question, self.variant_row = self._variant_pairs()

    def _variant_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(question, row) pairs sorted by question: the case variants of each question's
        a, b, c (other rows whose upper-cased form is one of them), excluded as answers."""
        vocabulary = self.vocabulary
        starts = vocabulary.variant_start[self.triples]
        lengths = vocabulary.variant_start[self.triples + 1] - starts
        lengths[:, 1] *= self.triples[:, 1] != self.triples[:, 0]  # a word twice: once
        lengths[:, 2] *= ((self.triples[:, 2] != self.triples[:, 0])
                          & (self.triples[:, 2] != self.triples[:, 1]))
        starts, lengths = starts.ravel(), lengths.ravel()
        total = int(lengths.sum())
        questions = np.repeat(np.repeat(np.arange(len(self.triples)), 3), lengths)
        before = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - before, lengths) + np.arange(total)
        return questions, vocabulary.variant_rows[positions]

    # ------------------------------------------------------------ the batched pass
    def answer(self, chunk_size: int | None, should_stop: ShouldStop | None,
               progress: Progress | None) -> np.ndarray:
        count = len(self.triples)
        size = self.vocabulary.size
        block = max(1, min(size, BLOCK_COLUMNS, TABLE_BUDGET // self.table_rows))
        chunk = chunk_size or max(1, min(MAX_CHUNK, SCORE_BUDGET // block))
        blocks = -(-size // block)
        total = count * (blocks + 1)  # + one unit per question for the near-tie check
        best = np.full(count, -np.inf, dtype=np.float32)
        best_row = np.full(count, -1, dtype=np.int64)
        runner_up = np.full(count, -np.inf, dtype=np.float32)
        word_vectors = self.unit[self.words]
        done = 0
        for first in range(0, size, block):
            last = min(size, first + block)
            table = self._table(word_vectors @ self.unit[first:last].T)  # (rows, block)
            for start in range(0, count, chunk):
                _poll(should_stop)
                stop = min(count, start + chunk)
                scores = self.coefficients[start:stop] @ table  # (chunk, block) float32
                self._exclude(scores, start, stop, first, last)
                top_column = scores.argmax(axis=1)
                lines = np.arange(stop - start)
                top = scores[lines, top_column]
                scores[lines, top_column] = -np.inf
                second = scores.max(axis=1)
                # merge with the blocks before: a new best demotes the old one to runner-up
                window = slice(start, stop)
                better = top > best[window]
                runner_up[window] = np.where(better, np.maximum(best[window], second),
                                             np.maximum(runner_up[window], top))
                best_row[window] = np.where(better, top_column + first, best_row[window])
                best[window] = np.where(better, top, best[window])
                done += stop - start
                if progress is not None:
                    progress(done, total)
        undecided = np.flatnonzero(self._undecided(best, runner_up))
        for position, question in enumerate(undecided.tolist()):
            _poll(should_stop)
            best_row[question] = self._gensim_answer(*self.triples[question])
            if progress is not None:
                progress(done + count * (position + 1) // len(undecided), total)
        if progress is not None and not len(undecided):
            progress(total, total)
        return best_row

    def _table(self, cosines: np.ndarray) -> np.ndarray:
        """The rows the coefficients combine: cosines (3CosAdd), or log p and log(p + eps)
        with p = (1 + cos) / 2 computed in float32 as gensim does (3CosMul)."""
        if self.method == "3cosadd":
            return cosines
        shifted = cosines
        shifted += 1
        shifted /= 2
        np.maximum(shifted, 0, out=shifted)  # a cosine rounded below -1 would give log(<0)
        with np.errstate(divide="ignore"):
            return np.concatenate([np.log(shifted), np.log(shifted + COSMUL_EPSILON)])

    def _exclude(self, scores: np.ndarray, start: int, stop: int, first: int,
                 last: int) -> None:
        """-inf for the question's own rows and their case variants within columns
        [first, last)."""
        own = self.triples[start:stop]
        inside = (own >= first) & (own < last)
        lines, which = np.nonzero(inside)
        scores[lines, own[lines, which] - first] = -np.inf
        begin, end = np.searchsorted(self.variant_question, [start, stop])
        questions = self.variant_question[begin:end]
        rows = self.variant_row[begin:end]
        inside = (rows >= first) & (rows < last)
        scores[questions[inside] - start, rows[inside] - first] = -np.inf

    def _undecided(self, best: np.ndarray, runner_up: np.ndarray) -> np.ndarray:
        """(Qe,) bool: questions whose answer our float32 order alone cannot settle the way
        gensim's would: no candidate, a near tie, or TOPN case variants of a, b, c scoring
        about as high as the best (gensim's window of 5 would then end before it)."""
        with np.errstate(invalid="ignore"):
            unsure = ~np.isfinite(best) | (best - runner_up <= TIE_MARGIN)
        if len(self.variant_question):
            scores = self._pair_scores(self.variant_question, self.variant_row)
            high = scores >= best[self.variant_question] - TIE_MARGIN
            unsure |= np.bincount(self.variant_question[high],
                                  minlength=len(best)) >= TOPN
        return unsure

    def _pair_scores(self, questions: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Scores of single (question, row) pairs, in the units of the batched pass."""
        scores = np.empty(len(questions), dtype=np.float32)
        for start in range(0, len(questions), 1 << 16):
            part = slice(start, start + (1 << 16))
            candidates = self.unit[rows[part]]
            a, b, c = (np.einsum("ij,ij->i", candidates, self.unit[self.triples[
                questions[part], k]]) for k in range(3))
            if self.method == "3cosadd":
                scores[part] = b + c - a
            else:
                pa, pb, pc = (np.maximum((1 + x) / 2, 0) for x in (a, b, c))
                with np.errstate(divide="ignore"):
                    scores[part] = np.log(pb) + np.log(pc) - np.log(pa + COSMUL_EPSILON)
        return scores

    # ------------------------------------------------------------ gensim, replayed
    @property
    def norms(self) -> np.ndarray:
        """(R,) float32, computed as gensim's fill_norms (row by row, so the first R rows'
        norms are those of the whole matrix)."""
        if self._norms is None:
            # huge rows (a run about to diverge) overflow to inf, as in gensim: silently
            with np.errstate(over="ignore"):
                self._norms = np.linalg.norm(self.embeddings.vectors[:self.vocabulary.size],
                                             axis=1)
        return self._norms

    def _gensim_answer(self, a: int, b: int, c: int) -> int:
        """The row gensim's analogy loop ends on for one question (-1: none), by its own
        arithmetic: most_similar / most_similar_cosmul (topn=5) over the first R rows, then
        the first result whose form is not one of a, b, c (else the last result)."""
        vectors = self.embeddings.vectors[:self.vocabulary.size]
        norms = self.norms
        with np.errstate(all="ignore"):  # zero rows give nan, as in gensim
            if self.method == "3cosadd":
                distances, excluded = gensim_add(vectors, norms, a, b, c), [b, c, a]
            else:
                distances, excluded = gensim_mul(vectors, norms, a, b, c), {a, b, c}
        ranked = gensim_argsort(distances, TOPN + len(excluded))
        results = [row for row in ranked.tolist() if row not in excluded][:TOPN]
        reps = self.vocabulary.rep_of_row
        for row in results:
            if reps[row] not in (reps[a], reps[b], reps[c]):
                return row
        return results[-1] if results else -1


def _poll(should_stop: ShouldStop | None) -> None:
    if should_stop is not None and should_stop():
        raise Cancelled("The evaluation was stopped.")


