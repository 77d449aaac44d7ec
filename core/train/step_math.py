"""One SGD step of the trainer, recorded, and the handout's numbers for one of its examples
(what the app's Math panel shows).

`record_step(trainer)` takes exactly one whole `Trainer.step(keep_batch=True)`, which hands
back what it trained on (its core.train.forward.Batch: the windows, the noise words it
used), and keeps the parameters from before it. An example is
one (center, outside) pair for skip-gram, one window for CBOW (its context words summed,
or averaged, into v̂, predicting the center word). `pair_math(record, i)` computes the
handout's per-example numbers for example i at the parameters the step started from,
with the per-example functions of `core.math.losses`:

    scores s_w = u_w·v_c;  naive softmax: ŷ = softmax(s), J = −log ŷ_o,
    dJ/dv_c = Uᵀ(ŷ − y), dJ/dU = (ŷ − y) v_cᵀ;
    negative sampling: J = −log σ(u_o·v_c) − Σ_k log σ(−u_k·v_c),
    dJ/dv_c = (σ(u_o·v_c) − 1) u_o + Σ_k σ(u_k·v_c) u_k,
    dJ/du_o = (σ(u_o·v_c) − 1) v_c,  dJ/du_k = σ(u_k·v_c) v_c (a word drawn twice: twice).

The handout's update of the example is x ← x − rate · dJ/dx; `moves` holds each vector
before and after it. Where the fast trainer's step differs from that per-example update
(it sums the gradients of all the step's pairs, with a curvature limit per row; its
negative sampling scores pooled noise words), `PairMath.differs` says so in one line, and
the noise words shown are K drawn as the handout draws them (a draw equal to o drawn
again).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.math.functions import log_sigmoid, rms_radius, sigmoid, softmax
from core.math.losses import (
    draw_negative_samples,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
)
from core.train.negative import NOISE_POOL
from core.train.trainer import Trainer

TOP_WORDS = 10  # the most probable words shown for ŷ
ARROW_SHARE = 0.15  # the longest arrow on the map, as a share of the map's spread


@dataclass(frozen=True)
class Example:
    """One example of a step: `inputs` are the words whose vectors make the input (the
    center for skip-gram, the context words for CBOW), `target` the word to predict."""

    window: int  # the row of the step's batch
    slot: int | None  # skip-gram: the context slot of the pair; CBOW: None
    inputs: tuple[int, ...]
    target: int


@dataclass
class StepRecord:
    """What one step trained on, and the parameters from before it."""

    model: str
    loss: str
    batching: str
    negative: int
    cbow_mean: bool
    learning_rate: float  # the step's rate
    pair_rate: float  # the rate of one example's gradient (rate / windows when averaged)
    centers: np.ndarray  # (n,) the windows' center words
    context: np.ndarray  # (n, 2·window) their context words
    valid: np.ndarray  # (n, 2·window) which slots are real context words
    noise: np.ndarray | None  # (n, 2·window, K) each pair's draws (the handout's batching)
    pools: np.ndarray | None  # (G, M) the pooled noise words (negative sampling, corpus)
    center_before: np.ndarray
    outside_before: np.ndarray
    center_after: np.ndarray
    outside_after: np.ndarray
    steps: int  # the trainer's step count after this step
    words: list[str]
    noise_table: np.ndarray
    examples: list[Example] = field(default_factory=list)
    _outside64: np.ndarray | None = field(default=None, repr=False)

    def outside64(self) -> np.ndarray:
        """U before the step in float64, converted once (naive softmax needs all of it)."""
        if self._outside64 is None:
            self._outside64 = self.outside_before.astype(np.float64)
        return self._outside64

    def __post_init__(self) -> None:
        if self.examples:
            return
        if self.model == "skipgram":
            owner, slot = np.nonzero(self.valid)
            self.examples = [Example(int(w), int(s), (int(self.centers[w]),),
                                     int(self.context[w, s])) for w, s in zip(owner, slot,
                                                                              strict=True)]
        else:
            self.examples = [Example(int(w), None,
                                     tuple(int(c) for c in self.context[w][self.valid[w]]),
                                     int(self.centers[w]))
                             for w in np.nonzero(self.valid.any(axis=1))[0]]

    def find(self, word: int) -> int | None:
        """The first example whose center word is `word` (skip-gram: the input; CBOW: the
        word predicted), else the first that uses it at all; None when none does."""
        centres = [e.inputs[0] if self.model == "skipgram" else e.target
                   for e in self.examples]
        if word in centres:
            return centres.index(word)
        for index, example in enumerate(self.examples):
            if word in example.inputs or word == example.target:
                return index
        return None


def record_step(trainer: Trainer) -> StepRecord:
    """Take exactly one whole `trainer.step(keep_batch=True)` and return what it did (see the
    module). Raises ValueError when the run is finished; a DivergenceError passes through
    with the parameters as they were."""
    if trainer.finished:
        raise ValueError("the run is finished: there is no step left to take")
    center_before = trainer.center_vectors.copy()
    outside_before = trainer.outside_vectors.copy()
    learning_rate = trainer.learning_rate()
    batch = trainer.step(keep_batch=True).batch
    config = trainer.config
    handout = config.batching == "windows"
    noise = None
    if handout:  # each pair's K draws, by window and slot
        owner, slot = np.nonzero(batch.valid)
        noise = np.full((*batch.valid.shape, config.negative), -1, dtype=batch.noise.dtype)
        noise[owner, slot] = batch.noise
    # the handout's batching trains skip-gram pairs whatever the model setting
    model = "skipgram" if handout else config.model
    return StepRecord(
        model=model, loss=config.loss, batching=config.batching,
        negative=config.negative, cbow_mean=config.cbow_mean,
        learning_rate=float(learning_rate),
        pair_rate=float(learning_rate / config.batch_size if handout else learning_rate),
        centers=batch.centers, context=batch.context, valid=batch.valid,
        noise=noise, pools=batch.pools,
        center_before=center_before, outside_before=outside_before,
        center_after=trainer.center_vectors.copy(),
        outside_after=trainer.outside_vectors.copy(), steps=trainer.steps,
        words=trainer.corpus.words, noise_table=trainer.noise_table)


@dataclass(frozen=True)
class NoiseTerm:
    """One noise word k of negative sampling, all its draws together."""

    word: int
    draws: int  # how many of the K draws gave this word (more than 1: marked)
    score: float  # u_k·v_c
    probability: float  # σ(−u_k·v_c), the model's belief that k is noise
    loss: float  # −log σ(−u_k·v_c) × draws
    gradient: np.ndarray  # dJ/du_k = draws · σ(u_k·v_c) v_c


@dataclass(frozen=True)
class PairMath:
    """The handout's numbers for one example at the parameters its step started from."""

    example: Example
    loss_name: str  # "naive softmax" or "negative sampling"
    input_vector: np.ndarray  # v_c (skip-gram) or v̂ (CBOW)
    loss: float  # J
    grad_input: np.ndarray  # dJ/dv_c (or dJ/dv̂)
    grad_target: np.ndarray  # dJ/du_o
    rate: float  # the per-example rate of the handout's update
    # naive softmax
    top_words: tuple[tuple[int, float, float], ...] = ()  # (word, s_w, ŷ_w), most probable
    target_probability: float = float("nan")  # ŷ_o
    target_rank: int = 0  # 1 = the most probable word
    grad_outside_norm: float = float("nan")  # ‖dJ/dU‖ (Frobenius)
    # negative sampling
    target_score: float = float("nan")  # u_o·v_c
    target_sigma: float = float("nan")  # σ(u_o·v_c)
    target_loss: float = float("nan")  # −log σ(u_o·v_c)
    noise: tuple[NoiseTerm, ...] = ()
    noise_drawn: tuple[int, ...] = ()  # the K draws, in order
    differs: str = ""  # how the trainer's step differs from this per-example update
    moves: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def norms(self) -> dict[str, float]:
        """‖gradient‖ and ‖rate × gradient‖ of each vector this example moves."""
        found = {"dJ/dv_c": float(np.linalg.norm(self.grad_input)),
                 "dJ/du_o": float(np.linalg.norm(self.grad_target))}
        for term in self.noise:
            found[f"dJ/du_k ({term.word})"] = float(np.linalg.norm(term.gradient))
        return found


