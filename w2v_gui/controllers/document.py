"""The session as a document: where it is saved, whether the work is unsaved, Save / Open,
autosave to a recovery file, and recovery after a crash.

"Unsaved" is a revision counter: every change to the work (training progress, pins)
touches it; a save records the revision its copy was taken at.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QLockFile, QObject, QTimer, pyqtSignal

from core.session import (
    SESSION_SUFFIX,
    Session,
    SessionError,
    load_session,
    session_arrays,
    summarise_session,
    write_session,
)
from core.train.trainer import Trainer, TrainerError
from w2v_gui.controllers.training import TrainingController
from w2v_gui.safety import APP_NAME, data_dir
from w2v_gui.threads import WorkerThreads
from w2v_gui.workers import FunctionWorker

log = logging.getLogger("w2v_gui.document")
AUTOSAVE_SECONDS = 60  # while training, the most a crash can take
# after a pause or stop: soon, but not in the same moment as whatever the user does next
AUTOSAVE_DELAY_MS = 1000
NOTHING_TO_SAVE = ("Nothing to save yet", "Train first; then save the session.")


def recovery_dir() -> Path:
    return data_dir() / "recovery"


def instance_lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    # held for the app's whole life: only a dead owner makes it stale, never its age
    lock.setStaleLockTime(0)
    return lock


def describe_recovery(path: Path) -> str:
    """One line on a recovery copy for the question that offers it: the corpus, how far the
    run got and when it was copied, from the file's small records only. A copy whose
    records cannot be read is described as such (opening it then says what is wrong)."""
    try:
        copied = time.strftime("%H:%M on %d %b", time.localtime(path.stat().st_mtime))
    except OSError:
        return "a run whose copy can no longer be found"
    try:
        summary = summarise_session(path)
    except SessionError:
        return f"a run copied at {copied} (its details cannot be read)"
    name = Path(summary.source).name or summary.source or "an unnamed corpus"
    return (f"a run on {name}: {summary.words_done:,} words trained, epoch "
            f"{summary.epoch} of {summary.epochs}; copied at {copied}")


class Document(QObject):
    """Save, open and recover sessions. The app's own state (pins, map settings) comes
    from `app_state()` and goes back through the `opened` signal."""

    saved = pyqtSignal(str)  # the path, once the file is complete
    # the Session, its file (None for a model or a recovered session), and whether it was
    # recovered after a crash
    opened = pyqtSignal(object, object, bool)
    failed = pyqtSignal(str, str)  # title, message
    status = pyqtSignal(str)  # a passing message for the status bar
    busy_changed = pyqtSignal(bool)  # a file is being opened
    autosave_failed = pyqtSignal(str)  # said once, until an autosave succeeds again

    def __init__(self, training: TrainingController, threads: WorkerThreads,
                 app_state: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self.training = training
        self.threads = threads
        self.app_state = app_state
        # the film of this run on the map, kept in the session (None: none to keep)
        self.film_of: Callable[[object], object] = lambda _trainer: None
        # asked once a session has been read, before it replaces the current work (False:
        # it does not); cleared when the read ends
        self.confirm: Callable[[], bool] | None = None
        self.path: str | None = None
        self.revision = 0
        self.saved_revision = 0
        self.opening = False  # a session or model is being read
        self._autosaving = False
        self._autosave_warned = False
        self._closed = False
        self._copies = 0  # bumped whenever the recovery copy stops being wanted
        # This instance's recovery file, and a lock that tells later launches it is alive.
        stem = f"session-{os.getpid()}-{time.time_ns()}"  # a reused pid names another
        self.recovery_path = recovery_dir() / f"{stem}{SESSION_SUFFIX}"
        try:
            recovery_dir().mkdir(parents=True, exist_ok=True)
        except OSError as error:  # autosave will fail too, and say so in the log
            log.warning("no recovery folder (%s): unsaved work has no recovery copy", error)
        self._lock = instance_lock(recovery_dir() / f"{stem}.lock")
        if not self._lock.tryLock(0):
            log.warning("could not lock %s: other launches may offer this run's copy",
                        self._lock.error())
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_SECONDS * 1000)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self._autosave_soon = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._autosave_soon.timeout.connect(self.autosave)

    # ------------------------------------------------------------------ unsaved work
    @property
    def unsaved(self) -> bool:
        """True when there is a run whose latest state (or pins) no file holds."""
        return self.training.trainer is not None and (
            self.training.running or self.revision != self.saved_revision)

    def touch(self) -> None:
        """The work changed."""
        self.revision += 1

    def forget(self) -> None:
        """The work was replaced or discarded: nothing to save, nothing to recover."""
        self.path = None
        self.saved_revision = self.revision
        self._drop_copy()

    def _drop_copy(self) -> None:
        self._copies += 1  # an autosave still being written is dropped when it ends
        self.recovery_path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ saving
    def _capture(self, quiet: bool = False) -> tuple[dict, int] | None:
        """Copy the session's arrays with training held still, and the revision they hold;
        None if there is nothing to copy or training would not pause (said unless quiet;
        quiet, a refusal to pause is reported through `autosave_failed`)."""
        try:
            with self.training.held_still() as trainer:
                if trainer is None:
                    if not quiet:
                        self.failed.emit(*NOTHING_TO_SAVE)
                    return None
                state = {**self.app_state(), "document_path": self.path}
                session = Session(trainer, self.training.history, state,
                                  self.training.quality, film=self.film_of(trainer))
                return session_arrays(session), self.revision
        except TrainerError as error:
            if not quiet:
                self.failed.emit("The session was not saved", str(error))
            else:
                self._autosave_problem("training did not pause long enough to copy its "
                                       "vectors")
            return None

    def save_to(self, path: str, wait: bool = True) -> bool:
        """Write the session to `path` (the suffix is added if it has none).

        wait: write before returning (when work is about to be replaced or the app
        closes), or write on a worker thread and emit `saved` when done. Returns False
        (having said why) if there is nothing to save or the write failed.
        """
        if Path(path).suffix == "":
            path += SESSION_SUFFIX
        captured = self._capture()
        if captured is None:
            return False
        arrays, revision = captured

        def write() -> tuple[str, int]:
            try:
                write_session(path, arrays)
            except OSError as error:
                raise OSError(f"{path} could not be written ({error}). Choose another "
                              "place; nothing was lost.") from error
            return path, revision

        if not wait:
            self.status.emit(f"Saving the session to {path}…")
            self._off_thread(write, self._written, "The session was not saved")
            return True
        try:
            result = write()
        except OSError as error:
            self.failed.emit("The session was not saved", str(error))
            return False
        self._written(result)
        return True

    def _written(self, result: tuple[str, int] | None) -> None:
        if result is None:  # the write failed, and said so
            return
        path, revision = result
        self.path = path
        self.saved_revision = revision
        if not self.unsaved:
            self._drop_copy()  # the user's file holds it all
        self.status.emit(f"Saved the session to {path}")
        self.saved.emit(path)

    def autosave_soon(self) -> None:
        """Autosave in a second (training paused or stopped)."""
        self._autosave_soon.start()

    def _autosave_problem(self, problem: str) -> None:
        """An autosave failed or was skipped: logged every time, told once (until an
        autosave succeeds again), so the user knows a crash would now lose work."""
        log.warning("autosave: %s", problem)
        if not self._autosave_warned:
            self._autosave_warned = True
            self.autosave_failed.emit(
                f"The automatic recovery copy was not made: {problem}. Until it works "
                "again, a crash would lose the work since the last save: save the session "
                "yourself (Ctrl+S).")

    def autosave(self, wait: bool = False) -> None:
        """Write unsaved work to this instance's recovery file (atomically), in the
        background unless `wait`. Skipped while a write is under way; when training will
        not pause or the write fails, the user is told once (`autosave_failed`) and the
        next autosave tries again."""
        if not self.unsaved or self._autosaving or self._closed:
            return
        captured = self._capture(quiet=True)
        if captured is None:
            return
        arrays, path, copies = captured[0], str(self.recovery_path), self._copies
        if wait:
            write_session(path, arrays)
            return
        self._autosaving = True

        def write() -> str | None:
            try:
                write_session(path, arrays)
            except OSError as error:
                log.warning("the recovery copy %s was not written: %s", path, error)
                return f"{path} could not be written ({error.strerror or error})"
            return None

        def done(problem: str | None) -> None:
            self._autosaving = False
            if copies != self._copies or self._closed:  # saved, replaced or closed meanwhile
                self.recovery_path.unlink(missing_ok=True)
            if problem is not None:
                self._autosave_problem(problem)
            else:
                self._autosave_warned = False  # a later failure is news again

        self._off_thread(write, done, "The recovery copy was not written")

    # ------------------------------------------------------------------ opening
    def open(self, path: str) -> None:
        """Read a session, or a model saved by `train --out X.npz`, off the GUI thread;
        `opened` follows, or `failed`. A model opens as a session with no file of its own
        yet (Save asks where)."""
        self.status.emit(f"Opening {Path(path).name}…")
        if Path(path).suffix == ".npz":
            self._read(lambda: Session(Trainer.load(path)), None,
                       "The model could not be opened")
        else:
            self._read(lambda: load_session(path), path, "The session could not be opened")

    def _read(self, read: Callable[[], Session], path: str | None, error_title: str,
              recovered: bool = False) -> None:
        self.opening = True
        self.busy_changed.emit(True)

        confirm, self.confirm = self.confirm, None

        def done(session: Session | None) -> None:
            self.opening = False
            self.busy_changed.emit(False)
            if session is not None and confirm is not None and not confirm():
                self.status.emit("Opening cancelled; the current work is unchanged.")
            elif session is not None:
                self.opened.emit(session, path, recovered)

        self._off_thread(read, done, error_title)

    def detach(self) -> None:
        """The window is switching to other work: until `adopted`, Save asks where (never
        writing the new work over the file of the old)."""
        self.path = None
        self.touch()

    def adopted(self, path: str | None, app_state: dict[str, Any], recovered: bool) -> None:
        """The window made an opened session the current work. A recovered session keeps
        the file it was last saved to, and is unsaved: no file of the user's holds it."""
        if not recovered:  # (a recovered session's copy is this instance's own now)
            self._drop_copy()  # the work before it was saved or discarded
        saved_at = app_state.get("document_path")
        self.path = path or (saved_at if recovered and isinstance(saved_at, str) else None)
        self.touch()
        self.saved_revision = self.revision - 1 if recovered else self.revision

    # ------------------------------------------------------------------ recovery
    def recoverable(self) -> list[Path]:
        """Recovery files left by instances that are no longer running."""
        found = []
        for path in sorted(recovery_dir().glob(f"session-*{SESSION_SUFFIX}")):
            if path == self.recovery_path:
                continue
            lock = instance_lock(path.with_suffix(".lock"))
            if lock.tryLock(0):  # its owner is gone (its lock, if any, was stale)
                lock.unlock()
                found.append(path)
        return found

    def recover(self, path: Path) -> None:
        """Open a recovery file. It is claimed first (renamed to this instance's own copy),
        so that two launches never both take it; once open, the work stays recoverable
        until it is saved or discarded."""
        def read() -> Session:
            try:
                os.replace(path, self.recovery_path)
            except FileNotFoundError:
                raise SessionError(
                    f"The recovery copy {path.name} was taken by another window of "
                    f"{APP_NAME} a moment ago: the run is open there. Nothing was "
                    "lost.") from None
            try:
                session = load_session(self.recovery_path)
            except SessionError as error:
                message = str(error).replace(str(self.recovery_path), str(path))
                if getattr(error, "memory_refusal", False):  # sound, but too big for now:
                    os.replace(self.recovery_path, path)  # offered again next time
                    raise SessionError(f"{message} The copy is kept and will be offered "
                                       "again at the next launch.") from error
                damaged = path.with_suffix(".damaged")  # set aside: not offered again
                os.replace(self.recovery_path, damaged)
                raise SessionError(f"{message} It was moved aside as {damaged.name}.") \
                    from error
            return session

        self._read(read, None, "The recovered session could not be opened", recovered=True)

    def close(self) -> None:
        """The app is closing with its work saved or discarded."""
        self._closed = True
        self.autosave_timer.stop()
        self._drop_copy()
        self._lock.unlock()

    def _off_thread(self, function, done, error_title: str) -> None:
        helper = FunctionWorker(function)
        helper.finished.connect(done)
        helper.failed.connect(lambda message: self.failed.emit(error_title, message))
        self.threads.start(helper)
