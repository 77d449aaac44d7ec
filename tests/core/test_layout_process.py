"""The map's own process (core.map.layout_process): only the newest of many snapshots is
laid out, a reset drops older ones, a bad snapshot is reported and the next one drawn, no
frame is sent before the window drew the last, and the process ends when told."""

from __future__ import annotations

import multiprocessing
import os
import time

import numpy as np
import pytest

from core.map.frames import MapStyle, Words
from core.map.layout_process import Layouts, main
from core.storage.shared import SharedArray, segments_of


class Pipe:
    """Stands in for the process's end of the pipe: keeps what the process sends."""

    def __init__(self) -> None:
        self.sent: list = []

    def send(self, message) -> None:
        self.sent.append(message)


@pytest.fixture
def sent():
    """Segments made here, removed whatever the test does."""
    made: list[SharedArray] = []
    yield made
    for shared in made:
        shared.close()
    assert segments_of(os.getpid()) == []


def snapshot(made, generation: int, vectors: np.ndarray, ids: np.ndarray | None = None,
             method: str = "pca", words_done: int = 0):
    shared = SharedArray.copy_of(vectors)
    made.append(shared)
    ids = np.arange(len(vectors)) if ids is None else ids
    words = Words(tuple(f"w{i}" for i in ids))
    return ("snapshot", generation, shared.spec, ids, words, method, None, words_done)


def test_only_the_newest_of_many_snapshots_is_laid_out(sent):
    pipe = Pipe()
    layouts = Layouts(pipe)
    rng = np.random.default_rng(0)
    batches = [rng.normal(size=(30, 8)).astype(np.float32) for _ in range(20)]
    for index, vectors in enumerate(batches):
        layouts.read(snapshot(sent, 0, vectors, np.arange(30) + index,
                              words_done=100 * index))
    layouts.work()
    frames = [message for message in pipe.sent if message[0] == "frame"]
    taken = [message for message in pipe.sent if message[0] == "taken"]
    assert len(frames) == 1 and len(taken) == 20  # every segment copied, one laid out
    frame = frames[0][2]
    assert np.array_equal(frame.ids, np.arange(30) + 19)
    assert frame.words_done == 1900  # the words trained when its snapshot was copied
    assert frame.layout.shape == (30, 2) and np.all(np.isfinite(frame.layout))
    assert not layouts.wanted()  # PCA needs no refining


def test_a_reset_drops_the_snapshots_of_the_old_generation(sent):
    pipe = Pipe()
    layouts = Layouts(pipe)
    vectors = np.eye(30, 8, dtype=np.float32)
    layouts.read(snapshot(sent, 0, vectors))
    layouts.read(("reset", 1))
    assert not layouts.wanted()
    layouts.read(snapshot(sent, 0, vectors))  # sent before the reset arrived
    assert not layouts.wanted()
    layouts.read(snapshot(sent, 1, vectors))
    layouts.work()
    assert [m[1] for m in pipe.sent if m[0] == "frame"] == [1]


def test_a_bad_snapshot_is_reported_and_the_next_one_drawn(sent):
    pipe = Pipe()
    layouts = Layouts(pipe)
    bad = np.full((30, 8), np.nan, dtype=np.float32)
    layouts.read(snapshot(sent, 0, bad))
    layouts.work()
    assert pipe.sent[-1][0] == "failed" and "could not be drawn" in pipe.sent[-1][2]
    layouts.read(snapshot(sent, 0, np.eye(30, 8, dtype=np.float32)))
    layouts.work()
    assert pipe.sent[-1][0] == "frame"


def test_the_process_lays_out_colours_and_ends_when_told(sent):
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe()
    process = context.Process(target=main, args=(theirs, os.getpid()), daemon=True)
    process.start()
    theirs.close()
    try:
        mine.send(("style", MapStyle("clusters", 3)))
        rng = np.random.default_rng(1)
        for _ in range(5):
            mine.send(snapshot(sent, 0, rng.normal(size=(40, 8)).astype(np.float32)))
        frame = None
        deadline = time.monotonic() + 60
        while frame is None and time.monotonic() < deadline:
            if mine.poll(1):
                message = mine.recv()
                if message[0] == "frame":
                    frame = message[2]
        assert frame is not None and frame.layout.shape == (40, 2)
        assert frame.colouring is not None and frame.colouring.kind == "clusters"
        assert all(": w" in text for text, _colour in frame.colouring.legend)  # named
        mine.send(None)
        process.join(10)
        assert process.exitcode == 0
    finally:
        if process.is_alive():
            process.kill()
            process.join(5)


