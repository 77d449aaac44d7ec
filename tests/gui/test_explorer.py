"""The explorer: vectors files open in the window (menu, drop, command line), training is
off, and the map colours, isolates, places words on semantic axes and exports coordinates."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QMimeData, QPointF, Qt, QUrl
from PyQt6.QtGui import QDropEvent

from tests.gui.helpers import close_window, open_window, search

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("fruit", "tool", "city")


def planted_vectors(count: int = 20, dim: int = 16, seed: int = 0):
    """Three well-separated groups of words: fruit0.., tool0.., city0.."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(GROUPS), dim)) * 4
    words, rows, labels = [], [], []
    for group, centre in zip(GROUPS, centres, strict=True):
        for i in range(count):
            words.append(f"{group}{i}")
            rows.append(centre + rng.normal(size=dim))
            labels.append(group)
    return words, np.array(rows, dtype=np.float32), labels


@pytest.fixture
def glove_file(tmp_path) -> Path:
    words, vectors, _labels = planted_vectors()
    path = tmp_path / "planted.glove.txt"
    with open(path, "w", encoding="utf-8") as stream:
        for word, row in zip(words, vectors, strict=True):
            stream.write(word + " " + " ".join(f"{x:.5f}" for x in row) + "\n")
    return path


@pytest.fixture
def labels_file(tmp_path) -> Path:
    words, _vectors, labels = planted_vectors()
    path = tmp_path / "labels.tsv"
    path.write_text("word\tkind\n" + "".join(f"{w}\t{k}\n" for w, k in zip(
        words, labels, strict=True)), encoding="utf-8")
    return path


def explore(qtbot, window, path: Path) -> None:
    with qtbot.waitSignal(window.corpora.vectors_loaded, timeout=30_000):
        window.files.open_path(str(path))


def last_frame(qtbot, window, method: str | None = None, count: int | None = None,
               kind: str | None = None):
    """Wait for a frame on the map with this method, number of words and colouring."""
    view = window.views.projection_view

    def ready() -> bool:
        frame = view.frame
        return (frame is not None and (method is None or frame.method == method)
                and (count is None or len(frame.ids) == count)
                and (kind is None or (frame.colouring is not None
                                      and frame.colouring.kind == kind)))

    qtbot.waitUntil(ready, timeout=20_000)
    return view.frame


def test_a_glove_file_opens_to_explore_and_training_is_off(qtbot, glove_file):
    window = open_window(qtbot)
    explore(qtbot, window, glove_file)
    assert window.workspace.explored.format == "glove"
    assert window.training.corpus is None
    assert not window.controls().train
    assert not window.actions["train"].isEnabled()
    assert "Exploring planted.glove.txt" in window.views.bar.label.text()
    frame = last_frame(qtbot, window, count=60)
    assert {window.map.words[i] for i in frame.ids} == set(planted_vectors()[0])
    search(qtbot, window, "fruit3")
    listed = [window.views.search_panel.results.item(row, 0).text() for row in range(10)]
    assert all(word.startswith("fruit") for word in listed)
    close_window(qtbot, window)


def test_a_file_that_is_not_vectors_is_refused_and_what_was_open_stays(qtbot, tmp_path,
                                                                        glove_file, dialogs):
    window = open_window(qtbot)
    explore(qtbot, window, glove_file)
    broken = tmp_path / "broken.vec"
    broken.write_text("3 4\nalpha 0.1 0.2 0.3 0.4\nbeta 0.1 0.2\n", encoding="utf-8")
    with qtbot.waitSignal(window.corpora.failed, timeout=10_000):
        window.corpora.open_vectors(str(broken))
    assert "broken.vec" in dialogs.warnings[-1]
    assert window.workspace.explored.path == glove_file
    assert len(window.map.words) == 60
    close_window(qtbot, window)


def test_cancelling_a_load_keeps_the_open_vectors(qtbot, tmp_path, glove_file, monkeypatch):
    import w2v_gui.workers as workers
    from core.errors import Cancelled

    window = open_window(qtbot)
    explore(qtbot, window, glove_file)

    def slow_read(path, *, should_stop, **_options):
        while not should_stop():
            pass
        raise Cancelled(path)

    monkeypatch.setattr(workers, "read_vectors", slow_read)
    with qtbot.waitSignal(window.corpora.cancelled, timeout=10_000):
        window.corpora.open_vectors(str(glove_file))
        window.views.corpus_panel.cancel.emit()
    assert window.workspace.explored.path == glove_file
    assert not window.corpora.busy
    close_window(qtbot, window)


def test_a_dropped_file_opens(qtbot, glove_file):
    window = open_window(qtbot)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(glove_file))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.corpora.vectors_loaded, timeout=30_000):
        window.dropEvent(event)
    assert window.workspace.explored.path == glove_file
    close_window(qtbot, window)


