"""A session: everything a user made in one sitting, in one file they can reopen.

A session holds the trainer's whole state (so training continues exactly where it
stopped), the loss and quality histories drawn so far, and the app's own state (pinned words, view
settings: an opaque JSON object that core stores and never reads). It is one .npz file,
written atomically, readable without pickle.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.files import atomic_write
from core.history import LossHistory, QualityHistory
from core.trainer import Trainer, TrainerError

SESSION_SUFFIX = ".w2vsession"
SESSION_VERSION = 2  # 2: the app's state is one JSON object (1: pins and view apart)

__all__ = ["SESSION_SUFFIX", "Session", "SessionError", "load_session",
           "save_session", "session_arrays", "write_session"]


class SessionError(ValueError):
    """A session file could not be read; the message names the file and what to do."""


@dataclass
class Session:
    """trainer:   the model, its corpus, config and position
    history:   the loss history of the run
    app_state: JSON-able state of the app that made it (pins, view settings), kept as is
    quality:   the run's quality curve (evaluations of its snapshots)
    """

    trainer: Trainer
    history: LossHistory = field(default_factory=LossHistory)
    app_state: dict[str, Any] = field(default_factory=dict)
    quality: QualityHistory = field(default_factory=QualityHistory)


def session_arrays(session: Session) -> dict[str, np.ndarray]:
    """A copy of everything a session file holds. Take it while the trainer is still; the
    copy can then be written on another thread while training goes on."""
    arrays = session.trainer.state_arrays()
    for name in ("center_vectors", "outside_vectors"):  # the arrays training writes to
        arrays[name] = arrays[name].copy()
    arrays.update({
        "session_version": np.int64(SESSION_VERSION),
        "session_history": np.array(session.history.rows(), dtype=np.float64),
        "session_quality": np.array(session.quality.rows(), dtype=np.float64),
        "session_app_state": np.array(json.dumps(session.app_state)),
    })
    return arrays


def write_session(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write `session_arrays(...)` to `path`; a failed write leaves an earlier file intact."""
    with atomic_write(path) as stream:
        np.savez(stream, **arrays)


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write `session` to `path`; a failed write leaves any earlier file intact."""
    write_session(path, session_arrays(session))


def _app_state(data, version: int) -> Any:
    if version >= 2:
        return json.loads(str(data["session_app_state"]))
    # format 1 kept the pins and the view's settings apart
    state = json.loads(str(data["session_view"]))
    if isinstance(state, dict):
        state["pinned"] = [str(word) for word in data["session_pinned"]]
    return state


def load_session(path: str | os.PathLike) -> Session:
    """Read a session written by `save_session` (or by an earlier version of the app)."""
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
            history = LossHistory(data["session_history"], unit=trainer.loss_unit)
            # sessions saved before the quality curve existed have none
            quality = QualityHistory(data["session_quality"]
                                     if "session_quality" in data.files else None)
            app_state = _app_state(data, version)
    except (SessionError, TrainerError) as error:
        raise SessionError(str(error)) from error
    except (OSError, ValueError, KeyError, TypeError, EOFError,
            zipfile.BadZipFile) as error:
        raise SessionError(
            f"{path} is not a readable Word2Vec Studio session ({error}). "
            "It may be damaged or incomplete; choose another file.") from error
    if not isinstance(app_state, dict):
        raise SessionError(f"{path} has a damaged app record; choose another file.")
    return Session(trainer, history, app_state, quality)
