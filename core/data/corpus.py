"""Corpora: the vocabulary, the text as token ids, sub-sampling, noise words, and the
handout's own sampling of windows (its Dataset class).

A `Corpus` holds the vocabulary (most frequent word first), the counts, and the whole
text as int32 token ids with sentence offsets, never as Python strings. Reading and
tokenizing the text is core.data.reading's.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from core.data.reading import (
    CorpusError,
    Progress,
    is_sst_file,
    iter_sentences,
)

# readers of a corpus take its error and the SST test from here too
__all__ = ["Corpus", "CorpusError", "HandoutDataset", "filtered_offsets",
           "handout_reject_probabilities", "handout_window_text", "is_sst_file",
           "load_corpus"]


def filtered_offsets(kept: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Offsets of the segments after filtering: `kept` is a (N,) mask over tokens grouped
    by `offsets` (S+1,); returns (S+1,) int64 offsets into the kept tokens."""
    cumulative = np.r_[0, np.cumsum(kept, dtype=np.int64)]
    return cumulative[offsets]


class Text:
    """Token ids with sentence boundaries: sentence s is
    token_ids[sentence_offsets[s]:sentence_offsets[s + 1]]. What a training step reads
    of a corpus (a Corpus, or one worker's part of it, core.parallel.worker)."""

    token_ids: np.ndarray
    sentence_offsets: np.ndarray

    @property
    def token_count(self) -> int:
        return int(self.token_ids.size)

    @property
    def sentence_count(self) -> int:
        return int(self.sentence_offsets.size - 1)


