"""Applying a minibatch's summed gradients to V and U without overshooting.

Sequential SGD (word2vec.c, gensim) applies each pair's update before computing the next;
a minibatch sums all of a row's gradients at the point the batch started. For most rows
that is the same step. A frequent word, met hundreds of times in one batch, would get
hundreds of steps at once and can overshoot, even diverge.

The guard (`apply_limited`): a row with summed gradient g and curvature estimate λ moves
by -lr / max(1, lr·λ) · g, the plain SGD step when lr·λ ≤ 1, else a step of 1/λ. If λ is
the Gauss-Newton curvature of the batch loss along g, λ = Σ_i c_i (x_i·ĝ)² with ĝ = g/|g|,
x_i the vectors the row was scored against and c_i = σ'(s_i) (the Rayleigh quotient of
H = Σ c_i x_i x_iᵀ along ĝ), then 1/λ is the minimiser of the quadratic model along g, and
lr·λ > 1 means the plain step would pass it. What λ the callers pass:

- `output_row_curvature` (U's rows scored as true outside words): λ along the summed step
  exactly, for the rows whose trace bound Σ_i c_i |x_i|² exceeds 1/lr; the other rows get
  the bound itself, which is ≤ 1/lr, so they take the plain step just as they would with λ.
- `apply_input_rows` (V's rows, and U's noise-pool rows): the sum over the row's
  occurrences of each occurrence's own curvature, which the caller computes along that
  occurrence's gradient: Σ_occ Σ_i c_i (x_i·ĝ_occ)². For a row met once this is λ along
  its step; for a row met several times it is not the curvature along the summed step
  (it may be larger or smaller).

A step too large to compute at once (see core.train.batches) gathers the same sums chunk
by chunk in `StepSums` and applies them once at its end, with the same guard: `RowSums`
holds a matrix's summed gradients and curvatures, `curvature_bound` and `curvature_along`
are `output_row_curvature`'s two halves for inputs seen a chunk at a time.

Several processes stepping on the same vectors at once (core.parallel, lock-free as
word2vec.c and gensim) each compute their step from the same starting point; for a hot
row each would take the whole guarded step, and together they would pass the minimiser
`concurrent` times over. So with `concurrent` = n, each takes at most 1/n of it:
-lr / max(1, n·lr·λ) · g. Rows the guard does not bind keep the plain step. With n = 1
(one trainer) the step is exactly the one above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.math.scatter import grouped_row_sums

_TINY = 1e-30


def apply_limited(matrix: np.ndarray, rows: np.ndarray, gradients: np.ndarray,
                  curvature: np.ndarray, learning_rate: float, concurrent: int = 1) -> None:
    """matrix[rows] -= step · gradients with step = lr / max(1, lr · curvature): the plain
    SGD step lr where lr · curvature ≤ 1, else 1 / curvature (1/n of it with `concurrent`
    = n processes stepping at once; see the module).

    rows (u,) distinct; gradients (u, d); curvature (u,) the caller's estimate for each
    row (see the module for what each caller passes).
    """
    step = limited_step(curvature, learning_rate, concurrent)
    matrix[rows] -= step.astype(matrix.dtype)[:, None] * gradients


def limited_step(curvature: np.ndarray, learning_rate: float,
                 concurrent: int = 1) -> np.ndarray:
    """The guard's step of each row: lr / max(1, n · lr · curvature), n = `concurrent`
    (n · lr is lr exactly when n = 1, so one trainer's step is bit for bit the same)."""
    return learning_rate / np.maximum(1.0, concurrent * learning_rate * curvature)


def apply_input_rows(matrix: np.ndarray, row_ids: np.ndarray, gradients: np.ndarray,
                     curvature: np.ndarray, learning_rate: float,
                     concurrent: int = 1) -> None:
    """Sum per-occurrence gradients (m, d) by row and apply them with the guard.

    row_ids (m,) may repeat; `curvature` (m,) is each occurrence's own (the caller's, along
    that occurrence's gradient). A row met several times is limited by the sum of its
    occurrences' curvatures, not by the curvature along its summed step.
    """
    rows, sums, row_curvature = summed_rows(row_ids, gradients, curvature, matrix.shape[0])
    apply_limited(matrix, rows, sums, row_curvature, learning_rate, concurrent)


def summed_rows(row_ids: np.ndarray, gradients: np.ndarray, curvature: np.ndarray | None,
                row_count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Per-occurrence gradients (m, d) and curvatures (m,) summed by row: (rows (u,) sorted
    and distinct, sums (u, d), curvature (u,) float64, or None without `curvature`)."""
    rows, sums = grouped_row_sums(row_ids, np.arange(row_ids.size),
                                  np.ones(row_ids.size, dtype=gradients.dtype), gradients,
                                  row_count)
    if curvature is None:
        return rows, sums, None
    return rows, sums, np.bincount(row_ids, weights=curvature, minlength=row_count)[rows]


def output_row_curvature(rows: np.ndarray, sums: np.ndarray, keys: np.ndarray,
                         owners: np.ndarray, score_curvature: np.ndarray, inputs: np.ndarray,
                         vocab_size: int, learning_rate: float) -> np.ndarray:
    """(u,) curvature of each output row, for `apply_limited`.

    rows (u,) and sums (u, d): the rows and their summed gradients; keys, owners,
    score_curvature (m,): for each score, its row, its input row and c = σ'(s) (scores
    whose key is not in `rows` are ignored); inputs (n, d).
    Every row first gets the trace bound Σ c |x|², which is ≥ the curvature along any
    direction. Rows with lr · bound > 1 ("hot") get instead λ = Σ c (x·ĝ)² along their
    summed step ĝ = sums / |sums| (one (n × hot) product). The other rows keep the bound:
    it is ≤ 1/lr, so `apply_limited` gives them the plain step, as λ would.
    """
    position = np.full(vocab_size, -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)
    entry_row = position[keys]
    known = entry_row >= 0
    entry_row, owners, score_curvature = entry_row[known], owners[known], score_curvature[known]
    curvature = curvature_bound(entry_row, owners, score_curvature, inputs, rows.size)
    hot = np.flatnonzero(learning_rate * curvature > 1.0)
    if hot.size:
        directions = unit_directions(sums[hot])
        projections = inputs @ directions.T  # (n, hot): x_i·ĝ for every input and hot row
        hot_index = np.full(rows.size, -1, dtype=np.int64)
        hot_index[hot] = np.arange(hot.size)
        entry_hot = hot_index[entry_row]
        selected = entry_hot >= 0
        along = projections[owners[selected], entry_hot[selected]]
        curvature[hot] = np.bincount(entry_hot[selected],
                                     weights=score_curvature[selected] * along * along,
                                     minlength=hot.size)
    return curvature


def unit_directions(sums: np.ndarray) -> np.ndarray:
    """ĝ = g / |g| of each row (a zero row stays zero)."""
    return sums / np.maximum(np.linalg.norm(sums, axis=1), _TINY)[:, None]


def curvature_bound(keys: np.ndarray, owners: np.ndarray, score_curvature: np.ndarray,
                    inputs: np.ndarray, size: int) -> np.ndarray:
    """(size,) the trace bound Σ c |x|² of each key: for every score, its key (the row it
    updates), its input row `owners` of `inputs` (n, d) and c = σ'(s). It is ≥ the
    curvature along any direction, and sums over inputs seen in any grouping."""
    input_norms = np.einsum("nd,nd->n", inputs, inputs)
    return np.bincount(keys, weights=score_curvature * input_norms[owners], minlength=size)


def curvature_along(directions: np.ndarray, entry_direction: np.ndarray, owners: np.ndarray,
                    score_curvature: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """(h,) Σ c (x·ĝ)² for h rows with directions ĝ (h, d), from scores given by the row
    each concerns (`entry_direction`, an index into `directions`), its input row `owners`
    of `inputs` (n, d) and c. The part of `output_row_curvature` for hot rows, computed one
    score at a time: its memory is that of the scores, not inputs × rows, so a step
    computed in chunks can add it up chunk by chunk."""
    along = np.einsum("md,md->m", inputs[owners], directions[entry_direction])
    return np.bincount(entry_direction, weights=score_curvature * along * along,
                       minlength=directions.shape[0])


class RowSums:
    """Summed gradients (and curvatures) for rows of one (V, d) matrix, added chunk by chunk
    and applied once.

    Memory follows the rows touched: their sums are kept side by side (slots in the order
    rows are first met, grown by doubling) until more than DENSE_SHARE of the matrix's
    rows are touched; then they move into a (V, d) array indexed by row, which a large
    step needs anyway and which is applied in one in-place pass. Curvatures are kept by
    row id, (V,) float64."""

    DENSE_SHARE = 0.25

    def __init__(self, row_count: int, dim: int, dtype: np.dtype = np.float32) -> None:
        self.row_count, self.dim, self.dtype = row_count, dim, dtype
        self.slot = np.full(row_count, -1, dtype=np.int64)
        self.touched_rows = np.zeros(0, dtype=np.int64)  # by slot
        self.sums = np.zeros((0, dim), dtype=dtype)  # by slot, or by row once dense
        self.count = 0
        self.dense = False
        self.curvature = np.zeros(row_count)

    def add(self, rows: np.ndarray, sums: np.ndarray) -> None:
        """Add summed gradients (u, d) of distinct `rows` (u,)."""
        if not self.dense:
            fresh = rows[self.slot[rows] < 0]
            needed = self.count + fresh.size
            if needed > self.DENSE_SHARE * self.row_count:
                self._make_dense()
            elif fresh.size:
                if needed > self.sums.shape[0]:
                    grown = np.zeros((max(needed, 2 * self.sums.shape[0]), self.dim),
                                     dtype=self.dtype)
                    grown[:self.count] = self.sums[:self.count]
                    self.sums = grown
                    self.touched_rows = np.resize(self.touched_rows, grown.shape[0])
                self.touched_rows[self.count:needed] = fresh
                self.slot[fresh] = np.arange(self.count, needed)
                self.count = needed
        self.sums[rows if self.dense else self.slot[rows]] += sums
        if self.dense:
            self.slot[rows] = rows

    def _make_dense(self) -> None:
        dense = np.zeros((self.row_count, self.dim), dtype=self.dtype)
        rows = self.touched_rows[:self.count]
        dense[rows] = self.sums[:self.count]
        self.sums, self.dense = dense, True
        self.slot[rows] = rows
        self.touched_rows = np.zeros(0, dtype=np.int64)

    def add_occurrences(self, row_ids: np.ndarray, gradients: np.ndarray,
                        curvature: np.ndarray | None = None) -> None:
        """Add per-occurrence gradients (m, d) of `row_ids` (m,), which may repeat, and
        their curvatures (m,), summed by row as `apply_input_rows` sums them."""
        rows, sums, row_curvature = summed_rows(row_ids, gradients, curvature, self.row_count)
        self.add(rows, sums)
        if row_curvature is not None:
            self.curvature[rows] += row_curvature

    def rows(self) -> np.ndarray:
        """The rows touched so far, sorted."""
        return np.flatnonzero(self.slot >= 0)

    def sums_of(self, rows: np.ndarray) -> np.ndarray:
        """(u, d) the sums of touched `rows`."""
        return self.sums[rows if self.dense else self.slot[rows]]

    def apply(self, matrix: np.ndarray, step: np.ndarray) -> None:
        """matrix[r] -= step[r] · sums[r] for every touched row r; `step` (V,) by row id.
        The sums are used up (scaled in place)."""
        if self.dense:
            # untouched rows hold zeros: scaled, they change nothing
            self.sums *= step.astype(self.dtype)[:, None]
            matrix -= self.sums
            return
        rows = self.touched_rows[:self.count]
        if rows.size:
            sums = self.sums[:self.count]
            sums *= step[rows].astype(self.dtype)[:, None]
            matrix[rows] -= sums

    def apply_limited(self, matrix: np.ndarray, learning_rate: float,
                      curvature: np.ndarray | None = None, concurrent: int = 1) -> None:
        """The guarded step (see `apply_limited`) with the summed curvatures, or with
        `curvature` (V,) by row id when given."""
        self.apply(matrix, limited_step(self.curvature if curvature is None else curvature,
                                        learning_rate, concurrent))

    def apply_plain(self, matrix: np.ndarray, rate: float) -> None:
        """matrix[rows] -= rate · sums: the unguarded step (naive softmax, the handout's
        batching)."""
        self.apply(matrix, np.full(self.row_count, rate))


@dataclass
class StepSums:
    """What a step computed in chunks has gathered before it applies anything.

    center:  V's rows (skip-gram centers, CBOW context words), with the occurrences'
             curvatures (negative sampling)
    outside: U's rows scored as true outside words, with the trace bound Σ c |x|²
             (negative sampling; `curvature_bound`), or U's sparse rows (the handout's
             batching)
    pool:    U's rows drawn into noise pools, with the occurrences' curvatures
    dense:   naive softmax's dJ/dU (V, d), which touches every row
    """

    vocab_size: int
    dim: int
    center: RowSums = field(init=False)
    outside: RowSums = field(init=False)
    pool: RowSums = field(init=False)
    dense: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.center = RowSums(self.vocab_size, self.dim)
        self.outside = RowSums(self.vocab_size, self.dim)
        self.pool = RowSums(self.vocab_size, self.dim)

    def add_dense(self, gradient: np.ndarray) -> None:
        if self.dense is None:
            self.dense = np.zeros((self.vocab_size, self.dim), dtype=gradient.dtype)
        self.dense += gradient
