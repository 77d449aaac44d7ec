"""The map's own process: it lays out snapshots of the vectors (PCA, t-SNE, UMAP, semantic
axes) and colours them (k-means clusters, labels, frequency), in an interpreter of its
own, so openTSNE and k-means never hold the app's interpreter lock.

Messages in (over a pipe; the vectors through shared memory, core.storage.shared):
  ("snapshot", generation, ArraySpec, ids, method, axes)  lay these vectors out; the
          segment is the sender's, and is answered with ("taken", name) once copied
  ("reset", generation)     start afresh: frames of older generations are not sent
  ("words", words)          the vocabulary (the legend's names)
  ("style", MapStyle)       how frames are coloured from now on
  ("pace", bool)            while a run trains: rest REST_PER_WORK times as long as each
                            frame took (the machine's cores are the trainer's)
  None                      end
Messages out: ("frame", generation, MapFrame), ("failed", generation, message,
traceback or None: a bug's, for the app's log), ("taken", name). Only the newest
waiting snapshot is laid out; between frames of a t-SNE layout that still improves,
newer messages are read first.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from multiprocessing.connection import Connection

import numpy as np

from core.map.frames import FrameMaker
from core.map.umap_layout import MapUnavailable
from core.storage.shared import SharedArray

REST_PER_WORK = 2.0  # while a run trains: seconds of rest per second of layout work
PARENT_CHECK_SECONDS = 0.5  # how often an idle process checks that the app is there


class Layouts:
    """The process's state between messages."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.maker = FrameMaker()
        self.generation = 0
        self.pace = False
        self.resting_until = 0.0
        self.newest: tuple | None = None  # (ids, vectors, method, axes) to lay out next

    def read(self, message) -> bool:
        """Take one message; False means end."""
        if message is None:
            return False
        kind = message[0]
        if kind == "snapshot":
            _, generation, spec, ids, method, axes = message
            shared = SharedArray.attach(spec)
            vectors = np.array(shared.array, copy=True)  # the sender may unlink it now
            shared.close()
            self.connection.send(("taken", spec.name))
            if generation == self.generation:
                self.newest = (ids, vectors, method, axes)
        elif kind == "reset":
            self.generation = message[1]
            self.maker.reset()
            self.newest = None
        elif kind == "words":
            self.maker.words = message[1]
        elif kind == "style":
            self.maker.style = message[1]
        elif kind == "pace":
            self.pace = message[1]
            if not self.pace:
                self.resting_until = 0.0
        return True

    def work(self) -> None:
        """Lay out the newest snapshot, or refine the current layout once; send the frame."""
        started = time.perf_counter()
        try:
            if self.newest is not None:
                ids, vectors, method, axes = self.newest
                self.newest = None
                frame = self.maker.update(ids, vectors, method, axes)
            else:
                frame = self.maker.refine()
        except (ValueError, MapUnavailable) as error:  # non-finite vectors; a missing extra
            self.connection.send(("failed", self.generation,
                                  f"the map could not be drawn: {error}", None))
            return
        except Exception as error:  # a bug: this map stops; the app and the run go on
            self.connection.send(("failed", self.generation,
                                  f"the map could not be drawn: {error!r}",
                                  traceback.format_exc()))
            return
        if frame is not None:
            self.connection.send(("frame", self.generation, frame))
        if self.pace:
            now = time.perf_counter()
            self.resting_until = now + REST_PER_WORK * (now - started)

    def wanted(self) -> bool:
        return self.newest is not None or self.maker.refining

    def wait_seconds(self) -> float:
        """How long to wait for a message before working again."""
        if not self.wanted():
            return PARENT_CHECK_SECONDS
        return max(0.0, self.resting_until - time.perf_counter())


def serve(connection: Connection, parent: int) -> None:
    layouts = Layouts(connection)
    checked = time.monotonic()
    while True:
        try:
            if connection.poll(layouts.wait_seconds()):
                while True:  # every waiting message: only the newest snapshot counts
                    if not layouts.read(connection.recv()):
                        return
                    if not connection.poll():
                        break
            if time.monotonic() - checked > PARENT_CHECK_SECONDS:
                if os.getppid() != parent:
                    return  # the app is gone
                checked = time.monotonic()
            if layouts.wanted() and layouts.wait_seconds() <= 0:
                layouts.work()
        except (EOFError, OSError):
            return


def main(connection: Connection, parent: int) -> None:
    """The process's entry point. Ctrl+C is the app's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(connection, parent)
