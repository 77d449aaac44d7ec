"""The word map: a 2-D layout of words as one scatter item, with readable labels, hover
tips, click to select, pinned words and their trails.

Labels go first to pinned, searched and hovered words, then to the most frequent words on
screen whose label would not overlap one already placed. Zooming in spreads the points
apart on screen, so more of them get a label.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QPen

from w2v_gui.workers import MapFrame

MAX_LABELS = 70  # labels on screen at once
TRAIL_FRAMES = 30  # positions a trail remembers: the last five seconds or so
CHAR_WIDTH, LABEL_HEIGHT = 6.5, 14  # approximate label size in pixels, for overlaps

DOT = (40, 90, 200, 170)
SEARCHED = (235, 110, 20)
PINNED = (190, 20, 60)


class LabelLayer(pg.GraphicsObject):
    """Every label of the map in one item with one paint call: drawing 70 separate text
    items costs the interpreter (and so the trainer) far more."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[tuple[float, float, str, str]] = []  # x, y, text, role
        self.pens = {role: QPen(QColor(*color)) for role, color in ROLE_COLORS.items()}
        bold = QFont()
        bold.setBold(True)
        self.fonts = {"plain": QFont(), "bold": bold}
        self.setZValue(20)

    def set_labels(self, labels: list[tuple[float, float, str, str]]) -> None:
        self.labels = labels
        self.update()

    def boundingRect(self) -> QRectF:
        box = self.getViewBox()
        return box.viewRect() if box is not None else QRectF()

    def paint(self, painter, *_args) -> None:
        if not self.labels:
            return
        to_device = painter.transform()
        painter.resetTransform()  # draw text in pixels, unscaled by the view
        for x, y, text, role in self.labels:
            point = to_device.map(QPointF(x, y))
            painter.setPen(self.pens[role])
            painter.setFont(self.fonts["plain" if role == "plain" else "bold"])
            width = painter.fontMetrics().horizontalAdvance(text)
            painter.drawText(QPointF(point.x() - width / 2, point.y() - 6), text)


ROLE_COLORS = {"pinned": PINNED, "searched": (200, 70, 0), "hovered": (0, 0, 0),
               "plain": (70, 70, 70)}


