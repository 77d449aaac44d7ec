"""2-D maps of the embedding that follow training: PCA aligned frame to frame, t-SNE
(openTSNE) optimised in short chunks and continued from its last layout, UMAP (optional),
semantic axes, and the CS224n handout's own picture of its 24 words.

PCA's axes are defined only up to sign and order, and they turn as training moves the
vectors, so each PCA frame is fitted onto the previous one by orthogonal Procrustes with a
uniform scale, on the words both frames show: the picture neither flips nor spins, and
neither adding a far word nor showing fewer words changes its size.

t-SNE is an optimisation, not a function of one snapshot: a fresh layout starts from PCA,
goes through the early-exaggeration phase and then optimises normally, one short chunk per
frame. A new snapshot only replaces the affinities; the optimisation goes on from where the
points are, so the map glides while the vectors change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import orthogonal_procrustes

from core.map.truth import cosine_neighbours, unit_rows
from core.math.functions import rms_radius

# the words the handout's run.py plots (word_vectors.png), in its order
HANDOUT_WORDS = ("great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
                 "enjoyable", "boring", "bad", "dumb", "annoying", "female", "male", "queen",
                 "king", "man", "woman", "rain", "snow", "hail", "coffee", "tea")

UMAP_INSTALL = "pip install umap-learn (or: .venv/bin/pip install -e '.[umap]')"

# t-SNE schedule, as openTSNE's and scikit-learn's defaults: 250 iterations of early
# exaggeration (learning rate n / 12), then normal optimisation (learning rate n); 750 in
# all from a fresh start.
PERPLEXITY = 30.0
EARLY_EXAGGERATION = 12.0
EARLY_ITERATIONS = 250
EARLY_MOMENTUM = 0.5
MOMENTUM = 0.8
LEARNING_RATE = 1.0  # times n after early exaggeration: openTSNE's "auto" (n / exaggeration)
FRESH_ITERATIONS = 750
SETTLE_ITERATIONS = 300  # after a new snapshot: enough to take in its new affinities
# A chunk is about CHUNK_WORK / (n log2 n) iterations, 50-100 ms of Barnes-Hut work on a
# free core (about twice that beside the trainer, which shares the interpreter): 60
# iterations at 300 words, 25 at 1,000, 11 at 2,000, 4 at 5,000.
CHUNK_WORK = 250_000
LARGEST_CHUNK, SMALLEST_CHUNK = 60, 3
# A chunk whose points moved less than this share of the map's spread per iteration ends
# the work on a snapshot: further frames would look the same.
STILL_MOVEMENT = 2e-5
# 0.8 instead of openTSNE's 0.5: a quarter less time per iteration at 1,000-2,000 words
# for the same neighbour share after 750 iterations
BARNES_HUT_THETA = 0.8
# Barnes-Hut below, FFT interpolation above: on one core, per iteration, 6.5 against
# 16+ ms at 2,000 words, 15 against 13 at 5,000, 35 against 18 at 10,000
FFT_FROM = 5_000
EXACT_NEIGHBOURS_UP_TO = 20_000  # exact cosine neighbours by matrix products; Annoy above
SMALLEST_TSNE = 5  # fewer words: t-SNE has nothing to arrange; the PCA frame is shown
UMAP_NEIGHBOURS = 15
UMAP_FRESH_EPOCHS = 200
UMAP_CHUNK_EPOCHS = 50
UMAP_SETTLE_EPOCHS = 100


class MapUnavailable(RuntimeError):
    """The chosen map method needs a package that is not installed; the message says
    which and how to install it."""


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


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """(n, d) -> (n, 2) float64: coordinates on the two principal axes.

    The axes are the top eigenvectors of the smaller of the two Gram matrices (d x d
    covariance, or n x n when there are fewer words than dimensions): a millisecond at
    the sizes of a live map, a fraction of a full SVD, and less exposed to BLAS threads
    that stall when the trainer keeps the other core busy.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    count, dim = vectors.shape
    if count < 2:
        return np.zeros((count, 2))
    centred = vectors - vectors.mean(axis=0)
    if dim <= count:
        _, eigenvectors = np.linalg.eigh(centred.T @ centred)
        axes = eigenvectors[:, ::-1][:, :2]
    else:
        eigenvalues, eigenvectors = np.linalg.eigh(centred @ centred.T)
        lengths = np.sqrt(np.clip(eigenvalues[::-1][:2], 0.0, None))
        axes = centred.T @ eigenvectors[:, ::-1][:, :2]
        axes /= np.where(lengths > 1e-12 * max(lengths[0], 1e-300), lengths, np.inf)
    # fix each axis's sign by its largest loading, as scikit-learn does, so that the same
    # vectors always give the same picture
    largest = axes[np.argmax(np.abs(axes), axis=0), np.arange(axes.shape[1])]
    layout = centred @ (axes * np.where(largest < 0, -1.0, 1.0))
    if layout.shape[1] < 2:
        layout = np.pad(layout, ((0, 0), (0, 2 - layout.shape[1])))
    return layout


