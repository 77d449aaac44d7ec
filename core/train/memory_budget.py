"""How much memory a training run needs, and refusing one that cannot fit before it starts.

`estimate_memory(config, corpus)` adds up what a run holds at its peak, by part:

- corpus:  the corpus as loaded (token ids, sentence offsets, the vocabulary's words and
           counts); it is in memory already when a run starts
- vectors: V and U, (V, d) float32 each, two copies of V's size (the app's newest
           snapshot while the next is taken, or a save's copy) and the noise table
- text:    what the run draws its centers from: the epoch's sub-sampled text
           (batching="corpus") or the handout's 30 sub-sampled copies of the corpus
           (batching="windows"); `text_peak` is its peak while it is built, before any
           step's working set exists
- step:    one chunk's working set (core.train.batches.inputs_per_chunk bounds a chunk's
           work, so its memory too) and, for a step larger than one chunk, the sums it
           gathers before it applies them (at most a few (V, d) matrices)

Training needs vectors + max(text_peak, text + step) beyond the corpus. The formulas count
the arrays the trainer allocates (their sizes are exact; which of them are alive at once
is approximate, and pairs per window are taken at their mean, window + 1):
tests/core/test_memory_budget.py compares the estimate with the peak resident memory of a
real run. `check_fits` refuses a run whose need beyond the corpus is more than the memory
the computer has available (core.train.saved_arrays' `available_memory`: MemAvailable, or a
container's limit), with the figures and what to lower.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.data.corpus import Corpus
from core.errors import TrainerError
from core.math.steps import RowSums
from core.storage.files import format_bytes
from core.storage.npz_entries import available_memory
from core.train.batches import inputs_per_chunk, largest_step
from core.train.config import TrainConfig
from core.train.negative import NOISE_GROUP, NOISE_POOL, NOISE_TABLE_SIZE

FLOAT = 4  # bytes of a float32: the vectors and every gradient
HANDOUT_COPIES = 30  # core.data.corpus.handout_window_text's copies of the text
# A word of the vocabulary: its str object (~49 bytes + its letters), its slot in the
# words list (8), its entry in Corpus.index (~100) and its count (8).
BYTES_PER_WORD = 165


class NotEnoughMemory(TrainerError):
    """A run would need more memory than the computer has free. The message gives both
    figures and what to lower; `estimate` and `available` hold them."""

    def __init__(self, message: str, estimate: MemoryEstimate, available: int) -> None:
        super().__init__(message)
        self.estimate = estimate
        self.available = available


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a run holds at its peak, by part (see the module)."""

    corpus: int
    vectors: int
    text: int
    text_peak: int
    step: int

    @property
    def training(self) -> int:
        """What training allocates beyond the loaded corpus: what `check_fits` compares
        with the memory available."""
        return self.vectors + max(self.text_peak, self.text + self.step)

    @property
    def total(self) -> int:
        return self.corpus + self.training

    def parts_text(self) -> str:
        """The parts of `training`, largest first: "vectors 1.2 GiB, one step 310 MiB,
        sub-sampled text 40 MiB", or, when building the text is the peak, "sub-sampled
        text 11.9 GiB while it is built, vectors 342 MiB"."""
        if self.text_peak > self.text + self.step:
            parts = [(self.vectors, "vectors", ""),
                     (self.text_peak, "sub-sampled text", " while it is built")]
        else:
            parts = [(self.vectors, "vectors", ""), (self.step, "one step", ""),
                     (self.text, "sub-sampled text", "")]
        return ", ".join(f"{name} {format_bytes(size)}{when}"
                         for size, name, when in sorted(parts, reverse=True))


def corpus_memory(corpus: Corpus) -> int:
    """The loaded corpus: token ids (int32), sentence offsets (int64) and the vocabulary."""
    letters = sum(map(len, corpus.words))
    return (corpus.token_ids.nbytes + corpus.sentence_offsets.nbytes
            + BYTES_PER_WORD * corpus.vocab_size + letters)


