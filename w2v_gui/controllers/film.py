"""The film of the run on the map: every map frame of a training run (and every few
seconds a snapshot of the map's words' vectors) kept in a core.map.film.Film, and the
timeline that shows any moment of it again."""

from __future__ import annotations

import time

import numpy as np
from PyQt6.QtCore import QObject, Qt, pyqtSignal

from core.map.colours import Colouring
from core.map.film import Film, FilmFrame, FilmSnapshot
from core.map.film_gif import write_gif
from core.map.frames import MapFrame
from w2v_gui.panels.timeline import Timeline
from w2v_gui.views.map_labels import DOT

SNAPSHOT_SECONDS = 3.0  # a snapshot of the map's words' vectors this often at most


class FilmController(QObject):
    changed = pyqtSignal()  # the film grew, or a new one began

    def __init__(self, timeline: Timeline, show_frame, go_live) -> None:
        """show_frame(MapFrame): draw a moment of the film on the map; go_live(): the map
        follows the run again."""
        super().__init__(timeline)
        self.timeline, self.show_frame, self.go_live = timeline, show_frame, go_live
        self.film = Film()
        self.recording = False  # a run feeds the map: its frames are the film's
        self._snapshot_at = 0.0
        self._seconds = 0.0  # training seconds at the newest stats
        self._trainer = None  # the run the film is of
        timeline.moment.connect(self.show_moment)
        timeline.live.connect(self._live)
        self.changed.connect(lambda: timeline.set_length(len(self.film.frames)))

    @property
    def scrubbing(self) -> bool:
        """A moment of the film is on show, not the live map."""
        return not self.timeline.following

    def new_film(self, words: list[str]) -> None:
        """A new run (or another corpus, file or session): its film starts empty."""
        self.film = Film(words)
        self._trainer = None if not words else self._trainer
        self.timeline.go_live()
        self.changed.emit()

    def follow(self, worker) -> None:
        """Record the run of `worker` (call before its thread starts): a run the film is
        not of starts a new film; a run continued goes on with its own."""
        trainer = getattr(worker.trainer, "trainer", worker.trainer)  # a parallel run's
        if trainer is not self._trainer:
            self._trainer = trainer
            self.new_film(list(trainer.corpus.words))
        self.recording = True
        worker.snapshot.connect(self._snapshot, Qt.ConnectionType.DirectConnection)
        worker.stats.connect(self._stats)
        worker.finished.connect(lambda _stats: setattr(self, "recording", False))

    def _stats(self, stats) -> None:
        if stats.words_per_second > 0:
            self._seconds = stats.words_done / stats.words_per_second

    def _snapshot(self, snapshot) -> None:  # on the training thread
        now = time.monotonic()
        if now - self._snapshot_at >= SNAPSHOT_SECONDS:
            self._snapshot_at = now
            self.film.add_snapshot(FilmSnapshot(
                snapshot.words_done, np.asarray(snapshot.ids, dtype=np.int32),
                np.asarray(snapshot.vectors, dtype=np.float16)))

    def film_of(self, trainer) -> Film | None:
        """The film, if it is of `trainer`'s run and has frames (what a session keeps)."""
        if trainer is self._trainer and self.film.frames:
            return self.film
        return None

    def adopt(self, session) -> None:
        """An opened session: its film (or a new, empty one) is the run's."""
        self.film = session.film if session.film is not None else Film(
            list(session.trainer.corpus.words))
        self._trainer = session.trainer
        self.timeline.go_live()
        self.changed.emit()

    def frame_arrived(self, frame: MapFrame) -> None:
        """A frame of the live map (GUI thread): kept when it is of the run recorded."""
        if not self.recording or frame.words_done < 0:
            return
        colours = (frame.colouring.colours if frame.colouring is not None
                   and len(frame.colouring.colours) == len(frame.ids)
                   else np.tile(np.array(DOT[:3], dtype=np.uint8), (len(frame.ids), 1)))
        legend = tuple(frame.colouring.legend) if frame.colouring is not None else ()
        self.film.add_frame(FilmFrame(
            frame.words_done, self._seconds, frame.method,
            np.asarray(frame.ids, dtype=np.int32), np.asarray(frame.layout, np.float32),
            np.asarray(colours, dtype=np.uint8), legend))
        self.changed.emit()

    def show_moment(self, index: int) -> None:
        if not 0 <= index < len(self.film.frames):
            return
        moment = self.film.frames[index]
        n = len(moment.ids)
        colouring = Colouring("film", moment.colours, list(moment.legend),
                              np.full(n, -1, dtype=np.int64), np.zeros(n))
        self.show_frame(MapFrame(moment.ids.astype(np.int64),
                                 moment.layout.astype(np.float64), moment.method, colouring,
                                 colouring_key=("film", id(self.film), index)))
        self.timeline.show_moment(f"{moment.words_done:,} words · frame {index + 1:,} of "
                                  f"{len(self.film.frames):,}")

    def _live(self) -> None:
        self.go_live()

    # ------------------------------------------------------------------ exports
    def export_gif(self, path: str, labelled: tuple[str, ...] = ()) -> None:
        """The film as an animated GIF (ValueError when it has no frame yet)."""
        write_gif(self.film, path, labelled=labelled)

    def export_csv(self, path: str) -> None:
        if not self.film.frames:
            raise ValueError("the film has no frame yet: train a run with the map on show")
        self.film.write_csv(path)
