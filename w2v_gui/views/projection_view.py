"""The word map: a 2-D layout of the most frequent words as one scatter item, with labels
for the most frequent words, hover tips (word and count) and click to select."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import pyqtSignal

LABELLED = 60  # how many of the most frequent words carry a label


class ProjectionView(pg.PlotWidget):
    """Draws layouts it is given; it computes nothing itself."""

    word_clicked = pyqtSignal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setAspectLocked(True)
        self.words: list[str] = []
        self.counts: np.ndarray = np.zeros(0, dtype=np.int64)
        self.scatter = pg.ScatterPlotItem(size=8, pen=pg.mkPen(255, 255, 255, 160),
                                          brush=pg.mkBrush(40, 90, 200, 170), hoverable=True,
                                          hoverBrush=pg.mkBrush(230, 90, 20),
                                          tip=self._tip)
        self.scatter.sigClicked.connect(self._clicked)
        plot.addItem(self.scatter)
        self.labels: list[pg.TextItem] = []
        self._framed = False

    def set_vocabulary(self, words: list[str], counts: np.ndarray) -> None:
        self.words = list(words)
        self.counts = np.asarray(counts)
        plot = self.getPlotItem()
        for label in self.labels:
            plot.removeItem(label)
        self.labels = [pg.TextItem(word, color=(30, 30, 30), anchor=(0.5, 1.2))
                       for word in self.words[:LABELLED]]
        for label in self.labels:
            plot.addItem(label)
        self._framed = False

    def set_layout(self, layout: np.ndarray) -> None:
        """layout: (n, 2), row i for word i."""
        count = min(len(self.words), layout.shape[0])
        self.scatter.setData(pos=layout[:count], data=np.arange(count))
        for index, label in enumerate(self.labels[:count]):
            label.setPos(float(layout[index, 0]), float(layout[index, 1]))
        if not self._framed:
            self.getPlotItem().autoRange()
            self._framed = True

    def _tip(self, x: float, y: float, data: int) -> str:
        index = int(data)
        if index < len(self.words):
            return f"{self.words[index]}  (count {int(self.counts[index]):,})"
        return ""

    def _clicked(self, _item, points, _event=None) -> None:
        if len(points):
            index = int(points[0].data())
            if index < len(self.words):
                self.word_clicked.emit(self.words[index])
