"""Step mode: one SGD step at a time with its math in the Math panel, the step's arrows on
the map, and the gradient check of the current run on a worker thread."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal

from core.errors import Cancelled, TrainerError
from core.train.config import TrainConfig
from core.train.gradcheck import check_parameters
from core.train.step_math import map_arrows
from w2v_gui.controllers.map import MapController
from w2v_gui.controllers.training import TrainingController
from w2v_gui.panels.math_panel import MathPanel
from w2v_gui.threads import WorkerThreads
from w2v_gui.workers import FunctionWorker

ARROW_COLOURS = {"v_c": (170, 20, 40), "u_o": (0, 130, 70), "u_k": (60, 80, 200)}
GRADIENT_CHECK_SECONDS = 10.0  # about this long: fewer entries where evaluations are slow

# change_run(config, change, title, errors) -> bool: train or step the current run, or a
# new one (asking first if that discards unsaved work); `errors` end in a message
ChangeRun = Callable[[TrainConfig, Callable[[TrainConfig], object], str, tuple], bool]


class StepModeController(QObject):
    """Takes single steps, shows them in the Math panel and on the map, checks gradients.
    It owns no widget: the window shows the Math panel's dock on `show_panel` and updates
    what is enabled on `changed`."""

    show_panel = pyqtSignal()  # the Math panel has something new to show
    changed = pyqtSignal()  # a step was taken, or a gradient check started or ended

    def __init__(self, training: TrainingController, map_controller: MapController,
                 math_panel: MathPanel, threads: WorkerThreads,
                 config: Callable[[], TrainConfig | None], change_run: ChangeRun,
                 can_step: Callable[[], bool]) -> None:
        """config: the form's settings (None while a value is refused); change_run: the
        window's one way to train or step, maybe in a new run; can_step: whether a step may
        be taken now (w2v_gui.state's rule, which the window feeds)."""
        super().__init__()
        self.training, self.map, self.math_panel = training, map_controller, math_panel
        self.threads = threads
        self._config, self._change_run, self._can_step = config, change_run, can_step
        self.checking = False  # a gradient check is running
        self._stop_checks = threading.Event()  # set when the app closes
        math_panel.step.connect(self.step_once)
        math_panel.check_gradients.connect(self.check_gradients)
        math_panel.example_shown.connect(lambda _math: self.draw_arrows())
        training.stepped.connect(self._stepped)
        map_controller.projection.layout_ready.connect(lambda _frame: self.draw_arrows())
        map_controller.view.word_clicked.connect(self._word_clicked)

    def step_once(self) -> None:
        """Take exactly one SGD step (Train ▸ Step, F10) and show its math."""
        config = self._config()
        if config is not None and self._can_step():
            # a ValueError: no step left; either way the vectors stay as they were
            self._change_run(config, self.training.step_once, "The step was not taken",
                             (TrainerError, ValueError))
            self.changed.emit()

    def _stepped(self, record) -> None:
        self.math_panel.show_record(record)
        self.show_panel.emit()
        if self.map.worker is not None:  # paused: the run's thread feeds no frame now
            self.map.redraw()

    def _word_clicked(self, word: str) -> None:
        if self.math_panel.isVisible() and self.math_panel.record is not None:
            self.math_panel.choose_word(word)

    def clear_arrows(self) -> None:
        """A run starts: a step's arrows do not follow it."""
        self.map.view.show_arrows([])

    def draw_arrows(self) -> None:
        """Arrows from v_c, u_o and the u_k to where the example's update moves them, on a
        PCA map or the handout's picture (linear maps; core.train.step_math.map_arrows)."""
        math, record, view = self.math_panel.math, self.math_panel.record, self.map.view
        training = self.training
        if (math is None or view.layout is None or not len(view.ids)
                or (training.running and not training.paused)  # the map moves on
                or self.map.controls.method_key not in ("pca", "handout")
                or int(view.ids.max()) >= record.center_after.shape[0]):
            view.show_arrows([])
            if math is not None:
                self.math_panel.arrow_note(None)
            return
        found = map_arrows(record, math, view.ids, view.layout)
        if found is None:  # a frame of other vectors: wait for the step's own
            view.show_arrows([])
            return
        arrows, scale = found
        cbow = record.model == "cbow"
        view.show_arrows([
            (*arrow.start, *arrow.end,
             "v̂" if cbow and arrow.kind == "v_c" else f"{arrow.kind} {record.words[arrow.word]}",
             ARROW_COLOURS[arrow.kind]) for arrow in arrows])
        self.math_panel.arrow_note(scale)

    def check_gradients(self) -> None:
        """Check the current run's gradients by central differences, on a worker thread."""
        if self.checking:
            return
        try:
            with self.training.held_still() as trainer:
                if trainer is None:
                    return
                # the check runs on a copy of the parameters, the run goes on meanwhile
                parameters = (trainer.center_vectors.copy(), trainer.outside_vectors.copy(),
                              trainer.corpus, trainer.config)
        except TrainerError as error:
            self.math_panel.show_check(None, str(error))
            return
        self.show_panel.emit()
        self.math_panel.checking()
        self.checking = True
        stop = self._stop_checks

        def check():
            try:
                return check_parameters(*parameters, seconds=GRADIENT_CHECK_SECONDS,
                                        should_stop=stop.is_set)
            except Cancelled:  # the app closes
                return None

        worker = FunctionWorker(check)
        worker.failed.connect(lambda message: self.math_panel.show_check(None, message))
        worker.finished.connect(self._checked)
        self.threads.start(worker)
        self.changed.emit()

    def _checked(self, check) -> None:
        self.checking = False
        if check is not None:
            self.math_panel.show_check(check)
        self.changed.emit()

    def shutdown(self) -> None:
        """The app closes: a running check ends at its next entry."""
        self._stop_checks.set()
