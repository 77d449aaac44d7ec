"""A run's film: bounded and thinned evenly, a word's settling curve, and its exports
(a GIF with the frames it should have, a CSV of the coordinates)."""

from __future__ import annotations

import csv
import json

import numpy as np
from PIL import Image

from core.map import film as film_module
from core.map.film import Film, FilmFrame, FilmSnapshot
from core.map.film_gif import write_gif


def frame(words_done: int, n: int = 5, shift: float = 0.0) -> FilmFrame:
    layout = np.stack([np.arange(n) + shift, np.arange(n) * 0.5], axis=1).astype(np.float32)
    return FilmFrame(words_done, words_done / 100, "pca", np.arange(n, dtype=np.int32),
                     layout, np.full((n, 3), 100, dtype=np.uint8))


def test_the_film_stays_within_its_bound_and_thins_evenly(monkeypatch):
    monkeypatch.setattr(film_module, "MAX_FRAMES", 10)
    film = Film([f"w{i}" for i in range(5)])
    for i in range(100):
        film.add_frame(frame(i * 10))
    assert len(film.frames) <= 10 and film.thinnings >= 3
    done = [f.words_done for f in film.frames]
    assert done[0] == 0  # the start is kept: the film covers the whole run
    steps = np.diff(done)
    assert steps.max() <= 2 * steps.min()  # evenly spread, not the last few only
    assert done[-1] >= 900  # and up to the end
    film.add_frame(frame(5))  # a late, older frame does not go back in time
    assert [f.words_done for f in film.frames] == done


def test_the_bytes_bound_holds_frames_and_snapshots_together(monkeypatch):
    monkeypatch.setattr(film_module, "MAX_BYTES", 40_000)
    film = Film(["a", "b", "c"])
    for i in range(200):
        film.add_frame(frame(i, n=50))
        film.add_snapshot(FilmSnapshot(i, np.arange(50, dtype=np.int32),
                                       np.ones((50, 20), dtype=np.float16)))
    assert film.nbytes <= 40_000 and len(film.frames) > 2 and len(film.snapshots) > 2


def test_a_words_settling_curve_falls_to_zero_once_its_neighbours_stay():
    words = [f"w{i}" for i in range(30)]
    film = Film(words)
    rng = np.random.default_rng(0)
    settled = rng.normal(size=(30, 8))
    for i in range(6):
        vectors = rng.normal(size=(30, 8)) if i < 3 else settled  # moving, then still
        film.add_snapshot(FilmSnapshot(i * 100, np.arange(30, dtype=np.int32),
                                       vectors.astype(np.float16)))
    done, changed = film.settling("w3", k=5)
    assert list(done) == [100, 200, 300, 400, 500]
    assert changed[0] > 0.3 and list(changed[-2:]) == [0.0, 0.0]
    assert film.settling("unknown")[0].size == 0


def test_the_gif_has_the_frames_it_should_and_the_csv_every_point(tmp_path):
    film = Film([f"w{i}" for i in range(5)])
    for i in range(12):
        film.add_frame(frame(i * 50, shift=i * 0.1))
    path = tmp_path / "film.gif"
    assert write_gif(film, path, milliseconds=80, labelled=("w2",)) == 12
    with Image.open(path) as gif:
        assert gif.n_frames == 12 and gif.info["duration"] == 80
        first = np.asarray(gif.convert("RGB"))
        gif.seek(11)
        last = np.asarray(gif.convert("RGB"))
    assert not np.array_equal(first, last)  # the dots moved
    film.write_csv(tmp_path / "film.csv")
    with open(tmp_path / "film.csv", encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert len(rows) == 12 * 5 and rows[0]["word"] == "w0" and rows[-1]["words_done"] == "550"


def test_a_session_keeps_the_film_and_leaves_out_a_damaged_one(tmp_path):
    from core.data.corpus import Corpus
    from core.map.film import film_arrays
    from core.session import Session, load_session, save_session, session_arrays, write_session
    from core.train.config import PRESETS
    from core.train.trainer import Trainer

    corpus = Corpus.from_sentences([["a", "b", "c", "d", "e"]] * 30)
    trainer = Trainer(corpus, PRESETS["quick_demo"].replace(epochs=1))
    film = Film(list(corpus.words))
    for i in range(7):
        film.add_frame(frame(i * 10))
        film.add_snapshot(FilmSnapshot(i * 10, np.arange(5, dtype=np.int32),
                                       np.full((5, 4), i, dtype=np.float16)))
    film.frames[-1] = FilmFrame(60, 0.6, "tsne", film.frames[-1].ids,
                                film.frames[-1].layout, film.frames[-1].colours,
                                (("group 1", (10, 20, 30)),))
    path = tmp_path / "run.w2vsession"
    save_session(path, Session(trainer, film=film))
    back = load_session(path).film
    assert [f.words_done for f in back.frames] == [f.words_done for f in film.frames]
    assert back.frames[-1].method == "tsne" and back.frames[-1].legend == (
        ("group 1", (10, 20, 30)),)
    np.testing.assert_array_equal(back.frames[3].layout, film.frames[3].layout)
    assert len(back.snapshots) == 7 and float(back.snapshots[6].vectors[0, 0]) == 6.0
    good = session_arrays(Session(trainer, film=film))
    assert set(film_arrays(film)) <= set(good)
    meta = json.loads(str(good["film_meta"]))
    damages = {
        "film_ids": good["film_ids"] + 100,  # names words the run lacks
        "film_meta": np.array("[]"),  # not a record
        "film_layout": np.where(good["film_layout"] > 2, np.inf, good["film_layout"]),
        "film_snapshot_ids": np.full(len(good["film_snapshot_ids"]), np.nan),  # not ids
    }
    bad_legend = {**meta, "legends": [[["x", "abc"]]] * len(meta["legends"])}
    damages["film_meta"] = np.array("[]")
    for name, value in [*damages.items(), ("film_meta", np.array(json.dumps(bad_legend))),
                        ("film_meta", np.array(json.dumps({**meta, "frame_every": 1e300})))]:
        write_session(path, {**good, name: value})
        damaged = load_session(path)
        assert damaged.film is None and "film was damaged" in damaged.notes[0], name
        assert damaged.trainer.words_done == trainer.words_done  # the run opened whole
