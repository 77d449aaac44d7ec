"""A session: everything a user made in one sitting, in one file they can reopen.

A session holds the trainer's whole state (so training continues exactly where it
stopped), the loss and quality histories drawn so far, and the app's own state (pinned words, view
settings: an opaque JSON object that core stores and never reads). It is one .npz file,
written atomically, readable without pickle.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.map.film import FILM_ARRAYS, MAX_BYTES, Film, film_arrays, film_from_arrays
from core.storage.files import atomic_write
from core.train.history import HISTORY_COLUMNS, QUALITY_COLUMNS, LossHistory, QualityHistory
from core.train.saved_arrays import INTEGERS, REALS, TEXT, SavedArrays
from core.train.trainer import Trainer, TrainerError

SESSION_SUFFIX = ".w2vsession"
SESSION_VERSION = 2  # 2: the app's state is one JSON object (1: pins and view apart)

__all__ = ["SESSION_SUFFIX", "Session", "SessionError", "SessionSummary", "load_session",
           "save_session", "session_arrays", "summarise_session", "write_session"]


class SessionError(ValueError):
    """A session file could not be read; the message names the file and what to do."""


@dataclass
class Session:
    """trainer:   the model, its corpus, config and position
    history:   the loss history of the run
    app_state: JSON-able state of the app that made it (pins, view settings), kept as is
    quality:   the run's quality curve (evaluations of its snapshots)
    notes:     sentences on what was left out when it was read (a damaged app record)
    film:      the frames and snapshots of the run's map, bounded (core.map.film)
    """

    trainer: Trainer
    history: LossHistory = field(default_factory=LossHistory)
    app_state: dict[str, Any] = field(default_factory=dict)
    quality: QualityHistory = field(default_factory=QualityHistory)
    notes: list[str] = field(default_factory=list)
    film: Film | None = None  # the run's film on the map (core.map.film), if kept


def session_arrays(session: Session) -> dict[str, np.ndarray]:
    """A copy of everything a session file holds. Take it while the trainer is still; the
    copy can then be written on another thread while training goes on."""
    trainer = session.trainer
    arrays = trainer.state_arrays()
    # the arrays training writes to, unless state_arrays copied them already (several
    # workers: a copy of their shared memory)
    for name, live in (("center_vectors", trainer.center_vectors),
                       ("outside_vectors", trainer.outside_vectors)):
        if np.may_share_memory(arrays[name], live):
            arrays[name] = arrays[name].copy()
    arrays.update({
        "session_version": np.int64(SESSION_VERSION),
        "session_history": np.array(session.history.rows(), dtype=np.float64),
        "session_quality": np.array(session.quality.rows(), dtype=np.float64),
        "session_app_state": np.array(json.dumps(session.app_state)),
    })
    if session.film is not None:
        arrays.update(film_arrays(session.film))
    return arrays


def write_session(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write `session_arrays(...)` to `path`; a failed write leaves an earlier file intact."""
    with atomic_write(path) as stream:
        np.savez(stream, **arrays)


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write `session` to `path`; a failed write leaves any earlier file intact."""
    write_session(path, session_arrays(session))


def _rows(saved: SavedArrays, name: str, columns: tuple[str, ...],
          unmeasured: bool = False) -> np.ndarray:
    """A history table: (n, len(columns)) float64. Column 0 (words processed) is finite and
    not negative, the others finite; with `unmeasured` they may be NaN too (the quality
    curve's measure that had no test set)."""
    info = saved.info(name)
    if info.shape == (0,):  # an empty table written without its columns
        return np.zeros((0, len(columns)))
    values = INTEGERS if info.dtype.kind in "iu" else REALS  # expect() names any other
    saved.expect(name, values, (None, len(columns)),
                 f"each row holds {len(columns)} columns ({', '.join(columns)})")
    rows = saved.read(name).astype(np.float64)
    allowed = np.isfinite(rows)
    if unmeasured:
        allowed[:, 1:] |= np.isnan(rows[:, 1:])
    allowed[:, 0] &= rows[:, 0] >= 0
    if not allowed.all():
        row = int(np.argmin(allowed.all(axis=1)))
        raise saved.damaged(f"{name} holds a value out of range in row {row:,}")
    return rows


def _app_state(saved: SavedArrays, version: int) -> dict[str, Any] | None:
    """The app's own state: one JSON object (format 2), or (format 1) the view's settings
    with the pinned words beside them; None when that record is damaged (the run itself
    can still be used, so only the record is left out)."""
    try:
        if version >= 2:
            return saved.record("session_app_state").values
        state = saved.record("session_view").values
        saved.expect("session_pinned", TEXT, (None,), "the pinned words are one list")
        state["pinned"] = saved.read("session_pinned").tolist()
    except SessionError:
        return None
    return state


@dataclass(frozen=True)
class SessionSummary:
    """What a session holds, in brief: its corpus's source, the words trained and the
    epoch (1-based) of how many."""

    source: str
    words_done: int
    epoch: int
    epochs: int


def summarise_session(path: str | os.PathLike) -> SessionSummary:
    """Read only a session's small records (checked as `load_session` checks them), to
    describe it without opening the whole run. Raises SessionError for a damaged file."""
    with SavedArrays.open(path, "session", SessionError) as saved:
        config = saved.config()
        position = saved.record("position")
        epoch = position.whole("epoch", 0, config.epochs)
        return SessionSummary(saved.text("source"), position.whole("words_done"),
                              min(epoch + 1, config.epochs), config.epochs)


def load_session(path: str | os.PathLike) -> Session:
    """Read a session written by `save_session` (or by an earlier version of the app).

    Raises SessionError naming the file and what is wrong when it cannot be used; nothing
    is read before its header is checked (see core.train.saved_arrays)."""
    try:
        with SavedArrays.open(path, "session", SessionError) as saved:
            if "session_version" not in saved:
                raise SessionError(
                    f"{path} is not a Word2Vec Studio session (it has no session record). "
                    f"Open a {SESSION_SUFFIX} file that Word2Vec Studio saved.")
            version = saved.integer("session_version")
            if version > SESSION_VERSION:
                raise SessionError(
                    f"{path} was saved by a newer Word2Vec Studio (session format {version}); "
                    "update the app to open it.")
            if version < 1:
                raise saved.damaged(f"its session_version is {version}")
            trainer = Trainer.from_state(saved)
            history = LossHistory(_rows(saved, "session_history", HISTORY_COLUMNS),
                                  unit=trainer.loss_unit)
            # sessions saved before the quality curve existed have none
            quality = QualityHistory(
                _rows(saved, "session_quality", QUALITY_COLUMNS, unmeasured=True)
                if "session_quality" in saved else None)
            app_state = _app_state(saved, version)
            film, film_note = _film(saved, trainer.corpus.words, path)
    except TrainerError as error:  # the trainer's own refusals (e.g. a corpus too small)
        raise SessionError(str(error)) from error
    notes = []
    if app_state is None:
        app_state = {}
        notes.append(f"{path}: its view settings (pinned words, the map's settings) were "
                     "damaged and were left out; the run itself opened whole.")
    if film_note:
        notes.append(film_note)
    return Session(trainer, history, app_state, quality, notes, film)


def _film(saved: SavedArrays, words: list[str], path) -> tuple[Film | None, str | None]:
    """The run's film, if the session keeps one; a damaged film is left out, said in a
    note (the run itself can still be used)."""
    if "film_meta" not in saved:
        return None, None
    try:
        if sum(saved.info(name).nbytes for name in FILM_ARRAYS) > 2 * MAX_BYTES:
            raise ValueError("it is larger than a film can be")
        arrays = {name: saved.read(name) for name in FILM_ARRAYS}
        return film_from_arrays(arrays, list(words)), None
    except Exception as error:  # noqa: BLE001 (whatever is wrong with it, the run opens)
        return None, (f"{path}: the run's film was damaged ({error}) and was left out; "
                      "the run itself opened whole.")
