"""t-SNE (openTSNE) on cosine affinities, optimised in short chunks and continued from its
last layout.

t-SNE is an optimisation, not a function of one snapshot: a fresh layout starts from PCA,
goes through the early-exaggeration phase and then optimises normally, one short chunk per
frame. A new snapshot only replaces the affinities; the optimisation goes on from where the
points are, so the map glides while the vectors change.
"""

from __future__ import annotations

import math

import numpy as np

from core.map.pca import align_on, continued_start, pca_2d, unit_spread
from core.map.truth import cosine_neighbours, unit_rows
from core.math.functions import rms_radius

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


class TsneLayout:
    """openTSNE's embedding of the current snapshot and where its optimisation stands.

    embedding:  openTSNE's TSNEEmbedding (None: nothing to continue from)
    iterations: t-SNE iterations since the last fresh start
    settled:    iterations since the last snapshot
    done:       True when a further chunk would not change the picture
    """

    def __init__(self) -> None:
        self.embedding = None
        self.iterations = 0
        self.settled = 0
        self.done = True

    def start(self, vectors: np.ndarray, seed: int, shared: np.ndarray,
              previous_rows: np.ndarray, previous_layout: np.ndarray | None,
              switched: bool) -> np.ndarray:
        """A new snapshot (rows `shared` were rows `previous_rows` of the last frame,
        `previous_layout`): continue from the current positions, or start afresh from PCA;
        returns the first chunk's layout."""
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
        continuing = (not switched and self.embedding is not None
                      and shared.size >= max(SMALLEST_TSNE, count // 4))
        if continuing:
            if neighbours is None:  # beyond exact search: ten neighbours suffice here
                neighbours = cosine_neighbours(vectors, min(count - 1, 10))
            start = continued_start(vectors, np.asarray(self.embedding)[previous_rows],
                                    shared, neighbours[0], seed)
            old = self.embedding.optimizer
            if old.gains is not None:
                # each shared word keeps its gains and momentum; new words start still
                optimizer.gains = np.ones((count, 2))
                optimizer.update = np.zeros((count, 2))
                optimizer.gains[shared] = old.gains[previous_rows]
                optimizer.update[shared] = old.update[previous_rows]
        else:
            start = unit_spread(pca_2d(unit_rows(vectors, dtype=np.float64)))
            if previous_layout is not None and shared.size >= 3:
                start = align_on(start, shared, previous_layout[previous_rows])
            # openTSNE's scaled initialisation: standard deviation 1e-4, so that early
            # exaggeration forms the clusters before the points spread out
            start = start / (np.std(start[:, 0]) or 1.0) * 1e-4
            self.iterations = 0
        method = "fft" if count >= FFT_FROM else "bh"
        self.embedding = TSNEEmbedding(start, affinities, negative_gradient_method=method,
                                       n_jobs=1, random_state=seed, optimizer=optimizer,
                                       theta=BARNES_HUT_THETA)
        self.settled = 0
        self.done = False
        return self.chunk()

    def chunk(self) -> np.ndarray:
        """Run one chunk of iterations (early exaggeration first, if due) and return the
        layout; mark the snapshot done once it has settled or stopped moving."""
        embedding = self.embedding
        count = embedding.shape[0]
        todo = chunk_iterations(count)
        before = np.array(embedding)
        done = 0
        while done < todo:
            if self.iterations < EARLY_ITERATIONS:
                steps = min(todo - done, EARLY_ITERATIONS - self.iterations)
                embedding.optimize(steps, exaggeration=EARLY_EXAGGERATION,
                                   momentum=EARLY_MOMENTUM,
                                   learning_rate=count / EARLY_EXAGGERATION, inplace=True)
            else:
                steps = todo - done
                embedding.optimize(steps, momentum=MOMENTUM,
                                   learning_rate=LEARNING_RATE * count, inplace=True)
            done += steps
            self.iterations += steps
        self.settled += done
        layout = np.array(embedding, dtype=np.float64)
        moved = float(np.sqrt(np.mean(np.sum((layout - before) ** 2, axis=1))))
        still = (self.iterations >= FRESH_ITERATIONS
                 and moved / done < STILL_MOVEMENT * (rms_radius(layout) or 1.0))
        if (self.iterations >= FRESH_ITERATIONS and self.settled >= SETTLE_ITERATIONS) \
                or still:
            self.done = True
        return layout