class ProjectionView(pg.PlotWidget):
    """Draws the frames it is given; it computes no layout itself."""

    word_clicked = pyqtSignal(str)
    pin_toggled = pyqtSignal(str)  # Ctrl+click on a point

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setAspectLocked(True)
        self.words: list[str] = []
        self.index: dict[str, int] = {}
        self.counts: np.ndarray = np.zeros(0, dtype=np.int64)
        self.ids = np.zeros(0, dtype=np.int64)
        self.layout: np.ndarray | None = None
        self.row_of: dict[int, int] = {}
        self.method = "pca"
        self.brushes = {role: pg.mkBrush(*color) for role, color in
                        (("dot", DOT), ("searched", (*SEARCHED, 230)),
                         ("pinned", (*PINNED, 230)))}
        self.trail_item = pg.PlotDataItem(pen=pg.mkPen((*PINNED, 110), width=2),
                                          connect="finite")
        plot.addItem(self.trail_item)
        self.scatter = pg.ScatterPlotItem(size=8, pen=pg.mkPen(255, 255, 255, 160),
                                          brush=self.brushes["dot"], hoverable=True,
                                          hoverBrush=pg.mkBrush(230, 90, 20), tip=self._tip)
        self.scatter.sigClicked.connect(self._clicked)
        self.scatter.sigHovered.connect(self._hovered)
        plot.addItem(self.scatter)
        self.searched: list[int] = []  # word ids
        self.pinned: list[int] = []
        self.hovered: int | None = None
        self.show_trails = True
        self.trails: dict[int, deque] = {}
        self.label_layer = LabelLayer()
        plot.addItem(self.label_layer, ignoreBounds=True)
        self.labelled: list[int] = []  # word ids that carry a label now, for tests and tips
        # The view follows the moving layout until the user pans or zooms it.
        self.following = True
        self._fitting = False  # the view's range is being set by set_frame
        box = plot.getViewBox()
        box.sigRangeChangedManually.connect(self._stop_following)
        box.sigRangeChanged.connect(self._range_changed)

    # ------------------------------------------------------------------ inputs
    def set_vocabulary(self, words: list[str], counts: np.ndarray) -> None:
        """The whole vocabulary (most frequent first); frames refer to it by id."""
        self.words = list(words)
        self.index = {word: i for i, word in enumerate(self.words)}
        self.counts = np.asarray(counts)
        self.searched, self.pinned, self.hovered = [], [], None
        self.ids = np.zeros(0, dtype=np.int64)
        self.layout = None
        self.row_of = {}
        self.scatter.setData(pos=np.zeros((0, 2)))
        self.clear_trails()
        self.following = True

    def set_frame(self, frame: MapFrame) -> None:
        if frame.method != self.method:
            self.clear_trails()  # a path across two methods means nothing
            self.method = frame.method
        ids = np.asarray(frame.ids)
        keep = ids < len(self.words)
        self.ids, self.layout = ids[keep], frame.layout[keep]
        self.row_of = {int(word): row for row, word in enumerate(self.ids)}
        brushes, sizes = self._styles()
        # one pass over the points: styles given separately would each redo it
        self.scatter.setData(pos=self.layout, data=self.ids, brush=brushes, size=sizes)
        for word in self.pinned:
            if word in self.row_of:
                self.trails.setdefault(word, deque(maxlen=TRAIL_FRAMES)).append(
                    self.layout[self.row_of[word]].copy())
        self._draw_trails()
        if self.following:
            self._fit(force=False)
        self._place_labels()

    def highlight(self, words: list[str]) -> None:
        """Mark these words (the query and its neighbours) in orange, each labelled."""
        self.searched = [self.index[w] for w in dict.fromkeys(words) if w in self.index]
        self._restyle()
        self._place_labels()

    def set_pinned(self, words: list[str]) -> None:
        self.pinned = [self.index[w] for w in dict.fromkeys(words) if w in self.index]
        for word in list(self.trails):
            if word not in self.pinned:
                del self.trails[word]
        self._restyle()
        self._place_labels()

    def set_trails_visible(self, visible: bool) -> None:
        self.show_trails = visible
        self._draw_trails()

    def clear_trails(self) -> None:
        self.trails.clear()
        self._draw_trails()

    def follow(self) -> None:
        """Frame the whole map again and keep following it."""
        self.following = True
        self._fit(force=True)
        self._place_labels()

    def _fit(self, force: bool) -> None:
        """Frame the layout, but only when it leaves the view or fills too little of it:
        a range that changes every frame costs a full re-layout of the view each time."""
        if self.layout is None or not len(self.layout):
            return
        low, high = self.layout.min(axis=0), self.layout.max(axis=0)
        size = np.maximum(high - low, 1e-9)
        box = self.getPlotItem().getViewBox()
        (x_low, x_high), (y_low, y_high) = box.viewRange()
        view_low, view_high = np.array([x_low, y_low]), np.array([x_high, y_high])
        outside = np.any(low < view_low) or np.any(high > view_high)
        loose = np.all(view_high - view_low > 1.5 * size * 1.16)
        if force or outside or loose:
            margin = 0.12 * size
            self._fitting = True
            try:
                box.setRange(xRange=(low[0] - margin[0], high[0] + margin[0]),
                             yRange=(low[1] - margin[1], high[1] + margin[1]), padding=0)
            finally:
                self._fitting = False

    # ------------------------------------------------------------------ drawing
    def _stop_following(self, *_changed) -> None:
        self.following = False

    def _range_changed(self, *_changed) -> None:
        if not self._fitting:  # the user zoomed or panned, or the view was resized
            self._place_labels()

    def _styles(self) -> tuple[list, np.ndarray]:
        """Each point's brush and size: searched and pinned words stand out."""
        count = len(self.ids)
        brushes = [self.brushes["dot"]] * count
        sizes = np.full(count, 8.0)
        for role, size, words in (("searched", 12.0, self.searched),
                                  ("pinned", 13.0, self.pinned)):
            for word in words:
                row = self.row_of.get(word)
                if row is not None:
                    brushes[row] = self.brushes[role]
                    sizes[row] = size
        return brushes, sizes

    def _restyle(self) -> None:
        if self.layout is None:
            return
        brushes, sizes = self._styles()
        self.scatter.setBrush(brushes)
        self.scatter.setSize(sizes)
        self._draw_trails()

    def _draw_trails(self) -> None:
        paths = [np.array(points) for points in self.trails.values() if len(points) > 1]
        if not (self.show_trails and paths):
            self.trail_item.setData([], [])
            return
        gap = np.full((1, 2), np.nan)
        joined = np.concatenate([part for path in paths for part in (path, gap)])
        self.trail_item.setData(joined[:, 0], joined[:, 1])

    def _place_labels(self) -> None:
        """Give labels to the words that matter most, skipping labels that would overlap.

        Overlaps are found on a grid of LABEL_HEIGHT-pixel cells: a label takes the cells
        its box touches, and a later label needing a taken cell is left out.
        """
        if self.layout is None or not len(self.ids):
            self.labelled = []
            self.label_layer.set_labels([])
            return
        box = self.getPlotItem().getViewBox()
        pixel_width, pixel_height = box.viewPixelSize()
        if not (pixel_width > 0 and pixel_height > 0):
            return
        (x_low, x_high), (y_low, y_high) = box.viewRange()
        always = [w for w in (*self.pinned, *self.searched[:1], self.hovered)
                  if w is not None and w in self.row_of]
        visible = ((self.layout[:, 0] >= x_low) & (self.layout[:, 0] <= x_high)
                   & (self.layout[:, 1] >= y_low) & (self.layout[:, 1] <= y_high))
        # then the query's neighbours, then the rest by frequency (ids are frequency ranks)
        searched = [w for w in self.searched[1:] if w in self.row_of]
        order = [*dict.fromkeys(always), *searched, *np.sort(self.ids[visible]).tolist()]
        x_pixels = self.layout[:, 0] / pixel_width
        y_pixels = self.layout[:, 1] / pixel_height  # upwards, like the data
        taken: set[tuple[int, int]] = set()
        chosen: list[int] = []
        seen: set[int] = set()
        for word in order:
            if len(chosen) == MAX_LABELS:
                break
            if word in seen:
                continue
            seen.add(word)
            row = self.row_of[word]
            # the cells under the label's box: centred above its point (see LabelLayer)
            half = len(self.words[word]) * CHAR_WIDTH / 2
            columns = range(int((x_pixels[row] - half) // LABEL_HEIGHT),
                            int((x_pixels[row] + half) // LABEL_HEIGHT) + 1)
            lines = range(int((y_pixels[row] + 4) // LABEL_HEIGHT),
                          int((y_pixels[row] + 4 + LABEL_HEIGHT) // LABEL_HEIGHT) + 1)
            cells = [(column, line) for column in columns for line in lines]
            if word not in always and any(cell in taken for cell in cells):
                continue
            taken.update(cells)
            chosen.append(word)
        pinned, searched_set = set(self.pinned), set(self.searched)
        labels = []
        for word in chosen:
            x, y = self.layout[self.row_of[word]]
            role = ("pinned" if word in pinned else "searched" if word in searched_set
                    else "hovered" if word == self.hovered else "plain")
            labels.append((float(x), float(y), self.words[word], role))
        self.labelled = chosen
        self.label_layer.set_labels(labels)

    # ------------------------------------------------------------------ the mouse
    def _tip(self, x: float, y: float, data: int) -> str:
        word = int(data)
        if word < len(self.words):
            pinned = "  (pinned)" if word in self.pinned else ""
            return (f"{self.words[word]}  (count {int(self.counts[word]):,}){pinned}\n"
                    "click: neighbours · Ctrl+click: pin or unpin")
        return ""

    def _hovered(self, _item, points, _event=None) -> None:
        word = int(points[0].data()) if len(points) else None
        if word != self.hovered:
            self.hovered = word
            self._place_labels()

    def _clicked(self, _item, points, event=None) -> None:
        if not len(points):
            return
        word = int(points[0].data())
        if word >= len(self.words):
            return
        control = (event is not None and hasattr(event, "modifiers")
                   and event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if control:
            self.pin_toggled.emit(self.words[word])
        else:
            self.word_clicked.emit(self.words[word])
