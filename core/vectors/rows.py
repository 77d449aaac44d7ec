"""The rows kept from a vectors file, under the policies every format shares: a repeated word
keeps its first vector, a row with NaN or infinite values is dropped, a word's bytes that are
not UTF-8 become U+FFFD, reading stops at the limit; and the notes that say what was
dropped, replaced or limited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from core.vectors.types import VectorFileError


class Rows:
    """Collects words and vectors into one preallocated float32 matrix, dropping repeats and
    non-finite rows and stopping at the limit; remembers what was dropped for the notes."""

    def __init__(self, path: Path, dim: int, capacity: int, limit: int | None,
                 unit: str = "line", track_rows: bool = False) -> None:
        self.path = path
        self.dim = dim
        self.limit = limit
        self.unit = unit  # how a position is named in notes: "line" or "word"
        self.vectors = np.empty((max(capacity, 1), dim), dtype=np.float32)
        self.words: list[str] = []
        self.seen: dict[str, int] = {}  # word -> where it was first kept
        self.rows_read = 0  # rows taken from the file (kept or dropped)
        self.kept_rows: list[int] | None = [] if track_rows else None  # their row numbers
        self.repeats = 0
        self.first_repeat: tuple[str, int, int] | None = None  # word, where, first kept at
        self.non_finite = 0
        self.first_non_finite: tuple[str, int] | None = None
        self.undecodable = 0  # words read with U+FFFD for bytes that are not UTF-8
        self.first_undecodable: tuple[str, int] | None = None

    @property
    def full(self) -> bool:
        return self.limit is not None and len(self.words) >= self.limit

    def add_encoded(self, words: list[bytes | bytearray], block: np.ndarray,
                    positions: Sequence[int]) -> None:
        """`add` for words still in bytes: UTF-8, where bytes that are not become U+FFFD
        (counted for a note)."""
        texts, replaced = decode_words(words)
        before = self.rows_read
        self.add(texts, block, positions)
        taken = self.rows_read - before  # rows after the limit are not read
        replaced = [i for i in replaced if i < taken]
        if replaced:
            self.undecodable += len(replaced)
            if self.first_undecodable is None:
                self.first_undecodable = (texts[replaced[0]], positions[replaced[0]])

    def add(self, words: list[str], block: np.ndarray, positions: Iterable[int]) -> None:
        """Add rows in file order; positions: the line (or word) number of each."""
        with np.errstate(over="ignore", invalid="ignore"):  # too large for float32: inf
            block = block.astype(np.float32, copy=False)
            finite = np.isfinite(block).all(axis=1).tolist()
        positions = list(positions)
        room = (self.limit - len(self.words)) if self.limit is not None else len(words)
        seen = self.seen
        if room >= len(words) and all(finite) and len(set(words)) == len(words) \
                and seen.keys().isdisjoint(words):  # the usual case, checked in bulk
            seen.update(zip(words, positions, strict=True))
            start = len(self.words)
            self._reserve(start + len(words))
            self.vectors[start:start + len(words)] = block
            self.words.extend(words)
            if self.kept_rows is not None:
                self.kept_rows.extend(range(self.rows_read, self.rows_read + len(words)))
            self.rows_read += len(words)
            return
        keep: list[int] = []
        taken = 0
        for i, word in enumerate(words):
            if len(keep) >= room:
                break
            taken += 1
            if not finite[i]:
                self.non_finite += 1
                if self.first_non_finite is None:
                    self.first_non_finite = (word, positions[i])
            elif word in seen:
                self.repeats += 1
                if self.first_repeat is None:
                    self.first_repeat = (word, positions[i], seen[word])
            else:
                seen[word] = positions[i]
                keep.append(i)
        start = len(self.words)
        self._reserve(start + len(keep))
        if len(keep) == len(words):
            self.vectors[start:start + len(keep)] = block
            self.words.extend(words)
        elif keep:
            self.vectors[start:start + len(keep)] = block[keep]
            self.words.extend(words[i] for i in keep)
        if self.kept_rows is not None:
            self.kept_rows.extend(self.rows_read + i for i in keep)
        self.rows_read += taken

    def _reserve(self, rows: int) -> None:
        if rows > self.vectors.shape[0]:
            self.vectors.resize((max(rows, 2 * self.vectors.shape[0]), self.dim), refcheck=False)

    def matrix(self) -> np.ndarray:
        """The (kept, d) float32 vectors (the buffer shrunk in place)."""
        if self.vectors.shape[0] != len(self.words):
            self.vectors.resize((len(self.words), self.dim), refcheck=False)
        return self.vectors

    def notes(self) -> list[str]:
        notes = []
        if self.repeats:
            word, where, first = self.first_repeat
            notes.append(
                f"Dropped {self.repeats:,} repeated word{plural(self.repeats)}, keeping each "
                f"word's first vector (the first repeat: '{word}' on {self.unit} {where:,}, "
                f"first seen on {self.unit} {first:,}).")
        if self.non_finite:
            word, where = self.first_non_finite
            notes.append(
                f"Dropped {self.non_finite:,} row{plural(self.non_finite)} holding NaN or "
                f"infinite values, which cannot be compared or mapped (the first: '{word}' "
                f"on {self.unit} {where:,}).")
        if self.undecodable:
            word, where = self.first_undecodable
            notes.append(
                f"{counted(self.undecodable, 'word')} held bytes that are not UTF-8 (the "
                "file may be in another encoding, or its writer cut long words "
                f"mid-character); they are shown as \ufffd (the first: '{word}' on "
                f"{self.unit} {where:,}).")
        return notes

    def check_not_empty(self) -> None:
        """A file with no usable row is an error, saying why."""
        if self.words:
            return
        if self.rows_read:
            rows = ("its only row cannot" if self.rows_read == 1
                    else f"none of its {self.rows_read:,} rows can")
            raise VectorFileError(self.path, f"{rows} be used: " + " ".join(self.notes()),
                                  "Check how the file was written.")
        raise VectorFileError(self.path, "holds no vectors.",
                              "Choose a file with at least one word and its vector.")


def plural(count: int) -> str:
    return "" if count == 1 else "s"


def counted(count: int, noun: str) -> str:
    """"1 row", "2 rows", "1,000 rows": a count and a regular noun that agrees with it."""
    return f"{count:,} {noun}{plural(count)}"


def decode_words(words: list[bytes | bytearray]) -> tuple[list[str], list[int]]:
    """UTF-8 words -> (the words, the indices of those whose bytes that are not UTF-8
    became U+FFFD). All are decoded at once (joined on "\n") unless one fails or holds
    a newline."""
    try:
        texts = b"\n".join(words).decode("utf-8").split("\n")
        if len(texts) == len(words):
            return texts, []
    except UnicodeDecodeError:
        pass
    texts, replaced = [], []
    for index, word in enumerate(words):
        try:
            texts.append(word.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(word.decode("utf-8", errors="replace"))
            replaced.append(index)
    return texts, replaced


def limit_note(kept: int, total: int | None) -> str:
    first = f"the first {kept:,} word{plural(kept)}"
    if total is not None:
        return f"Read {first} of {total:,} (the limit)."
    return f"Read {first} (the limit); the rest of the file was not read."
