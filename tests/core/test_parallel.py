"""The parallel trainer (core.parallel): worker processes on shared vectors train as well
as one trainer, stop and continue, save, and fail loudly without losing the vectors or
leaving a process or a shared-memory segment behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.errors import DivergenceError, TrainerError
from core.evaluation import evaluate_analogies
from core.evaluation.sets import parse_analogies
from core.parallel.pool import WorkerPool
from core.parallel.trainer import ParallelTrainer, WorkerFailed
from core.parallel.worker import split_text
from core.storage.shared import PREFIX, SharedArray, segments_of, sweep_stale
from core.train.config import PRESETS, ConfigError, TrainConfig
from core.train.trainer import Trainer
from resources.toy_world import generate_sentences, toy_analogies
from tests.processes import gone, kill_mid_run, wait_for

ROOT = Path(__file__).resolve().parents[2]
CONFIG = PRESETS["quick_demo"].replace(epochs=4, workers=2)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.from_sentences(generate_sentences(8000))


@pytest.fixture(scope="module")
def pool():
    """Two workers for the whole module (started once, as the app keeps them), ended
    whatever the tests do."""
    workers = WorkerPool()
    workers.ensure(2)
    yield workers
    workers.close()
    assert not any(each.process.is_alive() for each in workers.workers)


def accuracy(trainer) -> float:
    return evaluate_analogies(trainer.embeddings(), parse_analogies(toy_analogies())).accuracy


def test_the_text_is_split_into_parts_that_cover_it_once():
    offsets = np.array([0, 3, 10, 11, 30, 31], dtype=np.int64)
    parts = split_text(31, offsets, 3)
    assert [(p.first, p.last) for p in parts] == [(0, 10), (10, 21), (21, 31)]
    for part in parts:
        assert part.sentence_offsets[0] == 0
        assert part.sentence_offsets[-1] == part.last - part.first
        assert np.all(np.diff(part.sentence_offsets) > 0)
    # every sentence boundary inside a part is kept, rebased
    assert parts[0].sentence_offsets.tolist() == [0, 3, 10]
    assert parts[1].sentence_offsets.tolist() == [0, 1, 11]


def test_two_workers_train_as_well_as_one(corpus, pool):
    single = Trainer(corpus, CONFIG.replace(workers=1))
    single.train()
    with ParallelTrainer(Trainer(corpus, CONFIG), 2, pool) as parallel:
        stats = parallel.train()
        assert stats.finished and stats.words_done == stats.total_words
        assert not parallel.running  # the workers' jobs ended with the run
        both = accuracy(parallel)
        assert np.all(np.isfinite(parallel.trainer.center_vectors))
    alone = accuracy(single)
    # Hogwild is not bit-for-bit; on this toy world the two land within a few points
    assert both >= alone - 0.08, (both, alone)
    assert abs(stats.smoothed_loss - single.stats().smoothed_loss) < 0.15 * single.stats(
    ).smoothed_loss
    assert segments_of(os.getpid()) == []


def test_stop_keeps_the_vectors_and_step_goes_on_from_there(corpus, pool):
    parallel = ParallelTrainer(Trainer(corpus, CONFIG), 2, pool)
    try:
        assert wait_for(lambda: parallel.step().progress > 0.2, 60)
        parallel.stop()
        assert not parallel.running and segments_of(os.getpid()) == []
        stopped = parallel.stats()
        vectors = parallel.trainer.center_vectors.copy()
        time.sleep(0.3)  # stopped means still: nothing trains until the next step()
        assert np.array_equal(vectors, parallel.trainer.center_vectors)
        assert parallel.stats().words_done == stopped.words_done
        final = parallel.train()
        assert final.finished and final.words_done == final.total_words
        assert final.steps > stopped.steps
    finally:
        parallel.stop()


def test_workers_stand_still_at_a_pause_point_until_the_next_step(corpus, pool):
    """train --evaluate's epochs: the grant never reaches past the next pause point, so
    the run waits there for the caller to look, and the next step goes on past it."""
    parallel = ParallelTrainer(Trainer(corpus, CONFIG.replace(epochs=40)), 2, pool)
    half = parallel.trainer.total_words // 2
    parallel.pause_points = [half]
    try:
        words = 0
        while words < half:
            words = parallel.step().words_done
            # a step past it per worker at most: batch_words kept words, each standing for
            # about two tokens of the text here (sub-sampling keeps about half)
            assert words <= half + 2 * 4 * CONFIG.batch_words
        time.sleep(0.3)  # an absence is tested: nothing more trains meanwhile
        assert parallel.stats().words_done == words
        assert wait_for(lambda: parallel.step().words_done > words, 30)
    finally:
        parallel.stop()


def test_a_paused_run_stands_still_within_its_grant(corpus, pool):
    parallel = ParallelTrainer(Trainer(corpus, CONFIG.replace(epochs=20)), 2, pool)
    try:
        assert wait_for(lambda: parallel.step().words_done > 0, 60)
        time.sleep(0.5)  # no step() called: the workers use up their grant and wait
        before = parallel.stats().words_done
        time.sleep(0.3)
        assert parallel.stats().words_done == before
        assert not parallel.stats().finished
    finally:
        parallel.stop()


def test_stop_drops_a_step_too_large_for_one_call_between_its_chunks(corpus, pool):
    """Every word of a part in one step, at dimension 10,000: each worker computes its
    step in hundreds of chunks, seconds in all, and a stop drops it between two chunks
    (a step applies nothing before its last) instead of waiting for it."""
    huge = CONFIG.replace(batch_words=10_000_000, dim=10_000, epochs=1)
    trainer = Trainer(corpus, huge)
    trainer.position.words_done = trainer.total_words // 5  # past the small first steps
    before = trainer.center_vectors.copy()
    parallel = ParallelTrainer(trainer, 2, pool)
    try:
        parallel.step()
        time.sleep(1.0)  # an absence is tested: the workers are inside their first step
        parallel.stop()
        assert all(each.process.is_alive() for each in pool.workers[:2])  # none was killed
        assert parallel.stats().steps == 0
        assert np.array_equal(parallel.trainer.center_vectors, before)
    finally:
        parallel.stop()


def test_a_run_saved_by_workers_resumes_with_one_trainer_or_several(corpus, pool, tmp_path):
    path = tmp_path / "run.npz"
    parallel = ParallelTrainer(Trainer(corpus, CONFIG), 2, pool)
    try:
        assert wait_for(lambda: parallel.step().progress > 0.3, 60)
        parallel.save(path)
        saved = parallel.stats()
    finally:
        parallel.stop()
    alone = Trainer.load(path)
    assert alone.words_done == saved.words_done and alone.steps == saved.steps
    stats = alone.step()
    # the one trainer goes on from the same share of the epoch, not from its start
    assert stats.words_done > saved.words_done
    assert alone.batches.kept_ids is not None and alone.cursor > 0
    with ParallelTrainer(Trainer.load(path), 2, pool) as again:
        assert again.train().finished


def test_the_state_is_copied_while_the_workers_go_on(corpus, pool):
    """An autosave while training: the workers are not stopped for it, the vectors are
    copies (not the shared memory they write), and the state resumes."""
    parallel = ParallelTrainer(Trainer(corpus, CONFIG), 2, pool)
    try:
        assert wait_for(lambda: parallel.step().progress > 0.2, 60)
        arrays = parallel.state_arrays()
        assert parallel.running
        words = parallel.stats().words_done
        assert wait_for(lambda: parallel.step().words_done > words, 30)  # still training
        live = parallel.trainer.center_vectors
        assert not np.shares_memory(arrays["center_vectors"], live)
        assert not np.shares_memory(arrays["outside_vectors"], parallel.trainer.outside_vectors)
    finally:
        parallel.stop()
    resumed = Trainer.from_state(arrays)
    assert 0 < resumed.words_done <= parallel.stats().words_done
    assert np.isfinite(resumed.center_vectors).all()
    before = resumed.words_done
    assert resumed.step().words_done > before


def test_a_killed_worker_stops_the_run_and_keeps_the_vectors(corpus, pool):
    parallel = ParallelTrainer(Trainer(corpus, CONFIG.replace(epochs=40)), 2, pool)
    try:
        assert wait_for(lambda: parallel.step().progress > 0.05, 60)
        victim = parallel.pool.workers[1].process.pid
        os.kill(victim, signal.SIGKILL)
        with pytest.raises(WorkerFailed, match="ended unexpectedly.*signal 9.*kept"):
            wait_for(lambda: parallel.step() and False, 30)
        assert not parallel.running and segments_of(os.getpid()) == []
        kept = parallel.trainer
        assert 0 < kept.words_done < kept.total_words
        assert np.all(np.isfinite(kept.center_vectors)) and kept.center_vectors.any()
        assert wait_for(lambda: gone(victim), 5)
        # the pool replaces the dead worker, and the run goes on
        at = kept.progress
        assert wait_for(lambda: parallel.step().progress > at + 0.01, 60)
    finally:
        parallel.stop()


def test_a_divergence_in_a_worker_stops_the_run_with_advice(corpus, pool):
    wild = CONFIG.replace(alpha=10.0, min_alpha=10.0, epochs=50)
    parallel = ParallelTrainer(Trainer(corpus, wild), 2, pool)
    try:
        with pytest.raises(DivergenceError, match="Lower the learning rate"):
            wait_for(lambda: parallel.step() and False, 60)
        assert not parallel.running and segments_of(os.getpid()) == []
    finally:
        parallel.stop()


def test_the_handouts_batching_stays_on_one_worker(corpus):
    with pytest.raises(ConfigError, match="sequential SGD"):
        TrainConfig(batching="windows", workers=2)
    with pytest.raises(TrainerError, match="sequential SGD"):
        ParallelTrainer(Trainer(corpus, PRESETS["cs224n"]), 2, WorkerPool())


def test_segments_of_a_process_that_is_gone_are_swept():
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = int(ended.stdout)
    name = f"{PREFIX}_{dead}_test"
    memory = shared_memory.SharedMemory(name=name, create=True, size=64)
    try:
        mine = SharedArray.zeros((4,), np.float64)  # this process's: kept
        try:
            assert name in sweep_stale()
            assert segments_of(dead) == []
            assert segments_of(os.getpid()) == [mine.spec.name]
        finally:
            mine.close()
    finally:
        memory.close()
        try:
            memory.unlink()
        except FileNotFoundError:
            pass


def test_killing_the_training_process_leaves_no_worker_and_no_segment(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from core.data.corpus import Corpus
        from core.parallel.trainer import ParallelTrainer
        from core.train.config import PRESETS
        from core.train.trainer import Trainer
        from resources.toy_world import generate_sentences
        if __name__ == "__main__":
            corpus = Corpus.from_sentences(generate_sentences(4000))
            config = PRESETS["quick_demo"].replace(epochs=1000, workers=2)
            parallel = ParallelTrainer(Trainer(corpus, config), 2)
            while parallel.step().words_done == 0:
                pass
            print(*parallel.pool.pids(), flush=True)
            while True:
                parallel.step()
    """)
    path = tmp_path / "train_forever.py"
    path.write_text(script)
    kill_mid_run(path, children=2)


def test_a_worker_process_runs_one_thread_per_library():
    """Also the libraries it loads later (scikit-learn's OpenMP, SciPy's BLAS): their
    idle threads would spin on the other workers' cores."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import numpy as np
        from threadpoolctl import threadpool_info
        from core.storage.shared import one_thread_per_library
        with one_thread_per_library():
            import scipy.linalg, sklearn.cluster
            sklearn.cluster.KMeans(3, n_init=1).fit(np.random.rand(60, 4))
            print(sorted({{pool["num_threads"] for pool in threadpool_info()}}))
    """)
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, timeout=120)
    assert shown.stdout.strip() == "[1]"