def vectors_memory(config: TrainConfig, vocab_size: int) -> int:
    """V and U, two copies of V's size, and the noise table (int32)."""
    return 4 * vocab_size * config.dim * FLOAT + 4 * NOISE_TABLE_SIZE


def text_memory(config: TrainConfig, corpus: Corpus) -> tuple[int, int]:
    """What centers are drawn from: (its size, its peak while built).
    batching="corpus": the epoch's kept ids and their sentences (int32 each); built from a
    uniform float32 and a keep flag per token and each token's sentence (int32).
    batching="windows": 30 copies of the ids, kept (int32), with each kept sentence's
    start and length (int64); built from a float64 draw and a float64 reject probability
    per copied token, a keep flag, and the copies' sentence lengths and offsets (int64)."""
    tokens, sentences = corpus.token_count, corpus.sentence_count
    if config.batching == "windows":
        kept = HANDOUT_COPIES * (tokens * 4 + sentences * 2 * 8)
        building = HANDOUT_COPIES * (tokens * (4 + 8 + 8 + 1) + sentences * 2 * 8)
        return kept, kept + building
    kept = tokens * (4 + 4)
    return kept, kept + tokens * (4 + 1 + 4)


def chunk_inputs(config: TrainConfig, vocab_size: int) -> int:
    """Centers (or windows) of the largest chunk a step of this run computes."""
    return min(largest_step(config, vocab_size), inputs_per_chunk(config, vocab_size))


