"""Word-vector evaluation with gensim's numbers: analogy questions (3CosAdd, 3CosMul) and
word-pair similarity (Pearson, Spearman), the analogies scored as matrix products in batches.

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

File policies (`read_analogies`, `read_pairs`): UTF-8 (a BOM is dropped), gzip and bz2 are
opened as gensim's smart_open does; every unusable file raises EvaluationFileError naming the
file, the line where known, the problem and the fix. Deliberate differences from gensim's
readers, none of which changes gensim's numbers on a file it reads as intended:
- analogies: blank lines and lines starting with "#" are ignored (gensim logs blank lines as
  invalid; a "#" line of exactly 4 words would be a question to gensim); a question line
  before the first ": section" header is an error (gensim raises too).
- pairs: the delimiter is found per file (tab if any data line has one, else comma, else
  whitespace; gensim takes a delimiter argument, tab by default); words are stripped of
  surrounding spaces; lines with more than 3 fields (SimLex-999's own file) are read, the gold
  score being the first number after the two words, where gensim skips them as invalid;
  non-finite scores ("nan") are invalid.
"""

from __future__ import annotations

import bz2
import gzip
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path

import numpy as np
from scipy import sparse, stats
from scipy.linalg import get_blas_funcs

from core.vectors.embeddings import Embeddings

__all__ = ["METHODS", "RESTRICT_VOCAB", "AnalogyResult", "AnalogySet", "EvaluationCancelled",
           "EvaluationFileError", "PairResult", "PairSet", "SectionScore", "WrongAnswer",
           "evaluate_analogies", "evaluate_pairs", "parse_analogies", "parse_pairs",
           "read_analogies", "read_pairs"]

RESTRICT_VOCAB = 300_000  # gensim's default
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
MAX_FILE_BYTES = 256 << 20  # test sets are kilobytes; anything this big is the wrong file
JSON_WRONG_LIMIT = 1000

ShouldStop = Callable[[], bool]
Progress = Callable[[int, int], None]

ANALOGY_FORMAT = ("Expected lines 'a b c d' (like 'Athens Greece Baghdad Iraq') under "
                  "': section' headers, like Google's questions-words.txt.")
PAIR_FORMAT = ("Expected lines 'word1<TAB>word2<TAB>score' (or comma-separated), like "
               "WordSim353's wordsim353.tsv or SimLex-999.")


class EvaluationFileError(ValueError):
    """A test file could not be used; str() names the file, the line (if any), the problem and
    the fix. Attributes: path (as given), problem, fix, line (1-based int or None)."""

    def __init__(self, path: str | os.PathLike, problem: str, fix: str = "",
                 line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        self.line = line
        where = f"{path}, line {line:,}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}" + (f" {fix}" if fix else ""))


class EvaluationCancelled(Exception):
    """evaluate_analogies stopped because `should_stop()` returned True."""


# ---------------------------------------------------------------------- test sets
@dataclass(frozen=True, eq=False)
class AnalogySet:
    """Analogy questions read from a questions-words.txt style file.

    name:          file name (for display)
    sections:      (S,) section names in file order (repeats and empty sections kept, as gensim)
    section_of:    (Q,) int64, index into `sections` for each question (read-only)
    questions:     (Q,) (a, b, c, expected) as written in the file
    invalid_lines: lines skipped as malformed (not 4 words; gensim skips them too)
    """

    name: str
    sections: tuple[str, ...]
    section_of: np.ndarray
    questions: tuple[tuple[str, str, str, str], ...]
    invalid_lines: int


@dataclass(frozen=True, eq=False)
class PairSet:
    """Word pairs with gold similarities (WordSim353 / SimLex-999 style).

    pairs:  (P,) (word1, word2) as written; scores: (P,) float64 gold similarities (read-only)
    invalid_lines: data lines skipped (no 'word word number': headers, short lines)
    """

    name: str
    pairs: tuple[tuple[str, str], ...]
    scores: np.ndarray
    invalid_lines: int


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def read_analogies(path: str | os.PathLike) -> AnalogySet:
    """Read an analogy test set (": section" lines, then "a b c d" lines). Raises
    EvaluationFileError for a missing, empty, binary or non-UTF-8 file, a folder, or a file
    with no question."""
    source = Path(path)
    text = _read_text(source, "analogy questions", "questions-words.txt")
    with _naming(source):
        return parse_analogies(text, source.name)


