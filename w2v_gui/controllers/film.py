"""The film of the run on the map: every map frame of a training run (and every few
seconds a snapshot of the map's words' vectors) kept in a core.map.film.Film, and the
timeline that shows any moment of it again."""

from __future__ import annotations

import threading
import time

import numpy as np
from PyQt6.QtCore import QObject, Qt, pyqtSignal

from core.map.colours import Colouring
from core.map.film import Film, FilmFrame, FilmSnapshot
from core.map.film_gif import write_gif
from core.map.frames import MapFrame
from core.vectors.embeddings import Embeddings
from w2v_gui.panels.timeline import Timeline
from w2v_gui.views.map_labels import DOT
from w2v_gui.views.projection_view import TRAIL_FRAMES

SNAPSHOT_SECONDS = 0.5  # a snapshot of the map's words' vectors this often at most


class FilmController(QObject):
    changed = pyqtSignal()  # the film grew, or a new one began
    exported = pyqtSignal(str, str)  # path, "" or what went wrong

    def __init__(self, timeline: Timeline, show_frame, go_live, search_in,
                 live_vectors) -> None:
        """show_frame(MapFrame): draw a moment of the film on the map; go_live(): the map
        follows the run again; search_in(Embeddings): the nearest words are those of
        these vectors; live_vectors(): the vectors on show now."""
        super().__init__(timeline)
        self.timeline, self.show_frame, self.go_live = timeline, show_frame, go_live
        self.search_in, self.live_vectors = search_in, live_vectors
        self._searched_snapshot: FilmSnapshot | None = None
        self.settling_shown = None  # set_settling(word, done, changed, now) of the panel
        self._word: str | None = None  # the word whose settling curve is shown
        self.pinned_ids = lambda: []  # the pinned words' ids: their trails follow too
        self._settling_key: tuple | None = None  # what the settling curve was made for
        self._settling: tuple = ()
        self.film = Film()
        self.recording = False  # a run feeds the map: its frames are the film's
        self._snapshot_at = 0.0
        self._seconds = 0.0  # training seconds at the newest stats
        self._trainer = None  # the run the film is of
        self._worker = None  # the worker of the run being recorded
        self._skipped = None  # the newest snapshot not kept (taken too soon after one)
        self._final: int | None = None  # the run ended here: its last frame is awaited
        self._moment: FilmFrame | None = None  # the frame on show while scrubbing
        timeline.moment.connect(self.show_moment)
        timeline.live.connect(self._live)
        self.changed.connect(self._grown)

    @property
    def scrubbing(self) -> bool:
        """A moment of the film is on show, not the live map."""
        return not self.timeline.following

    def _grown(self) -> None:
        """The film changed: the timeline's length follows; while a moment is on show the
        slider stays on that moment (a thinning moves every frame's place)."""
        frames = self.film.frames
        self.timeline.set_length(len(frames), self.film.thinnings)
        if self.scrubbing and self._moment is not None and frames:
            kept = [i for i, f in enumerate(frames) if f.words_done <= self._moment.words_done]
            self.timeline.hold_at(kept[-1] if kept else 0)

    def new_film(self, words: list[str]) -> None:
        """A new run (or another corpus, file or session): its film starts empty."""
        self.film = Film(words)
        self._trainer = None if not words else self._trainer
        self._seconds, self._snapshot_at, self._final = 0.0, 0.0, None
        self.timeline.go_live()
        self.changed.emit()

    def follow(self, worker) -> None:
        """Record the run of `worker` (call before its thread starts): a run the film is
        not of starts a new film; a run continued goes on with its own."""
        trainer = getattr(worker.trainer, "trainer", worker.trainer)  # a parallel run's
        if trainer is not self._trainer:
            self._trainer = trainer
            self.new_film(list(trainer.corpus.words))
        self.recording, self._worker, self._final = True, worker, None
        worker.snapshot.connect(self._snapshot, Qt.ConnectionType.DirectConnection)
        worker.stats.connect(self._stats)
        # (a run continued at once: the end of the run before may be told after it began)
        worker.finished.connect(lambda stats: self._ended(worker, stats))

    def _ended(self, worker, stats) -> None:
        """The run ended: its last snapshot's frame is still on its way from the map's
        process, so recording goes on until a frame of that point has come."""
        if worker is not self._worker:
            return
        skipped, self._skipped = self._skipped, None
        if skipped is not None:
            self._keep(skipped)  # the run's last snapshot (older ones are refused)
        frames = self.film.frames
        if frames and frames[-1].words_done >= stats.words_done:
            self.recording = False
        else:
            self._final = stats.words_done

    def _stats(self, stats) -> None:
        if stats.words_per_second > 0:
            self._seconds = stats.words_done / stats.words_per_second

    def _snapshot(self, snapshot) -> None:  # on the training thread
        now = time.monotonic()
        if now - self._snapshot_at >= SNAPSHOT_SECONDS:
            self._snapshot_at, self._skipped = now, None
            self._keep(snapshot)
        else:
            self._skipped = snapshot  # kept when the run ends: the film's last point

    def _keep(self, snapshot) -> None:
        # float16 holds up to 65,504: a run's vectors beyond it (one that diverges) are
        # held at that, never inf, which a session would refuse to keep
        largest = float(np.finfo(np.float16).max)
        vectors = np.clip(snapshot.vectors, -largest, largest).astype(np.float16)
        self.film.add_snapshot(FilmSnapshot(
            snapshot.words_done, np.asarray(snapshot.ids, dtype=np.int32), vectors))

    def film_of(self, trainer) -> Film | None:
        """The film, if it is of `trainer`'s run and has frames (what a session keeps)."""
        trainer = getattr(trainer, "trainer", trainer)  # several workers: the run's own
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
        if self._final is not None:  # after the run's end: only up to its last point
            last = self.film.frames[-1].words_done if self.film.frames else -1
            if not last < frame.words_done <= self._final:
                return
            if frame.words_done == self._final:
                self.recording, self._final = False, None
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
        moment = self._moment = self.film.frames[index]
        n = len(moment.ids)
        colouring = Colouring("film", moment.colours, list(moment.legend),
                              np.full(n, -1, dtype=np.int64), np.zeros(n))
        self.show_frame(MapFrame(moment.ids.astype(np.int64),
                                 moment.layout.astype(np.float64), moment.method, colouring,
                                 colouring_key=("film", id(self.film), index)),
                        self._paths_to(index))
        snapshot = self.film.snapshot_at(moment.words_done)
        self.timeline.show_moment(
            f"{moment.words_done:,} words · frame {index + 1:,} of {len(self.film.frames):,}"
            + (f" · nearest words as at {snapshot.words_done:,}" if snapshot is not None
               else ""))
        if snapshot is not None and snapshot is not self._searched_snapshot:
            self._searched_snapshot = snapshot  # the nearest words of that moment
            self.search_in(self.film.vectors_of(snapshot))
        self._show_settling()

    def _paths_to(self, index: int) -> dict[int, list]:
        """The pinned words' paths up to frame `index` (their trails)."""
        return self.film.paths(index, list(self.pinned_ids()), TRAIL_FRAMES)

    def _live(self) -> None:
        frames = self.film.frames
        self.go_live(self._paths_to(len(frames) - 1) if frames else {})
        self._searched_snapshot = None
        vectors = self.live_vectors()
        if vectors is not None:
            self.search_in(vectors)
        self._show_settling()

    def moment_vectors(self) -> Embeddings | None:
        """The vectors of the map's words at the moment shown (live: the newest
        snapshot), for a comparison; None before the first snapshot."""
        frames = self.film.frames
        if not frames or not self.film.snapshots:
            return None
        index = self.timeline.slider.value() if self.scrubbing else len(frames) - 1
        snapshot = self.film.snapshot_at(frames[min(index, len(frames) - 1)].words_done)
        return self.film.vectors_of(snapshot)

    def word_searched(self, words: list) -> None:
        """The Nearest words panel searched a word: its settling curve, if filmed."""
        self._word = words[0] if words else None
        self._show_settling()

    def _show_settling(self) -> None:
        if self.settling_shown is None:
            return
        if self._word is None or len(self.film.snapshots) < 3:
            self.settling_shown(self._word or "", None, None)
            return
        # computed again only when the word or the snapshots change, not at every
        # moment shown (playing the film shows ten a second)
        key = (self._word, id(self.film), len(self.film.snapshots),
               self.film.snapshots[-1].words_done)
        if self._settling_key != key:
            self._settling_key, self._settling = key, self.film.settling(self._word)
        done, changed = self._settling
        now = (self.film.frames[self.timeline.slider.value()].words_done
               if self.scrubbing and self.film.frames else None)
        self.settling_shown(self._word, done if len(done) else None, changed, now)

    # ------------------------------------------------------------------ exports
    def export_gif(self, path: str, labelled: tuple[str, ...] = ()) -> threading.Thread:
        """Write the film as an animated GIF on a thread of its own (a long film takes
        seconds); `exported(path, error or "")` says how it went. ValueError at once
        when the film has no frame yet."""
        if not self.film.frames:
            raise ValueError("the film has no frame yet: train a run with the map on show")
        film = Film(self.film.words)
        film.frames = list(self.film.frames)  # frames are never changed: a list is a copy

        def write() -> None:
            try:
                write_gif(film, path, labelled=labelled)
            except (OSError, ValueError) as error:
                self.exported.emit(path, str(error))
            else:
                self.exported.emit(path, "")

        thread = threading.Thread(target=write, name="film GIF", daemon=True)
        thread.start()
        return thread

    def export_gif_dialog(self, ask_path, labelled: tuple[str, ...]) -> None:
        """File ▸ Export the run's film as a GIF…: ask where, then write it."""
        if not self.film.frames:
            self.exported.emit("", "The film has no frame yet: train a run with the map "
                                   "on show, then export it.")
            return
        path = ask_path("Export the run's film", "GIF (*.gif)")
        if path:
            self.export_gif(path, labelled)

    def export_csv(self, path: str) -> None:
        if not self.film.frames:
            raise ValueError("the film has no frame yet: train a run with the map on show")
        self.film.write_csv(path)