def chunk_memory(config: TrainConfig, vocab_size: int, inputs: int) -> int:
    """The working set of one chunk of `inputs` centers (or windows), from the arrays the
    step allocates per input, per (input, window slot) and per score."""
    dim, slots = config.dim, 2 * config.window
    pairs_per_input = config.window + 1  # the mean of a dynamic window's pairs
    # each slot of the (n, 2·window) block: positions and masks (int64, bool), its word,
    # and, with negative sampling, its score, probability, coefficient and curvature
    block = inputs * slots * 48
    if config.batching == "windows":
        # the handout draws twice the windows it needs, then keeps those with a context
        block *= 2
    if config.loss == "softmax":
        pairs = inputs * (1 if config.model == "cbow" and config.batching == "corpus"
                          else pairs_per_input)
        # scores, their exponentials and ŷ - y (pairs × |V|), each pair's input and
        # gradient (d), and dJ/dU (V, d)
        return block + pairs * (3 * vocab_size + 3 * dim) * FLOAT + vocab_size * dim * FLOAT
    if config.batching == "windows":
        # the (pairs, K + 1, d) block of U's rows; each pair's input, its gradient and
        # their sum by row
        per_pair = ((config.negative + 1) * (dim + 8) + 3 * dim) * FLOAT
        return block + inputs * pairs_per_input * per_pair
    # skip-gram's (n, 2·window, d) block of true outside vectors (CBOW: each context
    # word's share of dJ/dv̂), and per input its vector, gradients, directions and the
    # noise pool's share (NOISE_POOL / NOISE_GROUP pool rows, their scores)
    per_input = (slots * dim + 12 * dim + NOISE_POOL * 8) * FLOAT
    return block + inputs * per_input + (inputs // NOISE_GROUP + 1) * NOISE_POOL * dim * FLOAT


def sums_memory(config: TrainConfig, vocab_size: int) -> int:
    """A step larger than one chunk gathers its gradients by row before applying them
    (core.math.steps.StepSums). Per part of V or U it updates: the touched rows' sums, float32,
    side by side (up to twice as many slots while they grow by doubling, and their scaled
    copy when applied), or, past RowSums.DENSE_SHARE of the rows, a (V, d) array (with, for
    a moment, the side-by-side sums it replaces); and a slot (int64) and a curvature
    (float64) per row. Rows touched, at most: negative sampling, V's rows of its centers
    (CBOW: their context words), U's rows of their true outside words and of the noise
    pools; naive softmax, V's rows and all of U (dense); the handout's batching, its
    windows' centers and their outside and noise words. 0 when every step of this run
    fits one chunk."""
    batch = largest_step(config, vocab_size)
    if batch <= inputs_per_chunk(config, vocab_size):
        return 0
    slots = 2 * config.window
    if config.batching == "windows":
        parts = [batch, vocab_size if config.loss == "softmax"
                 else batch * slots * (config.negative + 1)]
    elif config.model == "skipgram":
        parts = [batch, vocab_size if config.loss == "softmax" else batch * slots]
    else:
        parts = [batch * slots, vocab_size if config.loss == "softmax" else batch]
    if config.loss == "neg" and config.batching == "corpus":
        parts.append(-(-batch // NOISE_GROUP) * NOISE_POOL)
    row = config.dim * FLOAT
    dense_from = RowSums.DENSE_SHARE * vocab_size
    total = 0
    for rows in parts:
        rows = min(rows, vocab_size)
        total += (vocab_size + dense_from) * row if rows > dense_from else 3 * rows * row
        total += vocab_size * 16
    return int(total)


def estimate_memory(config: TrainConfig, corpus: Corpus) -> MemoryEstimate:
    """What a run of `config` on `corpus` holds at its peak, by part (see the module)."""
    vocab = corpus.vocab_size
    step = chunk_memory(config, vocab, chunk_inputs(config, vocab)) + sums_memory(config, vocab)
    text, text_peak = text_memory(config, corpus)
    return MemoryEstimate(corpus=corpus_memory(corpus), vectors=vectors_memory(config, vocab),
                          text=text, text_peak=text_peak, step=step)


def run_memory(config: TrainConfig, corpus: Corpus) -> int:
    """Bytes a run of `config` on `corpus` holds at its peak, the corpus included."""
    return estimate_memory(config, corpus).total


def _levers(config: TrainConfig, estimate: MemoryEstimate, vocab_size: int) -> str:
    """What to lower, for the largest parts of the need."""
    building = estimate.text_peak > estimate.text + estimate.step
    parts = sorted([(estimate.vectors, "vectors"),
                    (0 if building else estimate.step, "step"),
                    (estimate.text_peak if building else estimate.text, "text")],
                   reverse=True)
    levers = []
    for size, part in parts:
        if levers and size < estimate.training / 4:
            break
        if part == "vectors":
            levers.append(f"lower the dimension (dim {config.dim:,}) or the vocabulary "
                          f"({vocab_size:,} words: raise min_count or set max_vocab_size)")
        elif part == "step" and config.batching == "windows":
            levers.append(f"lower the windows per step (batch_size {config.batch_size:,})")
        elif part == "step":
            levers.append(f"lower the words per step (batch_words {config.batch_words:,}) "
                          f"or the window ({config.window})")
        elif config.batching == "windows":
            levers.append(f"use batching corpus (the handout's batching keeps "
                          f"{HANDOUT_COPIES} sub-sampled copies of the text) or a smaller "
                          "corpus")
        else:
            levers.append("use a smaller corpus")
    text = "; or ".join(levers)
    return text[:1].upper() + text[1:]


def check_fits(config: TrainConfig, corpus: Corpus, available: int | None = None
               ) -> MemoryEstimate:
    """The run's estimate; raises NotEnoughMemory when what training needs beyond the loaded
    corpus is more than `available` bytes (default: `available_memory()`; unknown: never
    refused). The message says both figures and what to lower."""
    estimate = estimate_memory(config, corpus)
    if available is None:
        available = available_memory()
    if available is None or estimate.training <= available:
        return estimate
    raise NotEnoughMemory(
        f"This run needs about {format_bytes(estimate.training)} of memory "
        f"({estimate.parts_text()}); this computer has {format_bytes(available)} free. "
        f"{_levers(config, estimate, corpus.vocab_size)}.", estimate, available)