def parse_analogies(text: str, name: str = "analogies") -> AnalogySet:
    """Analogy questions from the text of a questions-words.txt style file (see
    read_analogies). Lines are split on "\\n" only and words on any whitespace, as gensim
    reads them; errors name `name`."""
    sections: list[str] = []
    section_of: list[int] = []
    questions: list[tuple[str, str, str, str]] = []
    invalid = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith(": "):
            sections.append(line.lstrip(": ").strip())  # gensim's own expression for the name
            continue
        if line.startswith("#"):
            continue
        words = line.split()
        if not words:
            continue
        if len(words) != 4:
            invalid += 1
            continue
        if not sections:
            raise EvaluationFileError(
                name, "has a question before the first ': section' line.",
                "Add a section line such as ': capital-common-countries' above it.", number)
        questions.append((words[0], words[1], words[2], words[3]))
        section_of.append(len(sections) - 1)
    if not questions:
        raise EvaluationFileError(name, "holds no analogy questions.", ANALOGY_FORMAT)
    return AnalogySet(name, tuple(sections), _frozen(np.array(section_of, dtype=np.int64)),
                      tuple(questions), invalid)


def read_pairs(path: str | os.PathLike) -> PairSet:
    """Read a word-pair similarity set (word1, word2, score per line; tab or comma; "#"
    comments). Raises EvaluationFileError like read_analogies."""
    source = Path(path)
    text = _read_text(source, "word pairs", "wordsim353.tsv")
    with _naming(source):
        return parse_pairs(text, source.name)


def parse_pairs(text: str, name: str = "pairs") -> PairSet:
    """Word pairs from the text of a WordSim353 / SimLex-999 style file (see the module
    docstring for the delimiter and extra-column rules); errors name `name`."""
    # universal newlines, as gensim's text-mode open reads the file
    lines = [(number, line) for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1)
             if line.strip() and not line.startswith("#")]
    delimiter: str | None = None  # None: any whitespace (MEN-style files)
    if any("\t" in line for _, line in lines):
        delimiter = "\t"
    elif any("," in line for _, line in lines):
        delimiter = ","
    pairs: list[tuple[str, str]] = []
    scores: list[float] = []
    invalid = 0
    for _, line in lines:
        fields = line.split(delimiter)
        first, second = (fields[0].strip(), fields[1].strip()) if len(fields) >= 3 else ("", "")
        score = next((v for v in map(_finite_number, fields[2:]) if v is not None), None)
        if not first or not second or score is None:
            invalid += 1  # a header such as "Word 1<TAB>Word 2<TAB>Human (mean)", a short line
            continue
        pairs.append((first, second))
        scores.append(score)
    if not pairs:
        raise EvaluationFileError(name, "holds no word pairs.", PAIR_FORMAT)
    return PairSet(name, tuple(pairs), _frozen(np.array(scores, dtype=np.float64)), invalid)


@contextmanager
def _naming(source: Path) -> Iterator[None]:
    """Errors of the parsers, which know only the file's name, re-raised with its path."""
    try:
        yield
    except EvaluationFileError as error:
        raise EvaluationFileError(source, error.problem, error.fix, error.line) from None


