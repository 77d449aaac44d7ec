"""The film of a run: its map frames (which words, where, in which colours, at how many
words trained) and, every few seconds, a snapshot of those words' vectors, bounded.

Bounds: at most MAX_FRAMES frames and MAX_SNAPSHOTS snapshots, and at most MAX_BYTES in
all. When a bound is reached, every second frame (or snapshot) is dropped, the first and
the last kept, so the film keeps covering the whole run, evenly, at half the rate; it
then takes new ones at half the rate too (`every` doubles), so it stays even.

A word's settling curve: for each snapshot after the first, the share of its k nearest
neighbours (among the snapshot's words, by cosine) that are not among them in the
snapshot before: 1 while they all change, 0 once they stay.
"""

from __future__ import annotations

import csv
import json
import os
import threading
from dataclasses import dataclass

import numpy as np

from core.vectors.embeddings import Embeddings

MAX_FRAMES = 600
MAX_SNAPSHOTS = 120
MAX_BYTES = 64 * 2**20  # frames and snapshots together, in memory and in a session


@dataclass(frozen=True)
class FilmFrame:
    words_done: int
    seconds: float  # training seconds at the frame
    method: str  # the map's layout method
    ids: np.ndarray  # (n,) int32 word ids
    layout: np.ndarray  # (n, 2) float32
    colours: np.ndarray  # (n, 3) uint8
    legend: tuple = ()  # the colours' legend: (text, colour) entries

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.layout.nbytes + self.colours.nbytes


@dataclass(frozen=True)
class FilmSnapshot:
    words_done: int
    ids: np.ndarray  # (n,) int32
    vectors: np.ndarray  # (n, d) float16: what the neighbours are computed from

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.vectors.nbytes


def thinned(items: list) -> list:
    """Every second item, the first and the last kept."""
    kept = items[::2]
    if items and kept[-1] is not items[-1]:
        kept.append(items[-1])
    return kept


