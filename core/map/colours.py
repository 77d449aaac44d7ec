"""What colour each word on the map gets: k-means clusters of the vectors, a metadata column
(categories or numbers; read by core.map.word_labels), or frequency, with a legend.

Colours are plain (r, g, b) tuples of 0-255 ints; nothing here knows how they are drawn.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.map.word_labels import as_number
from core.math.functions import normalize_rows

Colour = tuple[int, int, int]

# Okabe & Ito's colour-blind-safe qualitative palette ("Color Universal Design", 2008) without
# its yellow (240, 228, 66), which is too faint on a white background. The order makes the
# first few colours the easiest to tell apart, also under simulated protanopia, deuteranopia
# and tritanopia, so maps with few groups get the most distinct colours; black comes last.
PALETTE: tuple[Colour, ...] = (
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermillion
    (86, 180, 233),  # sky blue
    (204, 121, 167),  # reddish purple
    (230, 159, 0),  # orange
    (0, 158, 115),  # bluish green
    (0, 0, 0),  # black
)
OTHER: Colour = (150, 150, 150)  # words in no group: other values, missing values

# viridis (van der Walt & Smith, matplotlib) sampled at 0, 1/8, ..., 7/8, positions rescaled
# to [0, 1]: its last eighth (pale yellow) is left out because it fades into a white
# background. Position 0 (dark) is "most": most frequent, highest value.
GRADIENT: tuple[tuple[float, Colour], ...] = (
    (0 / 7, (68, 1, 84)),
    (1 / 7, (71, 45, 123)),
    (2 / 7, (59, 82, 139)),
    (3 / 7, (44, 114, 142)),
    (4 / 7, (33, 145, 140)),
    (5 / 7, (39, 173, 129)),
    (6 / 7, (92, 200, 99)),
    (7 / 7, (170, 220, 50)),
)

# Six groups are told apart at a glance; a seventh gets black.
DEFAULT_CLUSTERS = 6
MINI_BATCH_ABOVE = 10_000  # rows above which k-means runs in mini-batches (keeps 20k rows < 1 s)
LEGEND_WORDS = 3  # central words named in a cluster's legend entry


@dataclass
class Colouring:
    """How the n words given are coloured.

    kind: "none" | "clusters" | "metadata" | "frequency".
    colours: (n, 3) uint8, row i for the i-th word given.
    legend: (text, colour) entries in display order.
    groups: (n,) int64 group per word, numbered from 0 by size (largest first); -1 for none
        or other.
    centrality: (n,) float64, higher = more central in its group: cosine to the group's
        centroid for clusters (and metadata, when vectors are given), otherwise minus the
        frequency rank (or minus the position in the list).
    gradient: True when colours follow GRADIENT (frequency, numeric metadata); the legend
        then holds the gradient's two ends.
    """

    kind: str
    colours: np.ndarray
    legend: list[tuple[str, Colour]]
    groups: np.ndarray
    centrality: np.ndarray
    gradient: bool = False

    def __len__(self) -> int:
        return len(self.groups)


# ---------------------------------------------------------------------------------- colours
def gradient_colours(positions: np.ndarray) -> np.ndarray:
    """(n,) positions in [0, 1] (0 = dark end) -> (n, 3) uint8 colours interpolated on GRADIENT."""
    positions = np.clip(np.asarray(positions, dtype=np.float64), 0.0, 1.0)
    stops = np.array([position for position, _ in GRADIENT])
    channels = np.array([colour for _, colour in GRADIENT], dtype=np.float64)
    rgb = np.stack([np.interp(positions, stops, channels[:, c]) for c in range(3)], axis=-1)
    return np.rint(rgb).reshape(-1, 3).astype(np.uint8)


def _palette_colours(groups: np.ndarray) -> np.ndarray:
    """(n,) groups -> (n, 3) uint8: group g gets PALETTE[g], -1 gets OTHER."""
    table = np.array([*PALETTE, OTHER], dtype=np.uint8)
    return table[np.where(groups >= 0, groups, len(PALETTE))]


def _number_groups_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber non-negative labels 0, 1, ... by group size, largest first (ties: the group
    whose first member comes first); -1 stays -1 and empty labels disappear."""
    members = labels >= 0
    present, first, sizes = np.unique(labels[members], return_index=True, return_counts=True)
    ranked = present[np.lexsort((first, -sizes))]
    lookup = np.full(int(labels.max(initial=-1)) + 2, -1, dtype=np.int64)
    lookup[ranked] = np.arange(len(ranked))
    return np.where(members, lookup[labels], -1).astype(np.int64)


