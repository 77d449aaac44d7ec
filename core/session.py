"""A session: everything a user made in one sitting, in one file they can reopen.

A session holds the trainer's whole state (so training continues exactly where it
stopped), the loss history drawn so far, the pinned words and the view's settings. It is
one .npz file, written atomically, readable without pickle.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.files import atomic_write
from core.trainer import Trainer, TrainerError

SESSION_SUFFIX = ".w2vsession"
SESSION_VERSION = 1
HISTORY_COLUMNS = ("words_processed", "loss", "smoothed_loss", "learning_rate")


class SessionError(ValueError):
    """A session file could not be read; the message names the file and what to do."""


@dataclass
class Session:
    """trainer:      the model, its corpus, config and position
    loss_history: (n, 4) float64 rows of HISTORY_COLUMNS
    pinned:       words the user pinned on the map
    view:         JSON-able view settings (e.g. {"map_words": 300, "method": "pca"})
    """

    trainer: Trainer
    loss_history: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    pinned: list[str] = field(default_factory=list)
    view: dict[str, Any] = field(default_factory=dict)


def session_arrays(session: Session) -> dict[str, np.ndarray]:
    """A copy of everything a session file holds. Take it while the trainer is still; the
    copy can then be written on another thread while training goes on."""
    history = np.array(session.loss_history, dtype=np.float64).reshape(-1, 4)
    arrays = session.trainer.state_arrays()
    for name in ("center_vectors", "outside_vectors"):  # the arrays training writes to
        arrays[name] = arrays[name].copy()
    arrays.update({
        "session_version": np.int64(SESSION_VERSION),
        "session_history": history,
        "session_pinned": np.array(list(session.pinned), dtype=str),
        "session_view": np.array(json.dumps(session.view)),
    })
    return arrays


def write_session(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write `session_arrays(...)` to `path`; a failed write leaves an earlier file intact."""
    with atomic_write(path) as stream:
        np.savez(stream, **arrays)


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write `session` to `path`; a failed write leaves any earlier file intact."""
    write_session(path, session_arrays(session))


def load_session(path: str | os.PathLike) -> Session:
    """Read a session written by `save_session`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if "session_version" not in data.files:
                raise SessionError(
                    f"{path} is not a Word2Vec Studio session (it has no session record). "
                    f"Open a {SESSION_SUFFIX} file saved by File ▸ Save session.")
            version = int(data["session_version"])
            if version > SESSION_VERSION:
                raise SessionError(
                    f"{path} was saved by a newer Word2Vec Studio (session format {version}); "
                    "update the app to open it.")
            trainer = Trainer.from_state(data, path)
            history = np.array(data["session_history"], dtype=np.float64).reshape(-1, 4)
            pinned = [str(word) for word in data["session_pinned"]]
            view = json.loads(str(data["session_view"]))
    except (SessionError, TrainerError) as error:
        raise SessionError(str(error)) from error
    except (OSError, ValueError, KeyError, TypeError, EOFError,
            zipfile.BadZipFile) as error:
        raise SessionError(
            f"{path} is not a readable Word2Vec Studio session ({error}). "
            "It may be damaged or incomplete; choose another file.") from error
    if not isinstance(view, dict):
        raise SessionError(f"{path} has a damaged view record; choose another file.")
    known = set(trainer.corpus.index)
    return Session(trainer, history, [word for word in pinned if word in known], view)
