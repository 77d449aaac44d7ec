"""Which words the map shows: the N most frequent plus the pinned words beyond them, or an
isolated neighbourhood, or the handout's own words; the words of semantic axes join them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from core.map.axes import SemanticAxes
from core.map.pca import HANDOUT_WORDS


def map_word_ids(index: Mapping[str, int], vocabulary_size: int, *, method: str,
                 word_count: int, pinned: Sequence[str] = (), isolated: Sequence[str] = (),
                 axes: SemanticAxes | None = None) -> np.ndarray:
    """(n,) int64 word ids (rows of a vocabulary ordered most frequent first), each once,
    in this order: the handout's words (method "handout"), else the isolated words when
    there are any, else the first `word_count` ids then the pinned words beyond them;
    with method "axes", the words of `axes` last. Words not in `index` are left out."""
    if not vocabulary_size:
        return np.zeros(0, dtype=np.int64)
    if method == "handout":  # its own 24 words, whatever else
        chosen = [index[w] for w in HANDOUT_WORDS if w in index]
    elif isolated:
        chosen = [index[w] for w in isolated if w in index]
    else:
        count = min(word_count, vocabulary_size)
        chosen = list(range(count))
        chosen += [index[w] for w in pinned if w in index and index[w] >= count]
    if axes is not None and method == "axes":
        chosen += [*axes.x_from, *axes.x_to, *axes.y_from, *axes.y_to]
    return np.array(list(dict.fromkeys(chosen)), dtype=np.int64)


def axes_from_text(texts: Sequence[str], index: Mapping[str, int]) -> SemanticAxes:
    """SemanticAxes from four texts of words ("man, boy" → "woman, girl"; y's two may be
    empty): x runs from the mean of the first set to the mean of the second, y likewise.
    Raises ValueError, saying why, for an unknown word or an axis with one end only."""
    sets = [text.replace(",", " ").split() for text in texts]
    unknown = [w for words in sets for w in words if w not in index]
    if unknown:
        raise ValueError(f"not in the vocabulary: {', '.join(unknown[:5])}; the axes are "
                         "unchanged")
    if not (sets[0] and sets[1]) or bool(sets[2]) != bool(sets[3]):
        raise ValueError("semantic axes need words at both ends of x (and of y, if y is "
                         "given)")
    return SemanticAxes(*(tuple(index[w] for w in words) for words in sets))
