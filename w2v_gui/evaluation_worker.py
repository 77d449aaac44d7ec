"""The evaluation's worker thread: scores a copy of the vectors on the loaded test sets
(core.evaluation) and reports; a newer request makes the one in progress stop early."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot

from core.errors import Cancelled
from core.evaluation import (
    AnalogyResult,
    AnalogySet,
    PairResult,
    PairSet,
    evaluate_analogies,
    evaluate_pairs,
)
from core.vectors.embeddings import Embeddings
from w2v_gui.safety import log_exception


@dataclass(frozen=True)
class EvaluationRequest:
    """Score `embeddings` on the sets given. words_done: the run's position when the copy
    was taken (a point of the quality curve), or None for vectors outside a run."""

    serial: int
    embeddings: Embeddings
    words_done: int | None
    analogies: AnalogySet | None
    pairs: PairSet | None
    method: str = "3cosadd"


@dataclass(frozen=True)
class EvaluationReport:
    request: EvaluationRequest
    analogies: AnalogyResult | None
    pairs: PairResult | None
    seconds: float  # the work, on the worker's thread
    problem: str | None = None  # set when the evaluation failed (a bug, logged)


class EvaluationWorker(QObject):
    """Evaluates on its own thread (requests arrive through its event loop)."""

    done = pyqtSignal(object)  # EvaluationReport

    def __init__(self) -> None:
        super().__init__()
        self.wanted = 0  # the newest request's serial; an older one stops between chunks

    @pyqtSlot()
    def run(self) -> None:
        pass

    def cancel(self) -> None:
        """Stop the evaluation in progress (any thread)."""
        self.wanted += 1_000_000_000

    @pyqtSlot(object)
    def evaluate(self, request: EvaluationRequest) -> None:
        if request.serial < self.wanted:
            return  # a newer request is already on its way

        def superseded() -> bool:
            return self.wanted > request.serial

        started = time.perf_counter()
        try:
            analogies = pairs = None
            if request.analogies is not None:
                analogies = evaluate_analogies(request.embeddings, request.analogies,
                                               method=request.method, should_stop=superseded)
            if request.pairs is not None:
                pairs = evaluate_pairs(request.embeddings, request.pairs)
        except Cancelled:
            return
        except Exception as error:  # a bug: reported, the run and the app go on
            log_exception("an evaluation failed", error)
            self.done.emit(EvaluationReport(request, None, None, 0.0,
                                            f"the evaluation failed: {error!r}"))
            return
        self.done.emit(EvaluationReport(request, analogies, pairs,
                                        time.perf_counter() - started))
