"""The trainer's saved state: named arrays in one .npz, read back to continue exactly.

The state holds the vectors, the corpus, the config, the position and the generator's
state; the epoch's sub-sampling is not stored but drawn again from the generator state
that produced it. Nothing read is trusted: shapes are checked against one another from the
arrays' headers before any data is read (core.train.saved_arrays), values before they are used.
`core.train.trainer.Trainer`'s save, state_arrays, load and from_state call these.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Protocol, TypeVar

import numpy as np

from core.data.corpus import Corpus
from core.errors import TrainerError
from core.storage.files import atomic_write
from core.storage.npz_entries import pack_words, unpack_words
from core.train.config import TrainConfig
from core.train.saved_arrays import (
    BYTES,
    INTEGERS,
    LARGEST_INT64,
    REALS,
    TEXT,
    JsonRecord,
    SavedArrays,
)

T = TypeVar("T")

# 2: words as one UTF-8 block ("words", uint8) with "word_offsets"; 1: a fixed-width text
# array, in which every word cost as much as the longest. Format 1 is still read.
FORMAT_VERSION = 2
VECTORS = ("center_vectors", "outside_vectors")
LARGEST_VOCABULARY = 2**31 - 1  # token ids are int32
# Counts are summed in int64 (sub-sampling's threshold); keep the total well inside it.
LARGEST_TOTAL_COUNT = 2**62


@dataclass
class Position:
    """Where a run is: the trainer's state besides its vectors, corpus, config and generator
    (the saved file's "position" record, with two flags of the epoch's text).

    epoch:          the current epoch (0-based; batching="windows": always 0)
    cursor:         the next center in the epoch's sub-sampled text
    steps:          whole steps taken
    words_done:     corpus tokens consumed (windows for batching="windows")
    pairs_seen:     (center, outside) pairs (or CBOW windows) trained on
    smoothed_loss:  the moving average of the measured loss (NaN: none measured yet)
    last_loss:      the most recent measured loss, per loss_unit (NaN: none yet)
    handout_cost:   the handout's smoothed cost (batching="windows"), else None
    seconds:        time spent inside `Trainer.step`
    """

    epoch: int = 0
    cursor: int = 0
    steps: int = 0
    words_done: int = 0
    pairs_seen: int = 0
    smoothed_loss: float = float("nan")
    last_loss: float = float("nan")
    handout_cost: float | None = None
    seconds: float = 0.0


class InPosition:
    """A field of the trainer's `position`, read and written as an attribute of the
    trainer (`trainer.steps`)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, trainer, owner: type | None = None):
        return self if trainer is None else getattr(trainer.position, self.name)

    def __set__(self, trainer, value) -> None:
        setattr(trainer.position, self.name, value)


class EpochText(Protocol):
    """What saving reads of the text a run's steps draw from (core.train.batches.Batches)."""

    epoch_state: dict | None
    kept_ids: np.ndarray | None
    window_text: tuple[np.ndarray, np.ndarray] | None

    def start_epoch(self) -> None: ...


class Trained(Protocol):
    """What saving reads of a trainer (core.train.trainer.Trainer declares it all)."""

    corpus: Corpus
    config: TrainConfig
    rng: np.random.Generator
    center_vectors: np.ndarray
    outside_vectors: np.ndarray
    position: Position
    batches: EpochText  # the epoch's text (core.train.batches.Batches)


def save(trainer: Trained, path: str | os.PathLike) -> None:
    """Write the whole state (vectors, corpus, config, position, generator) to one .npz.

    The file is written beside the target and renamed into place, so an interrupted
    save never destroys the previous file.
    """
    with atomic_write(path) as stream:
        np.savez(stream, **state_arrays(trainer))


def state_arrays(trainer: Trained) -> dict[str, np.ndarray]:
    """The whole state as named arrays (what `save` writes; `from_state` reads it):
    center_vectors, outside_vectors (V, d) float32; words (B,) uint8 UTF-8 and
    word_offsets (V+1,) int64; counts (V,) int64; token_ids (N,) int32;
    sentence_offsets (S+1,) int64; JSON texts for config, position and the generator's
    states; with the handout's batching, window_ids (M,) and window_spans (W, 2)."""
    position = {**asdict(trainer.position), "epoch_started": trainer.batches.kept_ids is not None,
                "window_text": trainer.batches.window_text is not None}
    words, word_offsets = pack_words(trainer.corpus.words)
    arrays = {
        "format_version": np.int64(FORMAT_VERSION),
        "config": np.array(trainer.config.to_json()),
        "position": np.array(json.dumps(position)),
        "rng_state": np.array(json.dumps(trainer.rng.bit_generator.state)),
        "epoch_rng_state": np.array(json.dumps(trainer.batches.epoch_state)),
        "center_vectors": trainer.center_vectors,
        "outside_vectors": trainer.outside_vectors,
        "words": words,
        "word_offsets": word_offsets,
        "counts": trainer.corpus.counts,
        "token_ids": trainer.corpus.token_ids,
        "sentence_offsets": trainer.corpus.sentence_offsets,
        "source": np.array(trainer.corpus.source),
    }
    if trainer.batches.window_text is not None:
        arrays["window_ids"], arrays["window_spans"] = trainer.batches.window_text
    return arrays


