"""The strip above the map: Train / Pause / Step / Stop / Reset, the run's progress and a
line of status (epoch or iteration, words/s or windows/s, time left)."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from core.train.progress import handout_line, progress_text
from core.train.trainer import StepStats, Trainer
from w2v_gui.panels.elided_label import ElidedLabel
from w2v_gui.state import Controls


class TrainingBar(QWidget):
    train = pyqtSignal()
    pause = pyqtSignal()
    stop = pyqtSignal()
    reset = pyqtSignal()
    step = pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.train_button = QPushButton("Train")
        self.pause_button = QPushButton("Pause")
        self.step_button = QPushButton("Step")
        self.stop_button = QPushButton("Stop")
        self.reset_button = QPushButton("Reset")
        self.train_button.setToolTip("Start a run, or continue a stopped one (Ctrl+T)")
        self.pause_button.setToolTip("Pause or resume (Space)")
        self.step_button.setToolTip("Take exactly one SGD step and show its math (F10); "
                                    "with the run paused or not started")
        self.stop_button.setToolTip("Stop; Train continues from here (Ctrl+.)")
        self.reset_button.setToolTip("Forget this run: the next Train starts afresh (Ctrl+R)")
        self.train_button.clicked.connect(self.train)
        self.pause_button.clicked.connect(self.pause)
        self.step_button.clicked.connect(self.step)
        self.stop_button.clicked.connect(self.stop)
        self.reset_button.clicked.connect(self.reset)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(150)
        self.label = ElidedLabel("Loading the toy world…")
        # buttons as wide as their longest text, not the style's 80-pixel minimum: the
        # status line beside them keeps its room at 1,280 pixels
        for button, longest in ((self.train_button, "Continue"), (self.pause_button, "Resume"),
                                (self.step_button, "Step"), (self.stop_button, "Stop"),
                                (self.reset_button, "Reset")):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance(longest) + 28)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.train_button, self.pause_button, self.step_button,
                       self.stop_button, self.reset_button, self.progress):
            layout.addWidget(widget)
        layout.addWidget(self.label, 1)

    def set_state(self, controls: Controls) -> None:
        """Enable the buttons `controls` allows (w2v_gui.state decides)."""
        self.train_button.setEnabled(controls.train)
        self.step_button.setEnabled(controls.step)
        self.train_button.setText("Continue" if controls.continues else "Train")
        self.pause_button.setEnabled(controls.pause)
        self.stop_button.setEnabled(controls.stop)
        self.reset_button.setEnabled(controls.reset)
        if not controls.pause:  # nothing runs: the next run starts unpaused
            self.pause_button.setText("Pause")

    def show_paused(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.label.setText(text)

    def show_stats(self, stats: StepStats, epochs: int) -> None:
        if stats.windows and stats.finished and stats.cost is not None:
            self.show_progress(1.0, f"Finished, as the handout prints it: "
                                    f"{handout_line(stats.steps, stats.cost)}.")
            return
        self.show_progress(stats.progress, progress_text(stats, epochs))

    def show_opened(self, name: str, trainer: Trainer) -> None:
        self.show_progress(trainer.progress, (
            f"Opened {name}: {trainer.words_done:,} words trained, {trainer.progress:.0%} of "
            "the run." + (" Train continues it." if not trainer.finished else "")))

