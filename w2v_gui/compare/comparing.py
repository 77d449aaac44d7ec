"""A comparison of two embeddings for the Compare window: each side is what is on show in
the app now or a file (vectors, a saved model or a session); the files are read and the
comparison made on a thread, with progress, and cancelled on request or when what it
compares goes away."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QObject, pyqtSignal

from core.compare import CompareError, Comparison, compare
from core.compare.comparison import Cancelled
from core.open_vectors import read_vectors
from core.vectors.embeddings import Embeddings, EmbeddingsError

log = logging.getLogger(__name__)
NOW = "now"  # a side that is the app's vectors on show
MOMENT = "moment"  # a side that is the film's moment on show (the map's words)


@dataclass(frozen=True)
class Side:
    """NOW (the app's vectors at the moment Compare is pressed) or a file's path."""

    source: str

    @property
    def name(self) -> str:
        from pathlib import Path

        if self.source in (NOW, MOMENT):
            return {NOW: "the vectors on show", MOMENT: "the film's moment"}[self.source]
        return Path(self.source).name


@dataclass
class Result:
    comparison: Comparison
    a: Embeddings
    b: Embeddings


class Comparing(QObject):
    """`start(a, b, k, words)`; `progress(fraction, what)`, then `done(Result)` or
    `failed(message)`; a cancelled comparison says `cancelled()`."""

    progress = pyqtSignal(float, str)
    done = pyqtSignal(object)
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()

    def __init__(self, on_show: Callable[[], Embeddings | None],
                 parent: QObject | None = None,
                 moment: Callable[[], Embeddings | None] = lambda: None) -> None:
        """on_show(): the app's vectors on show now (None when there are none);
        moment(): the map's words' vectors at the film's moment on show."""
        super().__init__(parent)
        self.on_show, self.moment = on_show, moment
        self._cancel: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self.uses_now = False  # the comparison under way includes the vectors on show

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, a: Side, b: Side, k: int, words: int) -> None:
        self.cancel()
        now = self.on_show() if NOW in (a.source, b.source) else None
        if now is None and NOW in (a.source, b.source):
            self.failed.emit("There are no vectors on show: train a run, or open vectors "
                             "or a session, or compare two files.")
            return
        moment = self.moment() if MOMENT in (a.source, b.source) else None
        if moment is None and MOMENT in (a.source, b.source):
            self.failed.emit("The film has no snapshot of the vectors yet: train a run "
                             "with the map on show for a few seconds.")
            return
        cancel = threading.Event()
        self._cancel, self.uses_now = cancel, now is not None or moment is not None

        def read(side: Side) -> Embeddings:
            if side.source == NOW:
                return now
            if side.source == MOMENT:
                return moment
            self.progress.emit(0.0, f"reading {side.name}…")
            return read_vectors(side.source).embeddings

        def work() -> None:
            try:
                first, second = read(a), read(b)
                if cancel.is_set():
                    raise Cancelled
                comparison = compare(
                    first, second, k=k, words=words, cancelled=cancel.is_set,
                    progress=lambda f: self.progress.emit(f, "finding neighbours…"))
            except Cancelled:
                self.cancelled.emit()
            except (CompareError, EmbeddingsError, OSError, ValueError) as error:
                if not cancel.is_set():
                    self.failed.emit(str(error))
            except Exception as error:  # noqa: BLE001 (a fault here: said, never a hang)
                log.exception("comparing failed")
                self.failed.emit(f"the comparison failed unexpectedly ({error!r}); the "
                                 "log has the details")
            else:
                if not cancel.is_set():
                    self.done.emit(Result(comparison, first, second))

        self._thread = threading.Thread(target=work, name="compare", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def on_show_changed(self) -> None:
        """What is on show was replaced: a comparison that uses it is cancelled."""
        if self.running and self.uses_now:
            self.cancel()

    def shutdown(self) -> None:
        self.cancel()
        if self._thread is not None:
            self._thread.join(2.0)