def load(cls: type[T], path: str | os.PathLike) -> T:
    """Read a trainer (of class `cls`) saved by `save`; it continues exactly where it
    stopped. Raises TrainerError naming the file and what is wrong when it cannot be used."""
    with SavedArrays.open(path, "model", TrainerError) as saved:
        return from_state(cls, saved)


def from_state(cls: type[T], data: SavedArrays | Mapping[str, np.ndarray],
               path: str | os.PathLike = "the file") -> T:
    """Rebuild a trainer (of class `cls`) from `state_arrays()` (a dict, named `path` in
    messages) or an open file (`SavedArrays`, which raises its own error type)."""
    saved = (data if isinstance(data, SavedArrays)
             else SavedArrays.from_arrays(data, path, "model", TrainerError))
    version = saved.integer("format_version")
    if version > FORMAT_VERSION:
        raise saved.error(
            f"{saved.path} was saved by a newer Word2Vec Studio (format {version}); "
            "update the app to open it.")
    if version < 1:
        raise saved.damaged(f"its format_version is {version}")
    config = saved.config()
    position = saved.record("position")
    window_text = position.flag("window_text")
    epoch_started = position.flag("epoch_started")
    rng_state = saved.generator_state("rng_state")
    epoch_state = saved.generator_state("epoch_rng_state", optional=not epoch_started)

    vocab, tokens = _check_shapes(saved, version, config, window_text)
    corpus = _read_corpus(saved, version, vocab, tokens)
    try:
        # what loading allocates was checked above; training's own working memory is
        # not needed to open a file (to explore it, say)
        trainer = cls(corpus, config, check_memory=False)
    except TrainerError as error:
        raise saved.damaged(f"its corpus cannot be trained on ({error})") from None
    trainer.center_vectors, trainer.outside_vectors = (saved.reals(name)
                                                       for name in VECTORS)
    if window_text:
        trainer.batches.window_text = _read_window_text(saved, vocab)
    _restore_position(trainer, position)
    if epoch_started:
        # Re-derive the epoch's sub-sampling from the generator state that produced it.
        trainer.rng.bit_generator.state = epoch_state
        try:
            trainer.batches.start_epoch()
        except TrainerError as error:
            raise saved.damaged(f"its epoch cannot be resumed ({error})") from None
        if trainer.cursor >= trainer.batches.kept_ids.size:
            raise saved.damaged(
                f"its position record puts the cursor at {trainer.cursor:,}, past the "
                f"epoch's {trainer.batches.kept_ids.size:,} sub-sampled words")
    elif trainer.cursor != 0:
        raise saved.damaged(f"its position record puts the cursor at {trainer.cursor:,} "
                            "although no epoch is under way")
    trainer.rng.bit_generator.state = rng_state
    return trainer


