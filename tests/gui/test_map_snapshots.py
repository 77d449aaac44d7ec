"""The map gets fresh copies of a training run's rows by asking its worker: the GUI thread
never waits for the training thread, and never reads its arrays."""

import threading

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.train.config import PRESETS
from core.train.trainer import Trainer
from resources.toy_world import generate_sentences
from w2v_gui.controllers.map import MapController
from w2v_gui.panels.map_controls import MapControls
from w2v_gui.threads import WorkerThreads
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.workers import TrainingWorker, start_worker


@pytest.fixture(scope="module")
def toy_corpus() -> Corpus:
    return Corpus.from_sentences(generate_sentences(8000))


def make_worker(corpus: Corpus, **options) -> TrainingWorker:
    # a long run whose periodic snapshots are rare: a quick copy must be the answer to a
    # request, not the next one on the clock
    config = PRESETS["quick_demo"].replace(epochs=200)
    return TrainingWorker(Trainer(corpus, config), **{"snapshot_hz": 0.01, **options})


@pytest.fixture
def never_wait(monkeypatch):
    """Fail the test if anything waits for the training thread to go idle (also when the
    wait was called from a slot, where Qt would swallow the exception)."""
    waits = []

    def fail(self, timeout=2.0):
        waits.append(timeout)
        pytest.fail("the map waited for the training thread")

    monkeypatch.setattr(TrainingWorker, "wait_until_idle", fail)
    yield
    assert not waits, "the map waited for the training thread"


@pytest.fixture
def map_on_a_run(qtbot, toy_corpus, never_wait):
    """A map controller following a real training worker, as the window wires them; the
    threads that copy the map's rows are recorded."""
    threads = WorkerThreads()
    view = ProjectionView()
    qtbot.addWidget(view)
    controller = MapController(threads, view, MapControls())
    controller.set_corpus(toy_corpus)
    controller.controls.word_count.setValue(40)
    frames = []
    controller.projection.layout_ready.connect(frames.append)
    worker = make_worker(toy_corpus)
    copied_on = []
    copy = worker._copy_map_rows

    def recorded_copy():
        copied_on.append(threading.get_ident())
        return copy()

    worker._copy_map_rows = recorded_copy
    controller.follow(worker)  # before the thread starts, as on `started`
    threads.start(worker)
    qtbot.waitUntil(lambda: bool(frames), timeout=10_000)  # the first one, on the clock
    yield controller, worker, frames, copied_on
    worker.stop()
    qtbot.waitUntil(lambda: controller.worker is None, timeout=10_000)
    controller.shutdown()  # as the window does: no frame comes after this
    threads.quit_all()
    qtbot.waitUntil(lambda: not threads.threads, timeout=10_000)


def test_the_map_tells_the_run_which_rows_to_copy(qtbot, map_on_a_run):
    controller, worker, frames, _copied_on = map_on_a_run
    np.testing.assert_array_equal(worker.map_ids, controller.ids())
    assert len(frames[-1].ids) == 40


def test_a_paused_run_answers_the_map_with_the_new_words(qtbot, map_on_a_run):
    controller, worker, frames, copied_on = map_on_a_run
    worker.pause()
    controller.controls.word_count.setValue(70)  # returns at once: nothing is awaited
    qtbot.waitUntil(lambda: len(frames[-1].ids) == 70, timeout=10_000)
    assert worker.paused  # answered while paused, not by resuming
    controller.set_pinned([controller.words[-1]])
    qtbot.waitUntil(lambda: len(frames[-1].ids) == 71, timeout=10_000)
    assert threading.get_ident() not in copied_on  # every copy taken on the run's thread


def test_a_running_run_answers_the_map_between_chunks(qtbot, map_on_a_run):
    controller, worker, frames, copied_on = map_on_a_run
    assert not worker.paused
    controller.controls.word_count.setValue(55)
    qtbot.waitUntil(lambda: len(frames[-1].ids) == 55, timeout=10_000)
    controller.set_method("tsne")  # a setting, not the words: a fresh copy all the same
    qtbot.waitUntil(lambda: frames[-1].method == "tsne", timeout=30_000)
    assert threading.get_ident() not in copied_on


def test_asking_never_blocks_even_while_a_chunk_is_stuck(qtbot, toy_corpus, never_wait):
    """The training thread is held inside a step and then paused, the chunk still in
    flight; the map asks for two copies meanwhile and the GUI thread goes on (waiting for
    the chunk would hang this test). Once the step ends, the newest request is answered,
    and the run rests."""
    threads = WorkerThreads()
    view = ProjectionView()
    qtbot.addWidget(view)
    controller = MapController(threads, view, MapControls())
    controller.set_corpus(toy_corpus)
    frames = []
    controller.projection.layout_ready.connect(frames.append)
    worker = make_worker(toy_corpus)
    in_step, release = threading.Event(), threading.Event()
    step = worker.trainer.step

    def stuck_step():
        if worker.trainer.words_done > 0 and not release.is_set():
            in_step.set()
            assert release.wait(30)
        return step()

    worker.trainer.step = stuck_step
    controller.follow(worker)
    threads.start(worker)
    qtbot.waitUntil(in_step.is_set, timeout=10_000)
    worker.pause()
    controller.controls.word_count.setValue(25)
    controller.controls.word_count.setValue(35)  # the words shown
    controller.set_method("tsne")  # a setting
    assert not frames  # nothing could answer yet
    release.set()
    qtbot.waitUntil(lambda: bool(frames) and len(frames[-1].ids) == 35
                    and frames[-1].method == "tsne", timeout=30_000)
    assert worker.paused
    worker.stop()
    qtbot.waitUntil(lambda: controller.worker is None, timeout=10_000)
    controller.shutdown()  # as the window does: no frame comes after this
    threads.quit_all()
    qtbot.waitUntil(lambda: not threads.threads, timeout=10_000)


def test_a_request_keeps_the_arrays_busy_until_it_is_answered(qtbot, toy_corpus):
    """A command that needs the arrays still (saving, a step) waits for idle: a copy the
    map asked for must not be taken while such a command writes."""
    worker = make_worker(toy_corpus, map_ids=np.arange(10))
    snapshots = []
    worker.snapshot.connect(snapshots.append)
    thread = start_worker(worker)
    qtbot.waitUntil(lambda: worker.trainer.words_done > 0, timeout=10_000)
    worker.pause()
    assert worker.wait_until_idle(10.0)
    held = worker.trainer.words_done
    count = len(snapshots)
    worker.request_snapshot(np.arange(20))
    # idle again only once the copy has been taken
    assert worker.wait_until_idle(10.0)
    qtbot.waitUntil(lambda: len(snapshots) > count, timeout=10_000)
    assert snapshots[-1].ids.shape == (20,) and snapshots[-1].words_done == held
    assert worker.trainer.words_done == held  # still paused
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.stop()
    assert thread.wait(10_000)
    worker.request_snapshot(np.arange(5))  # after the end: ignored, and idle for good
    assert worker.wait_until_idle(0)
