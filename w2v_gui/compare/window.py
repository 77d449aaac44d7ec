"""The Compare window: two embeddings (the vectors on show, or a file each), compared
off the GUI thread with progress and Cancel; the shared words ranked by how much their
neighbourhood changed, and one map with an arrow from each word's place in A to its
place in B. Selecting a word marks it, and the neighbours it gained and lost, on the map."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.compare.comparison import arrow_layout
from w2v_gui.compare.comparing import MOMENT, NOW, Result, Side
from w2v_gui.panels.elided_label import ElidedLabel

MAP_WORDS = 300  # the ranked words drawn on the map (arrows), most frequent first
LABELLED = 15  # of them, the most changed get a label
COLUMNS = ("word", "kept", "cosine", "gained in B", "lost from A")
WIDTHS = (110, 50, 60, 170, 170)  # pixels; a cell's whole text is in its tooltip


def only_in(side: str, words: list[str], shown: int = 12) -> str:
    """" Only in A: w1, w2, … (and 40 more)." or ""."""
    if not words:
        return ""
    more = f" (and {len(words) - shown:,} more)" if len(words) > shown else ""
    return f" Only in {side}: {', '.join(words[:shown])}{more}."


class SideChooser(QWidget):
    """"the vectors on show" or a file, for one side."""

    choose_file = pyqtSignal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.kind = QComboBox()
        self.kind.addItems(["the vectors on show now", "a file…",
                            "the film's moment on show (the map's words)"])
        self.kind.activated.connect(lambda index: index == 1 and self.choose_file.emit())
        self.path = ElidedLabel("")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(f"{name}:"))
        row.addWidget(self.kind)
        row.addWidget(self.path, 1)
        self.file: str | None = None

    def set_file(self, path: str | None) -> None:
        self.file = path
        self.kind.setCurrentIndex(1 if path else 0)
        self.path.setText(path or "")

    def side(self) -> Side:
        if self.kind.currentIndex() == 2:
            return Side(MOMENT)
        return Side(self.file if self.kind.currentIndex() == 1 and self.file else NOW)


class CompareWindow(QWidget):
    compare = pyqtSignal()
    cancel = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Compare two embeddings")
        self.resize(1200, 720)
        self.a, self.b = SideChooser("A"), SideChooser("B")
        self.k = QSpinBox(minimum=1, maximum=100, value=10, prefix="k = ")
        self.k.setToolTip("How many nearest neighbours each word is compared on")
        self.words = QSpinBox(minimum=10, maximum=200_000, value=20_000, singleStep=1000)
        self.words.setGroupSeparatorShown(True)
        self.words.setToolTip("Rank this many shared words, in A's order (most frequent "
                              "first in a trained model)")
        self.compare_button = QPushButton("&Compare")
        self.compare_button.clicked.connect(self.compare)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar(maximum=1000, textVisible=False)
        self.status = QLabel("Choose A and B, then Compare.")
        self.status.setWordWrap(True)
        top = QGridLayout()
        top.addWidget(self.a, 0, 0)
        top.addWidget(self.b, 1, 0)
        options = QHBoxLayout()
        for widget in (self.k, QLabel("words:"), self.words, self.compare_button,
                       self.cancel_button):
            options.addWidget(widget)
        top.addLayout(options, 0, 1)
        top.addWidget(self.progress, 1, 1)
        top.setColumnStretch(0, 1)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._mark(row))
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.arrows = pg.PlotDataItem(pen=pg.mkPen(150, 150, 150, 140), connect="pairs")
        self.points = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(40, 90, 200, 180),
                                         pen=None)
        self.marked = pg.ScatterPlotItem(size=11, pen=pg.mkPen(30, 30, 30))
        for item in (self.arrows, self.points, self.marked):
            self.plot.addItem(item)
        self.labels: list[pg.TextItem] = []
        self.map_title = QLabel("")
        self.map_title.setWordWrap(True)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.map_title)
        column.addWidget(self.plot, 1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setSizes([600, 600])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)
        for keys in ("Escape", QKeySequence.StandardKey.Close):
            QShortcut(QKeySequence(keys), self, self.close)
        self.result: Result | None = None
        self._places: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.set_running(False)

    def closeEvent(self, event) -> None:
        self.cancel.emit()  # a comparison under way is for this window only
        super().closeEvent(event)

    def set_running(self, running: bool) -> None:
        self.compare_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.progress.setValue(0)

    def show_progress(self, fraction: float, what: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(f"Comparing: {what}")

    # ------------------------------------------------------------------ results
    def show_result(self, result: Result) -> None:
        self.result = result
        comparison = result.comparison
        self.status.setText(
            f"{comparison.shared:,} shared words; {len(comparison.only_in_a):,} only in A, "
            f"{len(comparison.only_in_b):,} only in B. {len(comparison.words):,} words "
            f"ranked by the share of their {comparison.k} nearest neighbours kept (each "
            f"space on its own), then by the cosine between their aligned vectors, in "
            f"{comparison.seconds:.1f} s." + only_in("A", comparison.only_in_a)
            + only_in("B", comparison.only_in_b))
        self.table.setRowCount(len(comparison.words))
        for row, change in enumerate(comparison.words):
            cells = (change.word, f"{change.kept:.0%}", f"{change.cosine:.3f}",
                     ", ".join(change.gained), ", ".join(change.lost))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self._draw_map(result)

    def _draw_map(self, result: Result) -> None:
        comparison = result.comparison
        ranked = {change.word for change in comparison.words}
        shown = [w for w in result.a.words if w in ranked][:MAP_WORDS]
        in_a, in_b = arrow_layout(result.a, result.b, comparison.rotation, shown)
        self._places = {w: (in_a[i], in_b[i]) for i, w in enumerate(shown)}
        pairs = np.empty((2 * len(shown), 2))
        pairs[0::2], pairs[1::2] = in_a, in_b
        self.arrows.setData(pairs[:, 0], pairs[:, 1])
        self.points.setData(pos=in_b)
        self.map_title.setText(
            f"The {len(shown)} most frequent ranked words: a line from each word's place "
            "in A (aligned onto B) to its place in B, the dot at B. One linear projection "
            "(the two principal axes of both) serves both, so lengths compare.")
        changed = [c.word for c in comparison.words if c.word in self._places][:LABELLED]
        self._label([(word, (200, 60, 40)) for word in changed])
        self.marked.setData([])

    def _label(self, words: list[tuple[str, tuple]]) -> None:
        """Labels at these words' places in B, each (word, colour), instead of the last."""
        for item in self.labels:
            self.plot.removeItem(item)
        self.labels = []
        for word, colour in words:
            label = pg.TextItem(word, color=colour, anchor=(0, 1))
            label.setPos(*self._places[word][1])
            self.plot.addItem(label)
            self.labels.append(label)

    def _mark(self, row: int) -> None:
        """A word selected: it (orange), the neighbours it gained in B (green) and those
        it lost (grey), where they are on the map."""
        if self.result is None or not 0 <= row < len(self.result.comparison.words):
            return
        change = self.result.comparison.words[row]
        roles = [(change.word, (235, 110, 20)), *((w, (40, 160, 60)) for w in change.gained),
                 *((w, (120, 120, 120)) for w in change.lost)]
        on_map = [(w, colour) for w, colour in roles if w in self._places]
        self.marked.setData(pos=[self._places[w][1] for w, _ in on_map],
                            brush=[pg.mkBrush(*colour) for _, colour in on_map])
        self._label(on_map)
        missing = len(roles) - len(on_map)
        self.map_title.setText(
            f"{change.word}: {change.kept:.0%} of its neighbours kept, cosine "
            f"{change.cosine:.3f}; gained in green, lost in grey"
            + (f" ({missing} of them are not among the map's words)" if missing else "")
            + ".")
