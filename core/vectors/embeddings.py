"""Trained vectors with their vocabulary: queries (neighbours, analogies by exact cosine).

Files are read and written by `core.vectors.reading` (word2vec text and binary, fastText .vec,
GloVe, the Embedding Projector's TSV pair, models and sessions); `load_word2vec`,
`save_word2vec` and `save_projector_tsv` here are thin wrappers over it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np

from core.math.functions import normalize_rows


class EmbeddingsError(ValueError):
    """A vectors file could not be read or written; the message names the file and the fix."""


class UnknownWordError(KeyError):
    """A word is not in the vocabulary; `suggestions` holds close vocabulary words."""

    def __init__(self, word: str, suggestions: list[str]) -> None:
        self.word = word
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"'{word}' is not in the vocabulary.{hint}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class Embeddings:
    """words: (V,) list of str; vectors: (V, d) float32; counts: (V,) int64 or None."""

    words: list[str]
    vectors: np.ndarray
    counts: np.ndarray | None = None
    index: dict[str, int] = field(init=False, repr=False)
    _unit: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.vectors = np.asarray(self.vectors, dtype=np.float32)
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise EmbeddingsError(
                f"{len(self.words)} words but vectors of shape {self.vectors.shape}."
            )
        self.index = {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def unit_vectors(self) -> np.ndarray:
        """(V, d) rows scaled to unit length (zero rows stay zero), computed once."""
        if self._unit is None:
            self._unit = normalize_rows(self.vectors)
        return self._unit

    # ------------------------------------------------------------------ queries
    def suggestions(self, word: str, count: int = 5) -> list[str]:
        """Vocabulary words spelled like `word` (case-insensitive first, then close matches)."""
        lowered = word.lower()
        if lowered != word and lowered in self.index:
            return [lowered]
        return difflib.get_close_matches(lowered, self.words, n=count, cutoff=0.6)

    def word_index(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            raise UnknownWordError(word, self.suggestions(word)) from None

    def vector(self, word: str) -> np.ndarray:
        return self.vectors[self.word_index(word)]

    def similarity(self, first: str, second: str) -> float:
        """Cosine similarity of two words."""
        unit = self.unit_vectors
        return float(unit[self.word_index(first)] @ unit[self.word_index(second)])

    def _rank(self, scores: np.ndarray, exclude: list[int], count: int) -> list[tuple[str, float]]:
        """The `count` best of `scores` (a fresh (V,) array, changed here), `exclude` left out.

        argpartition finds the top `count` in O(V); only those are sorted.
        """
        count = min(count, len(self.words) - len(set(exclude)))
        if count <= 0:
            return []
        scores[exclude] = -np.inf
        top = np.argpartition(scores, len(scores) - count)[len(scores) - count:]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in top]

    def most_similar(self, word: str, count: int = 10) -> list[tuple[str, float]]:
        """The `count` nearest words by cosine similarity, the query itself excluded."""
        query = self.word_index(word)
        unit = self.unit_vectors
        return self._rank(unit @ unit[query], [query], count)

    def analogy(self, a: str, b: str, c: str, count: int = 10,
                method: str = "3cosadd") -> list[tuple[str, float]]:
        """Words d with a - b + c ≈ d (king - man + woman ≈ queen); a, b, c excluded.

        3CosAdd ranks by cos(d, a) - cos(d, b) + cos(d, c); 3CosMul (Levy and Goldberg,
        2014) by cos'(d, a) · cos'(d, c) / (cos'(d, b) + ε), with cos' = (cos + 1) / 2 and
        ε = 1e-6 as gensim's most_similar_cosmul (and core.evaluation.scoring) use, so that a query
        and an evaluation rank alike.
        """
        if method not in ("3cosadd", "3cosmul"):
            raise ValueError(f"method must be 3cosadd or 3cosmul; got {method!r}.")
        ids = [self.word_index(w) for w in (a, b, c)]
        unit = self.unit_vectors
        if method == "3cosadd":
            # cos(d,a) - cos(d,b) + cos(d,c) = u_d · (u_a - u_b + u_c): one pass over the rows
            return self._rank(unit @ (unit[ids[0]] - unit[ids[1]] + unit[ids[2]]), ids, count)
        cosines = unit @ np.ascontiguousarray(unit[ids].T)  # (V, 3) in one pass
        shifted = (cosines + 1.0) / 2.0
        scores = shifted[:, 0] * shifted[:, 2] / (shifted[:, 1] + 1e-6)
        return self._rank(scores, ids, count)
