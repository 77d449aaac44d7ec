"""What every vector-file module shares: the format names, the error, the cancel signal and
the result of a read. `core.vectors.reading` re-exports them; the other modules import them
from here so that imports point one way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from core.vectors.embeddings import Embeddings, EmbeddingsError

FORMATS = ("word2vec", "word2vec-binary", "glove", "projector", "model", "session")
WRITABLE_FORMATS = ("word2vec", "word2vec-binary", "glove", "projector")
MAX_BINARY_WORD = 1000  # bytes before the space that ends a word in a binary file


class VectorFileError(EmbeddingsError):
    """A vectors file cannot be read or written. The message names the file, the line (1-based)
    where known, what is wrong and what to do; `path` and `line` hold the first two."""

    def __init__(self, path: str | os.PathLike, problem: str, fix: str = "",
                 line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        where = f"{path}, line {line:,}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}" + (f" {fix}" if fix else ""))


def unreadable(path: str | os.PathLike, error: OSError) -> VectorFileError:
    """The error for a file the system would not let us read."""
    return VectorFileError(path, f"cannot be read ({error.strerror or error}).",
                           "Check that it exists and that you may read it.")


@dataclass
class VectorFile:
    """What `read_vectors` returns.

    embeddings: the words in file order with their (V, d) float32 vectors; counts are None
                for plain vector files and the corpus counts for models and sessions
    format:     one of FORMATS
    path:       the file read
    metadata:   Projector metadata columns (column name -> one value per kept word), {} if none
    notes:      sentences on what was dropped or limited (repeats, non-finite rows, the limit)
    """

    embeddings: Embeddings
    format: str
    path: Path
    metadata: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
