"""Word-vector evaluation with gensim's numbers: test sets (sets), analogy questions
(analogies), word-pair similarity (pairs), their results (results) and reports (report).
The public names are importable from here."""

from core.evaluation.analogies import METHODS, evaluate_analogies
from core.evaluation.pairs import evaluate_pairs
from core.evaluation.results import AnalogyResult, PairResult, SectionScore, WrongAnswer
from core.evaluation.sets import (
    AnalogySet,
    EvaluationFileError,
    PairSet,
    parse_analogies,
    parse_pairs,
    read_analogies,
    read_pairs,
)
from core.evaluation.vocabulary import RESTRICT_VOCAB

__all__ = ["METHODS", "RESTRICT_VOCAB", "AnalogyResult", "AnalogySet",
           "EvaluationFileError", "PairResult", "PairSet", "SectionScore", "WrongAnswer",
           "evaluate_analogies", "evaluate_pairs", "parse_analogies", "parse_pairs",
           "read_analogies", "read_pairs"]