def handout_layout(vectors: np.ndarray) -> np.ndarray:
    """(n, 2): the handout's run.py projection, exactly: the rows centred, their covariance
    (1/n) XᵀX, its SVD U S Vᵀ, and the coordinates X·U[:, :2]. No rescaling, no rotation:
    only each axis's sign, which an SVD leaves open, is kept from frame to frame by
    MapTracker."""
    vectors = np.asarray(vectors, dtype=np.float64)
    centred = vectors - vectors.mean(axis=0)
    covariance = centred.T @ centred / max(len(vectors), 1)
    left, _, _ = np.linalg.svd(covariance)
    layout = centred @ left[:, :2]
    if layout.shape[1] < 2:
        layout = np.pad(layout, ((0, 0), (0, 2 - layout.shape[1])))
    return layout


def unit_spread(layout: np.ndarray) -> np.ndarray:
    """Centre a layout and scale it to unit root-mean-square radius."""
    centred = layout - layout.mean(axis=0)
    radius = rms_radius(layout)
    return centred / radius if radius > 0 else centred


def align_on(layout: np.ndarray, rows: np.ndarray, target: np.ndarray, *,
             scale: bool = False) -> np.ndarray:
    """Rotate or reflect all of `layout` (n, 2) so that layout[rows] best matches `target`,
    and move it so that their centres coincide. With scale=True it is also scaled so
    that layout[rows] has the spread (RMS radius) of `target`.

    The scale is the ratio of the two spreads, not the least-squares factor: that one
    shrinks by the correlation of the two frames, and frames that differ a little
    would make the map shrink frame after frame.
    """
    subset = layout[rows]
    centre, target_centre = subset.mean(axis=0), target.mean(axis=0)
    rotation, _ = orthogonal_procrustes(subset - centre, target - target_centre)
    factor = 1.0
    if scale:
        own, wanted = rms_radius(subset), rms_radius(target)
        if own > 0 and wanted > 0:
            factor = wanted / own
    return (layout - centre) @ rotation * factor + target_centre


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


def chunk_iterations(count: int) -> int:
    """t-SNE iterations per chunk for `count` words: ~50-150 ms of work at 300-2,000."""
    work = CHUNK_WORK / (count * math.log2(max(count, 2)))
    return int(min(LARGEST_CHUNK, max(SMALLEST_CHUNK, round(work))))


def tsne_neighbours(vectors: np.ndarray, perplexity: float | None = None
                    ) -> tuple[float, tuple[np.ndarray, np.ndarray] | None]:
    """(perplexity, neighbours) for t-SNE: the perplexity lowered for small n (at most
    (n - 1) / 3), and each row's 3 x perplexity nearest rows by cosine distance as
    (indices, distances); None above EXACT_NEIGHBOURS_UP_TO rows, where openTSNE's
    approximate search (Annoy) is left to find them."""
    count = vectors.shape[0]
    perplexity = max(1.0, min(perplexity or PERPLEXITY, (count - 1) / 3))
    if count > EXACT_NEIGHBOURS_UP_TO:
        return perplexity, None
    return perplexity, cosine_neighbours(vectors, min(count - 1, int(3 * perplexity)))


def tsne_affinities(vectors: np.ndarray, perplexity: float | None = None,
                    neighbours: tuple[np.ndarray, np.ndarray] | None = None):
    """openTSNE's perplexity-based affinities on cosine distances. The neighbours are
    exact up to EXACT_NEIGHBOURS_UP_TO rows (blocks of matrix products, faster than any
    index at this size; pass them if already found), approximate (Annoy) beyond."""
    from openTSNE import affinity, nearest_neighbors

    if neighbours is None:
        perplexity, neighbours = tsne_neighbours(vectors, perplexity)
    else:
        perplexity = max(1.0, min(perplexity or PERPLEXITY, (vectors.shape[0] - 1) / 3))
    if neighbours is None:
        return affinity.PerplexityBasedNN(
            np.asarray(vectors, dtype=np.float32), perplexity=perplexity, metric="cosine",
            method="approx", n_jobs=1, random_state=0, k_neighbors=int(3 * perplexity))
    index = nearest_neighbors.PrecomputedNeighbors(*neighbours)
    return affinity.PerplexityBasedNN(perplexity=perplexity, knn_index=index, n_jobs=1)