def _finite_number(field: str) -> float | None:
    try:
        value = float(field)  # what gensim calls on the score field
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _read_text(source: Path, what: str, example: str) -> str:
    """The UTF-8 text of a test file (gzip / bz2 opened), or EvaluationFileError."""
    choose = f"Choose a file of {what}, like {example}."
    if not source.exists():
        raise EvaluationFileError(source, "does not exist.", "Check the name and the folder.")
    if source.is_dir():
        raise EvaluationFileError(source, "is a folder, not a file.",
                                  f"Choose the file of {what} inside it (like {example}).")
    try:
        size = source.stat().st_size
        if size > MAX_FILE_BYTES:
            raise EvaluationFileError(
                source, f"is {size / 2 ** 20:,.0f} MB, far larger than any test set.",
                f"Is it the right file? {choose}")
        data = source.read_bytes()
    except OSError as error:
        raise EvaluationFileError(source, f"cannot be read ({error.strerror or error}).",
                                  "Check that you may read it.") from error
    data = _decompressed(source, data)
    if not data.strip():
        raise EvaluationFileError(source, "is empty.", choose)
    zero = data.find(b"\x00")
    if zero >= 0:
        raise EvaluationFileError(source, "is a binary file, not text (it holds a zero byte).",
                                  f"{choose} If it is text in UTF-16, save it as UTF-8.",
                                  data.count(b"\n", 0, zero) + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EvaluationFileError(
            source, f"is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded).",
            "Save it as UTF-8 (most editors offer this under Save As) and open it again.",
            data.count(b"\n", 0, error.start) + 1) from None
    return text.removeprefix("\ufeff")


def _decompressed(source: Path, data: bytes) -> bytes:
    """gzip (by its magic bytes) and bz2 (by its suffix and magic) are read through, as gensim's
    smart_open does."""
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        elif source.suffix.lower() == ".bz2" and data[:3] == b"BZh":
            data = bz2.decompress(data)
    except (OSError, EOFError, ValueError) as error:
        raise EvaluationFileError(source, f"is a damaged compressed file ({error}).",
                                  "Decompress it again or choose another copy.") from None
    if len(data) > MAX_FILE_BYTES:
        raise EvaluationFileError(source, "decompresses to more than any test set holds.",
                                  "Is it the right file?")
    return data


# ---------------------------------------------------------------------- results
def _json_number(value: float) -> float | None:
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class WrongAnswer:
    """A question answered wrongly. a, b, c, expected as written in the file; predicted is the
    vocabulary word chosen (as spelled in the vocabulary; gensim reports it upper-cased when
    case-insensitive), None only if no candidate exists."""

    section: str
    a: str
    b: str
    c: str
    expected: str
    predicted: str | None

    def to_json(self) -> dict:
        return {"section": self.section, "a": self.a, "b": self.b, "c": self.c,
                "expected": self.expected, "predicted": self.predicted}


@dataclass(frozen=True)
class SectionScore:
    """One section: total questions evaluated, skipped ones had a word outside the
    (restricted) vocabulary."""

    name: str
    correct: int
    total: int
    skipped: int

    @property
    def accuracy(self) -> float:
        """correct / total; nan when total == 0."""
        return self.correct / self.total if self.total else math.nan

    def to_json(self) -> dict:
        return {"name": self.name, "accuracy": _json_number(self.accuracy),
                "correct": self.correct, "total": self.total, "skipped": self.skipped}


@dataclass(frozen=True)
class AnalogyResult:
    """The whole set: accuracy = correct / total over all sections (gensim's "Total
    accuracy"); sections in file order; every wrong answer in file order."""

    method: str
    correct: int
    total: int
    skipped: int
    sections: tuple[SectionScore, ...]
    wrong: tuple[WrongAnswer, ...]

    @property
    def accuracy(self) -> float:
        """correct / total; nan when total == 0 (gensim reports 0.0)."""
        return self.correct / self.total if self.total else math.nan

    def to_json(self) -> dict:
        """A JSON-ready dict (nan -> None); the first 1000 wrong answers."""
        return {"method": self.method, "accuracy": _json_number(self.accuracy),
                "correct": self.correct, "total": self.total, "skipped": self.skipped,
                "sections": [section.to_json() for section in self.sections],
                "wrong": [answer.to_json() for answer in self.wrong[:JSON_WRONG_LIMIT]]}


@dataclass(frozen=True)
class PairResult:
    """Correlations of cosine similarity with the gold scores over the pairs scored; nan when
    fewer than 2 pairs were scored or either side is constant. oov_ratio is in percent."""

    pearson: float
    spearman: float
    oov_ratio: float
    pairs: int
    skipped: int

    def to_json(self) -> dict:
        return {"pearson": _json_number(self.pearson), "spearman": _json_number(self.spearman),
                "oov_ratio": _json_number(self.oov_ratio), "pairs": self.pairs,
                "skipped": self.skipped}


# ---------------------------------------------------------------------- vocabulary
class _Vocabulary:
    """The first R rows as gensim's `ok_vocab` sees them.

    size:          R = min(restrict_vocab, V)
    row_of_key:    key (upper-cased when case-insensitive) -> its first (most frequent) row
    rep_of_row:    (R,) int64, the row that stands for each row's key
    variant_rows:  rows that are not their key's first row, sorted by that first row, with
    variant_start: (R + 1,) offsets: the variants of row r are variant_rows[start[r]:start[r+1]]
    """

    def __init__(self, embeddings: Embeddings, restrict_vocab: int | None,
                 case_insensitive: bool) -> None:
        total = len(embeddings.words)
        self.size = total if restrict_vocab is None else min(restrict_vocab, total)
        self.case_insensitive = case_insensitive
        words = embeddings.words[:self.size]
        keys = [word.upper() for word in words] if case_insensitive else list(words)
        # written last to first, the most frequent row of a key is the one kept (gensim's
        # `{k.upper(): index for k in reversed(ok_keys)}`)
        self.row_of_key = dict(zip(reversed(keys), range(self.size - 1, -1, -1), strict=True))
        if len(self.row_of_key) == self.size:
            self.rep_of_row = np.arange(self.size, dtype=np.int64)
        else:
            self.rep_of_row = np.fromiter((self.row_of_key[k] for k in keys), np.int64,
                                          self.size)
        variants = np.flatnonzero(self.rep_of_row != np.arange(self.size))
        self.variant_rows = variants[np.argsort(self.rep_of_row[variants], kind="stable")]
        self.variant_start = np.searchsorted(self.rep_of_row[self.variant_rows],
                                             np.arange(self.size + 1))

    def key(self, word: str) -> str:
        return word.upper() if self.case_insensitive else word

    def rows(self, words: list[str]) -> np.ndarray:
        """(len(words),) int64: the row standing for each word, -1 outside the vocabulary.
        Each distinct word is looked up once."""
        distinct: dict[str, int] = {}
        codes = np.fromiter((distinct.setdefault(w, len(distinct)) for w in words), np.int64,
                            len(words))
        found = np.fromiter((self.row_of_key.get(self.key(w), -1) for w in distinct),
                            np.int64, len(distinct))
        return found[codes] if len(words) else np.empty(0, dtype=np.int64)


# ---------------------------------------------------------------------- analogies
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
    should_stop:      polled before every batch; when it returns True, EvaluationCancelled is
                      raised (nothing is returned)
    progress:         called as progress(done, total) after every batch, in units of
                      question × candidate block (total is fixed for the run; done reaches
                      it at the end); progress(0, 0) once when no question can be evaluated

    Raises ValueError naming the parameter for a bad method, restrict_vocab or chunk_size.
    """
    method = _checked_method(method)
    _check_positive("restrict_vocab", restrict_vocab, allow_none=True)
    _check_positive("chunk_size", chunk_size, allow_none=True)
    vocabulary = _Vocabulary(embeddings, restrict_vocab, bool(case_insensitive))
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


def _check_positive(name: str, value: object, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        none = " or None" if allow_none else ""
        raise ValueError(f"{name} must be a whole number of at least 1{none}; got {value!r}.")


class _Scorer:
    """Answers questions (rows of a, b, c in the restricted vocabulary) in batches.

    triples: (Qe, 3) int64 rows of a, b, c. answer() -> (Qe,) int64 row of each answer, -1
    when there is no candidate.
    """

    def __init__(self, embeddings: Embeddings, vocabulary: _Vocabulary, method: str,
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
                distances, excluded = _gensim_add(vectors, norms, a, b, c), [b, c, a]
            else:
                distances, excluded = _gensim_mul(vectors, norms, a, b, c), {a, b, c}
        ranked = _gensim_argsort(distances, TOPN + len(excluded))
        results = [row for row in ranked.tolist() if row not in excluded][:TOPN]
        reps = self.vocabulary.rep_of_row
        for row in results:
            if reps[row] not in (reps[a], reps[b], reps[c]):
                return row
        return results[-1] if results else -1


_GENSIM_NRM2 = get_blas_funcs("nrm2", (np.array([], dtype=float),))
_GENSIM_SCAL = get_blas_funcs("scal", (np.array([], dtype=float),))


def _gensim_unitvec(vector: np.ndarray) -> np.ndarray:
    """gensim.matutils.unitvec for a dense vector: float64 BLAS nrm2 and scal, then back to the
    input's dtype."""
    length = _GENSIM_NRM2(vector)
    if length > 0.0:
        return _GENSIM_SCAL(1.0 / length, vector).astype(vector.dtype)
    return vector


def _gensim_add(vectors: np.ndarray, norms: np.ndarray, a: int, b: int, c: int) -> np.ndarray:
    """most_similar(positive=[b, c], negative=[a]): distances to the weighted mean of unit
    vectors, each step with gensim's types (a float64 weight times a float32 row...)."""
    mean = np.zeros(vectors.shape[1], dtype=vectors.dtype)
    weights = np.array([1.0, 1.0, -1.0])
    total_weight = 0
    for weight, row in zip(weights, (b, c, a), strict=True):
        mean += weight * (vectors[row] / norms[row])
        total_weight += abs(weight)
    mean = _gensim_unitvec(mean / total_weight).astype(np.float32)
    return np.dot(vectors, mean) / norms


def _gensim_mul(vectors: np.ndarray, norms: np.ndarray, a: int, b: int, c: int) -> np.ndarray:
    """most_similar_cosmul(positive=[b, c], negative=[a]) over these rows."""
    positive = [((1 + np.dot(vectors, vectors[row] / norms[row]) / norms) / 2)
                for row in (b, c)]
    negative = [((1 + np.dot(vectors, vectors[a] / norms[a]) / norms) / 2)]
    return np.prod(positive, axis=0) / (np.prod(negative, axis=0) + 0.000001)


def _gensim_argsort(values: np.ndarray, topn: int) -> np.ndarray:
    """gensim.matutils.argsort(values, topn, reverse=True), its tie order included."""
    negated = -values
    if topn >= negated.size:
        return np.argsort(negated)[:topn]
    extreme = np.argpartition(negated, topn)[:topn]
    return extreme.take(np.argsort(negated.take(extreme)))


def _poll(should_stop: ShouldStop | None) -> None:
    if should_stop is not None and should_stop():
        raise EvaluationCancelled("The evaluation was stopped.")


# ---------------------------------------------------------------------- word pairs
def evaluate_pairs(embeddings: Embeddings, pairs: PairSet, *,
                   restrict_vocab: int | None = RESTRICT_VOCAB,
                   case_insensitive: bool = True) -> PairResult:
    """Correlate cosine similarity with the gold scores, as gensim's evaluate_word_pairs:
    pairs with a word outside the first `restrict_vocab` rows are skipped; each similarity is
    computed with gensim's arithmetic (float32 unit vectors from float64 BLAS, a float32 dot),
    so equal similarities tie in Spearman's ranks exactly as in gensim."""
    _check_positive("restrict_vocab", restrict_vocab, allow_none=True)
    vocabulary = _Vocabulary(embeddings, restrict_vocab, bool(case_insensitive))
    rows = vocabulary.rows([word for pair in pairs.pairs for word in pair]).reshape(-1, 2)
    known = (rows >= 0).all(axis=1)
    units: dict[int, np.ndarray] = {}
    model = []
    for first, second in rows[known].tolist():  # a few thousand pairs at most
        for row in (first, second):
            if row not in units:
                units[row] = _gensim_unitvec(embeddings.vectors[row])
        model.append(np.dot(units[first], units[second]))
    gold = [float(score) for score in pairs.scores[known]]
    scored, skipped = len(model), int((~known).sum())
    pearson = spearman = math.nan
    if scored >= 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a constant side: nan, said in the docstring
            spearman = float(stats.spearmanr(gold, model)[0])
            pearson = float(stats.pearsonr(gold, model)[0])
    ratio = skipped / (scored + skipped) * 100 if scored + skipped else math.nan
    return PairResult(pearson, spearman, ratio, scored, skipped)
