"""The training worker: runs off the GUI thread, streams throttled copies, pauses and stops."""

import threading

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.train.config import PRESETS
from core.train.trainer import DivergenceError, Trainer
from resources.toy_world import generate_sentences
from w2v_gui.workers import TrainingWorker, start_worker


@pytest.fixture(scope="module")
def toy_corpus() -> Corpus:
    return Corpus.from_sentences(generate_sentences(8000))


def make_worker(corpus, **changes) -> TrainingWorker:
    config = PRESETS["quick_demo"].replace(**{"epochs": 3, **changes})
    return TrainingWorker(Trainer(corpus, config), map_ids=np.arange(50))


def test_training_runs_off_the_gui_thread_and_the_loss_falls(qtbot, toy_corpus):
    worker = make_worker(toy_corpus)
    seen, threads = [], set()
    original_step = worker.trainer.step

    def recording_step():
        threads.add(threading.get_ident())
        return original_step()

    worker.trainer.step = recording_step
    worker.stats.connect(seen.append)
    snapshots = []
    worker.snapshot.connect(snapshots.append)
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        thread = start_worker(worker)
    assert thread.wait(10_000)
    assert threading.get_ident() not in threads and len(threads) == 1
    losses = [s.smoothed_loss for s in seen if np.isfinite(s.smoothed_loss)]
    assert len(losses) >= 2 and losses[-1] < losses[0]
    assert seen[-1].finished
    assert snapshots and snapshots[-1].vectors.shape == (50, 50)
    # a snapshot is a copy: training on does not change it
    assert not np.shares_memory(snapshots[-1].vectors, worker.trainer.center_vectors)


def test_pause_holds_progress_and_resume_continues(qtbot, toy_corpus):
    worker = make_worker(toy_corpus, epochs=40)
    thread = start_worker(worker)
    qtbot.waitUntil(lambda: worker.trainer.words_done > 0, timeout=10_000)
    with qtbot.waitSignal(worker.paused_changed, timeout=10_000):
        worker.pause()
    assert worker.wait_until_idle(10.0)  # the chunk in flight has ended
    held = worker.trainer.words_done
    qtbot.wait(300)  # an absence (no progress while paused): nothing to await but time
    assert worker.trainer.words_done == held
    worker.resume()
    qtbot.waitUntil(lambda: worker.trainer.words_done > held, timeout=10_000)
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.stop()
    assert thread.wait(10_000)
    assert not worker.trainer.finished


def test_stop_while_paused_ends_the_run_and_its_thread(qtbot, toy_corpus):
    """A paused worker is waiting for resume: stop must wake it, end the run where it was
    (not train it to the end) and let the thread finish. Timeouts are generous: this is
    about what happens, not how fast (the machine may be busy)."""
    worker = make_worker(toy_corpus, epochs=40)
    thread = start_worker(worker)
    qtbot.waitUntil(lambda: worker.trainer.words_done > 0, timeout=10_000)
    with qtbot.waitSignal(worker.paused_changed, timeout=10_000):
        worker.pause()
    assert worker.wait_until_idle(10.0)  # now it waits for resume, not in a chunk
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.stop()
    assert thread.wait(10_000)
    assert thread.isFinished()
    assert not worker.trainer.finished  # stopped where it was, not trained to the end


def test_divergence_is_reported_not_raised(qtbot, toy_corpus):
    worker = make_worker(toy_corpus, alpha=10.0, epochs=40)
    messages = []
    worker.failed.connect(messages.append)
    with qtbot.waitSignal(worker.finished, timeout=30_000):
        thread = start_worker(worker)
    assert thread.wait(10_000)
    assert messages and isinstance(messages[0], DivergenceError)
    assert "Lower the learning rate" in str(messages[0])
    assert np.isfinite(worker.trainer.center_vectors).all()
