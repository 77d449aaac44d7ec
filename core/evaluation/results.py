"""What an evaluation returns: the score of each analogy section, the wrong answers and
the word-pair correlations, each with its JSON form."""

from __future__ import annotations

import math
from dataclasses import dataclass

JSON_WRONG_LIMIT = 1000


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