class Drawn:
    value = 0


def test_no_frame_is_sent_before_the_window_drew_the_last(sent):
    """t-SNE refines frame after frame; while one is on its way, at most one more is made
    and held, and no further work is done until the window counts the first as drawn."""
    pipe, drawn = Pipe(), Drawn()
    layouts = Layouts(pipe, drawn)
    rng = np.random.default_rng(2)
    layouts.read(snapshot(sent, 0, rng.normal(size=(200, 8)).astype(np.float32),
                          method="tsne"))
    layouts.work()
    assert [m[0] for m in pipe.sent].count("frame") == 1
    if layouts.wanted():
        layouts.work()  # the next refinement is made, and held
    assert [m[0] for m in pipe.sent].count("frame") == 1
    assert layouts.held is not None and not layouts.wanted()
    assert layouts.wait_seconds() < 0.1  # it looks again soon
    layouts.deliver()
    assert [m[0] for m in pipe.sent].count("frame") == 1
    drawn.value = 1  # the window drew the first
    layouts.deliver()
    assert [m[0] for m in pipe.sent].count("frame") == 2 and layouts.held is None
    # a new snapshot is laid out even while a frame is on its way: the newest wins
    layouts.read(snapshot(sent, 0, rng.normal(size=(200, 8)).astype(np.float32)))
    assert layouts.wanted()
    layouts.work()
    assert layouts.held is not None and layouts.held[2].method == "pca"


def test_a_colouring_by_labels_is_made_again_when_the_labels_arrive(sent):
    """The style may reach the process before the snapshot that brings its labels: a
    refined frame in between colours without them, and the labelled snapshot of the same
    words must not get that colouring back."""
    layouts = Layouts(Pipe())
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(60, 8)).astype(np.float32)
    layouts.read(snapshot(sent, 0, vectors, method="tsne"))
    layouts.work()
    layouts.read(("style", MapStyle("metadata")))
    layouts.work()  # a refinement, coloured before the labels came: no values
    labelled = ("snapshot", *snapshot(sent, 0, vectors, method="tsne")[1:4],
                Words(tuple(f"w{i}" for i in range(60)),
                      tuple("even" if i % 2 == 0 else "odd" for i in range(60))),
                "tsne", None, 0)
    layouts.read(labelled)
    layouts.work()
    layouts.deliver()
    frame = [m for m in layouts.connection.sent if m[0] == "frame"][-1][2]
    assert sorted(text.split(" (")[0] for text, _colour in frame.colouring.legend) == [
        "even", "odd"]


def test_clusters_made_from_early_vectors_are_made_again_after_the_last_snapshot(
        sent, monkeypatch):
    """Snapshots come faster than clusters are remade: the last one of a run must still
    end coloured by its own vectors' clusters, without another snapshot coming."""
    monkeypatch.setattr("core.map.frames.RECLUSTER_SECONDS", 0.2)
    layouts = Layouts(Pipe())
    layouts.read(("style", MapStyle("clusters", 3)))
    rng = np.random.default_rng(5)
    layouts.read(snapshot(sent, 0, rng.normal(size=(60, 8)).astype(np.float32)))
    layouts.work()  # random vectors: clusters of noise
    centres = np.eye(3, 8, dtype=np.float32) * 10
    final = (centres[np.arange(60) % 3]
             + rng.normal(scale=0.1, size=(60, 8))).astype(np.float32)
    layouts.read(snapshot(sent, 0, final))  # the run's last snapshot, at once
    layouts.work()
    assert layouts.wanted() is False and 0 < layouts.wait_seconds() <= 0.2
    time.sleep(0.25)
    assert layouts.wanted()
    layouts.work()  # no new snapshot: the clusters are made again from the last one
    frame = [m for m in layouts.connection.sent if m[0] == "frame"][-1][2]
    groups = frame.colouring.groups
    assert all(len(set(groups[np.arange(60) % 3 == k])) == 1 for k in range(3))
    assert len(set(groups)) == 3
    assert not layouts.wanted()
