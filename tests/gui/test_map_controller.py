"""The map follows a run's snapshots: its frames are laid out in a process of its own."""

import os

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from core.map.frames import MapFrame
from w2v_gui.controllers.map import MapController
from w2v_gui.panels.map_controls import MapControls
from w2v_gui.threads import WorkerThreads
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.workers import Snapshot

SNAPSHOTS = 20


class FastRun(QObject):
    """Stands in for a TrainingWorker: many snapshots from its own thread, quickly."""

    snapshot = pyqtSignal(object)
    finished = pyqtSignal(object)

    def set_map_ids(self, ids) -> None:  # the map tells a run which rows it shows
        pass

    @pyqtSlot()
    def run(self) -> None:
        rng = np.random.default_rng(0)
        for words_done in range(SNAPSHOTS):
            self.snapshot.emit(Snapshot(words_done, np.arange(30) + words_done,
                                        rng.normal(size=(30, 8)).astype(np.float32)))
        self.finished.emit(None)


def test_a_runs_snapshots_come_back_as_frames_laid_out_in_the_maps_process(qtbot):
    """Wired exactly as a training run is: the newest snapshot is the last frame shown,
    and the layouts are made in the map's own process, not on any thread of this one
    (tests/core/test_layout_process.py: only the newest of many snapshots is laid out)."""
    threads = WorkerThreads()
    view = ProjectionView()
    qtbot.addWidget(view)
    controller = MapController(threads, view, MapControls())
    frames = []
    controller.projection.layout_ready.connect(frames.append)
    run = FastRun()
    snapshots = []
    run.snapshot.connect(snapshots.append)
    controller.follow(run)
    threads.start(run)
    try:
        qtbot.waitUntil(lambda: len(snapshots) == SNAPSHOTS, timeout=10_000)
        qtbot.waitUntil(lambda: bool(frames) and np.array_equal(
            frames[-1].ids, snapshots[-1].ids), timeout=30_000)
        process = controller.projection._process
        assert process is not None and process.pid != os.getpid() and process.is_alive()
    finally:
        controller.shutdown()
        threads.quit_all()
        qtbot.waitUntil(lambda: not threads.threads, timeout=5000)
    qtbot.waitUntil(lambda: not process.is_alive(), timeout=5000)


def test_a_frame_that_arrives_after_the_view_closed_is_dropped(qtbot):
    """Closing a pyqtgraph view deletes its scene's items at once; a frame still on its
    way (the run trains on) must not touch them."""
    view = ProjectionView()  # closed below (pyqtgraph's views cannot close twice)
    view.set_vocabulary([f"w{i}" for i in range(5)], None)
    ids = np.arange(5)
    view.set_frame(MapFrame(ids, np.zeros((5, 2)), "tsne", colouring_key=(1,)))
    view.close()
    moved = MapFrame(ids, np.ones((5, 2)), "tsne", colouring_key=(1,))
    view.set_frame(moved)  # only the points would move: the deleted scatter item's table
    view.set_frame(MapFrame(ids[:3], np.ones((3, 2)), "pca"))  # a restyle
    assert view.frame is not moved
    view.deleteLater()
