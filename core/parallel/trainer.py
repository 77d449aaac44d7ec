"""A run trained by several worker processes at once, lock-free on shared vectors.

`ParallelTrainer` wraps a `core.train.trainer.Trainer` (the run: corpus, config, position,
the saved format) and trains it with `workers` processes (core.parallel.worker). While it
runs, the trainer's center and outside vectors are views of shared memory that every worker
updates in place (Hogwild, as word2vec.c and gensim do); the corpus's token ids and the
noise table are shared too, one copy for all. Each worker trains its own part of every
epoch with the trainer's own step; the learning rate follows the whole run's progress.

Pausing is not calling `step()`: each call grants the workers about GRANT_SECONDS more
of training, so they stand still within one step of the last call. `stop()` ends the
workers' jobs and gives the trainer private copies of the vectors and its position as of
then (a save, a continue with other settings, an error); the next `step()` starts them
again from there. A worker that dies or raises stops the run with a message saying so,
and the vectors trained until then are kept.

Not bit-for-bit: workers race on the shared vectors, so two runs with the same seed
differ, and a resumed run goes on from the same share of its epoch but not the same
steps. With workers=1 the app and the command line use the Trainer itself, unchanged.
"""

from __future__ import annotations

import os
import time
import weakref
from multiprocessing import connection

import numpy as np

from core.errors import DivergenceError, TrainerError
from core.parallel import worker
from core.parallel.pool import WorkerPool
from core.parallel.worker import ALLOWED, STOP, Job, slot, split_text
from core.storage.shared import SharedArray, sweep_stale
from core.train.trainer import StepStats, Trainer

GRANT_SECONDS = 0.1  # training granted by one call of step(): how far a pause may lag
# step() returns after about this long (sooner when the run ends): the thread calling it
# answers a request to hold still (a save, a snapshot) within this
WAIT_SECONDS = 0.01
START_SECONDS = 60.0  # a worker that has not started training within this is stuck
STOP_SECONDS = 10.0  # how long stop() waits for the workers to finish their step
MIN_PART_TOKENS = 1000


class WorkerFailed(TrainerError):
    """A worker process died or raised; the run stopped with the vectors it had."""


def _release(shared: list[SharedArray]) -> None:
    for array in shared:
        array.close()
    shared.clear()


