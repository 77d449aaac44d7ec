"""Which words of the map get a label, and where each label sits: Qt-free, in pixels.

Labels go first to the words that must show (pinned, searched, hovered, the axes' words),
then to the query's neighbours, then to the words on screen whose label would not overlap
one already placed: each colour group's most central words first (taking turns between
groups, label_order), or the most frequent words when the map has one colour. Zooming in
spreads the points apart on screen, so more of them get a label.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.map.colours import Colouring

MAX_LABELS = 70  # labels on screen at once
LABEL_CANDIDATES = 2000  # words tried for a label, in order, before giving up
CHAR_WIDTH, LABEL_HEIGHT = 6.5, 14  # approximate label size in pixels, for overlaps

# Where a label can sit: (the share of its width left of the point, then the offset of its
# baseline's start in pixels, y down as on screen). A marked word tries them in this order;
# the boxes they give (label_box) touch but do not overlap for labels of one spot.
PLACES = {"above": (0.5, 0, -6), "below": (0.5, 0, 20), "right": (0.0, 8, 7),
          "left": (1.0, -8, 7), "higher": (0.5, 0, -19), "lower": (0.5, 0, 33)}


def label_order(ids_or_rows: np.ndarray, colouring: Colouring) -> np.ndarray:
    """The given rows of `colouring` (indices into its arrays) in the order they should get
    labels.

    With groups: round-robin over the groups, largest first and the words in no group (-1)
    last in each round, each group's words by descending centrality; so every group's most
    central word is labelled before any group's second. Without groups (kind "none",
    "frequency", numeric metadata): by descending centrality. Ties keep the given order.
    """
    rows = np.asarray(ids_or_rows, dtype=np.int64).reshape(-1)
    if not len(rows):
        return rows
    groups = colouring.groups[rows]
    centrality = colouring.centrality[rows]
    # sort by group, then by descending centrality, to rank each word within its group
    by_group = np.lexsort((-centrality, groups))
    sorted_groups = groups[by_group]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    run_lengths = np.diff(np.r_[starts, len(rows)])
    rank_in_group = np.empty(len(rows), dtype=np.int64)
    rank_in_group[by_group] = np.arange(len(rows)) - np.repeat(starts, run_lengths)
    # groups are numbered largest first; -1 goes after every group in a round
    turn = np.where(groups >= 0, groups, np.iinfo(np.int64).max)
    return rows[np.lexsort((turn, rank_in_group))]


def place_labels(layout: np.ndarray, ids: np.ndarray, row_of: dict[int, int],
                 view_range: tuple[tuple[float, float], tuple[float, float]],
                 pixel_size: tuple[float, float], *, always: list[int], searched: list[int],
                 label_rows: np.ndarray, marked_width: Callable[[int], float],
                 plain_width: Callable[[int], float], max_labels: int = MAX_LABELS,
                 candidates: int = LABEL_CANDIDATES) -> list[tuple[int, str]]:
    """[(word id, place)]: the labels to draw, at most `max_labels`, in the order chosen.

    layout (n, 2) data coordinates, row i for word ids[i] (row_of: id -> row); view_range
    ((x_low, x_high), (y_low, y_high)) the visible data; pixel_size the data units of one
    pixel (x, y). `always` must show (placed first, each side of the point in turn, over
    others if no side is free); `searched` are placed next the same way when a side is
    free; then the visible words in `label_rows` order (or by id when it does not cover
    every row), above their point where the grid has room. marked_width / plain_width give
    a word's label width in pixels.

    Overlaps are found on a grid of LABEL_HEIGHT-pixel cells: a label takes the cells its
    box touches, and a later label needing a taken cell is left out.
    """
    (x_low, x_high), (y_low, y_high) = view_range
    pixel_width, pixel_height = pixel_size
    visible = ((layout[:, 0] >= x_low) & (layout[:, 0] <= x_high)
               & (layout[:, 1] >= y_low) & (layout[:, 1] <= y_high))
    # then the query's neighbours, then the rest: central words of each group first
    rows = label_rows if len(label_rows) == len(ids) else np.argsort(ids, kind="stable")
    rest = ids[rows[visible[rows]]][:candidates]
    order = [*dict.fromkeys(always), *searched, *rest.tolist()]
    x_pixels = layout[:, 0] / pixel_width
    y_pixels = layout[:, 1] / pixel_height  # upwards, like the data
    marked = {*always, *searched}
    taken: set[tuple[int, int]] = set()  # grid cells under the labels placed so far
    boxes: list[tuple[float, float, float, float]] = []  # the marked words' labels
    chosen: list[tuple[int, str]] = []
    seen: set[int] = set()
    for word in order:
        if len(chosen) == max_labels:
            break
        if word in seen:
            continue
        seen.add(word)
        row = row_of[word]
        x, y = x_pixels[row], y_pixels[row]
        if word in marked:  # placed first: each side of the point in turn, exactly
            width = marked_width(word)
            for place in PLACES:
                box = label_box(x, y, width, place)
                if not any(boxes_overlap(box, other) for other in boxes):
                    break
            else:
                if word not in always:
                    continue
                place = "above"  # it must show: above, over whatever is there
                box = label_box(x, y, width, place)
            boxes.append(box)
        else:  # the rest above their point, where the grid has room
            width = plain_width(word)
            place, box = "above", label_box(x, y, width, "above")
            if any(cell in taken for cell in box_cells(box)):
                continue
        taken.update(box_cells(box))
        chosen.append((word, place))
    return chosen


def label_box(x: float, y: float, width: float, place: str
              ) -> tuple[float, float, float, float]:
    """The box (left, bottom, right, top; pixels, y upwards) of a label of this width for
    a point at (x, y), placed as PLACES[place] says: 10 pixels above the baseline and 3
    below it."""
    share, dx, dy = PLACES[place]
    left, baseline = x + dx - share * width, y - dy
    return left, baseline - 3, left + width, baseline + LABEL_HEIGHT - 4


def boxes_overlap(one: tuple[float, float, float, float],
                  other: tuple[float, float, float, float]) -> bool:
    return (one[0] < other[2] and other[0] < one[2]
            and one[1] < other[3] and other[1] < one[3])


def box_cells(box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
    """The LABEL_HEIGHT-pixel grid cells a box touches: a coarse test of overlap that
    stays cheap for the thousands of words tried for a label."""
    left, bottom, right, top = box
    return [(column, line)
            for column in range(int(left // LABEL_HEIGHT), int(right // LABEL_HEIGHT) + 1)
            for line in range(int(bottom // LABEL_HEIGHT), int(top // LABEL_HEIGHT) + 1)]
