"""UMAP maps (umap-learn, optional): a few epochs per frame, each new snapshot started from
the last layout."""

from __future__ import annotations

import warnings

import numpy as np

from core.map.pca import align_on, continued_start
from core.map.truth import cosine_neighbours

UMAP_INSTALL = "pip install umap-learn (the project's optional 'umap' extra)"
UMAP_NEIGHBOURS = 15
UMAP_FRESH_EPOCHS = 200
UMAP_CHUNK_EPOCHS = 50
UMAP_SETTLE_EPOCHS = 100
CONTINUE_FROM = 5  # shared words needed (and a quarter of them) to continue the last layout


class MapUnavailable(RuntimeError):
    """The chosen map method needs a package that is not installed; the message says
    which and how to install it."""


def load_umap():
    """umap-learn, imported on first use (its first import compiles for ~10 s); raises
    MapUnavailable with the install command when it is missing."""
    try:
        import umap
    except ImportError as error:
        raise MapUnavailable(f"UMAP maps need the umap-learn package: {UMAP_INSTALL}") \
            from error
    return umap


class UmapLayout:
    """The current snapshot's UMAP state: its vectors, their exact cosine neighbours, the
    epochs still to run (done: none left)."""

    def __init__(self) -> None:
        self.umap = self.vectors = self.neighbours = None
        self.seed = 0
        self.epochs_left = 0
        self.done = True

    def start(self, umap, vectors: np.ndarray, seed: int, shared: np.ndarray,
              previous_rows: np.ndarray, previous_layout: np.ndarray | None,
              switched: bool) -> np.ndarray:
        """A new snapshot (rows `shared` were rows `previous_rows` of `previous_layout`):
        continued from the last layout when enough words are shared; the first chunk's
        layout."""
        count = vectors.shape[0]
        self.umap, self.vectors = umap, np.asarray(vectors, dtype=np.float32)
        self.seed = seed
        self.neighbours = None
        if count > UMAP_NEIGHBOURS:
            # umap-learn counts each point as its own nearest neighbour
            neighbours, distances = cosine_neighbours(vectors, UMAP_NEIGHBOURS - 1)
            self.neighbours = (
                np.column_stack([np.arange(count), neighbours]),
                np.column_stack([np.zeros(count), distances]).astype(np.float32))
        if not switched and shared.size >= max(CONTINUE_FROM, count // 4):
            start = continued_start(vectors, previous_layout[previous_rows], shared,
                                    cosine_neighbours(vectors, min(count - 1, 10))[0], seed)
            self.epochs_left = UMAP_SETTLE_EPOCHS
        else:
            start = None
            self.epochs_left = UMAP_FRESH_EPOCHS
        self.done = False
        return self.chunk(start)

    def chunk(self, start: np.ndarray | None) -> np.ndarray:
        """A few epochs of UMAP from `start` (UMAP's spectral start when None)."""
        epochs = min(UMAP_CHUNK_EPOCHS, self.epochs_left)
        count = self.vectors.shape[0]
        reducer = self.umap.UMAP(
            n_components=2, metric="cosine", n_neighbors=min(UMAP_NEIGHBOURS, count - 1),
            init="spectral" if start is None else start.astype(np.float32),
            n_epochs=epochs, random_state=self.seed, precomputed_knn=self.neighbours
            if self.neighbours is not None else (None, None, None))
        with warnings.catch_warnings():
            # expected here: a seed makes it single-threaded; no index for transform()
            warnings.filterwarnings("ignore", message=".*overridden to 1 by setting")
            warnings.filterwarnings("ignore", message=".*is not an NNDescent object")
            layout = np.asarray(reducer.fit_transform(self.vectors), dtype=np.float64)
        if start is not None:
            # UMAP stretches its start to fill a 10 x 10 box, each axis on its own; fit
            # the result back onto the start (rotation, one scale, shift) so that frames
            # continue in the last frame's coordinates instead of pumping
            layout = align_on(layout, np.arange(count), start, scale=True)
        self.epochs_left -= epochs
        self.done = self.epochs_left <= 0
        return layout