@dataclass
class Corpus(Text):
    """Vocabulary and text of a corpus.

    words:            (V,) list of str, most frequent first (ties: first seen first)
    counts:           (V,) int64 occurrences of each word in the text
    token_ids:        (N,) int32 the text, words outside the vocabulary removed
    sentence_offsets: (S+1,) int64 sentence s is token_ids[offsets[s]:offsets[s+1]]
    """

    words: list[str]
    counts: np.ndarray
    token_ids: np.ndarray
    sentence_offsets: np.ndarray
    source: str = ""
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {word: i for i, word in enumerate(self.words)}

    @property
    def vocab_size(self) -> int:
        return len(self.words)

    def sentence(self, s: int) -> np.ndarray:
        return self.token_ids[self.sentence_offsets[s] : self.sentence_offsets[s + 1]]

    def write_text(self, path: str | os.PathLike) -> None:
        """The corpus as plain text, one sentence per line of its tokens."""
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            for s in range(self.sentence_count):
                out.write(" ".join(self.words[i] for i in self.sentence(s)) + "\n")

    def noise_distribution(self, power: float = 0.75) -> np.ndarray:
        """(V,) float64 P_n(w) ∝ count(w)^power: the unigram^0.75 noise of word2vec."""
        weights = self.counts.astype(np.float64) ** power
        return weights / weights.sum()

    def noise_table(self, size: int) -> np.ndarray:
        """(size,) int32, read-only: word w fills a share P_n(w) of the slots (word2vec.c's
        unigram table), so a uniform slot is a draw from the noise distribution.

        Built once per corpus and size and shared by every run on it: filling a fresh
        table of millions of slots costs tens of milliseconds, paid at each new run.
        """
        cache = self.__dict__.setdefault("_noise_tables", {})
        if size not in cache:
            boundaries = np.rint(np.cumsum(self.noise_distribution()) * size)
            slots = np.diff(np.r_[0, boundaries]).astype(np.int64)
            slots[-1] += size - slots.sum()
            table = np.repeat(np.arange(self.vocab_size, dtype=np.int32), slots)
            table.flags.writeable = False
            cache[size] = table
        return cache[size]

    def keep_probabilities(self, sample: float) -> np.ndarray:
        """(V,) float64 probability of keeping each occurrence, word2vec.c's sub-sampling.

        With t = sample × total count: keep(w) = (sqrt(count/t) + 1) × t / count, capped
        at 1. `sample = 0` keeps everything.
        """
        if sample <= 0:
            return np.ones(self.vocab_size)
        threshold = sample * float(self.counts.sum())
        counts = self.counts.astype(np.float64)
        return np.minimum(1.0, (np.sqrt(counts / threshold) + 1.0) * threshold / counts)

    @classmethod
    def from_sentences(
        cls,
        sentences: Iterable[list[str]],
        *,
        min_count: int = 1,
        max_vocab_size: int | None = None,
        source: str = "",
    ) -> Corpus:
        """Count and encode tokenized sentences; keep words seen at least `min_count` times
        (then at most `max_vocab_size` of the most frequent)."""
        if min_count < 1:
            raise CorpusError(f"min_count must be at least 1, got {min_count}.")
        first_index: dict[str, int] = {}
        id_chunks: list[np.ndarray] = []
        lengths: list[int] = []
        pending: list[int] = []
        for tokens in sentences:
            # new words get ids in first-seen order (deterministic, unlike a set)
            for word in dict.fromkeys(tokens):
                if word not in first_index:
                    first_index[word] = len(first_index)
            pending.extend(map(first_index.__getitem__, tokens))
            lengths.append(len(tokens))
            if len(pending) >= 1 << 20:
                id_chunks.append(np.array(pending, dtype=np.int32))
                pending = []
        id_chunks.append(np.array(pending, dtype=np.int32))
        raw_ids = np.concatenate(id_chunks)
        name = source or "the corpus"
        if raw_ids.size == 0:
            raise CorpusError(
                f"{name} has no words: it is empty or holds no letters or digits. "
                "Open a text file with sentences in it."
            )
        raw_counts = np.bincount(raw_ids, minlength=len(first_index)).astype(np.int64)
        # Most frequent first; a stable sort keeps first-seen order among equal counts.
        order = np.argsort(-raw_counts, kind="stable")
        order = order[raw_counts[order] >= min_count]
        if max_vocab_size is not None:
            if max_vocab_size < 1:
                raise CorpusError(f"max_vocab_size must be at least 1, got {max_vocab_size}.")
            order = order[:max_vocab_size]
        if order.size == 0:
            raise CorpusError(
                f"{name}: no word occurs at least min_count={min_count} times "
                f"(the most frequent occurs {_times(int(raw_counts.max()))}). "
                "Lower min_count or use a larger corpus."
            )
        by_first_seen = list(first_index)
        new_id = np.full(len(first_index), -1, dtype=np.int32)
        new_id[order] = np.arange(order.size, dtype=np.int32)
        mapped = new_id[raw_ids]
        kept = mapped >= 0
        raw_offsets = np.r_[0, np.cumsum(np.asarray(lengths, dtype=np.int64))]
        offsets = filtered_offsets(kept, raw_offsets)
        return cls(
            words=[by_first_seen[i] for i in order],
            counts=raw_counts[order],
            token_ids=mapped[kept],
            sentence_offsets=offsets,
            source=source,
        )


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count:,} times"


