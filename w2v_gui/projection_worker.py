"""The map's go-between: hands the newest snapshot of the vectors to the map's own process
(core.map.layout_process), which lays it out, refines it (t-SNE converges over several
frames, each one drawn) and colours it, and brings its frames back as `layout_ready`.

The layouts run in another interpreter, so openTSNE and k-means never hold this one's
lock: the GUI thread only draws. The snapshot's vectors cross through shared memory;
settings and frames through a pipe. This object lives on a thread of its own, which
sends; a plain thread reads what comes back. The process starts with the first
snapshot (with "spawn": never a fork of this process), is started again if it dies, and
ends with `shutdown()` (the window closing), or with the app.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import weakref

from PyQt6.QtCore import QObject, Qt, pyqtSignal, pyqtSlot

from core.map import layout_process
from core.map.frames import MapFrame, MapStyle
from core.map.tracker import SemanticAxes
from core.storage.shared import SharedArray
from w2v_gui.safety import log
from w2v_gui.workers import Snapshot

__all__ = ["MapFrame", "MapStyle", "ProjectionWorker"]


def _end(process, connection, segments: dict, lock: threading.Lock) -> None:
    """Ask the layout process to end, without waiting for it (it ends after the chunk of
    work in hand; a daemon, it cannot outlive the app), and free what was sent to it.
    Also at garbage collection."""
    if process is not None and process.is_alive():
        try:
            with lock:
                connection.send(None)
        except (BrokenPipeError, OSError):
            process.kill()
    for shared in list(segments.values()):
        shared.close()
    segments.clear()


class ProjectionWorker(QObject):
    """Lays out only the newest snapshot: `submit` (safe from any thread) replaces the
    pending one and wakes the worker at most once, so slow frames never queue up."""

    layout_ready = pyqtSignal(object)  # MapFrame
    failed = pyqtSignal(str)
    _wake = pyqtSignal()

    def __init__(self) -> None:
        super().__init__()
        self.method = "pca"  # "pca", "tsne", "umap" or "axes"; read at each snapshot
        self.axes: SemanticAxes | None = None  # for "axes"
        self._lock = threading.Lock()
        self._sending = threading.Lock()  # one message at a time on the pipe
        self._pending: Snapshot | None = None
        self._woken = False  # a wake-up is on its way to _work
        self._outbox: list = []  # settings for the process, in order
        self._generation = 0  # bumped by reset(): frames of an older one are dropped
        self._words: list[str] = []
        self._style = MapStyle()
        self._pace = False
        self._process = None
        self._connection = None
        self._segments: dict[str, SharedArray] = {}  # snapshots sent, not yet copied
        self._finalizer = None
        self._closed = False  # shut down: nothing is sent any more
        self._wake.connect(self._work, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ any thread
    def submit(self, snapshot: Snapshot) -> None:
        """Lay out `snapshot` next, dropping any older one still waiting. Any thread."""
        with self._lock:
            self._pending = snapshot
            self._wake_once()

    def reset(self) -> None:
        """Start afresh at the next frame."""
        with self._lock:
            self._generation += 1
            self._pending = None
            self._outbox.append(("reset", self._generation))
            self._wake_once()

    def set_style(self, style: MapStyle) -> None:
        """Colour frames this way from the next frame on."""
        self._send_setting("style", style)

    @property
    def style(self) -> MapStyle:
        return self._style

    @property
    def words(self) -> list[str]:
        return self._words

    @words.setter
    def words(self, words: list[str]) -> None:
        """The vocabulary (the legend names the clusters with it)."""
        self._send_setting("words", list(words))

    @property
    def pace(self) -> bool:
        return self._pace

    @pace.setter
    def pace(self, pace: bool) -> None:
        """While a run trains the map rests between frames (the cores are the trainer's)."""
        self._send_setting("pace", bool(pace))

    def _send_setting(self, kind: str, value) -> None:
        with self._lock:
            setattr(self, f"_{kind}", value)
            self._outbox.append((kind, value))
            self._wake_once()

    def _wake_once(self) -> None:  # with the lock held
        if not self._woken:
            self._woken = True
            self._wake.emit()

    # ------------------------------------------------------------------ the worker's thread
    @pyqtSlot()
    def run(self) -> None:  # the thread's event loop delivers _wake; nothing to do here
        pass

    def shutdown(self) -> None:
        """End the layout process (the window closes). Any thread; never waits."""
        with self._lock:
            process, connection = self._process, self._connection
            self._closed = True
        if self._finalizer is not None:
            self._finalizer.detach()
        _end(process, connection, self._segments, self._sending)

    def _start_process(self) -> None:
        """Start (or start again) the layout process with every setting it needs."""
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        process = context.Process(target=layout_process.main, args=(theirs, os.getpid()),
                                  daemon=True, name="word2vec map layouts")
        process.start()
        theirs.close()
        self._process, self._connection = process, mine
        threading.Thread(target=self._receive, args=(mine, process), daemon=True,
                         name="map frames").start()
        self._finalizer = weakref.finalize(self, _end, process, mine, self._segments,
                                           self._sending)
        with self._lock:  # what it must know, then whatever is queued
            self._outbox[:0] = [("reset", self._generation), ("words", self._words),
                                ("style", self._style), ("pace", self._pace)]

    @pyqtSlot()
    def _work(self) -> None:
        """Send the settings queued and the newest snapshot."""
        if self._closed:
            return
        if self._process is None or not self._process.is_alive():
            if self._process is not None:
                self.failed.emit("the map's process ended unexpectedly "
                                 f"(exit code {self._process.exitcode}); it starts again")
                _end(self._process, self._connection, self._segments, self._sending)
            self._start_process()
        with self._lock:
            messages, self._outbox = self._outbox, []
            snapshot, self._pending, self._woken = self._pending, None, False
            generation = self._generation
        try:
            with self._sending:
                for message in messages:
                    self._connection.send(message)
                if snapshot is not None and len(snapshot.ids):
                    shared = SharedArray.copy_of(snapshot.vectors)
                    self._segments[shared.spec.name] = shared
                    self._connection.send(("snapshot", generation, shared.spec,
                                           snapshot.ids, self.method, self.axes))
        except (BrokenPipeError, OSError):
            pass  # the process died: the next wake-up starts it again

    def _receive(self, connection, process) -> None:
        """The process's answers, on a thread of their own until its pipe closes: frames
        of the current generation are passed on (queued to the GUI thread)."""
        while True:
            try:
                kind, *rest = connection.recv()
            except (EOFError, OSError):
                break
            if kind == "taken":
                shared = self._segments.pop(rest[0], None)
                if shared is not None:
                    shared.close()
            elif rest[0] == self._generation and not self._closed:
                if kind == "frame":
                    self.layout_ready.emit(rest[1])
                elif kind == "failed":
                    if rest[2] is not None:  # a bug in the map's process: its traceback
                        log.error("laying out the map failed\n%s", rest[2])
                    self.failed.emit(rest[1])
        with self._lock:
            if not self._closed and process is self._process:
                self._wake_once()  # it died: started again, with the newest snapshot
