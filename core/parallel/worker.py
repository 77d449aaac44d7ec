"""One worker process of a parallel run: it maps the shared vectors and text, trains its
part of every epoch with the trainer's own step (core.train.batches), lock-free on the
shared vectors as word2vec.c and gensim do (Hogwild), and reports through a shared block
of numbers. Nothing here imports Qt; the process is started with "spawn".

The control block (float64, see `Slot`) holds, for the run: how many words all workers
together may have trained (`ALLOWED`: the parent grants more while it wants training to go
on, so a parent that stops granting pauses every worker within one step) and the stop
flag; for each worker: its words, pairs and steps, its latest measured loss, their moving
average (as Trainer.step keeps it) and how many it measured, and its state.
"""

from __future__ import annotations

import gc
import os
import signal
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection

import numpy as np

from core.data.corpus import Text
from core.errors import DivergenceError
from core.storage.shared import ArraySpec, SharedArray, one_thread_per_library
from core.train.batches import Batches
from core.train.config import TrainConfig
from core.train.state import Position
from core.train.trainer import divergence_error, scheduled_rate

# the run's slots, then SLOTS_PER_WORKER a worker from RUN_SLOTS on
ALLOWED, STOP = 0, 1
RUN_SLOTS = 2
WORDS, PAIRS, STEPS, LOSS, SMOOTHED, LOSSES, STATE = range(7)
SLOTS_PER_WORKER = 7
# a worker's states
IDLE, WAITING, RUNNING, DONE, FAILED = range(5)
WAIT_SECONDS = 0.002  # how long a worker sleeps while it has no words granted
PARENT_CHECK_SECONDS = 0.5  # how often a worker checks that the app is still there
SMOOTHING = 0.05  # Trainer.step's moving average of the loss: this weight a measured step


def slot(worker: int, field: int) -> int:
    return RUN_SLOTS + worker * SLOTS_PER_WORKER + field


@dataclass(frozen=True)
class Part:
    """A worker's share of the text: tokens first..last of the corpus, and its sentence
    boundaries within that range (a sentence that crosses a part's edge is cut there)."""

    first: int
    last: int
    sentence_offsets: np.ndarray  # rebased to the part's first token


def split_text(token_count: int, sentence_offsets: np.ndarray, parts: int) -> list[Part]:
    """The text in `parts` runs of (nearly) equal token counts."""
    edges = [round(k * token_count / parts) for k in range(parts + 1)]
    result = []
    for first, last in zip(edges[:-1], edges[1:], strict=True):
        inside = sentence_offsets[(sentence_offsets > first) & (sentence_offsets < last)]
        offsets = np.concatenate(([first], inside, [last])).astype(np.int64) - first
        result.append(Part(first, last, offsets))
    return result


class PartCorpus(Text):
    """What a step reads of a corpus (core.train.batches), for one part of the shared text."""

    def __init__(self, token_ids: np.ndarray, part: Part, vocab_size: int) -> None:
        self.token_ids = token_ids[part.first:part.last]
        self.sentence_offsets = part.sentence_offsets
        self.vocab_size = vocab_size


@dataclass(frozen=True)
class Job:
    """What a worker needs to train its part (sent once per run; the arrays by name)."""

    index: int  # this worker's number, 0..workers-1
    workers: int
    config: TrainConfig
    seed: tuple[int, ...]  # this worker's generator's seed: (run seed, run, worker)
    center: ArraySpec
    outside: ArraySpec
    token_ids: ArraySpec
    noise_table: ArraySpec
    control: ArraySpec
    keep_probability: np.ndarray  # (V,) float32
    part: Part
    epoch: int  # where this part starts: its epoch and the words of it already done
    words_done: int
    steps_before: int  # steps the whole run took before this start
    smoothed_loss: float  # the run's moving average of the loss so far (NaN: none yet)
    total_words: int  # of the whole run (all parts, all epochs)