def load_corpus(
    path: str | os.PathLike,
    *,
    min_count: int = 1,
    max_vocab_size: int | None = None,
    lenient: bool = False,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Corpus:
    """Read a plain-text file, an SST file, a folder of .txt files or a .gz/.bz2/.xz file."""
    sentences = iter_sentences(path, lenient=lenient, progress=progress, should_stop=should_stop)
    return Corpus.from_sentences(
        sentences, min_count=min_count, max_vocab_size=max_vocab_size, source=str(path)
    )


def handout_reject_probabilities(counts: np.ndarray) -> np.ndarray:
    """The handout's sub-sampling: drop w with probability max(0, 1 - sqrt(1e-5 · N / c(w)))."""
    threshold = 1e-5 * float(counts.sum())
    return np.maximum(0.0, 1.0 - np.sqrt(threshold / counts))


def handout_window_text(corpus: Corpus, reject: np.ndarray, rng: np.random.Generator,
                        copies: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """The handout's source of random windows: `copies` copies of the text, each occurrence
    dropped with probability reject[w], keeping sentences of two words or more.

    Returns (token ids, (S, 2) start and length of each kept sentence).
    """
    ids = np.tile(corpus.token_ids, copies)
    lengths = np.tile(np.diff(corpus.sentence_offsets), copies)
    kept = rng.random(ids.size) >= reject[ids]
    offsets = filtered_offsets(kept, np.r_[0, np.cumsum(lengths)])
    kept_lengths = np.diff(offsets)
    long_enough = kept_lengths > 1
    if not long_enough.any():
        raise CorpusError("no sentence keeps two words after the handout's sub-sampling; "
                          "use a larger corpus.")
    spans = np.stack([offsets[:-1][long_enough], kept_lengths[long_enough]], axis=1)
    return ids[kept], spans


class HandoutDataset:
    """What the handout's training script asks of a dataset, over a `Corpus`.

    As in the course's treebank reader: the vocabulary gets an extra "UNK" word of count
    1; the text used for windows is 30 copies of the corpus, each occurrence of word w
    dropped with probability max(0, 1 - sqrt(1e-5 × total / count(w))); negative samples
    come from a table of `table_size` entries built from unigram^0.75. Draws use Python's
    `random`, so `random.seed` makes a run repeatable.
    """

    COPIES = 30

    def __init__(self, corpus: Corpus, table_size: int = 1_000_000) -> None:
        self.corpus = corpus
        self.words = [*corpus.words, "UNK"]
        self.counts = np.append(corpus.counts, 1).astype(np.int64)
        self.word_to_index = {word: i for i, word in enumerate(self.words)}
        self.table_size = table_size
        self._table: np.ndarray | None = None
        self._windows: tuple[np.ndarray, np.ndarray] | None = None

    def token_frequencies(self) -> dict[str, int]:
        return dict(zip(self.words, self.counts.tolist(), strict=True))

    def reject_probabilities(self) -> np.ndarray:
        """(V+1,) the handout's per-word probability of dropping an occurrence."""
        return handout_reject_probabilities(self.counts)

    def sample_table(self) -> np.ndarray:
        """(table_size,) word ids; entry i is the first word whose cumulative share ≥ i."""
        if self._table is None:
            weights = self.counts.astype(np.float64) ** 0.75
            cumulative = np.cumsum(weights / weights.sum()) * self.table_size
            table = np.searchsorted(cumulative, np.arange(self.table_size), side="left")
            self._table = np.minimum(table, len(self.words) - 1).astype(np.int32)
        return self._table

    def sample_token_index(self) -> int:
        """One noise word id, one call to Python's `random` per draw."""
        return int(self.sample_table()[random.randint(0, self.table_size - 1)])

    def _sub_sampled_text(self) -> tuple[np.ndarray, np.ndarray]:
        """The 30 sub-sampled copies: (token ids, (S, 2) start and length of each sentence)."""
        if self._windows is None:
            rng = np.random.default_rng(random.getrandbits(64))
            self._windows = handout_window_text(self.corpus, self.reject_probabilities(), rng)
        return self._windows

    def random_context(self, window: int) -> tuple[int, list[int]]:
        """A random center word and up to `window` words each side of it in its sentence,
        with occurrences of the center word itself removed; redrawn while empty."""
        ids, spans = self._sub_sampled_text()
        while True:
            start, length = spans[random.randint(0, spans.shape[0] - 1)]
            position = random.randint(0, int(length) - 1)
            sentence = ids[start : start + length]
            center = int(sentence[position])
            context = [
                int(w)
                for w in np.r_[
                    sentence[max(0, position - window) : position],
                    sentence[position + 1 : position + window + 1],
                ]
                if w != center
            ]
            if context:
                return center, context
