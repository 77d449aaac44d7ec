"""The map's own process: it lays out snapshots of the vectors (PCA, t-SNE, UMAP, semantic
axes) and colours them (k-means clusters, labels, frequency), in an interpreter of its
own, so openTSNE and k-means never hold the app's interpreter lock.

Messages in (over a pipe; the vectors through shared memory, core.storage.shared):
  ("snapshot", generation, ArraySpec, ids, Words, method, axes, words_done)  lay these vectors out;
          the segment is the sender's, and is answered with ("taken", name) once copied
  ("reset", generation)     start afresh: frames of older generations are not sent
  ("style", MapStyle)       how frames are coloured from now on (labels come with Words)
  None                      end
Messages out: ("frame", generation, MapFrame), ("failed", generation, message,
traceback or None: a bug's, for the app's log), ("taken", name). Only the newest
waiting snapshot is laid out; between frames of a t-SNE layout that still improves,
newer messages are read first.

Frames are paced by the window: `drawn` (a shared counter) says how many frames it has
drawn or dropped. At most one frame is on its way; the next one made waits for it, and
no further work is done meanwhile unless a newer snapshot arrives. So the process never
makes frames faster than the window draws them, and never fills its event queue.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time
import traceback
from multiprocessing.connection import Connection

import numpy as np

from core.map.frames import FrameMaker
from core.map.umap_layout import MapUnavailable
from core.storage.shared import SharedArray, one_thread_per_library

# the process's priority below the app's and the trainer's (os.nice): while a run trains
# on every core the map takes what they leave (t-SNE: 7.6 frames/s, the trainer 85-86% of
# its speed without a window; resting between frames instead cut the frames to 2.6-4.4/s)
NICENESS = 5
PARENT_CHECK_SECONDS = 0.5  # how often an idle process checks that the app is there


DRAW_CHECK_SECONDS = 0.005  # how often a frame that waits for the window looks again


class Counter:
    """Stands in for the window's shared counter of frames drawn (`value`), for a caller
    that draws every frame at once."""

    value = 1 << 62


class Layouts:
    """The process's state between messages."""

    def __init__(self, connection: Connection, drawn=None) -> None:
        self.connection = connection
        self.drawn = drawn if drawn is not None else Counter()
        self.sent = 0  # frames sent
        self.held: tuple | None = None  # a frame made while the last one is on its way
        self.maker = FrameMaker()
        self.generation = 0
        # (ids, vectors, method, axes, words, words done) to lay out
        self.newest: tuple | None = None
        self.words_done = -1  # of the snapshot laid out

    def read(self, message) -> bool:
        """Take one message; False means end."""
        if message is None:
            return False
        kind = message[0]
        if kind == "snapshot":
            _, generation, spec, ids, words, method, axes, words_done = message
            shared = SharedArray.attach(spec)
            vectors = np.array(shared.array, copy=True)  # the sender may unlink it now
            shared.close()
            self.connection.send(("taken", spec.name))
            if generation == self.generation:
                self.newest = (ids, vectors, method, axes, words, words_done)
        elif kind == "reset":
            self.generation = message[1]
            self.maker.reset()
            self.newest = self.held = None
        elif kind == "style":
            self.maker.style = message[1]
        return True

    def work(self) -> None:
        """Lay out the newest snapshot, or refine the current layout once; send the frame,
        or hold it while the last one is on its way."""
        try:
            if self.newest is not None:
                ids, vectors, method, axes, words, self.words_done = self.newest
                self.newest = None
                frame = self.maker.update(ids, vectors, method, axes, words)
            elif self.maker.refining:
                frame = self.maker.refine()
            else:  # stale clusters, due now
                frame = self.maker.recolour()
        except (ValueError, MapUnavailable) as error:  # non-finite vectors; a missing extra
            self.connection.send(("failed", self.generation,
                                  f"the map could not be drawn: {error}", None))
            return
        except Exception as error:  # a bug: this map stops; the app and the run go on
            self.connection.send(("failed", self.generation,
                                  f"the map could not be drawn: {error!r}",
                                  traceback.format_exc()))
            return
        if frame is not None:  # the words trained when its snapshot was copied
            frame = dataclasses.replace(frame, words_done=self.words_done)
            self.held = ("frame", self.generation, frame)
            self.deliver()

    def deliver(self) -> None:
        """Send the frame held if the window has drawn the last one."""
        if self.held is not None and self.drawn.value >= self.sent:
            message, self.held = self.held, None
            self.connection.send(message)
            self.sent += 1

    def wanted(self) -> bool:
        """Work is waiting that may be done now: a new snapshot, or (when no frame is held
        for the window) a refinement or clusters due to be made again."""
        if self.newest is not None:
            return True
        return self.held is None and (self.maker.refining or self.maker.recolour_in() == 0)

    def wait_seconds(self) -> float:
        """How long to wait for a message before working (or delivering) again."""
        if self.held is not None and self.newest is None:
            return DRAW_CHECK_SECONDS
        if self.wanted():
            return 0.0
        due = self.maker.recolour_in()
        return PARENT_CHECK_SECONDS if due is None else min(due, PARENT_CHECK_SECONDS)


def serve(connection: Connection, parent: int, drawn=None) -> None:
    layouts = Layouts(connection, drawn)
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
            layouts.deliver()
            if layouts.wanted():
                layouts.work()
        except (EOFError, OSError):
            return


def main(connection: Connection, parent: int, drawn=None) -> None:
    """The process's entry point. Ctrl+C is the app's to handle. `drawn`: the window's
    count of frames drawn (a multiprocessing RawValue); None: every frame is sent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # the window's thread, searches and the trainer come first: the map is a view
        os.nice(NICENESS)
    except OSError:
        pass
    with one_thread_per_library():  # BLAS and k-means: a pool would spin on the trainer's
        serve(connection, parent, drawn)