def handout_noise(record: StepRecord, index: int) -> tuple[int, ...]:
    """Example `index`'s K noise words: the trainer's own draws with the handout's batching,
    else K drawn here from the trainer's unigram^0.75 table as the handout draws them
    (one at a time, a draw equal to o drawn again), repeatably for this step."""
    example = record.examples[index]
    if record.noise is not None and example.slot is not None:
        return tuple(int(w) for w in record.noise[example.window, example.slot])
    rng, table = np.random.default_rng([record.steps, index]), record.noise_table
    return tuple(draw_negative_samples(
        example.target, lambda: int(table[rng.integers(0, table.size)]), record.negative))


def differences(record: StepRecord) -> str:
    """One line: how the trainer's step differs from the handout's per-example update."""
    pairs = sum(1 for _ in record.examples)
    unit = "pairs" if record.model == "skipgram" else "windows"
    if record.batching == "windows":
        return (f"The handout's step: the gradients of its {pairs:,} {unit} summed and scaled "
                f"by rate / {record.centers.size} windows, as shown below for one.")
    text = f"This step summed the gradients of its {pairs:,} {unit} at the same starting point"
    if record.loss == "neg":
        text += (f", limited each row's step by its curvature, and scored each against a "
                 f"shared pool of {NOISE_POOL} noise words, each counted K/{NOISE_POOL} "
                 "times, where the handout draws K per pair (drawn here as the handout "
                 "draws them)")
    if record.model == "cbow":
        text += ("; every context word receives the whole dJ/dv̂" + (
            ", as word2vec.c does with the mean" if record.cbow_mean else ""))
    return text + ". Below: the handout's update of this one example."


