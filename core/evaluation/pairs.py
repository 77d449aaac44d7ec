"""Word-pair similarity scored as gensim's evaluate_word_pairs: Pearson and Spearman of
cosine similarity against the gold scores."""

from __future__ import annotations

import math
import warnings

import numpy as np

from core.evaluation.gensim_replay import gensim_unitvec
from core.evaluation.results import PairResult
from core.evaluation.sets import PairSet
from core.evaluation.vocabulary import RESTRICT_VOCAB, Vocabulary, check_positive
from core.vectors.embeddings import Embeddings


def evaluate_pairs(embeddings: Embeddings, pairs: PairSet, *,
                   restrict_vocab: int | None = RESTRICT_VOCAB,
                   case_insensitive: bool = True) -> PairResult:
    """Correlate cosine similarity with the gold scores, as gensim's evaluate_word_pairs:
    pairs with a word outside the first `restrict_vocab` rows are skipped; each similarity is
    computed with gensim's arithmetic (float32 unit vectors from float64 BLAS, a float32 dot),
    so equal similarities tie in Spearman's ranks exactly as in gensim."""
    check_positive("restrict_vocab", restrict_vocab, allow_none=True)
    vocabulary = Vocabulary(embeddings, restrict_vocab, bool(case_insensitive))
    rows = vocabulary.rows([word for pair in pairs.pairs for word in pair]).reshape(-1, 2)
    known = (rows >= 0).all(axis=1)
    units: dict[int, np.ndarray] = {}
    model = []
    for first, second in rows[known].tolist():  # a few thousand pairs at most
        for row in (first, second):
            if row not in units:
                units[row] = gensim_unitvec(embeddings.vectors[row])
        model.append(np.dot(units[first], units[second]))
    gold = [float(score) for score in pairs.scores[known]]
    scored, skipped = len(model), int((~known).sum())
    pearson = spearman = math.nan
    if scored >= 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a constant side: nan, said in the docstring
            from scipy import stats  # here: it takes half a second to import

            spearman = float(stats.spearmanr(gold, model)[0])
            pearson = float(stats.pearsonr(gold, model)[0])
    ratio = skipped / (scored + skipped) * 100 if scored + skipped else math.nan
    return PairResult(pearson, spearman, ratio, scored, skipped)
