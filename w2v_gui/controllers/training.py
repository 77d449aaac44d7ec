"""The training lifecycle: a Trainer and its worker thread, start / continue / pause / stop /
reset, one step at a time (step mode), the run's loss history, and what each kind of
failure leads to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PyQt6.QtCore import QObject, pyqtSignal

from core.data.corpus import Corpus
from core.parallel.pool import WorkerPool
from core.parallel.trainer import ParallelTrainer
from core.train.config import TrainConfig
from core.train.history import LossHistory, QualityHistory
from core.train.step_math import StepRecord, record_step
from core.train.trainer import DivergenceError, StepStats, Trainer, TrainerError
from core.vectors.embeddings import Embeddings
from w2v_gui.safety import log_file
from w2v_gui.state import Facts, run_can_step
from w2v_gui.threads import WorkerThreads
from w2v_gui.workers import TrainingWorker

IDLE_TIMEOUT = 2.0  # seconds to wait for a chunk in flight to end before copying


class TrainingController(QObject):
    """Owns the current run. The GUI thread never touches the trainer's arrays while its
    worker runs, except inside `held_still()` (a command that needs the arrays themselves:
    a step, a saved copy); views get copies from the worker instead."""

    started = pyqtSignal(object)  # the TrainingWorker, before its thread starts
    stats = pyqtSignal(object)  # StepStats
    history_changed = pyqtSignal()
    embeddings_ready = pyqtSignal(object)  # a copy of every vector (Embeddings)
    paused_changed = pyqtSignal(bool)
    running_changed = pyqtSignal(bool)
    progressed = pyqtSignal()  # the run changed: the work is unsaved
    finished = pyqtSignal(object)  # StepStats: the run ended, was stopped or failed
    diverged = pyqtSignal(str)  # why; the trainer is at its last good state
    failed = pyqtSignal(str)  # any other failure; the run keeps its last vectors
    stepped = pyqtSignal(object)  # StepRecord: one step taken in step mode

    def __init__(self, threads: WorkerThreads, pool: WorkerPool | None = None) -> None:
        """The map alone decides which rows a run's snapshots carry, and tells the worker
        (MapController.follow, on `started`). pool: the worker processes a run of several
        workers trains with (kept for the app's life); None: a pool of each run's own."""
        super().__init__()
        self.threads = threads
        self.pool = pool
        self.corpus: Corpus | None = None
        # the current run, also once stopped: a Trainer at rest; while a thread trains a
        # run of several workers, the ParallelTrainer around it
        self.trainer: Trainer | ParallelTrainer | None = None
        self.worker: TrainingWorker | None = None  # while a thread trains it
        self.history = LossHistory()
        self.quality = QualityHistory()  # the run's quality curve (the evaluation adds to it)
        self.embeddings: Embeddings | None = None  # the newest copy of the vectors
        self.embeddings_words_done = 0  # the position that copy was taken at
        self._failure: Exception | None = None

    # ------------------------------------------------------------------ state
    @property
    def running(self) -> bool:
        return self.worker is not None

    @property
    def paused(self) -> bool:
        return self.worker is not None and self.worker.paused

    def can_continue(self, config: TrainConfig | None) -> bool:
        """True when Train with `config` continues the current run rather than starting one."""
        return (self.trainer is not None and not self.trainer.finished
                and self.trainer.corpus is self.corpus and self.trainer.config == config)

    def use_corpus(self, corpus: Corpus) -> None:
        """Train on `corpus` from now on; the current run is forgotten."""
        self.corpus = corpus
        self.forget_run()

    def adopt(self, trainer: Trainer, history: LossHistory,
              quality: QualityHistory | None = None) -> None:
        """Make a reopened run the current one (its corpus too); Train continues it."""
        self.corpus = trainer.corpus
        self.trainer = trainer
        self.history = history
        self.quality = quality if quality is not None else QualityHistory()
        self.embeddings = trainer.embeddings()
        self.embeddings_words_done = trainer.words_done
        self.history_changed.emit()
        self.embeddings_ready.emit(self.embeddings)

    def forget_run(self) -> None:
        self.trainer = None
        self.embeddings = None
        self.history = LossHistory()
        self.quality = QualityHistory()
        self.history_changed.emit()

    # ------------------------------------------------------------------ commands
    def start(self, config: TrainConfig) -> None:
        """Continue the current run if `config` is its own, else start a new one.
        Raises TrainerError (with what to change) when a new run cannot start."""
        if self.running or self.corpus is None:
            return
        if not self.can_continue(config):
            self._new_run(config)
        self._run(self.trainer)

    def _new_run(self, config: TrainConfig) -> None:
        """A fresh trainer with `config`, and empty histories. Raises TrainerError (with
        what to change) when the corpus does not allow it; the current run then stays."""
        self.trainer = Trainer(self.corpus, config)
        self.history = LossHistory()
        self.quality = QualityHistory()
        self.history_changed.emit()

    def can_step(self) -> bool:
        """Step mode, as far as the run is concerned (w2v_gui.state's one rule)."""
        return run_can_step(Facts(
            has_corpus=self.corpus is not None, running=self.running, paused=self.paused,
            no_step_left=self.paused and self.trainer.finished))  # read only while paused

    def step_once(self, config: TrainConfig) -> StepRecord | None:
        """Take exactly one SGD step of the current run (paused, stopped or not started;
        a new run with `config` when it is not the current run's) and report it like any
        step. Raises TrainerError (with what to change, the vectors as they were) and
        ValueError when the run is finished."""
        if not self.can_step():
            return None
        if self.running:
            with self.held_still() as trainer:
                if isinstance(trainer, ParallelTrainer):
                    trainer.stop()  # one step is the trainer's own; the workers go on after
                    trainer = trainer.trainer
                record = record_step(trainer)
        else:
            if not self.can_continue(config):
                self._new_run(config)
            record = record_step(self.trainer)
        self._stats(self.trainer.stats())
        self._keep_embeddings(self.trainer.embeddings(), self.trainer.words_done)
        self.stepped.emit(record)
        return record

    def continue_with_lower_rate(self) -> TrainConfig:
        """After a divergence: go on from the last good state at half the learning rate."""
        trainer = self.trainer
        alpha = trainer.config.alpha / 2
        trainer.config = trainer.config.replace(alpha=alpha,
                                                min_alpha=min(trainer.config.min_alpha, alpha))
        self._run(trainer)
        return trainer.config

    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        if self.worker.paused:
            self.worker.resume()
        else:
            self.worker.pause()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    @contextmanager
    def paused_while(self) -> Iterator[None]:
        """Hold a running run while inside (for as long as the user decides), then let it go
        on if it was going."""
        worker = self.worker
        was_paused = worker is None or worker.paused
        if worker is not None:
            worker.pause(quiet=True)
        try:
            yield
        finally:
            if worker is not None and not was_paused:
                worker.resume(quiet=True)

    @contextmanager
    def held_still(self) -> Iterator[Trainer | None]:
        """While inside, the training thread touches nothing (it is paused between chunks),
        so a run of one trainer does not change; yields the trainer. With several workers
        their processes go on writing the shared vectors: copy them (state_arrays,
        embeddings), or stop them (save, a step) first. Raises TrainerError if the thread
        does not pause."""
        with self.paused_while():
            if self.worker is not None and not self.worker.wait_until_idle(IDLE_TIMEOUT):
                raise TrainerError(f"training did not pause within {IDLE_TIMEOUT:g} s, so "
                                   "its vectors could not be copied. Try again, or stop "
                                   "training first.")
            yield self.trainer

    # ------------------------------------------------------------------ the worker
    def _run(self, trainer: Trainer) -> None:
        """Train `trainer` on a thread: in this process with workers=1 (the handout's
        batching always), else with its workers' processes."""
        if trainer.config.workers > 1 and trainer.config.batching == "corpus":
            trainer = ParallelTrainer(trainer, trainer.config.workers, self.pool)
        self.trainer = trainer
        self._failure = None
        # the rows its snapshots copy are set by whoever follows `started` (the map)
        worker = TrainingWorker(trainer)
        worker.stats.connect(self._stats)
        worker.embeddings.connect(self._keep_embeddings)
        worker.paused_changed.connect(self.paused_changed)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._finished)
        self.worker = worker
        self.started.emit(worker)
        self.threads.start(worker)
        self.running_changed.emit(True)

    def _stats(self, stats: StepStats) -> None:
        if self.history.add(stats):
            self.history_changed.emit()
        self.stats.emit(stats)
        self.progressed.emit()

    def _keep_embeddings(self, embeddings: Embeddings, words_done: int) -> None:
        self.embeddings = embeddings
        self.embeddings_words_done = words_done
        self.embeddings_ready.emit(embeddings)

    def _failed(self, error: Exception) -> None:
        self._failure = error

    def _finished(self, stats: StepStats) -> None:
        if isinstance(self.trainer, ParallelTrainer):
            self.trainer = self.trainer.trainer  # its workers stopped: the run at rest
        self.worker = None
        self.running_changed.emit(False)
        self.finished.emit(stats)
        failure, self._failure = self._failure, None
        if isinstance(failure, DivergenceError):
            self.diverged.emit(str(failure))
        elif isinstance(failure, TrainerError):
            self.failed.emit(f"{failure}\n\nThe vectors trained so far are kept.")
        elif failure is not None:
            self.failed.emit(
                f"Training stopped because of an unexpected error ({failure!r}). This is a "
                "bug; the vectors trained so far are kept, and you can save them. The "
                f"details are in {log_file()}.")
