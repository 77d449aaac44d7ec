"""Semantic axes: a map whose x (and y) run from one set of words to another, so that
coordinates mean the same in every frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.map.pca import pca_2d
from core.map.truth import unit_rows


@dataclass(frozen=True)
class SemanticAxes:
    """Axes defined by word sets (word ids, each among the ids the map shows).

    x runs from the mean of x_from to the mean of x_to; y likewise, or, when y_from and
    y_to are empty, along the first principal axis of the shown words across x.
    """

    x_from: tuple[int, ...]
    x_to: tuple[int, ...]
    y_from: tuple[int, ...] = ()
    y_to: tuple[int, ...] = ()


def check_axes(axes: SemanticAxes | None, ids: np.ndarray) -> None:
    """Raise ValueError, saying why, unless `axes` can be drawn for the words `ids`."""
    if axes is None:
        raise ValueError("the axes map needs SemanticAxes (the words at each end)")
    shown = set(np.asarray(ids).tolist())
    for name, from_words, to_words in (("x", axes.x_from, axes.x_to),
                                       ("y", axes.y_from, axes.y_to)):
        if name == "y" and not from_words and not to_words:
            continue
        if not from_words or not to_words:
            raise ValueError(f"the {name} axis needs words at both ends")
        missing = [w for w in (*from_words, *to_words) if int(w) not in shown]
        if missing:
            raise ValueError(f"the {name} axis words {missing} are not among the map's words")


def axes_layout(vectors: np.ndarray, ids: np.ndarray, axes: SemanticAxes) -> np.ndarray:
    """(n, 2): each unit-length row projected on the semantic axes (see SemanticAxes).

    x = u · (mean(u[x_to]) - mean(u[x_from])) / ‖…‖ for the unit rows u; y likewise, or
    the coordinate along the first principal axis of the rows with x's direction removed
    (its sign as pca_2d fixes it; MapTracker keeps it from frame to frame).
    """
    unit = unit_rows(vectors, dtype=np.float64)
    row_of = {int(word): row for row, word in enumerate(ids)}

    check_axes(axes, ids)

    def direction(from_words: tuple[int, ...], to_words: tuple[int, ...], name: str):
        start = unit[[row_of[int(w)] for w in from_words]].mean(axis=0)
        end = unit[[row_of[int(w)] for w in to_words]].mean(axis=0)
        way = end - start
        length = np.linalg.norm(way)
        if not length > 1e-12:
            raise ValueError(f"the {name} axis has no direction: both ends have the same "
                             "mean vector; choose different words")
        return way / length

    x_way = direction(axes.x_from, axes.x_to, "x")
    x = unit @ x_way
    if axes.y_from or axes.y_to:
        y = unit @ direction(axes.y_from, axes.y_to, "y")
    else:
        across = unit - np.outer(x, x_way)
        y = pca_2d(across)[:, 0]
    return np.column_stack([x, y])