class ParallelTrainer:
    """Trains `trainer` with `workers` processes of `pool` (a pool of its own if None,
    closed with it). The handout's batching is sequential SGD by definition: refused."""

    def __init__(self, trainer: Trainer, workers: int, pool: WorkerPool | None = None) -> None:
        if trainer.config.batching != "corpus":
            raise TrainerError("the handout's batching (batching=windows) is sequential SGD, "
                               "one window after another: it trains with one worker.")
        if workers < 1:
            raise TrainerError(f"workers must be at least 1, got {workers}.")
        self.trainer = trainer
        # every part at least MIN_PART_TOKENS long (a tiny corpus gets fewer workers)
        self.workers = max(1, min(workers, trainer.corpus.token_count // MIN_PART_TOKENS))
        self.pool = pool if pool is not None else WorkerPool()
        self._own_pool = pool is None
        self._shared: list[SharedArray] = []
        weakref.finalize(self, _release, self._shared)  # if it is dropped without stop()
        self._control: np.ndarray | None = None
        self._jobs: list[Job] = []
        self._busy: list = []
        self._runs = 0
        self._base_steps = self._base_pairs = 0
        self._last_call: float | None = None
        self._rate = 0.0  # words a second, measured over this start
        self._started_at = 0.0
        self._words_at_start = 0
        # words of the whole run at which the workers stop until the next step() (an
        # evaluation after every epoch); they may pass one by up to a step each
        self.pause_points: list[int] = []

    # ------------------------------------------------------------------ the run's face
    @property
    def config(self):
        return self.trainer.config

    @config.setter
    def config(self, config) -> None:
        """New settings (a lower learning rate after a divergence) apply from the next
        start of the workers."""
        self.stop()
        self.trainer.config = config

    @property
    def running(self) -> bool:
        """Workers are training this run (or stand paused in it)."""
        return self._control is not None

    def __getattr__(self, name: str):
        # what is not a parallel matter is the trainer's: corpus, position, progress...
        if name == "trainer":
            raise AttributeError(name)
        return getattr(self.trainer, name)

    def stats(self) -> StepStats:
        if self._control is not None:
            self._sync_position()
        return self.trainer.stats()

    def embeddings(self):
        """A copy of the center vectors now (workers may be writing them: Hogwild)."""
        return self.trainer.embeddings()

    def save(self, path: str | os.PathLike) -> None:
        """Stop the workers, then save as the trainer does (they start again on step())."""
        self.stop()
        self.trainer.save(path)

    def state_arrays(self) -> dict[str, np.ndarray]:
        """The run's state now, without stopping the workers (an autosave or a save while
        training takes it in a few milliseconds): the position from their counters and
        copies of the vectors as they are. A step in progress may be partly in the copy,
        as in any copy of a lock-free run; it resumes from the same share of its epoch, as
        a stopped run does."""
        if self._control is None:
            return self.trainer.state_arrays()
        self._sync_position()
        arrays = self.trainer.state_arrays()
        arrays["center_vectors"] = np.array(arrays["center_vectors"], copy=True)
        arrays["outside_vectors"] = np.array(arrays["outside_vectors"], copy=True)
        return arrays

    # ------------------------------------------------------------------ stepping
    def step(self, *, keep_batch: bool = False) -> StepStats:
        """Grant the workers about GRANT_SECONDS more training (starting them if they are
        not running) and return the stats after a short wait. Raises DivergenceError or
        WorkerFailed, the vectors kept, when a worker diverged, failed or died."""
        if keep_batch:
            raise TrainerError("a single step with its batch is taken by one trainer; "
                               "stop the workers first.")
        trainer = self.trainer
        if trainer.finished:
            self.stop()
            return trainer.stats()
        if self._control is None:
            self._start()
        now = time.monotonic()
        if self._last_call is not None:
            # time between calls counts as training only as far as the grant reached
            trainer.position.seconds += min(now - self._last_call, GRANT_SECONDS)
        self._last_call = now
        control = self._control
        done = self._words()
        rate = self._rate or 50_000.0 * len(self._jobs)
        grant = max(rate * GRANT_SECONDS, 2 * len(self._jobs) * trainer.config.batch_words)
        allowed = done + grant
        ahead = [point for point in self.pause_points if point > done]
        if ahead:  # the workers stand still there until the caller has looked
            allowed = min(allowed, ahead[0])
        control[ALLOWED] = allowed
        # Sleep until the wait is over, waking only when a worker reports or ends: the
        # workers have the cores; this process takes almost none of them.
        deadline = now + WAIT_SECONDS
        while (left := deadline - time.monotonic()) > 0 and not self._all_done():
            watched = [w for w in self._busy if w is not None]
            if not watched:
                break
            connection.wait([each.connection for each in watched]
                            + [each.process.sentinel for each in watched], left)
            self._check_workers()
        self._check_workers()
        if ahead and self._words() >= ahead[0]:
            self._settle()  # the caller looks at the vectors next: no step may be in flight
        elapsed = time.monotonic() - self._started_at
        if elapsed > 0.5:
            self._rate = (self._words() - self._words_at_start) / elapsed
        stats = self.stats()
        if self._all_done():
            self.stop()
            stats = trainer.stats()
        return stats

    def train(self, callback=None) -> StepStats:
        """Step until the run is finished; `callback(stats)` after each step."""
        stats = self.stats()
        while not self.trainer.finished:
            stats = self.step()
            if callback is not None:
                callback(stats)
        return stats

    def stop(self) -> None:
        """End the workers' jobs (each finishes its step) and keep private copies of the
        vectors and the position as of now; the next step() starts them again."""
        if self._control is None:
            return
        self._control[STOP] = 1
        deadline = time.monotonic() + STOP_SECONDS
        for index, each in enumerate(self._busy):
            while each is not None and each.alive() and time.monotonic() < deadline:
                if each.connection.poll(0.01):
                    self._take_reply(index)
                    break
        self._finish()

    def close(self) -> None:
        """Stop, and end the workers if the pool is this trainer's own."""
        self.stop()
        if self._own_pool:
            self.pool.close()

    def __enter__(self) -> ParallelTrainer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # ------------------------------------------------------------------ inside
    def _start(self) -> None:
        trainer, corpus, config = self.trainer, self.trainer.corpus, self.trainer.config
        sweep_stale()
        self._runs += 1
        shared = {
            "center": SharedArray.copy_of(trainer.center_vectors),
            "outside": SharedArray.copy_of(trainer.outside_vectors),
            "token_ids": SharedArray.copy_of(corpus.token_ids),
            "noise_table": SharedArray.copy_of(trainer.noise_table),
            "control": SharedArray.zeros(
                (worker.RUN_SLOTS + self.workers * worker.SLOTS_PER_WORKER,), np.float64),
        }
        self._shared.extend(shared.values())
        trainer.center_vectors = shared["center"].array
        trainer.outside_vectors = shared["outside"].array
        trainer.batches.kept_ids = trainer.batches.kept_sentences = None
        control = self._control = shared["control"].array
        tokens = corpus.token_count
        words = trainer.words_done
        epoch = min(words // tokens, config.epochs)
        share = (words - epoch * tokens) / tokens
        self._base_steps, self._base_pairs = trainer.steps, trainer.pairs_seen
        self._jobs = []
        for index, part in enumerate(split_text(tokens, corpus.sentence_offsets,
                                                self.workers)):
            length = part.last - part.first
            part_words = epoch * length + (int(share * length) if epoch < config.epochs
                                           else 0)
            control[slot(index, worker.WORDS)] = part_words
            self._jobs.append(Job(
                index=index, workers=self.workers, config=config,
                seed=(config.seed, self._runs, trainer.steps, index),
                center=shared["center"].spec, outside=shared["outside"].spec,
                token_ids=shared["token_ids"].spec, noise_table=shared["noise_table"].spec,
                control=shared["control"].spec, keep_probability=trainer.keep_probability,
                part=part, epoch=epoch, words_done=part_words,
                steps_before=trainer.steps, smoothed_loss=trainer.smoothed_loss,
                total_words=trainer.total_words))
        control[ALLOWED] = self._words()
        self._busy = self.pool.ensure(self.workers)
        for job, each in zip(self._jobs, self._busy, strict=True):
            each.connection.send(job)
        self._started_at = time.monotonic()
        self._words_at_start = self._words()
        self._last_call = None

    def _words(self) -> float:
        control = self._control
        return float(sum(control[slot(k, worker.WORDS)] for k in range(len(self._jobs))))

    def _settle(self) -> None:
        """Wait (up to STOP_SECONDS) until every worker has ended its step and stands at
        the grant's end (a worker that crossed the point may be amid its last step while
        the others wait)."""
        control = self._control
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline and any(
                control[slot(k, worker.STATE)] == worker.RUNNING
                for k in range(len(self._jobs))):
            time.sleep(worker.WAIT_SECONDS)
            self._check_workers()

    def _all_done(self) -> bool:
        control = self._control
        return all(control[slot(k, worker.STATE)] == worker.DONE
                   for k in range(len(self._jobs)))

    def _take_reply(self, index: int) -> tuple[str, str | None]:
        each = self._busy[index]
        reply = each.connection.recv()
        self._busy[index] = None
        return reply

    def _check_workers(self) -> None:
        """Raise (after stopping the run) if a worker reported a failure or died."""
        for index, each in enumerate(self._busy):
            if each is None:
                continue
            if each.connection.poll():
                try:
                    kind, message = self._take_reply(index)
                except (EOFError, OSError):
                    kind, message = "died", None
                if kind == "done":
                    continue
                self.stop()
                if kind == "diverged":
                    raise DivergenceError(message)
                if kind == "failed":
                    raise WorkerFailed(
                        f"worker {index + 1} of {len(self._jobs)} failed, and the run "
                        f"stopped; the vectors trained until then are kept.\n\n{message}")
            if not each.alive():
                why = each.describe_death()
                self._busy[index] = None
                self.stop()
                raise WorkerFailed(
                    f"worker process {index + 1} of {len(self._jobs)} ended unexpectedly "
                    f"({why}), and the run stopped; the vectors trained until then are "
                    "kept: save them, or press Train to go on.")

    def _sync_position(self) -> None:
        """The trainer's position from every worker's counters (a run of several workers
        keeps no epoch text: a later start goes on from the same share of the epoch)."""
        trainer, control = self.trainer, self._control
        count = len(self._jobs)
        words = min(int(self._words()), trainer.total_words)
        position = trainer.position
        position.words_done = words
        position.epoch = min(words // trainer.corpus.token_count, trainer.config.epochs)
        position.cursor = 0
        position.steps = self._base_steps + int(sum(
            control[slot(k, worker.STEPS)] for k in range(count)))
        position.pairs_seen = self._base_pairs + int(sum(
            control[slot(k, worker.PAIRS)] for k in range(count)))
        # each worker keeps the moving average as one trainer does; the run's is their mean
        measured = [k for k in range(count) if control[slot(k, worker.LOSSES)] > 0]
        if measured:
            position.last_loss = float(np.mean(
                [control[slot(k, worker.LOSS)] for k in measured]))
            position.smoothed_loss = float(np.mean(
                [control[slot(k, worker.SMOOTHED)] for k in measured]))

    def _finish(self) -> None:
        """The workers' jobs are over (or abandoned): private vectors, the position, and
        the shared memory released."""
        trainer = self.trainer
        self._sync_position()
        trainer.center_vectors = np.array(trainer.center_vectors, copy=True)
        trainer.outside_vectors = np.array(trainer.outside_vectors, copy=True)
        trainer.batches.kept_ids = trainer.batches.kept_sentences = None
        self._control = None
        for index, each in enumerate(self._busy):
            if each is not None and each.alive():
                each.process.kill()  # it did not finish its step in time: it is stuck
                each.process.join(1)
            self._busy[index] = None
        _release(self._shared)
        self._last_call = None

