"""The loss race: two runs on the same corpus, each on its own thread, measured on what
they share (core.train.race) against their training seconds."""

from __future__ import annotations

import threading
import time

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot
from PyQt6.QtWidgets import QWidget

from core.data.corpus import Corpus
from core.evaluation import AnalogySet, evaluate_analogies
from core.train.config import TrainConfig
from core.train.race import (
    HeldOut,
    RacePoint,
    RaceRun,
    held_out_log_loss,
    race_configs,
    split_held_out,
)
from core.train.trainer import Trainer, TrainerError
from w2v_gui.safety import log_exception
from w2v_gui.threads import WorkerThreads
from w2v_gui.views.race_window import RaceWindow
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
        self.generation = 0  # which race of its controller it belongs to

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
        self.corpus: Corpus | None = None  # the corpus raced on (or the session's)
        self.runs: list[RaceRun] = []
        self.held_out_pairs = 0
        self.problems: list[str] = []
        self._workers: list[RaceWorker] = []
        self._preparing: FunctionWorker | None = None
        self._generation = 0  # a cleared race's workers may still report: ignored
        self.window: RaceWindow | None = None  # made when first shown

    @property
    def running(self) -> bool:
        return bool(self._workers) or self._preparing is not None

    def show_window(self, parent: QWidget) -> None:
        """Show the race window (made the first time, over `parent`), kept in step with
        the race; closing it while the race runs stops the race."""
        if self.window is None:
            self.window = RaceWindow(parent)
            self.window.stop.connect(self.stop)
            self.changed.connect(self._refresh_window)
        self._refresh_window()
        self.window.show()
        self.window.raise_()

    def _refresh_window(self) -> None:
        self.window.refresh(self.kind, self.held_out_pairs, self.runs, self.running,
                            len(self.corpus.words) if self.corpus is not None else 0)

    def start(self, corpus: Corpus, base: TrainConfig, kind: str,
              analogies: AnalogySet | None, seconds: float = RACE_SECONDS) -> None:
        """Set held-out sentences aside (on a worker thread), then train both runs."""
        if self.running:
            return
        self.kind, self.problems, self.corpus = kind, [], corpus
        self.runs = [RaceRun(name, config) for name, config in race_configs(base, kind)]
        self.changed.emit()
        generation = self._generation
        preparing = FunctionWorker(lambda: split_held_out(corpus, base.window))
        preparing.failed.connect(lambda message: self.failed.emit(
            f"The race could not start: {message}"))
        preparing.finished.connect(
            lambda split: self._prepared(split, analogies, seconds, generation))
        self._preparing = preparing
        self.threads.start(preparing)

    def _prepared(self, split, analogies: AnalogySet | None, seconds: float,
                  generation: int) -> None:
        if generation != self._generation:
            return  # stopped or cleared while the held-out sentences were set aside
        self._preparing = None
        if split is None:
            self.runs = []
            self.changed.emit()
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
            worker.generation = generation
            worker.measured.connect(lambda i, point, w=worker: self._measured(w, i, point))
            worker.failed.connect(lambda i, message, w=worker: self._failed(w, i, message))
            worker.finished.connect(lambda i, w=worker: self._finished(w, i))
            self._workers.append(worker)
        for worker in list(self._workers):
            self.threads.start(worker)
        self.changed.emit()

    def stop(self) -> None:
        """End the race: its runs stop at their next step; one still preparing never
        starts."""
        if self._preparing is not None:
            self._preparing = None
            self._generation += 1
            self.runs = []
            self.changed.emit()
            self.ended.emit()
        for worker in self._workers:
            worker.stop()

    def clear(self) -> None:
        """Forget the race (another corpus or session is open): stop it, drop its curves."""
        for worker in self._workers:
            worker.stop()
        self._workers, self._preparing = [], None
        self._generation += 1
        self.runs, self.kind, self.held_out_pairs, self.problems = [], "", 0, []
        self.corpus = None
        self.changed.emit()

    def _measured(self, worker: RaceWorker, index: int, point: RacePoint) -> None:
        if worker.generation == self._generation:
            self.runs[index].points.append(point)
            self.changed.emit()

    def _failed(self, worker: RaceWorker, index: int, message: str) -> None:
        if worker.generation == self._generation:
            self.problems.append(f"{self.runs[index].name}: {message}")

    def _finished(self, worker: RaceWorker, index: int) -> None:
        if worker.generation != self._generation:
            return
        self.runs[index].finished = True
        self._workers = [w for w in self._workers if w is not worker]
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

    @staticmethod
    def parse(state: object) -> tuple[str, list[RaceRun], int] | None:
        """A race kept in a session, checked: (kind, runs, held-out pairs), or None for a
        record that is not one. Changes nothing, so a session is checked whole first."""
        if not isinstance(state, dict):
            return None
        try:
            runs = [RaceRun.from_json(run) for run in state["runs"]]
            kind, pairs = str(state["kind"]), int(state.get("held_out_pairs", 0))
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            return None
        return kind, runs, pairs

    def restore(self, state: object, corpus: Corpus | None = None) -> bool:
        """Show a race kept in a session (on `corpus`); False (nothing changes) for a
        record that is not one."""
        parsed = self.parse(state)
        if parsed is None:
            return False
        self.clear()
        self.kind, self.runs, self.held_out_pairs = parsed
        self.corpus = corpus
        self.changed.emit()
        return True
