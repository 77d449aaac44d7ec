"""The loss plot: per-step loss and its smoothed curve against words processed, with the
learning rate on a second axis, a log-y option and a crosshair readout."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt

from core.trainer import StepStats


class LossView(pg.PlotWidget):
    """Three curves updated in place (setData) as stats arrive."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.setLabel("bottom", "words processed")
        plot.setLabel("left", "loss per pair")
        plot.addLegend(offset=(-10, 10))
        self.raw_curve = plot.plot(pen=pg.mkPen((120, 140, 230, 110), width=1), name="loss")
        self.smooth_curve = plot.plot(pen=pg.mkPen((30, 60, 200), width=2.5),
                                      name="smoothed")
        # learning rate on a right-hand axis of its own
        self.rate_box = pg.ViewBox()
        plot.showAxis("right")
        plot.scene().addItem(self.rate_box)
        plot.getAxis("right").linkToView(self.rate_box)
        plot.getAxis("right").setLabel("learning rate", color="#c06000")
        plot.getAxis("right").enableAutoSIPrefix(False)
        self.rate_box.setXLink(plot)
        self.rate_curve = pg.PlotDataItem(pen=pg.mkPen((220, 120, 0), width=1.5,
                                                       style=Qt.PenStyle.DashLine))
        self.rate_box.addItem(self.rate_curve)
        plot.vb.sigResized.connect(self._match_rate_box)
        # crosshair and readout
        self.crosshair = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen((90, 90, 90), style=Qt.PenStyle.DotLine))
        self.readout = pg.TextItem(color=(40, 40, 40), anchor=(0, 1))
        plot.addItem(self.crosshair, ignoreBounds=True)
        plot.addItem(self.readout, ignoreBounds=True)
        self.crosshair.hide()
        self.readout.hide()
        plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.clear_history()

    def clear_history(self) -> None:
        self.words: list[float] = []
        self.losses: list[float] = []
        self.smoothed: list[float] = []
        self.rates: list[float] = []
        self._redraw()

    def add(self, stats: StepStats) -> None:
        loss = stats.cost if stats.cost is not None else stats.loss
        smooth = stats.cost if stats.cost is not None else stats.smoothed_loss
        if not (math.isfinite(loss) and math.isfinite(smooth)):
            return
        if self.words and stats.words_done <= self.words[-1]:
            return
        self.words.append(float(stats.words_done))
        self.losses.append(loss)
        self.smoothed.append(smooth)
        self.rates.append(stats.learning_rate)
        self._redraw()

    def history(self) -> np.ndarray:
        """(n, 4) words processed, loss, smoothed loss, learning rate."""
        return np.column_stack([self.words, self.losses, self.smoothed, self.rates]) \
            if self.words else np.zeros((0, 4))

    def set_log_y(self, enabled: bool) -> None:
        self.getPlotItem().setLogMode(y=enabled)

    def _redraw(self) -> None:
        self.raw_curve.setData(self.words, self.losses)
        self.smooth_curve.setData(self.words, self.smoothed)
        self.rate_curve.setData(self.words, self.rates)

    def _match_rate_box(self) -> None:
        self.rate_box.setGeometry(self.getPlotItem().vb.sceneBoundingRect())
        self.rate_box.linkedViewChanged(self.getPlotItem().vb, self.rate_box.XAxis)

    def _mouse_moved(self, position) -> None:
        box = self.getPlotItem().vb
        if not self.words or not box.sceneBoundingRect().contains(position):
            self.crosshair.hide()
            self.readout.hide()
            return
        x = box.mapSceneToView(position).x()
        index = int(np.clip(np.searchsorted(self.words, x), 0, len(self.words) - 1))
        self.crosshair.setPos(self.words[index])
        self.readout.setText(f"{self.words[index]:,.0f} words\nloss {self.losses[index]:.4f}"
                             f"\nsmoothed {self.smoothed[index]:.4f}"
                             f"\nlearning rate {self.rates[index]:.5f}")
        self.readout.setPos(self.words[index], box.mapSceneToView(position).y())
        self.crosshair.show()
        self.readout.show()
