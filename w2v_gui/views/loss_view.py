"""The loss plot: per-step loss and its smoothed curve against words processed, in the one
unit the run reports (per pair or per window, named on the axis), with the learning rate
on a second axis, a log-y option and a crosshair readout. It draws a
core.train.history.LossHistory; it keeps no numbers of its own."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, QTimer

from core.train.history import LOSS_UNITS, LossHistory

REDRAW_MS = 250  # stats arrive faster; a curve redrawn 4 times a second looks smooth


class CountAxis(pg.AxisItem):
    """Tick labels like 500k and 1.5M instead of 5e+05."""

    def tickStrings(self, values, scale, spacing):
        labels = []
        for value in values:
            value *= scale
            for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1, "")):
                if abs(value) >= size or size == 1:
                    labels.append(f"{value / size:.4g}{suffix}")
                    break
        return labels


class LossView(pg.PlotWidget):
    """Three curves updated in place (setData), at most every REDRAW_MS: drawing holds the
    interpreter, so each redraw the eye would not notice is time taken from training."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, axisItems={"bottom": CountAxis("bottom")})
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setSingleShot(True)
        self.redraw_timer.setInterval(REDRAW_MS)
        self.redraw_timer.timeout.connect(self._redraw)
        self.setBackground("w")
        plot = self.getPlotItem()
        # No grid: its lines are redrawn by the axes at every repaint, which tripled the
        # cost of drawing this plot (measured by bench/responsiveness.py).
        plot.setLabel("bottom", "words processed")
        self.unit = ""
        self._name_unit("pair")
        plot.addLegend(offset=(-10, 10))
        self.raw_curve = plot.plot(pen=pg.mkPen((120, 140, 230, 110), width=1), name="loss")
        # One-pixel pens only: Qt strokes a wider line as a filled outline, which made each
        # repaint of this plot four times slower (7.3 ms against 1.8 ms for 3,000 points).
        self.smooth_curve = plot.plot(pen=pg.mkPen((20, 40, 190), width=1),
                                      name="smoothed")
        # learning rate on a right-hand axis of its own
        self.rate_box = pg.ViewBox()
        plot.showAxis("right")
        plot.scene().addItem(self.rate_box)
        plot.getAxis("right").linkToView(self.rate_box)
        plot.getAxis("right").setLabel("learning rate", color="#c06000")
        plot.getAxis("right").enableAutoSIPrefix(False)
        self.rate_box.setXLink(plot)
        self.rate_curve = pg.PlotDataItem(pen=pg.mkPen((220, 120, 0), width=1,
                                                       style=Qt.PenStyle.DashLine))
        self.rate_box.addItem(self.rate_curve)
        for curve in (self.raw_curve, self.smooth_curve, self.rate_curve):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        plot.vb.sigResized.connect(self._match_rate_box)
        # the axes' text space grows and never shrinks: tick labels changing width as the
        # loss falls resized the plot three times a run, each a relayout and a repaint
        for side in ("left", "right"):
            plot.getAxis(side).setStyle(autoReduceTextSpace=False)
        # crosshair and readout
        self.crosshair = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen((90, 90, 90), style=Qt.PenStyle.DotLine))
        self.readout = pg.TextItem(color=(40, 40, 40), anchor=(0, 1),
                                   fill=pg.mkBrush(255, 255, 255, 220))
        self.readout.setZValue(30)  # above the curves and the legend
        self.per_iteration: int | None = None
        plot.addItem(self.crosshair, ignoreBounds=True)
        plot.addItem(self.readout, ignoreBounds=True)
        self.crosshair.hide()
        self.readout.hide()
        plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.show_history(LossHistory())

    def set_extent(self, total_words: int | None, per_iteration: int | None = None) -> None:
        """Fix the x axis to a whole run (0..total_words), so the curve fills it from the
        left as training goes on and the axis is not redrawn at every update; None
        returns to autoscaling. per_iteration: the handout's batching, where the history
        counts windows: the axis and the readout count iterations of that many windows."""
        plot = self.getPlotItem()
        self.per_iteration = per_iteration
        axis = plot.getAxis("bottom")
        axis.setScale(1.0 / per_iteration if per_iteration else 1.0)
        plot.setLabel("bottom", "iteration" if per_iteration else "words processed")
        if total_words:
            plot.setXRange(0, total_words, padding=0.01)
        else:
            plot.enableAutoRange(axis="x")

    def show_history(self, history: LossHistory) -> None:
        """Draw `history` now, and from now on (refresh() after it grows)."""
        self.history = history
        self._redraw()

    def follow(self, history: LossHistory) -> None:
        """The run's history grew, or another took its place: draw it."""
        if history is not self.history:
            self.show_history(history)
        else:
            self.refresh()

    def refresh(self) -> None:
        """The history grew: redraw soon (at most every REDRAW_MS)."""
        if not self.redraw_timer.isActive():
            self.redraw_timer.start()

    def set_log_y(self, enabled: bool) -> None:
        self.getPlotItem().setLogMode(y=enabled)

    def _name_unit(self, unit: str) -> None:
        if unit != self.unit:
            self.unit = unit
            self.getPlotItem().setLabel("left", LOSS_UNITS.get(unit, "loss"))

    def _redraw(self) -> None:
        self._name_unit(self.history.unit)
        rows = self.history.rows()
        self.raw_curve.setData(rows[:, 0], rows[:, 1])
        self.smooth_curve.setData(rows[:, 0], rows[:, 2])
        self.rate_curve.setData(rows[:, 0], rows[:, 3])

    def _match_rate_box(self) -> None:
        self.rate_box.setGeometry(self.getPlotItem().vb.sceneBoundingRect())
        self.rate_box.linkedViewChanged(self.getPlotItem().vb, self.rate_box.XAxis)

    def _mouse_moved(self, position) -> None:
        box = self.getPlotItem().vb
        rows = self.history.rows()
        if not len(rows) or not box.sceneBoundingRect().contains(position):
            self.crosshair.hide()
            self.readout.hide()
            return
        x = box.mapSceneToView(position).x()
        words, loss, smoothed, rate = rows[int(np.clip(np.searchsorted(rows[:, 0], x), 0,
                                                       len(rows) - 1))]
        self.crosshair.setPos(words)
        unit = LOSS_UNITS.get(self.unit, "loss")
        where = (f"iteration {words / self.per_iteration:,.0f}" if self.per_iteration
                 else f"{words:,.0f} words")
        self.readout.setText(f"{where}\n{unit} {loss:.4f}\nsmoothed "
                             f"{smoothed:.4f}\nlearning rate {rate:.5f}")
        # on the side of the pointer with room: left of it in the right half, below it in
        # the upper half (the legend's corner), so it is never cut off or over the legend
        inside = box.sceneBoundingRect()
        self.readout.setAnchor((1.0 if position.x() > inside.center().x() else 0.0,
                                0.0 if position.y() < inside.center().y() else 1.0))
        self.readout.setPos(words, box.mapSceneToView(position).y())
        self.crosshair.show()
        self.readout.show()
