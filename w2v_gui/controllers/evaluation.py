"""The evaluation: which test sets are loaded, scoring copies of the vectors on a worker
thread, and the run's quality curve. While a run trains, its newest copy is evaluated every
couple of seconds at most, and never more than a tenth of the time."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from core.evaluation import (
    AnalogySet,
    EvaluationFileError,
    PairSet,
    read_analogies,
    read_pairs,
)
from core.train.history import QualityHistory
from core.vectors.embeddings import Embeddings
from resources.toy_world import TOY_ANALOGIES, TOY_PAIRS
from w2v_gui.controllers.training import TrainingController
from w2v_gui.evaluation_worker import EvaluationReport, EvaluationRequest, EvaluationWorker
from w2v_gui.safety import log_exception
from w2v_gui.threads import WorkerThreads

INTERVAL = 2.0  # seconds between the starts of two evaluations of a training run
REST_PER_WORK = 9.0  # and after each, rest nine times as long as it took: ≤ 10% of the time
METHODS = {"3CosAdd": "3cosadd", "3CosMul": "3cosmul"}


def gensim_test_sets() -> tuple[Path, Path] | None:
    """(questions-words.txt, wordsim353.tsv) from the installed gensim package (found
    without importing it), or None."""
    spec = importlib.util.find_spec("gensim")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "test" / "test_data"
    files = folder / "questions-words.txt", folder / "wordsim353.tsv"
    return files if all(f.is_file() for f in files) else None


class EvaluationController(QObject):
    reported = pyqtSignal(object)  # EvaluationReport: the newest results
    quality_changed = pyqtSignal()  # the run's quality curve grew
    sets_changed = pyqtSignal()  # the test sets loaded changed
    failed = pyqtSignal(str, str)  # title, message: a test file could not be used
    _to_worker = pyqtSignal(object)

    def __init__(self, threads: WorkerThreads, training: TrainingController) -> None:
        super().__init__()
        self.training = training
        self.analogies: AnalogySet | None = None
        self.pairs: PairSet | None = None
        self.method = "3cosadd"
        self.live = True  # measure the quality while a run trains
        self.last_report: EvaluationReport | None = None
        self.worker = EvaluationWorker()
        self._to_worker.connect(self.worker.evaluate)
        self.worker.done.connect(self._done)
        threads.start(self.worker)
        self._serial = 0
        self._busy = False  # a request is on the worker
        self._targets: dict[int, QualityHistory] = {}  # request -> the curve it extends
        self._waiting: tuple[Embeddings, int] | None = None  # a run's copy, not yet sent
        self._next_start = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._send_due)
        training.embeddings_ready.connect(self._copy_arrived)
        training.finished.connect(self._run_ended)

    # ------------------------------------------------------------------ test sets
    # which of the sets in use are the toy world's own (each may be, the other not)
    toy_analogies = toy_pairs = False

    @property
    def toy_sets(self) -> bool:
        """Both sets in use are the toy world's own."""
        return self.toy_analogies and self.toy_pairs

    @property
    def has_sets(self) -> bool:
        return self.analogies is not None or self.pairs is not None

    def load_toy_sets(self) -> None:
        """The toy world's own analogies and word pairs (shipped in resources/)."""
        try:
            self.analogies = read_analogies(TOY_ANALOGIES)
            self.pairs = read_pairs(TOY_PAIRS)
            self.toy_analogies = self.toy_pairs = True
        except EvaluationFileError as error:  # the installation is damaged
            log_exception("the toy world's test sets could not be read", error)
        self.sets_changed.emit()

    def corpus_changed(self, toy_world: bool) -> None:
        """Test sets belong to the corpus they were made for: the toy world gets its own;
        on another corpus (or vectors explored) the toy world's are dropped (each set on
        its own), and the panel offers gensim's or a file; sets the user loaded stay on
        any other corpus."""
        if toy_world and not self.toy_sets:
            self.load_toy_sets()
        elif not toy_world and (self.toy_analogies or self.toy_pairs):
            if self.toy_analogies:
                self.analogies, self.toy_analogies = None, False
            if self.toy_pairs:
                self.pairs, self.toy_pairs = None, False
            self.sets_changed.emit()

    def vectors_opened(self, embeddings: Embeddings) -> None:
        """Vectors to explore: the toy world's sets stay only if the file has every word
        they ask about (vectors a toy-world run wrote), else they are dropped. (A few
        hundred look-ups: nothing at 400,000 words.)"""
        asked = set()
        if self.toy_analogies:
            asked |= {w for q in self.analogies.questions for w in q}
        if self.toy_pairs:
            asked |= {w for pair in self.pairs.pairs for w in pair}
        if asked and not all(word in embeddings for word in asked):
            self.corpus_changed(False)

    def load_gensim_sets(self) -> bool:
        """Google's analogies and WordSim353, as the gensim package ships them."""
        found = gensim_test_sets()
        if found is None:
            self.failed.emit("gensim's test sets not found", (
                "gensim is not installed here, and its test data ships with it "
                "(questions-words.txt and wordsim353.tsv). Install it (pip install gensim) "
                "or load the files with Load…."))
            return False
        return self.load_analogies(found[0]) and self.load_pairs(found[1])

    def load_analogies(self, path: str | Path) -> bool:
        """Use these analogy questions from now on; on failure the set in use stays."""
        try:
            self.analogies = read_analogies(path)
            self.toy_analogies = False
        except EvaluationFileError as error:
            self.failed.emit("Analogy questions not loaded", str(error))
            return False
        self.sets_changed.emit()
        return True

    def load_pairs(self, path: str | Path) -> bool:
        """Use these word pairs from now on; on failure the list in use stays."""
        try:
            self.pairs = read_pairs(path)
            self.toy_pairs = False
        except EvaluationFileError as error:
            self.failed.emit("Word pairs not loaded", str(error))
            return False
        self.sets_changed.emit()
        return True

    def set_method(self, method: str) -> None:
        """"3cosadd" or "3cosmul", from the next evaluation on."""
        self.method = method

    def set_live(self, live: bool) -> None:
        """Measure the quality while a run trains (the curve), or only when asked."""
        self.live = live
        if not live:
            self._waiting = None
            self._timer.stop()

    # ------------------------------------------------------------------ evaluating
    def evaluate_now(self, embeddings: Embeddings | None, words_done: int | None) -> bool:
        """Evaluate these vectors at once (words_done: a point of the current run's curve,
        or None). False when there is nothing to evaluate or no test set."""
        if embeddings is None or not self.has_sets:
            return False
        self._send(embeddings, words_done)
        return True

    def shutdown(self) -> None:
        """Stop the evaluation in progress (the window closes)."""
        self._timer.stop()
        self.worker.cancel()

    def _copy_arrived(self, embeddings: Embeddings) -> None:
        if not (self.training.running and self.live and self.has_sets):
            return
        self._waiting = (embeddings, self.training.embeddings_words_done)
        self._send_due()

    def _send_due(self) -> None:
        if self._busy or self._waiting is None:
            return
        wait = self._next_start - time.monotonic()
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)
            return
        (embeddings, words_done), self._waiting = self._waiting, None
        self._send(embeddings, words_done)

    def _run_ended(self, _stats) -> None:
        # the run's last copy at once, so that the curve ends where the run did
        if self.live and self.has_sets and self.training.embeddings is not None:
            self._waiting = None
            self._send(self.training.embeddings, self.training.embeddings_words_done)

    def _send(self, embeddings: Embeddings, words_done: int | None) -> None:
        self._serial += 1
        self.worker.wanted = self._serial  # an evaluation in progress stops early
        self._busy = True
        self._targets = {self._serial: self.training.quality} if words_done is not None else {}
        self._to_worker.emit(EvaluationRequest(self._serial, embeddings, words_done,
                                               self.analogies, self.pairs, self.method))

    def _done(self, report: EvaluationReport) -> None:
        request = report.request
        if request.serial != self._serial:
            return  # a newer request is on the worker
        self._busy = False
        self._next_start = time.monotonic() + max(INTERVAL - report.seconds,
                                                  REST_PER_WORK * report.seconds)
        if report.problem is not None:
            self.failed.emit("Evaluation failed", report.problem)
        else:
            target = self._targets.pop(request.serial, None)
            if target is not None:
                accuracy = report.analogies.accuracy if report.analogies else float("nan")
                spearman = report.pairs.spearman if report.pairs else float("nan")
                if target.add(request.words_done, accuracy, spearman) \
                        and target is self.training.quality:
                    self.quality_changed.emit()
            self.last_report = report
            self.reported.emit(report)
        self._send_due()
