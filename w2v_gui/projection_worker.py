"""The map's go-between: hands the newest snapshot of the vectors to the map's own process
(core.map.layout_process), which lays it out, refines it (t-SNE converges over several
frames, each one drawn) and colours it, and brings its frames back as `layout_ready`.

The layouts run in another interpreter, so openTSNE and k-means never hold this one's
lock: the GUI thread only draws. The snapshot's vectors cross through shared memory;
settings and frames through a pipe. This object lives on a thread of its own, which
sends; a plain thread reads what comes back and hands each frame to the GUI thread, which
draws it and then counts it in a counter the process reads: the process sends the next
frame only once the last one is drawn, so frames never queue up in the event loop. Only
the names (and labels) of a snapshot's own words cross with it, never the vocabulary.
The process starts with `warm()` or the first snapshot (with "spawn": never a fork of
this process), is started again if it dies, and ends with `shutdown()` (the window
closing), or with the app.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import weakref

from PyQt6.QtCore import QObject, Qt, pyqtSignal, pyqtSlot

from core.map import layout_process
from core.map.frames import MapFrame, MapStyle, Words
from core.map.tracker import SemanticAxes
from core.storage.shared import SharedArray
from w2v_gui.safety import log
from w2v_gui.workers import Snapshot

__all__ = ["MapFrame", "MapStyle", "ProjectionWorker"]


SEND_LOCK_SECONDS = 0.1  # how long ending the process waits for a send in progress


def _end(process, connection, segments: dict, lock: threading.Lock) -> None:
    """Ask the layout process to end, without waiting for it (it ends after the chunk of
    work in hand; a daemon, it cannot outlive the app), and free what was sent to it.
    A large snapshot still being sent (the process reads between chunks of work) is not
    waited for: the process is killed instead. Also at garbage collection."""
    if process is not None and process.is_alive():
        if lock.acquire(timeout=SEND_LOCK_SECONDS):
            try:
                connection.send(None)
            except (BrokenPipeError, OSError):
                process.kill()
            finally:
                lock.release()
        else:
            process.kill()
    for shared in list(segments.values()):
        shared.close()
    segments.clear()


class _Relay(QObject):
    """Lives on the GUI thread: shows each frame that arrives (if it is still of the
    current generation) and then counts it as drawn, for the process's pacing."""

    arrived = pyqtSignal(object, int, object)  # counter, generation, MapFrame

    def __init__(self, owner: ProjectionWorker) -> None:
        super().__init__()
        self.owner = weakref.ref(owner)
        self.arrived.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @pyqtSlot(object, int, object)
    def _show(self, drawn, generation: int, frame: MapFrame) -> None:
        owner = self.owner()
        try:
            if owner is not None and not owner.closed and generation == owner.generation:
                owner.layout_ready.emit(frame)  # its views are on this thread: drawn now
        finally:
            drawn.value += 1  # only this thread counts, so no count is lost


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
        self._last: tuple[int, Snapshot] | None = None  # (generation, the last one sent)
        self._woken = False  # a wake-up is on its way to _work
        self._outbox: list = []  # settings for the process, in order
        self._generation = 0  # bumped by reset(): frames of an older one are dropped
        # the vocabulary (the legend names the clusters with it); kept here: each snapshot
        # sends the names of its own words
        self.words: list[str] = []
        self._style = MapStyle()
        self._process = None
        self._connection = None
        self._segments: dict[str, SharedArray] = {}  # snapshots sent, not yet copied
        self._finalizer = None
        self._closed = False  # shut down: nothing is sent any more
        # the process whose pipe closed: it is ending even while the system still calls it
        # alive (its pipe closes before it can be reaped)
        self._ended = None
        self._relay = _Relay(self)  # no parent: it stays on the thread that made this
        self._wake.connect(self._work, Qt.ConnectionType.QueuedConnection)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def pid(self) -> int | None:
        """The layout process's id while it runs."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

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

    def warm(self) -> None:
        """Start the layout process now, so that the first map does not wait for it."""
        with self._lock:
            self._wake_once()

    def set_style(self, style: MapStyle) -> None:
        """Colour frames this way from the next frame on."""
        with self._lock:
            self._style = style
            self._outbox.append(("style", style.without_labels()))
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
        drawn = context.RawValue("q", 0)  # frames drawn or dropped by the GUI thread
        process = context.Process(target=layout_process.main,
                                  args=(theirs, os.getpid(), drawn),
                                  daemon=True, name="word2vec map layouts")
        process.start()
        theirs.close()
        if self._finalizer is not None:
            self._finalizer.detach()  # the last process's end is done
        self._process, self._connection = process, mine
        threading.Thread(target=self._receive, args=(mine, process, drawn), daemon=True,
                         name="map frames").start()
        self._finalizer = weakref.finalize(self, _end, process, mine, self._segments,
                                           self._sending)
        with self._lock:  # what it must know, then whatever is queued
            self._outbox[:0] = [("reset", self._generation),
                                ("style", self._style.without_labels())]
            last = self._last
            if self._pending is None and last is not None and last[0] == self._generation:
                self._pending = last[1]  # the snapshot the last process may not have drawn

    @pyqtSlot()
    def _work(self) -> None:
        """Send the settings queued and the newest snapshot."""
        if self._closed:
            return
        process = self._process
        if process is None or process is self._ended or not process.is_alive():
            if process is not None:
                code = process.exitcode
                self.failed.emit("the map's process ended unexpectedly"
                                 + (f" (exit code {code})" if code is not None else "")
                                 + "; it starts again")
                process.kill()  # if it is not quite gone yet
                _end(process, self._connection, self._segments, self._sending)
            self._start_process()
        with self._lock:
            messages, self._outbox = self._outbox, []
            snapshot, self._pending, self._woken = self._pending, None, False
            generation, vocabulary, style = self._generation, self.words, self._style
        try:
            with self._sending:
                if self._closed:
                    return  # shut down meanwhile: nothing more is made for the process
                for message in messages:
                    self._connection.send(message)
                if snapshot is not None and len(snapshot.ids):
                    self._last = (generation, snapshot)
                    words = Words.of(snapshot.ids, vocabulary, style)
                    shared = SharedArray.copy_of(snapshot.vectors)
                    self._segments[shared.spec.name] = shared
                    self._connection.send(("snapshot", generation, shared.spec,
                                           snapshot.ids, words, self.method, self.axes,
                                           snapshot.words_done))
        except (BrokenPipeError, OSError):
            pass  # the process died: the next wake-up starts it again

    def _receive(self, connection, process, drawn) -> None:
        """The process's answers, on a thread of their own until its pipe closes: every
        frame goes to the GUI thread, which draws those of the current generation."""
        while True:
            try:
                kind, *rest = connection.recv()
            except (EOFError, OSError):
                break
            if kind == "taken":
                shared = self._segments.pop(rest[0], None)
                if shared is not None:
                    shared.close()
            elif kind == "frame":
                try:
                    self._relay.arrived.emit(drawn, rest[0], rest[1])
                except RuntimeError:  # the window is gone: nothing draws frames any more
                    break
            elif rest[0] == self._generation and not self._closed:
                if kind == "failed":
                    if rest[2] is not None:  # a bug in the map's process: its traceback
                        log.error("laying out the map failed\n%s", rest[2])
                    self.failed.emit(rest[1])
        with self._lock:
            if not self._closed and process is self._process:
                self._ended = process
                self._wake_once()  # it died: started again, with the last snapshot
