"""Train with my code: the handout's recipe run with the student's functions, and in a
race beside the fast trainer, each in a process of its own (core.student.runs).
What the runs send is collected here, on the GUI thread, for the Train tab to draw."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal

from core.data.corpus import Corpus
from core.student.runs import RunSpec, StudentRun

SIDES = ("theirs", "ours")


@dataclass
class RunTrace:
    """What one run has sent so far."""

    words: list[str] = field(default_factory=list)
    iterations: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    vectors: np.ndarray | None = None  # the newest center vectors
    iteration: int = 0
    ended: str | None = None  # finished, stopped, failed, diverged
    error: str | None = None
    fast_speed: float | None = None  # the fast trainer's iterations/s, timed by theirs

    elapsed: float = 0.0  # training seconds so far

    @property
    def speed(self) -> float | None:
        """Iterations per training second so far."""
        return self.iteration / self.elapsed if self.elapsed > 0 else None


class StudentTraining(QObject):
    """`start(corpus, racing)` runs theirs (and ours when racing); `changed(side)` after
    each message; `ended(side)` once a run is over."""

    changed = pyqtSignal(str)
    ended = pyqtSignal(str)
    _arrived = pyqtSignal(str, object)  # from a run's reader thread to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runs: dict[str, StudentRun] = {}
        self.traces: dict[str, RunTrace] = {}
        self.paused = False
        self._folder: tempfile.TemporaryDirectory | None = None
        self._arrived.connect(self._take)

    @property
    def running(self) -> bool:
        return any(trace.ended is None for trace in self.traces.values())

    def start(self, corpus: Corpus, word2vec: Path, sgd: Path | None, iterations: int,
              racing: bool) -> None:
        """Write the corpus where the runs read it, and start them."""
        self.stop()
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="w2v-corpus-")
        text = Path(self._folder.name) / "corpus.txt"
        corpus.write_text(text)
        self.runs, self.traces, self.paused = {}, {}, False
        for side in SIDES[:2 if racing else 1]:
            self.traces[side] = RunTrace()
            spec = RunSpec(side, str(text), str(word2vec), str(sgd) if sgd else None,
                           iterations=iterations)
            self.runs[side] = StudentRun(
                spec, lambda message, side=side: self._arrived.emit(side, message))

    def _take(self, side: str, message: dict) -> None:
        trace = self.traces.get(side)
        run = self.runs.get(side)
        if trace is None or run is None:
            return  # a run of an earlier start
        kind = message["kind"]
        if kind == "ready":
            trace.words = message["words"]
        elif kind == "speed":
            trace.fast_speed = message["iterations_per_second"]
        elif kind == "progress":
            trace.iteration = message["iteration"]
            trace.elapsed = message["seconds"]
            for iteration, cost, seconds in message["points"]:
                trace.iterations.append(iteration)
                trace.costs.append(cost)
                trace.seconds.append(seconds)
        elif kind == "vectors":
            trace.vectors = message["vectors"]
        elif kind == "ended":
            trace.ended, trace.error = message["how"], message.get("error")
            if message.get("iteration") is not None:
                trace.iteration = message["iteration"]
            self.changed.emit(side)
            self.ended.emit(side)
            return
        self.changed.emit(side)

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        for run in self.runs.values():
            run.pause() if self.paused else run.resume()

    def stop(self) -> None:
        for run in self.runs.values():
            run.stop()

    def shutdown(self) -> None:
        """The app closes: every run ends now."""
        for run in self.runs.values():
            run.kill()
        for run in self.runs.values():
            run.wait(2.0)
        if self._folder is not None:
            self._folder.cleanup()