def pair_math(record: StepRecord, index: int) -> PairMath:
    """The handout's numbers for example `index` of the step (see the module)."""
    example = record.examples[index]
    rows = list(example.inputs)
    v = record.center_before[rows].astype(np.float64).sum(axis=0)
    if record.model == "cbow" and record.cbow_mean:
        v /= len(rows)
    o = example.target
    rate = record.pair_rate
    if record.loss == "softmax":
        outside = record.outside64()
        loss, grad_v, grad_u = naive_softmax_loss_and_gradient(v, o, outside)
        scores = outside @ v
        y_hat = softmax(scores)
        order = np.argsort(-y_hat, kind="stable")
        top = tuple((int(w), float(scores[w]), float(y_hat[w])) for w in order[:TOP_WORDS])
        result = dict(top_words=top, target_probability=float(y_hat[o]),
                      target_rank=int(np.nonzero(order == o)[0][0]) + 1,
                      grad_outside_norm=float(np.linalg.norm(grad_u)))
        u_o, grad_o = outside[o], grad_u[o]
    else:
        drawn = handout_noise(record, index)
        # only the rows of o and the noise words take part: a small U, in float64
        used = np.unique([o, *drawn])
        local = {int(word): i for i, word in enumerate(used)}
        sub = record.outside_before[used].astype(np.float64)
        loss, grad_v, grad_sub = neg_sampling_loss_and_gradient(
            v, local[o], sub, [local[word] for word in drawn])
        u_o, grad_o = sub[local[o]], grad_sub[local[o]]
        score_o = float(u_o @ v)
        terms = []
        for word in dict.fromkeys(drawn):
            score = float(sub[local[word]] @ v)
            draws = drawn.count(word)
            terms.append(NoiseTerm(word=word, draws=draws, score=score,
                                   probability=float(sigmoid(-score)),
                                   loss=float(-log_sigmoid(-score)) * draws,
                                   gradient=grad_sub[local[word]].copy()))
        result = dict(target_score=score_o, target_sigma=float(sigmoid(score_o)),
                      target_loss=float(-log_sigmoid(score_o)), noise=tuple(terms),
                      noise_drawn=drawn)
    # each context vector of a CBOW window moves by rate · dJ/dv̂: their sum by c times that
    moved = len(rows) if record.model == "cbow" and not record.cbow_mean else 1
    moves = {"v_c": (v, v - moved * rate * grad_v), "u_o": (u_o, u_o - rate * grad_o)}
    for term in result.get("noise", ()):
        before = sub[local[term.word]]
        moves[f"u_k {term.word}"] = (before, before - rate * term.gradient)
    return PairMath(example=example,
                    loss_name="naive softmax" if record.loss == "softmax"
                    else "negative sampling",
                    input_vector=v, loss=float(loss), grad_input=grad_v, grad_target=grad_o,
                    rate=rate, differs=differences(record), moves=moves, **result)


