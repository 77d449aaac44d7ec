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
        self.default_brush = pg.mkBrush(40, 90, 200, 170)
        self.highlight_brush = pg.mkBrush(235, 110, 20, 230)
        self.scatter = pg.ScatterPlotItem(size=8, pen=pg.mkPen(255, 255, 255, 160),
                                          brush=self.default_brush, hoverable=True,
                                          hoverBrush=pg.mkBrush(230, 90, 20),
                                          tip=self._tip)
        self.scatter.sigClicked.connect(self._clicked)
        plot.addItem(self.scatter)
        self.labels: list[pg.TextItem] = []
        self.index: dict[str, int] = {}
        self.layout: np.ndarray | None = None
        self.highlighted: list[int] = []
        self.highlight_labels: list[pg.TextItem] = []
        # The view follows the moving layout until the user pans or zooms it.
        self.following = True
        plot.getViewBox().sigRangeChangedManually.connect(self._stop_following)

    def set_vocabulary(self, words: list[str], counts: np.ndarray) -> None:
        self.words = list(words)
        self.index = {word: i for i, word in enumerate(self.words)}
        self.counts = np.asarray(counts)
        self.highlighted = []
        plot = self.getPlotItem()
        for label in self.labels:
            plot.removeItem(label)
        self.labels = [pg.TextItem(word, color=(30, 30, 30), anchor=(0.5, 1.2))
                       for word in self.words[:LABELLED]]
        for label in self.labels:
            plot.addItem(label)
        self.following = True

    def set_layout(self, layout: np.ndarray) -> None:
        """layout: (n, 2), row i for word i."""
        count = min(len(self.words), layout.shape[0])
        self.layout = layout[:count]
        self.scatter.setData(pos=self.layout, data=np.arange(count))
        for index, label in enumerate(self.labels[:count]):
            label.setPos(float(layout[index, 0]), float(layout[index, 1]))
        self._restyle()
        if self.following:
            self.getPlotItem().getViewBox().autoRange(items=[self.scatter], padding=0.08)

    def follow(self) -> None:
        """Frame the whole map again and keep following it."""
        self.following = True
        if self.layout is not None:
            self.getPlotItem().getViewBox().autoRange(items=[self.scatter], padding=0.08)

    def _stop_following(self, *_changed) -> None:
        self.following = False

    def highlight(self, words: list[str]) -> None:
        """Mark these words (those on the map) in orange, each with its own label."""
        self.highlighted = [self.index[w] for w in dict.fromkeys(words) if w in self.index]
        plot = self.getPlotItem()
        while len(self.highlight_labels) < len(self.highlighted):
            label = pg.TextItem(color=(200, 70, 0), anchor=(0.5, -0.2))
            label.setZValue(10)
            plot.addItem(label)
            self.highlight_labels.append(label)
        self._restyle()

    def _restyle(self) -> None:
        if self.layout is None:
            return
        count = self.layout.shape[0]
        brushes = [self.default_brush] * count
        sizes = np.full(count, 8.0)
        for index in self.highlighted:
            if index < count:
                brushes[index] = self.highlight_brush
                sizes[index] = 13.0
        self.scatter.setBrush(brushes)
        self.scatter.setSize(sizes)
        for slot, label in enumerate(self.highlight_labels):
            if slot < len(self.highlighted) and self.highlighted[slot] < count:
                index = self.highlighted[slot]
                label.setText(self.words[index])
                label.setPos(float(self.layout[index, 0]), float(self.layout[index, 1]))
                label.show()
            else:
                label.hide()

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