class Film:
    """Frames and snapshots of one run; `add_frame` and `add_snapshot` may be called
    from any thread."""

    def __init__(self, words: list[str] | None = None) -> None:
        self.words = list(words or [])  # the vocabulary the ids refer to
        self.frames: list[FilmFrame] = []
        self.snapshots: list[FilmSnapshot] = []
        self.frame_every = 1  # take one frame of this many offered
        self.snapshot_every = 1
        self._offered = [0, 0]
        self.thinnings = 0  # how many times the film was halved
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        return sum(f.nbytes for f in self.frames) + sum(s.nbytes for s in self.snapshots)

    def add_frame(self, frame: FilmFrame) -> None:
        with self._lock:
            self._offered[0] += 1
            if (self._offered[0] - 1) % self.frame_every:
                return
            if self.frames and frame.words_done < self.frames[-1].words_done:
                return  # an older frame arriving late: the film only moves forward
            self.frames.append(frame)
            self._bound()

    def add_snapshot(self, snapshot: FilmSnapshot) -> None:
        with self._lock:
            self._offered[1] += 1
            if (self._offered[1] - 1) % self.snapshot_every:
                return
            if self.snapshots and snapshot.words_done <= self.snapshots[-1].words_done:
                return
            self.snapshots.append(snapshot)
            self._bound()

    def _bound(self) -> None:  # with the lock held
        if len(self.frames) > MAX_FRAMES:
            self._thin_frames()
        if len(self.snapshots) > MAX_SNAPSHOTS:
            self._thin_snapshots()
        while self.nbytes > MAX_BYTES:  # the larger share gives way
            frames = sum(f.nbytes for f in self.frames)
            if frames >= self.nbytes - frames and len(self.frames) > 2:
                self._thin_frames()
            elif len(self.snapshots) > 2:
                self._thin_snapshots()
            else:
                break

    def _thin_frames(self) -> None:
        self.frames = thinned(self.frames)
        self.frame_every *= 2
        self.thinnings += 1

    def _thin_snapshots(self) -> None:
        self.snapshots = thinned(self.snapshots)
        self.snapshot_every *= 2
        self.thinnings += 1

    # ------------------------------------------------------------------ what it shows
    def snapshot_at(self, words_done: int) -> FilmSnapshot | None:
        """The last snapshot taken at or before `words_done` (the first if none is)."""
        before = [s for s in self.snapshots if s.words_done <= words_done]
        return before[-1] if before else (self.snapshots[0] if self.snapshots else None)

    def vectors_of(self, snapshot: FilmSnapshot) -> Embeddings:
        """A snapshot as embeddings of its words (the map's words at that moment)."""
        return Embeddings([self.words[i] for i in snapshot.ids.tolist()],
                          snapshot.vectors.astype(np.float32))

    def paths(self, index: int, ids: list[int], length: int) -> dict[int, list]:
        """The places of the words `ids` in the last `length` frames up to `index`, of
        the method of frame `index` only (a path across two layout methods means
        nothing), oldest first: word id -> positions."""
        method = self.frames[index].method
        paths: dict[int, list] = {}
        if not ids:
            return paths
        for frame in self.frames[max(0, index - length + 1):index + 1]:
            if frame.method != method:
                paths.clear()
                continue
            for row in np.flatnonzero(np.isin(frame.ids, ids)).tolist():
                paths.setdefault(int(frame.ids[row]), []).append(
                    frame.layout[row].astype(np.float64))
        return paths

    def settling(self, word: str, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(words done, share of the word's k nearest neighbours that changed since the
        snapshot before), one point per snapshot after the first that shows the word."""
        if word not in self.words:
            return np.zeros(0), np.zeros(0)
        target = self.words.index(word)
        done, changed, before = [], [], None
        for snapshot in self.snapshots:
            rows = np.flatnonzero(snapshot.ids == target)
            if not rows.size or len(snapshot.ids) <= k:
                before = None
                continue
            unit = snapshot.vectors.astype(np.float32)
            unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-12)
            scores = unit @ unit[rows[0]]
            scores[rows[0]] = -np.inf
            near = set(snapshot.ids[np.argsort(-scores)[:k]].tolist())
            if before is not None:
                done.append(snapshot.words_done)
                changed.append(len(near - before) / k)
            before = near
        return np.array(done), np.array(changed)

    def write_csv(self, path: str | os.PathLike) -> None:
        """One row per word per frame: frame, words_done, seconds, method, word, x, y."""
        with open(path, "w", encoding="utf-8", newline="") as out:
            rows = csv.writer(out)
            rows.writerow(["frame", "words_done", "seconds", "method", "word", "x", "y"])
            for number, frame in enumerate(self.frames):
                for word_id, (x, y) in zip(frame.ids.tolist(), frame.layout.tolist(),
                                           strict=True):
                    rows.writerow([number, frame.words_done, f"{frame.seconds:.3f}",
                                   frame.method, self.words[word_id], f"{x:.6g}",
                                   f"{y:.6g}"])


# ---------------------------------------------------------------------- in a session file
def film_arrays(film: Film) -> dict[str, np.ndarray]:
    """The film as plain arrays (no pickle), for a session file."""
    frames, snapshots = list(film.frames), list(film.snapshots)
    offsets = np.cumsum([0, *(len(f.ids) for f in frames)]).astype(np.int64)
    snapshot_offsets = np.cumsum([0, *(len(s.ids) for s in snapshots)]).astype(np.int64)
    dim = snapshots[0].vectors.shape[1] if snapshots else 0
    return {
        "film_meta": np.array(json.dumps({
            "frame_every": film.frame_every, "snapshot_every": film.snapshot_every,
            "thinnings": film.thinnings,
            "legends": [[[text, [int(c) for c in colour]] for text, colour in f.legend]
                        for f in frames]})),
        "film_words_done": np.array([f.words_done for f in frames], dtype=np.int64),
        "film_seconds": np.array([f.seconds for f in frames], dtype=np.float64),
        "film_methods": np.array([f.method for f in frames], dtype=str),
        "film_offsets": offsets,
        "film_ids": np.concatenate([f.ids for f in frames]).astype(np.int32) if frames
        else np.zeros(0, np.int32),
        "film_layout": np.concatenate([f.layout for f in frames]).astype(np.float32)
        if frames else np.zeros((0, 2), np.float32),
        "film_colours": np.concatenate([f.colours for f in frames]).astype(np.uint8)
        if frames else np.zeros((0, 3), np.uint8),
        "film_snapshot_words_done": np.array([s.words_done for s in snapshots],
                                             dtype=np.int64),
        "film_snapshot_offsets": snapshot_offsets,
        "film_snapshot_ids": np.concatenate([s.ids for s in snapshots]).astype(np.int32)
        if snapshots else np.zeros(0, np.int32),
        "film_snapshot_vectors": np.concatenate([s.vectors for s in snapshots]).astype(
            np.float16) if snapshots else np.zeros((0, dim), np.float16),
    }


FILM_ARRAYS = tuple(film_arrays(Film()))  # the names a session holds the film in


def film_from_arrays(arrays: dict[str, np.ndarray], words: list[str]) -> Film:
    """The film back from `film_arrays` (of a run on `words`); ValueError saying what is
    wrong when the arrays do not make a film of these words within the film's bounds."""
    film = Film(words)
    kinds = {"film_words_done": "iu", "film_seconds": "f", "film_methods": "U",
             "film_offsets": "iu", "film_ids": "iu", "film_layout": "f",
             "film_colours": "u", "film_snapshot_words_done": "iu",
             "film_snapshot_offsets": "iu", "film_snapshot_ids": "iu",
             "film_snapshot_vectors": "f"}
    for name, kind in kinds.items():
        if arrays[name].dtype.kind not in kind:
            raise ValueError(f"{name} holds {arrays[name].dtype}")
    if sum(arrays[name].nbytes for name in kinds) > 2 * MAX_BYTES:
        raise ValueError("it is larger than a film can be")
    meta = json.loads(str(arrays["film_meta"]))
    done, seconds = arrays["film_words_done"], arrays["film_seconds"]
    methods, offsets = arrays["film_methods"], arrays["film_offsets"]
    ids, layout, colours = arrays["film_ids"], arrays["film_layout"], arrays["film_colours"]
    legends = meta.get("legends") if isinstance(meta, dict) else None
    frames = len(done)
    if not isinstance(legends, list) or frames > MAX_FRAMES:
        raise ValueError("its record of frames is not a film's")
    if not (len(seconds) == len(methods) == len(legends) == frames
            and len(offsets) == frames + 1 and _runs(offsets, len(ids))
            and layout.shape == (len(ids), 2) and colours.shape == (len(ids), 3)):
        raise ValueError("its frames do not fit together")
    if ids.size and (ids.min() < 0 or ids.max() >= len(words)):
        raise ValueError("a frame names a word the run does not have")
    if not (np.all(np.isfinite(layout)) and np.all(np.isfinite(seconds))
            and np.all(done >= 0) and np.all(np.diff(done) >= 0)):
        raise ValueError("a frame's place or time is out of range")
    for i in range(frames):
        part = slice(offsets[i], offsets[i + 1])
        film.frames.append(FilmFrame(
            int(done[i]), float(seconds[i]), str(methods[i]), ids[part].astype(np.int32),
            layout[part].astype(np.float32), colours[part].astype(np.uint8),
            _legend(legends[i])))
    done = arrays["film_snapshot_words_done"]
    offsets, ids = arrays["film_snapshot_offsets"], arrays["film_snapshot_ids"]
    vectors = arrays["film_snapshot_vectors"]
    if not (len(done) <= MAX_SNAPSHOTS and len(offsets) == len(done) + 1
            and _runs(offsets, len(ids)) and vectors.ndim == 2 and len(vectors) == len(ids)
            and np.all(np.isfinite(vectors)) and np.all(done >= 0)):
        raise ValueError("its snapshots do not fit together")
    if ids.size and (ids.min() < 0 or ids.max() >= len(words)):
        raise ValueError("a snapshot names a word the run does not have")
    for i in range(len(done)):
        part = slice(offsets[i], offsets[i + 1])
        film.snapshots.append(FilmSnapshot(int(done[i]), ids[part].astype(np.int32),
                                           vectors[part].astype(np.float16)))
    rates = [meta.get(key, 1) for key in ("frame_every", "snapshot_every", "thinnings")]
    if not all(type(rate) is int and 0 <= rate <= 2**30 for rate in rates):
        raise ValueError("its rates are not whole numbers")
    film.frame_every, film.snapshot_every = max(1, rates[0]), max(1, rates[1])
    film.thinnings = rates[2]
    return film


def _legend(entries) -> tuple:
    """A frame's legend from JSON: (text, (r, g, b)) entries, checked."""
    if not isinstance(entries, list):
        raise ValueError("a frame's legend is not a list")
    legend = []
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and isinstance(entry[1], list) and len(entry[1]) in (3, 4)
                and all(type(c) is int and 0 <= c <= 255 for c in entry[1])):
            raise ValueError("a frame's legend holds something other than colours")
        legend.append((entry[0], tuple(entry[1])))
    return tuple(legend)


def _runs(offsets: np.ndarray, total: int) -> bool:
    """Offsets from 0 to `total`, never falling."""
    return bool(len(offsets) and offsets[0] == 0 and offsets[-1] == total
                and np.all(np.diff(offsets) >= 0))