def linear_map(vectors: np.ndarray, layout: np.ndarray,
               tolerance: float = 1e-6) -> tuple[np.ndarray, np.ndarray] | None:
    """The affine map x ↦ x·A + b that takes `vectors` (n, d) to their map `layout` (n, 2),
    fitted by least squares (the least-norm A), or None when no affine map reproduces the
    layout within `tolerance` of its spread (t-SNE and UMAP are not linear). A PCA map,
    rotated and scaled to the last frame, is exactly affine, with A in the span of the
    centred vectors: the least-norm fit is that map. The test cannot tell a non-linear map
    when there are at least as many dimensions as words (any layout then fits): ask it
    only of maps known to be linear."""
    vectors = np.asarray(vectors, dtype=np.float64)
    layout = np.asarray(layout, dtype=np.float64)
    if len(vectors) < 3:
        return None
    mean, centre = vectors.mean(axis=0), layout.mean(axis=0)
    matrix, *_ = np.linalg.lstsq(vectors - mean, layout - centre, rcond=None)
    fitted = (vectors - mean) @ matrix + centre
    spread = float(np.sqrt(np.mean(np.sum((layout - centre) ** 2, axis=1))))
    error = float(np.sqrt(np.mean(np.sum((fitted - layout) ** 2, axis=1))))
    if not spread > 0 or error > tolerance * spread:
        return None
    return matrix, centre - mean @ matrix


@dataclass(frozen=True)
class Arrow:
    """Where one vector of the example is on the map and where the update moves it."""

    kind: str  # "v_c" (v̂ for CBOW), "u_o" or "u_k"
    word: int
    start: np.ndarray  # (2,) map coordinates
    end: np.ndarray  # (2,), the move magnified by the scale


def map_arrows(record: StepRecord, math: PairMath, ids: np.ndarray, layout: np.ndarray
               ) -> tuple[list[Arrow], float] | None:
    """The example's moves on a linear map of the center vectors (`layout` of the words
    `ids`, laid out from the step's vectors), magnified by one scale so that the longest is
    ARROW_SHARE of the map's spread; the u are placed by the same projection. None when the
    frame is no affine map of the step's vectors (another frame, or a non-linear map)."""
    fit = linear_map(record.center_after[ids], layout)
    if fit is None:
        return None
    matrix, offset = fit
    example = math.example
    own = {"v_c": example.inputs[0] if record.model == "skipgram" else example.target,
           "u_o": example.target}
    moves = []
    for name, (before, after) in math.moves.items():
        kind, _, word = name.partition(" ")
        moves.append((kind, int(word) if word else own[kind], before @ matrix + offset,
                      (after - before) @ matrix))
    longest = max(float(np.hypot(*shift)) for *_, shift in moves)
    scale = ARROW_SHARE * rms_radius(layout) / longest if longest > 0 else 0.0
    return [Arrow(kind, word, start, start + scale * shift)
            for kind, word, start, shift in moves], scale
