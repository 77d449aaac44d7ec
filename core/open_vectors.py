"""Reading word vectors from any file the app opens, this app's saved runs included.

`core.vectors.reading.read_vectors` reads every format but cannot open a saved model or
session (the trainer lives in a layer above it); `read_vectors` here gives it the reader
that can. Use this one wherever a user's file may be a model or a session.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.session import SessionError, load_session
from core.train.trainer import Trainer, TrainerError
from core.vectors import reading
from core.vectors.embeddings import Embeddings
from core.vectors.types import VectorFile, VectorFileError

__all__ = ["read_vectors"]


def saved_embeddings(path: Path, kind: str) -> Embeddings:
    """The center vectors (with the corpus counts) of a model (kind "model") or session."""
    try:
        trainer = load_session(path).trainer if kind == "session" else Trainer.load(path)
    except (SessionError, TrainerError) as error:
        raise VectorFileError(path, str(error).removeprefix(f"{path} "), "") from error
    return trainer.embeddings()


def read_vectors(path: str | os.PathLike, **options) -> VectorFile:
    """`core.vectors.reading.read_vectors` (same options), models and sessions included."""
    return reading.read_vectors(path, saved_reader=saved_embeddings, **options)
