"""The map lays out the newest snapshot only: a slow layout never builds a queue."""

import threading
import time

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

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
            self.snapshot.emit(Snapshot(words_done, np.arange(30),
                                        rng.normal(size=(30, 8)).astype(np.float32)))
        self.finished.emit(None)


def test_a_slow_layout_skips_to_the_newest_snapshot(qtbot):
    threads = WorkerThreads()
    view = ProjectionView()
    qtbot.addWidget(view)
    controller = MapController(threads, view, MapControls())
    projection = controller.projection
    laid_out, layout = [], projection.tracker.update
    projection_thread = []
    all_submitted = threading.Event()
    submit = projection.submit

    def submit_and_tell(snapshot):
        submit(snapshot)
        if snapshot.words_done == SNAPSHOTS - 1:
            all_submitted.set()

    def slow_update(vectors, ids, **options):
        projection_thread.append(threading.get_ident())
        # t-SNE-like: the first layout lasts until every snapshot has been sent
        assert all_submitted.wait(30)
        laid_out.append(vectors)
        return layout(vectors, ids, **options)

    projection.submit = submit_and_tell  # follow() connects to it
    projection.tracker.update = slow_update
    frames = []
    controller.projection.layout_ready.connect(frames.append)
    run = FastRun()
    snapshots = []
    run.snapshot.connect(snapshots.append)  # what was sent, seen on this thread
    controller.follow(run)  # wired exactly as a training run is
    threads.start(run)
    qtbot.waitUntil(lambda: len(snapshots) == SNAPSHOTS, timeout=10_000)
    qtbot.waitUntil(lambda: bool(frames) and np.array_equal(
        laid_out[-1], snapshots[-1].vectors), timeout=10_000)
    # nothing else can come: the newest snapshot was sent before the first layout ended.
    # All 20 arrive while the first is laid out: then only the newest follows it
    # (laid out in order, they would be 20)
    assert len(laid_out) <= 2
    assert np.array_equal(laid_out[-1], snapshots[-1].vectors)
    assert threading.get_ident() not in projection_thread
    threads.quit_all()
    qtbot.waitUntil(lambda: not threads.threads, timeout=5000)


def test_a_snapshot_after_the_run_is_laid_out_without_waiting_out_the_rest(qtbot):
    threads = WorkerThreads()
    view = ProjectionView()
    qtbot.addWidget(view)
    controller = MapController(threads, view, MapControls())
    projection = controller.projection
    frames = []
    projection.layout_ready.connect(frames.append)
    run = FastRun()
    controller.follow(run)  # pace on: the map rests between frames while the run trains
    threads.start(run)
    qtbot.waitUntil(lambda: bool(frames), timeout=10_000)
    qtbot.waitUntil(lambda: controller.worker is None, timeout=10_000)  # the run ended
    # the last frame of the run bought a long rest; the run is over, so it is not owed
    projection.pace = True
    projection._resting_until = time.perf_counter() + 60
    projection.submit(Snapshot(0, np.arange(30), np.eye(30, 8, dtype=np.float32)))
    qtbot.waitUntil(lambda: projection._resting, timeout=5000)  # it rests, its timer set
    projection.pace = False
    count = len(frames)
    projection.submit(Snapshot(1, np.arange(30), np.eye(30, 8, k=1, dtype=np.float32)))
    qtbot.waitUntil(lambda: len(frames) > count, timeout=5000)
    threads.quit_all()
    qtbot.waitUntil(lambda: not threads.threads, timeout=5000)
