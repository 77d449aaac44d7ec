"""gensim's own arithmetic, replayed with the same NumPy/BLAS calls so that the float32
values and the tie order are gensim's: for the questions the batched scorer cannot decide
(core.evaluation.analogies) and for word-pair similarities (core.evaluation.pairs)."""

from __future__ import annotations

import numpy as np
from scipy.linalg import get_blas_funcs

_GENSIM_NRM2 = get_blas_funcs("nrm2", (np.array([], dtype=float),))
GENSIM_SCAL = get_blas_funcs("scal", (np.array([], dtype=float),))


def gensim_unitvec(vector: np.ndarray) -> np.ndarray:
    """gensim.matutils.unitvec for a dense vector: float64 BLAS nrm2 and scal, then back to the
    input's dtype."""
    length = _GENSIM_NRM2(vector)
    if length > 0.0:
        return GENSIM_SCAL(1.0 / length, vector).astype(vector.dtype)
    return vector


def gensim_add(vectors: np.ndarray, norms: np.ndarray, a: int, b: int, c: int) -> np.ndarray:
    """most_similar(positive=[b, c], negative=[a]): distances to the weighted mean of unit
    vectors, each step with gensim's types (a float64 weight times a float32 row...)."""
    mean = np.zeros(vectors.shape[1], dtype=vectors.dtype)
    weights = np.array([1.0, 1.0, -1.0])
    total_weight = 0
    for weight, row in zip(weights, (b, c, a), strict=True):
        mean += weight * (vectors[row] / norms[row])
        total_weight += abs(weight)
    mean = gensim_unitvec(mean / total_weight).astype(np.float32)
    return np.dot(vectors, mean) / norms


def gensim_mul(vectors: np.ndarray, norms: np.ndarray, a: int, b: int, c: int) -> np.ndarray:
    """most_similar_cosmul(positive=[b, c], negative=[a]) over these rows."""
    positive = [((1 + np.dot(vectors, vectors[row] / norms[row]) / norms) / 2)
                for row in (b, c)]
    negative = [((1 + np.dot(vectors, vectors[a] / norms[a]) / norms) / 2)]
    return np.prod(positive, axis=0) / (np.prod(negative, axis=0) + 0.000001)


def gensim_argsort(values: np.ndarray, topn: int) -> np.ndarray:
    """gensim.matutils.argsort(values, topn, reverse=True), its tie order included."""
    negated = -values
    if topn >= negated.size:
        return np.argsort(negated)[:topn]
    extreme = np.argpartition(negated, topn)[:topn]
    return extreme.take(np.argsort(negated.take(extreme)))