def _centrality(unit: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(n,) cosine of each unit row to its group's centroid (0 for rows in no group)."""
    centrality = np.zeros(len(groups), dtype=np.float64)
    for group in range(int(groups.max(initial=-1)) + 1):
        rows = np.flatnonzero(groups == group)
        centroid = unit[rows].mean(axis=0, dtype=np.float64)
        norm = np.linalg.norm(centroid)
        if norm > 0:
            centrality[rows] = unit[rows] @ (centroid / norm)
    return centrality


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be a (n, d) array, got shape {vectors.shape}.")
    if not np.isfinite(vectors).all():
        raise ValueError("vectors contain NaN or infinity; colour a snapshot taken before "
                         "training diverged, or reset the training.")
    return normalize_rows(vectors.astype(np.float32, copy=False))


def _empty(kind: str) -> Colouring:
    return Colouring(kind, np.zeros((0, 3), dtype=np.uint8), [], np.zeros(0, dtype=np.int64),
                     np.zeros(0, dtype=np.float64))


# ---------------------------------------------------------------------------------- colourings
def no_colouring(ranks: np.ndarray, colour: Colour = PALETTE[0]) -> Colouring:
    """Kind "none": every word in one colour, no legend; centrality is minus the frequency
    rank (ranks: (n,) ints, 0 = most frequent), so label_order prefers frequent words."""
    ranks = np.asarray(ranks, dtype=np.float64).reshape(-1)
    count = len(ranks)
    return Colouring("none", np.tile(np.array(colour, dtype=np.uint8), (count, 1)), [],
                     np.full(count, -1, dtype=np.int64), -ranks)


def cluster_colouring(vectors: np.ndarray, k: int = DEFAULT_CLUSTERS, seed: int = 0,
                      words: list[str] | None = None) -> Colouring:
    """Colour (n, d) vectors by k-means clusters of their unit-normalised rows (so by cosine).

    k is clipped to [1, len(PALETTE)] and to n; clusters that come out empty are dropped.
    Clusters are numbered by size, largest first, and get PALETTE's colours in that order.
    The same vectors, k and seed give the same result. Above MINI_BATCH_ABOVE rows the
    mini-batch variant is used. With `words`, each legend entry names the cluster's
    LEGEND_WORDS most central words ("1: king, queen, prince"); without, its size.
    Raises ValueError for vectors that are not 2-D or not finite.
    """
    from sklearn.cluster import KMeans, MiniBatchKMeans  # imported on first use: it is slow

    unit = _unit_rows(vectors)
    count = len(unit)
    if words is not None and len(words) != count:
        raise ValueError(f"{len(words)} words for {count} vectors.")
    if count == 0:
        return _empty("clusters")
    k = max(1, min(int(k), len(PALETTE), count))
    if count > MINI_BATCH_ABOVE:
        model = MiniBatchKMeans(n_clusters=k, n_init=3, random_state=seed, batch_size=4096)
    else:
        model = KMeans(n_clusters=k, n_init=3, random_state=seed)
    with warnings.catch_warnings():
        # fewer distinct rows than k: some clusters end up empty, and are dropped below
        warnings.simplefilter("ignore")
        labels = model.fit_predict(unit)
    groups = _number_groups_by_size(np.asarray(labels, dtype=np.int64))
    centrality = _centrality(unit, groups)
    legend = []
    for group in range(int(groups.max()) + 1):
        rows = np.flatnonzero(groups == group)
        if words is None:
            text = f"Cluster {group + 1} ({len(rows)} words)"
        else:
            central = rows[np.argsort(-centrality[rows], kind="stable")[:LEGEND_WORDS]]
            text = f"{group + 1}: {', '.join(words[i] for i in central)}"
        legend.append((text, PALETTE[group]))
    return Colouring("clusters", _palette_colours(groups), legend, groups, centrality)


def metadata_colouring(words: list[str], labels: Sequence[str | None],
                       max_groups: int = len(PALETTE),
                       vectors: np.ndarray | None = None) -> Colouring:
    """Colour words by a metadata value per word (None or blank = missing).

    Categories: the max_groups (clipped to [1, len(PALETTE)]) most common values get PALETTE's
    colours, most common first (ties alphabetical); other values and missing ones are OTHER.
    Legend: "value (count)" per coloured value, then one grey entry for the rest.
    Numbers: when every non-missing value parses as a finite number and there are at least
    two distinct ones, colours follow GRADIENT (highest value = dark end), on a log scale when
    all values are positive and span a factor of 100 or more; the legend shows the highest
    and lowest values; groups are all -1.
    Centrality: cosine to the group centroid when (n, d) `vectors` are given, otherwise minus
    the position in `words` (words are usually given most frequent first).
    """
    count = len(words)
    if len(labels) != count:
        raise ValueError(f"{len(labels)} labels for {count} words.")
    values = [None if label is None or not str(label).strip() else str(label).strip()
              for label in labels]
    present = [value for value in values if value is not None]
    missing = count - len(present)
    position_centrality = -np.arange(count, dtype=np.float64)

    numbers = {value: as_number(value) for value in set(present)}
    if len(numbers) >= 2 and all(number is not None for number in numbers.values()):
        return _numeric_colouring(values, numbers, missing, position_centrality)

    tally = Counter(present)
    ranked = sorted(tally, key=lambda value: (-tally[value], value))
    kept = ranked[:max(1, min(int(max_groups), len(PALETTE)))]
    group_of = {value: group for group, value in enumerate(kept)}
    groups = np.array([group_of.get(value, -1) if value is not None else -1
                       for value in values], dtype=np.int64)
    legend = [(f"{value} ({tally[value]})", PALETTE[group]) for group, value in enumerate(kept)]
    others = len(present) - sum(tally[value] for value in kept)
    if others or missing:
        name = ("other or no value" if others and missing else "other" if others
                else "no value")
        legend.append((f"{name} ({others + missing})", OTHER))
    if vectors is None:
        centrality = position_centrality
    else:
        unit = _unit_rows(vectors)
        if len(unit) != count:
            raise ValueError(f"{len(unit)} vectors for {count} words.")
        centrality = _centrality(unit, groups)
    return Colouring("metadata", _palette_colours(groups), legend, groups, centrality)


def _numeric_colouring(values: list[str | None], numbers: dict[str, float | None],
                       missing: int, centrality: np.ndarray) -> Colouring:
    lowest = min(numbers, key=lambda value: numbers[value])
    highest = max(numbers, key=lambda value: numbers[value])
    low, high = numbers[lowest], numbers[highest]
    logarithmic = low > 0 and high / low >= 100
    scale = np.log if logarithmic else (lambda x: x)
    known = np.array([value is not None for value in values])
    measured = np.array([numbers[value] if value is not None else high for value in values],
                        dtype=np.float64)
    positions = (scale(high) - scale(measured)) / (scale(high) - scale(low))
    colours = gradient_colours(positions)
    colours[~known] = OTHER
    legend = [(f"highest: {highest}", GRADIENT[0][1]),
              (f"lowest: {lowest}" + (" (log scale)" if logarithmic else ""), GRADIENT[-1][1])]
    if missing:
        legend.append((f"no value ({missing})", OTHER))
    return Colouring("metadata", colours, legend, np.full(len(values), -1, dtype=np.int64),
                     centrality, gradient=True)


def frequency_colouring(ranks: np.ndarray) -> Colouring:
    """Colour words by frequency rank ((n,) ints, 0 = most frequent) on GRADIENT: the most
    frequent of the given words at the dark end, the least frequent at the light end, on a
    log scale (log(1 + rank)) so the long tail of rare words is not one colour."""
    ranks = np.asarray(ranks, dtype=np.float64).reshape(-1)
    if not len(ranks):
        empty = _empty("frequency")
        empty.gradient = True
        return empty
    if (ranks < 0).any() or not np.isfinite(ranks).all():
        raise ValueError("frequency ranks must be finite and non-negative (0 = most frequent).")
    logged = np.log1p(ranks)
    spread = logged.max() - logged.min()
    positions = (logged - logged.min()) / spread if spread > 0 else np.zeros_like(logged)
    legend = [("most frequent", GRADIENT[0][1]), ("least frequent", GRADIENT[-1][1])]
    return Colouring("frequency", gradient_colours(positions), legend,
                     np.full(len(ranks), -1, dtype=np.int64), -ranks, gradient=True)


def match_groups(previous_ids: np.ndarray, previous: Colouring, ids: np.ndarray,
                 current: Colouring) -> Colouring:
    """Renumber `current`'s clusters so that each takes the number (and so the colour) of
    the previous cluster it shares the most words with: k-means numbers its clusters anew
    every time, and a map whose colours swap while training would mislead. ids and
    previous_ids: the word ids of the rows of `current` and `previous`."""
    from scipy.optimize import linear_sum_assignment

    count = len(current.legend)
    _, rows, previous_rows = np.intersect1d(ids, previous_ids, return_indices=True)
    if count < 2 or not len(rows):
        return current
    new, old = current.groups[rows], previous.groups[previous_rows]
    both = (new >= 0) & (old >= 0) & (old < count)
    overlap = np.zeros((count, count))
    np.add.at(overlap, (new[both], old[both]), 1)
    sources, targets = linear_sum_assignment(-overlap)
    mapping = np.arange(count)
    mapping[sources] = targets
    if np.array_equal(mapping, np.arange(count)):
        return current
    groups = np.where(current.groups >= 0, mapping[np.maximum(current.groups, 0)], -1)
    legend: list[tuple[str, Colour]] = [("", OTHER)] * count
    for group, (text, _colour) in enumerate(current.legend[:count]):
        number = int(mapping[group])
        for before, after in ((f"{group + 1}: ", f"{number + 1}: "),
                              (f"Cluster {group + 1} ", f"Cluster {number + 1} ")):
            if text.startswith(before):
                text = after + text[len(before):]
                break
        legend[number] = (text, PALETTE[number])
    return Colouring(current.kind, _palette_colours(groups), legend + current.legend[count:],
                     groups.astype(np.int64), current.centrality, current.gradient)
