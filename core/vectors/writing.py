"""Writing word vectors as word2vec text or binary, GloVe or Embedding Projector TSV.

Every file is written beside its target and renamed into place (`core.storage.files.atomic_write`);
the Projector's two files are replaced together or not at all. Text values have 6
significant digits (``%.6g``); binary values are exact.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import numpy as np

from core.storage.files import atomic_write, atomic_write_pair
from core.vectors.embeddings import Embeddings
from core.vectors.types import WRITABLE_FORMATS, VectorFileError


def write_vectors(embeddings: Embeddings, path: str | os.PathLike, format: str,
                  metadata_path: str | os.PathLike | None = None) -> list[Path]:
    """Write `embeddings` as "word2vec" (text with a "V d" header), "word2vec-binary",
    "glove" (text, no header) or "projector" (a vectors TSV and a metadata TSV with word
    and count columns, by default `projector_metadata_path(path)`). Returns the paths
    written.

    Every file is written beside its target, synced and renamed into place, so a failed
    or interrupted write leaves an earlier file as it was; the Projector's pair is replaced
    together (`atomic_write_pair`): both files change or neither does. Text values have 6
    significant digits; binary values are exact.
    """
    target = Path(path)
    if format not in WRITABLE_FORMATS:
        raise ValueError(f"format must be one of {', '.join(WRITABLE_FORMATS)}; got {format!r}.")
    _check_writable_words(target, embeddings.words, format)
    vectors = embeddings.vectors
    if format == "word2vec-binary":
        little_endian = vectors.astype("<f4", copy=False)
        with atomic_write(target) as stream:
            stream.write(f"{len(embeddings)} {embeddings.dim}\n".encode())
            for word, row in zip(embeddings.words, little_endian, strict=True):
                stream.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
        return [target]
    if format in ("word2vec", "glove"):
        with atomic_write(target) as stream:
            if format == "word2vec":
                stream.write(f"{len(embeddings)} {embeddings.dim}\n".encode())
            _write_rows(stream, vectors, " ", [w + " " for w in embeddings.words])
        return [target]
    metadata = (Path(metadata_path) if metadata_path is not None
                else projector_metadata_path(target))
    counts = embeddings.counts if embeddings.counts is not None else [""] * len(embeddings)
    with atomic_write_pair(target, metadata) as (vectors_stream, metadata_stream):
        _write_rows(vectors_stream, vectors, "\t", None)
        metadata_stream.write(b"word\tcount\n")
        metadata_stream.write("".join(f"{word}\t{count}\n" for word, count in zip(
            embeddings.words, counts, strict=True)).encode("utf-8"))
    return [target, metadata]


def projector_metadata_path(path: str | os.PathLike) -> Path:
    """Where `write_vectors` puts a Projector TSV's metadata: `<stem>_metadata.tsv` beside
    it (the first name `core.vectors.reading` looks for when reading)."""
    target = Path(path)
    return target.with_name(f"{target.stem}_metadata.tsv")


def least_written_bytes(words: list[str], dim: int, format: str) -> int:
    """About the fewest bytes `write_vectors` writes for `words` with `dim` values each:
    exact for "word2vec-binary" (its header aside); for text, 8 bytes a value, since a
    trained value printed with 6 significant digits takes at least 7 characters (1.23456)
    and a separator; only values with trailing zeros, rare after training, are shorter.
    With "projector", both files."""
    if format not in WRITABLE_FORMATS:
        raise ValueError(f"format must be one of {', '.join(WRITABLE_FORMATS)}; got {format!r}.")
    word_bytes = sum(len(word.encode("utf-8")) for word in words)
    if format == "word2vec-binary":
        return word_bytes + len(words) * (4 * dim + 2)
    rows = len(words) * 8 * dim
    if format == "projector":
        return rows + word_bytes + 2 * len(words)  # metadata: word, tab, count, newline
    return rows + word_bytes


def _write_rows(stream: BinaryIO, vectors: np.ndarray, separator: str,
                prefixes: list[str] | None, rows_per_write: int = 1024) -> None:
    """Rows of "%.6g" numbers, one C-level format per row, written in batches of rows."""
    row_format = separator.join(["%.6g"] * vectors.shape[1]) + "\n"
    for first in range(0, len(vectors), rows_per_write):
        block = vectors[first:first + rows_per_write].tolist()
        if prefixes is None:
            text = "".join(row_format % tuple(row) for row in block)
        else:
            text = "".join(prefix + row_format % tuple(row) for prefix, row in zip(
                prefixes[first:first + rows_per_write], block, strict=True))
        stream.write(text.encode("utf-8"))


def _check_writable_words(path: Path, words: list[str], format: str) -> None:
    """Refuse words the format cannot hold: empty ones, newlines, spaces in binary, tabs in
    Projector metadata."""
    forbidden = {"word2vec-binary": "\n ", "projector": "\n\t"}.get(format, "\n")
    for number, word in enumerate(words, start=1):
        if not word or any(character in word for character in forbidden):
            described = "is empty" if not word else f"holds {_describe(word, forbidden)}"
            raise VectorFileError(
                path, f"cannot be written as {format}: word {number:,} ({word!r}) "
                f"{described}.", "Choose another format, or rename that word.")


def _describe(word: str, forbidden: str) -> str:
    names = {"\n": "a newline", " ": "a space", "\t": "a tab"}
    return " and ".join(names[c] for c in forbidden if c in word)