def _check_shapes(saved: SavedArrays, version: int, config: TrainConfig,
                  window_text: bool) -> tuple[int, int]:
    """Check every array's dtype and shape from its header alone, and that they fit in
    memory together, before any large one is read. Returns (V words, N tokens)."""
    if version == 1:
        vocab = saved.expect("words", TEXT, (None,), "the words are one list").shape[0]
    else:
        saved.expect("words", BYTES, (None,), "the words are one block of UTF-8 bytes")
        vocab = saved.expect("word_offsets", INTEGERS, (None,),
                             "word_offsets is one list").shape[0] - 1
        if vocab < 0:
            raise saved.damaged("word_offsets is empty; it should hold one more offset "
                                "than there are words")
    if vocab > LARGEST_VOCABULARY:
        raise saved.damaged(f"it claims {vocab:,} words; at most {LARGEST_VOCABULARY:,} "
                            "are possible")
    saved.expect("counts", INTEGERS, (vocab,), f"the model has {vocab:,} words")
    for name in VECTORS:
        saved.expect(name, REALS, (vocab, config.dim),
                     f"the model has {vocab:,} words of dimension {config.dim:,}")
    tokens = saved.expect("token_ids", INTEGERS, (None,),
                          "the text is one list of word numbers").shape[0]
    saved.expect("sentence_offsets", INTEGERS, (None,), "the offsets are one list")
    saved.expect("source", TEXT, (), "it is a single text")
    names = ["words", "counts", "token_ids", "sentence_offsets", *VECTORS]
    if version > 1:
        names.append("word_offsets")
    if window_text:
        saved.expect("window_ids", INTEGERS, (None,), "the window text is one list")
        saved.expect("window_spans", INTEGERS, (None, 2),
                     "each window sentence is a start and a length")
        names += ["window_ids", "window_spans"]
    # the fresh trainer allocates its own pair of (V, d) float32 matrices before the
    # saved ones replace them
    saved.check_memory(names, extra=2 * vocab * config.dim * 4)
    return vocab, tokens


def _read_corpus(saved: SavedArrays, version: int, vocab: int, tokens: int) -> Corpus:
    """The corpus: its words, counts, token ids and sentences, every value checked."""
    if version == 1:
        words = saved.read("words").tolist()
    else:
        offsets = saved.integers("word_offsets", 0, saved.info("words").shape[0],
                                 "byte offsets into the words block")
        block = saved.read("words")
        try:
            words = unpack_words(block, offsets)
        except ValueError as error:
            raise saved.damaged(str(error)) from None
    if len(set(words)) != len(words):
        seen: set[str] = set()
        repeated = next(word for word in words if word in seen or seen.add(word))
        raise saved.damaged(f"its word list holds {repeated[:40]!r} twice")
    counts = saved.integers("counts", 1, LARGEST_TOTAL_COUNT,
                            "how often each word occurs: at least 1 for every word")
    total = counts.sum(dtype=np.float64)
    if total > LARGEST_TOTAL_COUNT:
        raise saved.damaged("its word counts add up to more than "
                            f"{LARGEST_TOTAL_COUNT:,}")
    # every count is its word's occurrences in the text: checked before the vectors are
    # read, so that a vocabulary far larger than its text cannot claim huge vectors
    if int(total) != tokens:
        raise saved.damaged(f"its word counts add up to {int(total):,}, but its text has "
                            f"{tokens:,} words")
    token_ids = saved.integers("token_ids", 0, vocab - 1,
                               f"word numbers from 0 to {vocab - 1:,}", dtype=np.int32)
    if not np.array_equal(np.bincount(token_ids, minlength=vocab), counts):
        raise saved.damaged("its word counts do not match how often each word occurs in "
                            "its text")
    sentence_offsets = saved.offsets("sentence_offsets", tokens, "sentences")
    return Corpus(words=words, counts=counts, token_ids=token_ids,
                  sentence_offsets=sentence_offsets, source=saved.text("source"))


def _read_window_text(saved: SavedArrays, vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """The handout's window text: (M,) int32 word ids and (W, 2) int64 spans (start,
    length), each span a sentence of two words or more inside the ids."""
    ids = saved.integers("window_ids", 0, vocab - 1, f"word numbers from 0 to {vocab - 1:,}",
                         dtype=np.int32)
    spans = saved.integers("window_spans", 0, ids.size, f"positions from 0 to {ids.size:,}")
    if spans.shape[0] == 0:
        raise saved.damaged("window_spans is empty; the handout's batching needs at least "
                            "one sentence")
    if np.any(spans[:, 1] < 2) or np.any(spans[:, 0] + spans[:, 1] > ids.size):
        raise saved.damaged("window_spans holds a sentence shorter than two words or one "
                            "that ends beyond window_ids")
    return ids, spans


def _restore_position(trainer: Trained, position: JsonRecord) -> None:
    """Set the trainer's position from the record, each field of its type and range."""
    trainer.position = Position(
        epoch=position.whole("epoch", 0, trainer.config.epochs),
        cursor=position.whole("cursor"),
        steps=position.whole("steps"),
        words_done=position.whole("words_done", 0, trainer.total_words),
        pairs_seen=position.whole("pairs_seen", 0, LARGEST_INT64),
        # NaN: no loss measured yet
        smoothed_loss=position.number("smoothed_loss", nan=True),
        last_loss=position.number("last_loss", nan=True),
        handout_cost=position.number("handout_cost", none=True),
        seconds=position.number("seconds", low=0.0))
