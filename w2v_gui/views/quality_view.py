"""The quality curve beside the loss: the analogy accuracy and the word-pair Spearman
correlation of the run's snapshots against words processed, on an axis of their own. It
draws a core.train.history.QualityHistory; it keeps no numbers of its own."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.train.history import QualityHistory
from w2v_gui.views.loss_view import CountAxis

ACCURACY_COLOUR = (0, 150, 90)
SPEARMAN_COLOUR = (170, 60, 160)


class QualityView(pg.PlotWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent, axisItems={"bottom": CountAxis("bottom")})
        self.setBackground("w")
        plot = self.getPlotItem()
        plot.setLabel("bottom", "words processed")
        plot.setLabel("left", "quality")
        self.accuracy_curve = plot.plot(
            pen=pg.mkPen(ACCURACY_COLOUR, width=1), symbol="o", symbolSize=4,
            symbolPen=None, symbolBrush=ACCURACY_COLOUR)
        self.spearman_curve = plot.plot(
            pen=pg.mkPen(SPEARMAN_COLOUR, width=1), symbol="t", symbolSize=4,
            symbolPen=None, symbolBrush=SPEARMAN_COLOUR)
        plot.setYRange(0, 1, padding=0.02)
        plot.enableAutoRange(axis="y", enable=False)
        # the newest values, each in its curve's colour: the legend too, in the bottom
        # right corner, which a rising curve leaves free
        self.readout = pg.TextItem(anchor=(1, 1))
        plot.addItem(self.readout, ignoreBounds=True)
        plot.vb.sigRangeChanged.connect(self._place_readout)
        self.show_history(QualityHistory())

    def show_history(self, quality: QualityHistory) -> None:
        """Draw `quality` now, and from now on (refresh() after it grows)."""
        self.quality = quality
        self.refresh()

    def follow(self, quality: QualityHistory) -> None:
        if quality is not self.quality:
            self.show_history(quality)
        else:
            self.refresh()

    def refresh(self) -> None:
        rows = self.quality.rows()
        words = rows[:, 0]
        for curve, values in ((self.accuracy_curve, rows[:, 1]),
                              (self.spearman_curve, rows[:, 2])):
            measured = np.isfinite(values)
            curve.setData(words[measured], values[measured])
        finite = rows[:, 1:][np.isfinite(rows[:, 1:])]
        low = min(0.0, float(finite.min())) if finite.size else 0.0
        self.getPlotItem().setYRange(low, 1, padding=0.02)
        self.readout.setHtml(self._latest(rows))
        self._place_readout()

    def _place_readout(self) -> None:
        (_, x_high), (y_low, _) = self.getPlotItem().vb.viewRange()
        self.readout.setPos(x_high, y_low)

    @staticmethod
    def _latest(rows: np.ndarray) -> str:
        """"analogies 72.9%  pairs ρ 0.75", each in its curve's colour; the names alone
        before the first measurement."""
        accuracy = spearman = float("nan")
        if len(rows):
            _, accuracy, spearman = rows[-1]
        parts = []
        for name, value, colour, text in (
                ("analogies", accuracy, ACCURACY_COLOUR, f"{accuracy:.1%}"),
                ("pairs ρ", spearman, SPEARMAN_COLOUR, f"{spearman:.2f}")):
            shown = f"{name} {text}" if np.isfinite(value) else name
            parts.append(f"<span style='color: rgb{colour}'>{shown}</span>")
        return "&nbsp;&nbsp;".join(parts)
