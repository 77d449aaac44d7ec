"""The loss race: two runs on the same corpus, each on its own thread, measured on what
they share (core.race) against their training seconds."""

from __future__ import annotations

import threading
import time

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from core.config import TrainConfig
from core.corpus import Corpus
from core.evaluation import AnalogySet, evaluate_analogies
from core.race import HeldOut, RacePoint, RaceRun, held_out_log_loss, race_configs, split_held_out
from core.trainer import Trainer, TrainerError
from w2v_gui.safety import log_exception
from w2v_gui.threads import WorkerThreads
from w2v_gui.workers import FunctionWorker

RACE_SECONDS = 60.0  # training seconds each run gets, unless its epochs end first
MEASURE_EVERY = 2.0  # training seconds between two measurements of a run


class RaceWorker(QObject):
    """Trains one run of a race and measures it every MEASURE_EVERY training seconds (the
    time spent measuring is not counted)."""

    measured = pyqtSignal(int, object)  # run index, RacePoint
    failed = pyqtSignal(int, str)
    finished = pyqtSignal(int)

    def __init__(self, index: int, trainer: Trainer, held_out: HeldOut,
                 analogies: AnalogySet | None, seconds: float) -> None:
        super().__init__()
        self.index, self.trainer, self.held_out = index, trainer, held_out
        self.analogies, self.seconds = analogies, seconds
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @pyqtSlot()
    def run(self) -> None:
        trainer, trained = self.trainer, 0.0
        try:
            self._measure(trained)
            due = MEASURE_EVERY
            while not (self._stop.is_set() or trainer.finished or trained >= self.seconds):
                started = time.perf_counter()
                trainer.step()
                trained += time.perf_counter() - started
                if trained >= due:
                    self._measure(trained)
                    due += MEASURE_EVERY
            self._measure(trained)
        except TrainerError as error:
            self.failed.emit(self.index, str(error))
        except Exception as error:  # a bug: logged, and the other run goes on
            log_exception("a race run failed", error)
            self.failed.emit(self.index, f"{error!r} (a bug; the details are in the log)")
        self.finished.emit(self.index)

    def _measure(self, seconds: float) -> None:
        trainer = self.trainer
        accuracy = float("nan")
        if self.analogies is not None:
            accuracy = evaluate_analogies(trainer.embeddings(), self.analogies).accuracy
        self.measured.emit(self.index, RacePoint(
            seconds=seconds, words_done=trainer.words_done,
            words_per_second=trainer.words_done / seconds if seconds > 0 else 0.0,
            log_loss=held_out_log_loss(trainer.center_vectors, trainer.outside_vectors,
                                       self.held_out),
            accuracy=accuracy))


class RaceController(QObject):
    """The race now on or last run: its two runs and their measurements."""

    changed = pyqtSignal()  # a run has a new point, or the race started or ended
    ended = pyqtSignal()
    failed = pyqtSignal(str)

    def __init__(self, threads: WorkerThreads) -> None:
        super().__init__()
        self.threads = threads
        self.kind = ""  # "losses" or "models"
        self.runs: list[RaceRun] = []
        self.held_out_pairs = 0
        self.problems: list[str] = []
        self._workers: list[RaceWorker] = []
        self._preparing: FunctionWorker | None = None

    @property
    def running(self) -> bool:
        return bool(self._workers) or self._preparing is not None

    def start(self, corpus: Corpus, base: TrainConfig, kind: str,
              analogies: AnalogySet | None, seconds: float = RACE_SECONDS) -> None:
        """Set held-out sentences aside (on a worker thread), then train both runs."""
        if self.running:
            return
        self.kind, self.problems = kind, []
        self.runs = [RaceRun(name, config) for name, config in race_configs(base, kind)]
        self.changed.emit()
        preparing = FunctionWorker(lambda: split_held_out(corpus, base.window))
        preparing.failed.connect(lambda message: self.failed.emit(
            f"The race could not start: {message}"))
        preparing.finished.connect(lambda split: self._prepared(split, analogies, seconds))
        self._preparing = preparing
        self.threads.start(preparing)

    def _prepared(self, split, analogies: AnalogySet | None, seconds: float) -> None:
        self._preparing = None
        if split is None:
            self.ended.emit()
            return
        training, held_out = split
        self.held_out_pairs = len(held_out)
        try:
            trainers = [Trainer(Trainer.prepare(training), run.config) for run in self.runs]
        except TrainerError as error:
            self.failed.emit(f"The race could not start: {error}")
            self.ended.emit()
            return
        for index, trainer in enumerate(trainers):
            worker = RaceWorker(index, trainer, held_out, analogies, seconds)
            worker.measured.connect(self._measured)
            worker.failed.connect(self._failed)
            worker.finished.connect(self._finished)
            self._workers.append(worker)
        for worker in list(self._workers):
            self.threads.start(worker)
        self.changed.emit()

    def stop(self) -> None:
        for worker in self._workers:
            worker.stop()

    def _measured(self, index: int, point: RacePoint) -> None:
        self.runs[index].points.append(point)
        self.changed.emit()

    def _failed(self, index: int, message: str) -> None:
        self.problems.append(f"{self.runs[index].name}: {message}")

    def _finished(self, index: int) -> None:
        self.runs[index].finished = True
        self._workers = [w for w in self._workers if w.index != index]
        if not self._workers:
            self.changed.emit()
            self.ended.emit()
            if self.problems:
                self.failed.emit("The race stopped early. " + " ".join(self.problems))

    # ------------------------------------------------------------------ sessions
    def state(self) -> dict | None:
        """The finished race, JSON-able (None when there has been none)."""
        if not self.runs or self.running:
            return None
        return {"kind": self.kind, "held_out_pairs": self.held_out_pairs,
                "runs": [run.to_json() for run in self.runs]}

    def restore(self, state: object) -> bool:
        """Show a race kept in a session; False (nothing changes) for a record that is
        not one."""
        if self.running or not isinstance(state, dict):
            return False
        try:
            runs = [RaceRun.from_json(run) for run in state["runs"]]
            kind, pairs = str(state["kind"]), int(state.get("held_out_pairs", 0))
        except (KeyError, TypeError, ValueError):
            return False
        self.kind, self.runs, self.held_out_pairs = kind, runs, pairs
        self.changed.emit()
        return True