class WorkerRun:
    """The trainer's `Run` (core.train.batches) for one worker: the shared vectors, its
    part of the text, its own position and generator, and the learning rate of the whole
    run's progress (every worker's words)."""

    def __init__(self, job: Job, arrays: dict[str, np.ndarray]) -> None:
        self.job, self.config = job, job.config
        self.corpus = PartCorpus(arrays["token_ids"], job.part, job.keep_probability.size)
        self.rng = np.random.default_rng(list(job.seed))
        self.center_vectors, self.outside_vectors = arrays["center"], arrays["outside"]
        self.noise_table = arrays["noise_table"]
        self.keep_probability = job.keep_probability
        self.concurrent = job.workers  # every worker steps on the same vectors at once
        self.position = Position(epoch=job.epoch, words_done=job.words_done)
        self.control = arrays["control"]
        self.batches = Batches(self)
        self._words = [slot(k, WORDS) for k in range(job.workers)]
        self._steps = [slot(k, STEPS) for k in range(job.workers)]

    def all_words(self) -> float:
        return float(self.control[self._words].sum())

    @property
    def progress(self) -> float:
        return min(1.0, self.all_words() / max(1, self.job.total_words))

    def learning_rate(self) -> float:
        steps = self.job.steps_before + int(self.control[self._steps].sum())
        return scheduled_rate(self.config, self.progress, steps)

    def divergence(self, what: str) -> DivergenceError:
        steps = self.job.steps_before + int(self.control[self._steps].sum())
        return divergence_error(what, steps, self.learning_rate())

    @property
    def finished(self) -> bool:
        return self.position.epoch >= self.config.epochs


def train_part(job: Job, arrays: dict[str, np.ndarray], parent: int) -> None:
    """Step through this worker's part while words are granted, until it is done or the
    run stops. Raises DivergenceError (the refused step not applied) like the trainer."""
    run = WorkerRun(job, arrays)
    control, me = run.control, job.index
    control[slot(me, WORDS)] = run.position.words_done
    control[slot(me, SMOOTHED)] = job.smoothed_loss
    # A worker measures 1/workers of the run's steps: weighted so, its average spans as
    # many of the run's words as one trainer's does, and the run's (their mean) means
    # what it means with one worker.
    weight = 1 - (1 - SMOOTHING) ** job.workers
    checked = time.monotonic()
    while not control[STOP] and not run.finished:
        now = time.monotonic()
        if now - checked > PARENT_CHECK_SECONDS:
            if os.getppid() != parent:
                return  # the app is gone: stop at once
            checked = now
        if run.all_words() >= control[ALLOWED]:
            control[slot(me, STATE)] = WAITING
            time.sleep(WAIT_SECONDS)
            continue
        control[slot(me, STATE)] = RUNNING
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            step = run.batches.corpus_step()
            try:
                while True:
                    next(step)  # one chunk of a step too large to compute at once
                    if control[STOP]:
                        step.close()  # a step applies nothing before its last chunk
                        return
            except StopIteration as ended:
                result = ended.value
        run.position.steps += 1
        if result.loss is not None:
            if not np.isfinite(result.loss):
                raise run.divergence(f"the loss became {result.loss}")
            control[slot(me, LOSS)] = result.loss
            smoothed = control[slot(me, SMOOTHED)]
            control[slot(me, SMOOTHED)] = result.loss if np.isnan(smoothed) else (
                (1 - weight) * smoothed + weight * result.loss)
            control[slot(me, LOSSES)] += 1
        control[slot(me, PAIRS)] = run.position.pairs_seen
        control[slot(me, STEPS)] = run.position.steps
        control[slot(me, WORDS)] = run.position.words_done


def serve(connection: Connection, parent: int) -> None:
    """A worker's life: wait for a job, train it, say how it ended; until told to quit
    (None) or the app is gone (the pipe closes)."""
    while True:
        try:
            while not connection.poll(PARENT_CHECK_SECONDS):
                if os.getppid() != parent:
                    return
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        shared = {name: SharedArray.attach(getattr(job, name))
                  for name in ("center", "outside", "token_ids", "noise_table", "control")}
        arrays = {name: array.array for name, array in shared.items()}
        control = arrays["control"]
        try:
            train_part(job, arrays, parent)
            control[slot(job.index, STATE)] = DONE
            reply = ("done", None)
        except DivergenceError as error:
            control[slot(job.index, STATE)] = FAILED
            reply = ("diverged", str(error))
        except Exception:  # noqa: BLE001 - any failure ends this run with its traceback
            control[slot(job.index, STATE)] = FAILED
            reply = ("failed", traceback.format_exc())
        del arrays, control
        gc.collect()  # the run's views of the shared arrays (it refers to itself) go first
        for array in shared.values():
            array.close()
        try:
            connection.send(reply)
        except (BrokenPipeError, OSError):
            return


def main(connection: Connection, parent: int) -> None:
    """The process's entry point (multiprocessing's target). Ctrl+C reaches the whole
    process group: the app decides what it means, and stops its workers. One thread per
    library: the workers are as many as the cores already."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with one_thread_per_library():
        serve(connection, parent)