class MapTracker:
    """Successive 2-D frames of a changing set of words, each following the one before.

    update(vectors, ids, method) takes a new snapshot and returns its first frame;
    refine() returns further frames of the same snapshot (t-SNE, UMAP) until there is
    nothing more to do. Frames are (n, 2) float64, row i for word ids[i].

    - "pca": each frame fitted onto the previous one (rotation or reflection, uniform
      scale, shift) on the words both show; the first is scaled to unit spread.
    - "tsne": openTSNE on cosine affinities; a fresh layout starts from PCA with early
      exaggeration; a new snapshot continues from the current positions (new words start
      at their nearest shown word). Frames are in t-SNE's own coordinates.
    - "umap": umap-learn, if installed (MapUnavailable if not), started from the last
      layout.
    - "axes": the words' projections on SemanticAxes; no fitting, so coordinates mean the
      same in every frame.
    """

    METHODS = ("pca", "tsne", "umap", "axes", "handout")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every layout: the next update starts afresh."""
        self.ids: np.ndarray | None = None
        self.layout: np.ndarray | None = None
        self.method = "pca"
        self._seed = 0
        self._tsne = None  # openTSNE's TSNEEmbedding of the current snapshot
        self._iterations = 0  # t-SNE iterations since the last fresh start
        self._settled = 0  # t-SNE iterations (UMAP epochs) since the last update
        self._umap = self._umap_vectors = self._umap_neighbours = None
        self._umap_epochs_left = 0
        self._done = True

    @property
    def converged(self) -> bool:
        """True when refine() has nothing more to do for the current snapshot."""
        return self._done

    # ------------------------------------------------------------------ snapshots
    def update(self, vectors: np.ndarray, ids: np.ndarray | None = None,
               method: str = "pca", seed: int = 0,
               axes: SemanticAxes | None = None) -> np.ndarray:
        """A new snapshot: vectors (n, d), row i for word ids[i] (default: 0..n-1).

        Returns its first frame, (n, 2) float64. For t-SNE this costs the affinities and
        at most one short chunk of optimisation; refine() goes on from there.
        Raises ValueError for an unknown method, vectors that are not finite or axes
        that do not fit the words, MapUnavailable when the method's package is missing.
        """
        if method not in self.METHODS:
            raise ValueError(f"unknown map method {method!r}; use one of "
                             f"{', '.join(self.METHODS)}")
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a (n, d) array; got shape {vectors.shape}")
        ids = np.arange(vectors.shape[0]) if ids is None else np.asarray(ids)
        if ids.shape != (vectors.shape[0],):
            raise ValueError(f"{len(ids)} ids for {vectors.shape[0]} rows of vectors")
        if not np.isfinite(vectors).all():
            raise ValueError("the vectors hold NaN or infinite values (did training "
                             "diverge?)")
        # a user's mistake or a missing package is refused before anything changes, so
        # the last map stays as it was
        if method == "umap":
            load_umap()
        if method == "axes":
            check_axes(axes, ids)
        try:
            layout = self._first_frame(vectors, ids, method, seed, axes)
        except Exception:
            self.reset()  # half-made state must not poison the next snapshot
            raise
        self.ids, self.layout, self.method = ids.copy(), layout, method
        return layout

    def _first_frame(self, vectors: np.ndarray, ids: np.ndarray, method: str, seed: int,
                     axes: SemanticAxes | None) -> np.ndarray:
        switched = method != self.method or self.layout is None
        shared, previous_rows = self._shared_rows(ids)
        self._seed = seed
        if method == "axes":
            layout = axes_layout(vectors, ids, axes)
            if (not axes.y_from and not switched and shared.size >= 2
                    and np.dot(layout[shared, 1], self.layout[previous_rows, 1]) < 0):
                layout[:, 1] *= -1  # the principal axis's sign is arbitrary: keep the last
            self._done = True
            return layout
        if method == "handout":
            layout = handout_layout(vectors)
            if not switched and shared.size >= 2:  # the SVD's signs: keep the last frame's
                flip = np.sum(layout[shared] * self.layout[previous_rows], axis=0) < 0
                layout[:, flip] *= -1
            self._tsne = None
            self._done = True
            return layout
        if method == "pca" or vectors.shape[0] < SMALLEST_TSNE:
            self._tsne = None
            self._done = True
            return self._pca_frame(vectors, shared, previous_rows, switched)
        if method == "tsne":
            return self._tsne_update(vectors, seed, shared, previous_rows, switched)
        return self._umap_update(load_umap(), vectors, seed, shared, previous_rows, switched)

    def refine(self) -> np.ndarray | None:
        """One more short chunk of optimisation of the current snapshot (t-SNE, UMAP),
        returning the new frame; None when there is nothing more to do (always for PCA
        and axes)."""
        if self._done or self.layout is None:
            self._done = True
            return None
        if self.method == "tsne" and self._tsne is not None:
            layout = self._tsne_chunk()
        elif self.method == "umap":
            layout = self._umap_chunk(self.layout)
        else:
            self._done = True
            return None
        self.layout = layout
        return layout

    def _shared_rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows of `ids`, rows of the last frame) of the words both frames show."""
        if self.ids is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        _, current_rows, previous_rows = np.intersect1d(ids, self.ids, return_indices=True)
        return current_rows, previous_rows

    def _pca_frame(self, vectors: np.ndarray, shared: np.ndarray, previous_rows: np.ndarray,
                   switched: bool) -> np.ndarray:
        layout = pca_2d(vectors)
        if switched or shared.size < 3:
            return unit_spread(layout)
        return align_on(layout, shared, self.layout[previous_rows], scale=True)

    # ------------------------------------------------------------------ t-SNE
    def _tsne_update(self, vectors: np.ndarray, seed: int,
                     shared: np.ndarray, previous_rows: np.ndarray,
                     switched: bool) -> np.ndarray:
        from openTSNE import TSNEEmbedding
        from openTSNE.tsne import gradient_descent

        count = vectors.shape[0]
        perplexity, neighbours = tsne_neighbours(vectors)
        affinities = tsne_affinities(vectors, perplexity, neighbours)
        optimizer = gradient_descent()
        # Continue while a good part of the words has a place to continue from (new words
        # then start beside their nearest shown word: 300 -> 1,000 words continued is
        # within 0.02 of a fresh layout's neighbour share); otherwise start afresh from
        # PCA, turned to match the last frame's shared words.
        continuing = (not switched and self._tsne is not None
                      and shared.size >= max(SMALLEST_TSNE, count // 4))
        if continuing:
            if neighbours is None:  # beyond exact search: ten neighbours suffice here
                neighbours = cosine_neighbours(vectors, min(count - 1, 10))
            start = self._continued_start(vectors, np.asarray(self._tsne)[previous_rows],
                                          shared, neighbours[0], seed)
            old = self._tsne.optimizer
            if old.gains is not None:
                # each shared word keeps its gains and momentum; new words start still
                optimizer.gains = np.ones((count, 2))
                optimizer.update = np.zeros((count, 2))
                optimizer.gains[shared] = old.gains[previous_rows]
                optimizer.update[shared] = old.update[previous_rows]
        else:
            start = unit_spread(pca_2d(unit_rows(vectors, dtype=np.float64)))
            if self.layout is not None and shared.size >= 3:
                start = align_on(start, shared, self.layout[previous_rows])
            # openTSNE's scaled initialisation: standard deviation 1e-4, so that early
            # exaggeration forms the clusters before the points spread out
            start = start / (np.std(start[:, 0]) or 1.0) * 1e-4
            self._iterations = 0
        method = "fft" if count >= FFT_FROM else "bh"
        self._tsne = TSNEEmbedding(start, affinities, negative_gradient_method=method,
                                   n_jobs=1, random_state=seed, optimizer=optimizer,
                                   theta=BARNES_HUT_THETA)
        self._settled = 0
        self._done = False
        return self._tsne_chunk()

    @staticmethod
    def _continued_start(vectors: np.ndarray, positions: np.ndarray, shared: np.ndarray,
                         neighbours: np.ndarray, seed: int) -> np.ndarray:
        """Start positions for a new snapshot: shared words where they are; a new word at
        its nearest shared word (by cosine in the new vectors), or, if none of its
        neighbours is shown yet, at its PCA place fitted onto the shared words.
        neighbours: (n, k) each row's nearest rows by cosine, nearest first."""
        count = vectors.shape[0]
        start = np.full((count, 2), np.nan)
        start[shared] = positions
        new_rows = np.setdiff1d(np.arange(count), shared)
        if new_rows.size:
            is_shared = np.zeros(count, dtype=bool)
            is_shared[shared] = True
            fallback = align_on(pca_2d(vectors), shared, start[shared], scale=True)
            for row in new_rows:
                near = neighbours[row][is_shared[neighbours[row]]]
                start[row] = start[near[0]] if near.size else fallback[row]
            # a little jitter so that new words never sit exactly on another point
            spread = rms_radius(start[shared]) or 1.0
            rng = np.random.default_rng(seed)
            start[new_rows] += rng.normal(scale=1e-3 * spread, size=(new_rows.size, 2))
        return start

    def _tsne_chunk(self) -> np.ndarray:
        """Run one chunk of iterations (early exaggeration first, if due) and return the
        layout; mark the snapshot done once it has settled or stopped moving."""
        embedding = self._tsne
        count = embedding.shape[0]
        todo = chunk_iterations(count)
        before = np.array(embedding)
        done = 0
        while done < todo:
            if self._iterations < EARLY_ITERATIONS:
                steps = min(todo - done, EARLY_ITERATIONS - self._iterations)
                embedding.optimize(steps, exaggeration=EARLY_EXAGGERATION,
                                   momentum=EARLY_MOMENTUM,
                                   learning_rate=count / EARLY_EXAGGERATION, inplace=True)
            else:
                steps = todo - done
                embedding.optimize(steps, momentum=MOMENTUM,
                                   learning_rate=LEARNING_RATE * count, inplace=True)
            done += steps
            self._iterations += steps
        self._settled += done
        layout = np.array(embedding, dtype=np.float64)
        moved = float(np.sqrt(np.mean(np.sum((layout - before) ** 2, axis=1))))
        still = (self._iterations >= FRESH_ITERATIONS
                 and moved / done < STILL_MOVEMENT * (rms_radius(layout) or 1.0))
        if (self._iterations >= FRESH_ITERATIONS and self._settled >= SETTLE_ITERATIONS) \
                or still:
            self._done = True
        return layout

    # ------------------------------------------------------------------ UMAP
    def _umap_update(self, umap, vectors: np.ndarray, seed: int, shared: np.ndarray,
                     previous_rows: np.ndarray, switched: bool) -> np.ndarray:
        count = vectors.shape[0]
        self._umap, self._umap_vectors = umap, np.asarray(vectors, dtype=np.float32)
        self._umap_neighbours = None
        if count > UMAP_NEIGHBOURS:
            # umap-learn counts each point as its own nearest neighbour
            neighbours, distances = cosine_neighbours(vectors, UMAP_NEIGHBOURS - 1)
            self._umap_neighbours = (
                np.column_stack([np.arange(count), neighbours]),
                np.column_stack([np.zeros(count), distances]).astype(np.float32))
        if not switched and shared.size >= max(SMALLEST_TSNE, count // 4):
            start = self._continued_start(vectors, self.layout[previous_rows], shared,
                                          cosine_neighbours(vectors, min(count - 1, 10))[0],
                                          seed)
            self._umap_epochs_left = UMAP_SETTLE_EPOCHS
        else:
            start = None
            self._umap_epochs_left = UMAP_FRESH_EPOCHS
        self._done = False
        return self._umap_chunk(start)

    def _umap_chunk(self, start: np.ndarray | None) -> np.ndarray:
        """A few epochs of UMAP from `start` (UMAP's spectral start when None)."""
        import warnings

        epochs = min(UMAP_CHUNK_EPOCHS, self._umap_epochs_left)
        count = self._umap_vectors.shape[0]
        reducer = self._umap.UMAP(
            n_components=2, metric="cosine", n_neighbors=min(UMAP_NEIGHBOURS, count - 1),
            init="spectral" if start is None else start.astype(np.float32),
            n_epochs=epochs, random_state=self._seed, precomputed_knn=self._umap_neighbours
            if self._umap_neighbours is not None else (None, None, None))
        with warnings.catch_warnings():
            # expected here: a seed makes it single-threaded; no index for transform()
            warnings.filterwarnings("ignore", message=".*overridden to 1 by setting")
            warnings.filterwarnings("ignore", message=".*is not an NNDescent object")
            layout = np.asarray(reducer.fit_transform(self._umap_vectors), dtype=np.float64)
        if start is not None:
            # UMAP stretches its start to fill a 10 x 10 box, each axis on its own; fit
            # the result back onto the start (rotation, one scale, shift) so that frames
            # continue in the last frame's coordinates instead of pumping
            layout = align_on(layout, np.arange(count), start, scale=True)
        self._umap_epochs_left -= epochs
        self._done = self._umap_epochs_left <= 0
        return layout


def load_umap():
    """umap-learn, imported on first use (its first import compiles for ~10 s); raises
    MapUnavailable with the install command when it is missing."""
    try:
        import umap
    except ImportError as error:
        raise MapUnavailable(f"UMAP maps need the umap-learn package: {UMAP_INSTALL}") \
            from error
    return umap