def test_colouring_by_clusters_and_by_a_labels_file(qtbot, glove_file, labels_file):
    from core.map.word_labels import read_word_labels

    window = open_window(qtbot)
    explore(qtbot, window, glove_file)
    window.views.map_controls.set_colouring("clusters", 3)
    frame = last_frame(qtbot, window, kind="clusters", count=60)
    words = [window.map.words[i] for i in frame.ids]
    groups = {}
    for word, group in zip(words, frame.colouring.groups, strict=True):
        groups.setdefault(word.rstrip("0123456789"), set()).add(int(group))
    assert all(len(found) == 1 for found in groups.values())  # each planted group one colour
    assert len({next(iter(found)) for found in groups.values()}) == 3
    assert window.views.projection_view.legend_box.isVisibleTo(window.views.projection_view)

    window.map.add_metadata(read_word_labels(labels_file))
    frame = last_frame(qtbot, window, kind="metadata", count=60)
    colour_of = {}
    for word, colour in zip((window.map.words[i] for i in frame.ids),
                            map(tuple, frame.colouring.colours), strict=True):
        colour_of.setdefault(word.rstrip("0123456789"), set()).add(colour)
    assert all(len(colours) == 1 for colours in colour_of.values())
    assert len({next(iter(c)) for c in colour_of.values()}) == 3
    legend = window.views.projection_view.legend_box.text()
    assert all(name in legend for name in GROUPS)
    close_window(qtbot, window)


def test_isolate_shows_a_word_and_its_neighbours_then_everything_again(qtbot, glove_file):
    window = open_window(qtbot)
    explore(qtbot, window, glove_file)
    window.views.search_panel.count.setValue(5)
    search(qtbot, window, "tool2")
    window.views.search_panel.isolate_shown()
    frame = last_frame(qtbot, window, count=6)
    shown = {window.map.words[i] for i in frame.ids}
    assert "tool2" in shown and all(word.startswith("tool") for word in shown)
    assert window.views.map_controls.isolated_row.isVisibleTo(window.views.map_controls)
    window.map.show_all()
    last_frame(qtbot, window, count=60)
    close_window(qtbot, window)


def test_semantic_axes_place_words_by_their_projection(qtbot, glove_file):
    window = open_window(qtbot)
    explore(qtbot, window, glove_file)
    window.map.set_axes_text("fruit0 fruit1", "city0 city1", "", "")
    frame = last_frame(qtbot, window, method="axes")
    assert window.views.map_controls.method_key == "axes"
    x = dict(zip((window.map.words[i] for i in frame.ids), frame.layout[:, 0], strict=True))
    fruit = np.mean([x[f"fruit{i}"] for i in range(20)])
    city = np.mean([x[f"city{i}"] for i in range(20)])
    assert city > fruit  # x runs from the fruit words to the city words
    window.map.set_axes_text("nonsense", "city0", "", "")  # unknown: named, axes kept
    assert window.map.axes is not None
    close_window(qtbot, window)


def test_the_maps_coordinates_export_with_their_groups(qtbot, glove_file, tmp_path):
    from w2v_gui.exports import export_coordinates

    window = open_window(qtbot)
    explore(qtbot, window, glove_file)
    window.views.map_controls.set_colouring("clusters", 3)
    frame = last_frame(qtbot, window, kind="clusters", count=60)
    target = tmp_path / "map.tsv"
    export_coordinates(window.views.projection_view, str(target))
    with open(target, encoding="utf-8") as stream:
        rows = list(csv.reader(stream, delimiter="\t"))
    assert rows[0] == ["word", "x", "y", "group"]
    assert len(rows) == 61
    by_word = {row[0]: row for row in rows[1:]}
    row = list(frame.ids).index(window.map.index["city4"])
    assert float(by_word["city4"][1]) == pytest.approx(frame.layout[row, 0], rel=1e-5)
    assert by_word["city4"][3] and by_word["city4"][3] == by_word["city5"][3]
    close_window(qtbot, window)


def test_run_py_opens_a_vectors_file_from_the_command_line(glove_file, tmp_path):
    picture = tmp_path / "shot.png"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
                   "WORD2VEC_STUDIO_DATA": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "main.py", str(glove_file), "--limit", "30", "--screenshot",
         str(picture), "--train-seconds", "1"], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert picture.read_bytes()[:4] == b"\x89PNG"


def test_t_sne_converges_over_several_frames_and_keeps_the_neighbours(qtbot, glove_file):
    from core.map.truth import neighbour_share

    window = open_window(qtbot)
    explore(qtbot, window, glove_file)
    frames = []
    window.map.projection.layout_ready.connect(frames.append)
    window.map.set_method("tsne")
    qtbot.waitUntil(lambda: bool(frames) and frames[-1].method == "tsne"
                    and frames[-1].final and len(
                        [f for f in frames if f.method == "tsne"]) >= 3, timeout=30_000)
    tsne = [frame for frame in frames if frame.method == "tsne"]
    # the view is handed each frame before this list is (it was connected first)
    qtbot.waitUntil(lambda: window.views.projection_view.frame is frames[-1], timeout=10_000)
    assert len(tsne) >= 3  # it animates: one frame per chunk of optimisation
    last = window.views.projection_view.frame
    vectors = window.workspace.explored.embeddings.vectors[last.ids]
    assert neighbour_share(vectors, last.layout, k=10) >= 0.6
    close_window(qtbot, window)
