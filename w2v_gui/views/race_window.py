"""The race window: both runs of a loss race against training seconds, on the held-out
log-loss and the analogy accuracy, with each run's words/s. It shows what it is given
(w2v_gui.controllers.race keeps the race) and asks for the race to stop on `stop`."""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.train.race import RaceRun, race_verdict

COLOURS = ((200, 60, 40), (40, 90, 200))  # the first run, the second
EXPLAINED = {
    "losses": "Naive softmax scores every word of the vocabulary for each pair, O(|V|) "
              "work; negative sampling scores the outside word and K noise words, O(K). "
              "Both are measured on the same held-out pairs with the full softmax.",
    "models": "Skip-gram predicts each outside word from the center; CBOW predicts the "
              "center from its window. Both are measured on the same held-out pairs "
              "with the full softmax.",
}


class RaceWindow(QWidget):
    stop = pyqtSignal()
    pause = pyqtSignal()  # Space: pause or resume the app's run

    def __init__(self, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.running = False  # the race shown is on
        self.setWindowTitle("Loss race")
        self.resize(1000, 520)
        self.explained = QLabel("")
        self.explained.setWordWrap(True)
        self.loss_plot = self._plot("held-out log-loss (nats per pair)")
        self.quality_plot = self._plot("analogy accuracy")
        self.quality_plot.setYRange(0, 1, padding=0.02)
        self.loss_curves, self.quality_curves = [], []
        for colour in COLOURS:
            pen = pg.mkPen(colour, width=2)
            self.loss_curves.append(self.loss_plot.plot(pen=pen, symbol="o", symbolSize=4,
                                                        symbolBrush=colour, symbolPen=None))
            self.quality_curves.append(self.quality_plot.plot(
                pen=pen, symbol="o", symbolSize=4, symbolBrush=colour, symbolPen=None))
        self.quality_plot.setXLink(self.loss_plot)
        self.legends = [plot.addLegend(offset=(-10, 10))
                        for plot in (self.loss_plot, self.quality_plot)]
        self.readouts = [QLabel("") for _ in COLOURS]
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.stop_button = QPushButton("Stop the race")
        self.stop_button.clicked.connect(self.stop)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        for keys in ("Escape", QKeySequence.StandardKey.Close):
            QShortcut(QKeySequence(keys), self, self.close)
        QShortcut(QKeySequence("Space"), self, self.pause.emit)  # the app's run, as there
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.quality_plot)
        status = QHBoxLayout()
        for label in self.readouts:
            status.addWidget(label, 1)
        status.addWidget(self.stop_button)
        status.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explained)
        layout.addLayout(plots, 1)
        layout.addLayout(status)
        layout.addWidget(self.verdict)
        self.refresh("", 0, [], False)

    @staticmethod
    def _plot(name: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(background="w")
        plot.setLabel("bottom", "training seconds")
        plot.setLabel("left", name)
        return plot

    def refresh(self, kind: str, held_out_pairs: int, runs: list[RaceRun],
                running: bool, vocabulary: int = 0) -> None:
        """Show a race of `kind` ("losses" or "models"; "" for none) and its runs, on a
        corpus of `vocabulary` words; once it has ended, what it showed."""
        self.running = running
        for legend, curves in zip(self.legends, (self.loss_curves, self.quality_curves),
                                  strict=True):
            legend.clear()
            for run, curve in zip(runs, curves, strict=False):
                legend.addItem(curve, run.name)
        self.verdict.setText("" if running else race_verdict(kind, runs, vocabulary))
        self.explained.setText(EXPLAINED.get(kind, "") + (
            f" {held_out_pairs:,} held-out pairs, from sentences neither run trains on."
            if held_out_pairs else ""))
        self.stop_button.setEnabled(running)
        for index, colour in enumerate(COLOURS):
            run = runs[index] if index < len(runs) else None
            points = run.points if run is not None else []
            seconds = np.array([p.seconds for p in points])
            losses = np.array([p.log_loss for p in points])
            accuracy = np.array([p.accuracy for p in points])
            self.loss_curves[index].setData(seconds, losses)
            measured = np.isfinite(accuracy)
            self.quality_curves[index].setData(seconds[measured], accuracy[measured])
            self.readouts[index].setText(readout(run, colour, running))

    def closeEvent(self, event) -> None:
        if self.running:
            self.stop.emit()  # closing the window ends the race it shows
        super().closeEvent(event)


def readout(run, colour: tuple, running: bool) -> str:
    """"naive softmax: 1,530 words/s, log-loss 3.86, analogies 12.0%" in the run's colour."""
    if run is None:
        return ""
    text = f"<b>{escape(run.name)}</b>"
    if run.points:
        last = run.points[-1]
        text += (f": {last.words_per_second:,.0f} words/s, {last.words_done:,} words in "
                 f"{last.seconds:.1f} s, log-loss {last.log_loss:.3f}")
        if not math.isnan(last.accuracy):
            text += f", analogies {last.accuracy:.1%}"
    elif running:
        text += ": starting…"
    return f"<span style='color: rgb{colour}'>{text}</span>"
