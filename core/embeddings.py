"""Trained vectors with their vocabulary: queries (neighbours, analogies) and file formats.

Formats: word2vec.c text and binary (read by gensim's `KeyedVectors.load_word2vec_format`
and by word2vec.c's tools), and the TensorFlow Embedding Projector's vectors + metadata TSV.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.files import atomic_write
from core.functions import normalize_rows


class EmbeddingsError(ValueError):
    """A vectors file could not be read or written; the message names the file and the fix."""


class UnknownWordError(KeyError):
    """A word is not in the vocabulary; `suggestions` holds close vocabulary words."""

    def __init__(self, word: str, suggestions: list[str]) -> None:
        self.word = word
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"'{word}' is not in the vocabulary.{hint}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class Embeddings:
    """words: (V,) list of str; vectors: (V, d) float32; counts: (V,) int64 or None."""

    words: list[str]
    vectors: np.ndarray
    counts: np.ndarray | None = None
    index: dict[str, int] = field(init=False, repr=False)
    _unit: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.vectors = np.asarray(self.vectors, dtype=np.float32)
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise EmbeddingsError(
                f"{len(self.words)} words but vectors of shape {self.vectors.shape}."
            )
        self.index = {word: i for i, word in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def unit_vectors(self) -> np.ndarray:
        """(V, d) rows scaled to unit length (zero rows stay zero), computed once."""
        if self._unit is None:
            self._unit = normalize_rows(self.vectors)
        return self._unit

    # ------------------------------------------------------------------ queries
    def suggestions(self, word: str, count: int = 5) -> list[str]:
        """Vocabulary words spelled like `word` (case-insensitive first, then close matches)."""
        lowered = word.lower()
        if lowered != word and lowered in self.index:
            return [lowered]
        return difflib.get_close_matches(lowered, self.words, n=count, cutoff=0.6)

    def word_index(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            raise UnknownWordError(word, self.suggestions(word)) from None

    def vector(self, word: str) -> np.ndarray:
        return self.vectors[self.word_index(word)]

    def similarity(self, first: str, second: str) -> float:
        """Cosine similarity of two words."""
        unit = self.unit_vectors
        return float(unit[self.word_index(first)] @ unit[self.word_index(second)])

    def _rank(self, scores: np.ndarray, exclude: set[int], count: int) -> list[tuple[str, float]]:
        count = min(count, len(self.words) - len(exclude))
        if count <= 0:
            return []
        scores = scores.astype(np.float64, copy=True)
        scores[list(exclude)] = -np.inf
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in top]

    def most_similar(self, word: str, count: int = 10) -> list[tuple[str, float]]:
        """The `count` nearest words by cosine similarity, the query itself excluded."""
        query = self.word_index(word)
        return self._rank(self.unit_vectors @ self.unit_vectors[query], {query}, count)

    def analogy(self, a: str, b: str, c: str, count: int = 10,
                method: str = "3cosadd") -> list[tuple[str, float]]:
        """Words d with a - b + c ≈ d (king - man + woman ≈ queen); a, b, c excluded.

        3CosAdd ranks by cos(d, a) - cos(d, b) + cos(d, c); 3CosMul (Levy and Goldberg,
        2014) by cos'(d, a) · cos'(d, c) / (cos'(d, b) + 0.001), with cos' = (cos + 1) / 2.
        """
        ids = [self.word_index(w) for w in (a, b, c)]
        unit = self.unit_vectors
        cos_a, cos_b, cos_c = (unit @ unit[i] for i in ids)
        if method == "3cosadd":
            scores = cos_a - cos_b + cos_c
        elif method == "3cosmul":
            shifted_a, shifted_b, shifted_c = ((cos + 1.0) / 2.0 for cos in (cos_a, cos_b, cos_c))
            scores = shifted_a * shifted_c / (shifted_b + 1e-3)
        else:
            raise ValueError(f"method must be 3cosadd or 3cosmul; got {method!r}.")
        return self._rank(scores, set(ids), count)

    # ------------------------------------------------------------------ files
    def save_word2vec(self, path: str | os.PathLike, binary: bool = False) -> None:
        """word2vec.c format: a "V d" header, then one word and its d numbers per entry."""
        with atomic_write(path) as stream:
            stream.write(f"{len(self.words)} {self.dim}\n".encode())
            if binary:
                little_endian = self.vectors.astype("<f4", copy=False)
                for word, row in zip(self.words, little_endian, strict=True):
                    stream.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
            else:
                row_format = " ".join(["%.6g"] * self.dim)  # one C-level format per row
                for word, row in zip(self.words, self.vectors.tolist(), strict=True):
                    stream.write(f"{word} {row_format % tuple(row)}\n".encode())

    @classmethod
    def load_word2vec(cls, path: str | os.PathLike, binary: bool | None = None) -> Embeddings:
        """Read word2vec text or binary (detected from the content when `binary` is None)."""
        source = Path(path)
        try:
            with open(source, "rb") as stream:
                header = stream.readline()
                try:
                    vocab, dim = (int(x) for x in header.split())
                except ValueError:
                    raise EmbeddingsError(
                        f"{source}: the first line should be '<words> <dimensions>', got "
                        f"{header[:60]!r}. Is this a word2vec file?") from None
                if vocab < 0 or dim <= 0:
                    raise EmbeddingsError(f"{source}: impossible header {vocab} x {dim}.")
                body = stream.read()
        except OSError as error:
            raise EmbeddingsError(f"{source}: cannot read ({error.strerror or error}).") from error
        if binary is None:
            binary = _looks_binary(body)
        reader = _parse_binary if binary else _parse_text
        words, vectors = reader(source, body, vocab, dim)
        return cls(words, vectors)

    def save_projector_tsv(self, vectors_path: str | os.PathLike,
                           metadata_path: str | os.PathLike) -> None:
        """The Embedding Projector's pair of files: vectors (tab-separated numbers, no
        header) and metadata (a `word<TAB>count` header, then one row per word)."""
        np.savetxt(vectors_path, self.vectors, fmt="%.6g", delimiter="\t")
        with open(metadata_path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write("word\tcount\n")
            counts = self.counts if self.counts is not None else [""] * len(self.words)
            for word, count in zip(self.words, counts, strict=True):
                stream.write(f"{word}\t{count}\n")


def _looks_binary(body: bytes) -> bool:
    head = body[:4096]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # a multi-byte character cut at the 4096-byte edge is still text
        return error.start < len(head) - 4
    return False


def _parse_text(source: Path, body: bytes, vocab: int, dim: int):
    try:
        lines = body.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise EmbeddingsError(
            f"{source}: not valid UTF-8 at byte {error.start} of the body. If it is a "
            "binary word2vec file, open it as binary.") from error
    lines = [line for line in lines if line.strip()]
    if len(lines) != vocab:
        raise EmbeddingsError(
            f"{source}: the header promises {vocab} words but the file has {len(lines)} "
            "rows. The file may be truncated; save it again.")
    words: list[str] = []
    vectors = np.empty((vocab, dim), dtype=np.float32)
    for row, line in enumerate(lines):
        parts = line.rstrip().split(" ")
        if len(parts) != dim + 1:
            raise EmbeddingsError(
                f"{source}: row {row + 2} has {len(parts) - 1} numbers, expected {dim}.")
        words.append(parts[0])
        try:
            vectors[row] = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise EmbeddingsError(f"{source}: row {row + 2} holds a value that is not a number."
                                  ) from None
    return words, vectors


def _parse_binary(source: Path, body: bytes, vocab: int, dim: int):
    words: list[str] = []
    vectors = np.empty((vocab, dim), dtype=np.float32)
    width = 4 * dim
    position = 0
    for row in range(vocab):
        while position < len(body) and body[position : position + 1] in (b"\n", b"\r"):
            position += 1
        space = body.find(b" ", position)
        if space < 0 or space + 1 + width > len(body):
            raise EmbeddingsError(
                f"{source}: the file ends after {row} of {vocab} words. It is truncated; "
                "save it again.")
        words.append(body[position:space].decode("utf-8", errors="replace"))
        vectors[row] = np.frombuffer(body, dtype="<f4", count=dim, offset=space + 1)
        position = space + 1 + width
    return words, vectors
