"""The word map: a 2-D layout of words as one scatter item, coloured by group with a
legend, with readable labels, hover tips, click to select, pinned words and their trails.

Which words get a label, and where, is core.map.labels' choice; this view only draws.
"""

from __future__ import annotations

from collections import deque
from html import escape

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, QTimer, pyqtSignal, pyqtSlot
from PyQt6.QtWidgets import QLabel

from core.map.frames import MapFrame
from core.map.labels import CHAR_WIDTH, label_order, place_labels
from w2v_gui.views.map_labels import DOT, PINNED, SEARCHED, LabelLayer

TRAIL_FRAMES = 30  # positions a trail remembers: the last five seconds or so
# a frame restyling more points places its labels in the event loop's next turn (5,000
LABELS_LATER_POINTS = 2000  # points styled and labelled at once: 40-50 ms, one stall)


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
        self.counts: np.ndarray | None = None
        self.ids = np.zeros(0, dtype=np.int64)
        self.frame: MapFrame | None = None  # the frame on screen (exports read it)
        self.label_rows = np.zeros(0, dtype=np.int64)  # rows in the order labels go to
        self.group_brushes: list = []  # each row's brush when it is neither searched nor pinned
        self._marked_rows: set[int] = set()  # rows drawn as searched or pinned
        self.layout: np.ndarray | None = None
        self.row_of: dict[int, int] = {}
        self.method = "pca"
        self.brushes = {role: pg.mkBrush(*color) for role, color in
                        (("dot", DOT), ("searched", (*SEARCHED, 230)),
                         ("pinned", (*PINNED, 230)))}
        self.pens = {"plain": pg.mkPen(255, 255, 255, 160),
                     "ring": pg.mkPen(30, 30, 30, 230, width=2)}
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
        self.label_all_searched = False  # every searched word gets a label, not just the first
        self.pinned: list[int] = []
        self.hovered: int | None = None
        self.show_trails = True
        self.trails: dict[int, deque] = {}
        self.label_layer = LabelLayer()
        plot.addItem(self.label_layer, ignoreBounds=True)
        self.arrow_items: list = []  # step mode's arrows (show_arrows)
        self.legend_box = QLabel(self)
        self.legend_box.setStyleSheet("background: rgba(255, 255, 255, 215); color: #303030; "
                                  "border: 1px solid #c8c8c8; padding: 4px;")
        self.legend_box.hide()
        self.labelled: list[int] = []  # word ids that carry a label now, for tests and tips
        self._labels_later = QTimer(self)
        self._labels_later.setSingleShot(True)
        self._labels_later.setInterval(0)
        self._labels_later.timeout.connect(self._place_labels)
        # The view follows the moving layout until the user pans or zooms it.
        self.following = True
        self._fitting = False  # the view's range is being set by set_frame
        box = plot.getViewBox()
        box.sigRangeChangedManually.connect(self._stop_following)
        box.sigRangeChanged.connect(self._range_changed)

    # ------------------------------------------------------------------ inputs
    def set_vocabulary(self, words: list[str], counts: np.ndarray | None,
                       index: dict[str, int] | None = None) -> None:
        """The whole vocabulary (most frequent, or first in its file, first); frames refer
        to it by id. counts: None for vectors read from a file (the tip shows the rank)."""
        self.words = words
        self.index = index if index is not None else {w: i for i, w in enumerate(words)}
        self.counts = None if counts is None else np.asarray(counts)
        self.frame = None
        self.legend_box.hide()
        self.searched, self.pinned, self.hovered = [], [], None
        self.ids = np.zeros(0, dtype=np.int64)
        self.layout = None
        self.row_of = {}
        self.scatter.setData(pos=np.zeros((0, 2)))
        self.clear_trails()
        self.following = True

    @pyqtSlot(object)  # a Qt slot: a frame still on its way when the view is gone is dropped
    def set_frame(self, frame: MapFrame) -> None:
        if self.closed:  # also when closed (pyqtgraph's close() deleted the scene's items)
            return
        if frame.method != self.method:
            self.clear_trails()  # a path across two methods means nothing
            self.method = frame.method
        ids = np.asarray(frame.ids)
        keep = ids < len(self.words)
        previous = self.frame
        # t-SNE's frames of one snapshot differ only in where the words are: then only
        # the positions change, which at 20,000 words costs a fraction of restyling them
        moved_only = (previous is not None and frame.colouring_key == previous.colouring_key
                      and bool(frame.colouring_key)
                      and frame.method == previous.method and frame.axes == previous.axes
                      and len(ids) == len(previous.ids) and np.array_equal(ids,
                                                                           previous.ids))
        self.ids, self.layout = ids[keep], frame.layout[keep]
        self.frame = frame
        restyled = not (moved_only and len(self.scatter.data) == len(self.ids))
        if not restyled:
            self._move_points()
        else:
            self.row_of = {int(word): row for row, word in enumerate(self.ids)}
            self._colour(frame, keep)
            self._show_axes(frame)
            brushes, sizes, pens = self._styles()
            # one pass over the points: styles given separately would each redo it
            self.scatter.setData(pos=self.layout, data=self.ids, brush=brushes, size=sizes,
                                 pen=pens)
            self._marked_rows = {self.row_of[w] for w in (*self.searched, *self.pinned)
                                 if w in self.row_of}
        for word in self.pinned:
            if word in self.row_of:
                self.trails.setdefault(word, deque(maxlen=TRAIL_FRAMES)).append(
                    self.layout[self.row_of[word]].copy())
        self._draw_trails()
        if self.following:
            self._fit(force=False)
        if restyled and len(self.ids) > LABELS_LATER_POINTS:
            self._labels_later.start()
        else:
            self._place_labels()

    def _move_points(self) -> None:
        """New positions for the same points with the same styles: written into the
        scatter item's own table (pyqtgraph's `data` record array), then redrawn."""
        scatter = self.scatter
        scatter.data["x"] = self.layout[:, 0]
        scatter.data["y"] = self.layout[:, 1]
        scatter.prepareGeometryChange()
        scatter.informViewBoundsChanged()
        scatter.bounds = [None, None]
        scatter.invalidate()
        scatter.sigPlotChanged.emit(scatter)

    def shown_words(self) -> set[str]:
        """The words of the frame on show."""
        return {self.words[int(i)] for i in self.ids if int(i) < len(self.words)}

    def highlight(self, words: list[str], label_all: bool = False) -> None:
        """Mark these words (the query and its neighbours) in orange. The first always gets
        a label, the others where there is room; with `label_all` every one of them does
        (the four words of an analogy)."""
        self.searched = [self.index[w] for w in dict.fromkeys(words) if w in self.index]
        self.label_all_searched = label_all
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

    def show_arrows(self, arrows: list[tuple[float, float, float, float, str, tuple]]
                    ) -> None:
        """Step mode's arrows, (x0, y0, x1, y1, label, colour) in map coordinates, each
        labelled at its start; an empty list removes them."""
        plot = self.getPlotItem()
        for item in self.arrow_items:
            plot.removeItem(item)
        self.arrow_items = []
        for x0, y0, x1, y1, label, colour in arrows:
            shaft = pg.PlotDataItem([x0, x1], [y0, y1], pen=pg.mkPen(*colour, width=2))
            angle = float(np.degrees(np.arctan2(y0 - y1, x1 - x0)))  # screen y is down
            head = pg.ArrowItem(pos=(x1, y1), angle=180 - angle, headLen=12, tailLen=0,
                                pen=pg.mkPen(*colour), brush=pg.mkBrush(*colour))
            text = pg.TextItem(label, color=colour, anchor=(0.5, 1.2))
            text.setPos(x0, y0)
            for item in (shaft, head, text):
                item.setZValue(30)
                plot.addItem(item, ignoreBounds=True)
                self.arrow_items.append(item)

    def set_trails(self, paths: dict[int, list]) -> None:
        """Each pinned word's path (oldest first), instead of the trails drawn so far: a
        moment of the run's film shows the path up to that moment."""
        self.trails = {word: deque(points[-TRAIL_FRAMES:], maxlen=TRAIL_FRAMES)
                       for word, points in paths.items() if word in self.pinned}
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

    def _colour(self, frame: MapFrame, keep: np.ndarray) -> None:
        """Each row's brush from the frame's colouring, the legend, and the label order."""
        colouring = frame.colouring
        if colouring is None or len(colouring.colours) != len(keep):
            self.group_brushes = [self.brushes["dot"]] * len(self.ids)
            self.label_rows = np.argsort(self.ids, kind="stable")  # most frequent first
            self.legend_box.hide()
            return
        colours = colouring.colours[keep]
        unique, inverse = np.unique(colours, axis=0, return_inverse=True)
        brushes = [pg.mkBrush(int(r), int(g), int(b), 200) for r, g, b in unique]
        self.group_brushes = [brushes[i] for i in inverse.ravel()]
        order = label_order(np.arange(len(keep)), colouring)
        self.label_rows = np.cumsum(keep)[order[keep[order]]] - 1  # rows after `keep`
        entries = "".join(
            f"<div><span style='color: #{r:02x}{g:02x}{b:02x}'>&#9632;</span> "
            f"{escape(name)}</div>" for name, (r, g, b) in colouring.legend)
        self.legend_box.setText(entries)
        self.legend_box.adjustSize()
        self._place_legend()
        self.legend_box.setVisible(bool(colouring.legend))

    def _place_legend(self) -> None:
        if "legend_box" not in self.__dict__:
            return  # pyqtgraph resizes the view while it is built
        self.legend_box.move(max(0, self.width() - self.legend_box.width() - 8), 8)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_legend()

    def _show_axes(self, frame: MapFrame) -> None:
        """Semantic axes have meaning: name them on the plot's own axes."""
        plot = self.getPlotItem()
        axes = frame.axes if frame.method == "axes" else None
        if axes is None:
            plot.hideAxis("left")
            plot.hideAxis("bottom")
            return
        def name(first, second) -> str:
            return (f"{' + '.join(self.words[i] for i in first)} → "
                    f"{' + '.join(self.words[i] for i in second)}")
        plot.showAxis("bottom")
        plot.showAxis("left")
        for side in ("bottom", "left"):
            plot.getAxis(side).enableAutoSIPrefix(False)  # cosines, not milli-units
        plot.setLabel("bottom", name(axes.x_from, axes.x_to))
        plot.setLabel("left", name(axes.y_from, axes.y_to) if axes.y_from
                      else "main direction of the rest")

    def _styles(self) -> tuple[list, np.ndarray, list]:
        """Each point's brush, size and outline: searched and pinned words stand out by
        size and a dark ring; a searched word keeps its group's colour when the map is
        coloured (an orange fill could be read as a group), and is orange otherwise."""
        count = len(self.ids)
        coloured = len(self.group_brushes) == count and self.frame is not None and (
            self.frame.colouring is not None)
        brushes = list(self.group_brushes) if coloured else [self.brushes["dot"]] * count
        sizes = np.full(count, 8.0)
        pens = [self.pens["plain"]] * count
        for role, size, words in (("searched", 12.0, self.searched),
                                  ("pinned", 13.0, self.pinned)):
            for word in words:
                row = self.row_of.get(word)
                if row is not None:
                    if role == "pinned" or not coloured:
                        brushes[row] = self.brushes[role]
                    sizes[row] = size
                    pens[row] = self.pens["ring"]
        return brushes, sizes, pens

    def _restyle(self) -> None:
        """Searched or pinned words changed: restyle only the points whose style changed
        (the words marked before and now), writing into the scatter item's own table.
        Restyling all 20,000 points through pyqtgraph's setters costs a stall per search."""
        if self.layout is None:
            return
        data = self.scatter.data
        if len(data) != len(self.ids):
            return
        marked = {self.row_of[w] for w in (*self.searched, *self.pinned) if w in self.row_of}
        rows = np.array(sorted(marked | self._marked_rows), dtype=np.int64)
        self._marked_rows = marked
        if len(rows):
            brushes, sizes, pens = self._styles()
            for row in rows.tolist():
                data["brush"][row] = brushes[row]
                data["pen"][row] = pens[row]
            data["size"][rows] = sizes[rows]
            data["sourceRect"][rows] = 0  # these points' pictures are looked up again
            self.scatter.updateSpots()  # only the points whose picture was cleared
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
        """Give labels to the words that matter most, skipping labels that would overlap
        (core.map.labels.place_labels chooses them and their places)."""
        if self.layout is None or not len(self.ids):
            self.labelled = []
            self.label_layer.set_labels([])
            return
        box = self.getPlotItem().getViewBox()
        pixel_width, pixel_height = box.viewPixelSize()
        if not (pixel_width > 0 and pixel_height > 0):
            return
        axes = self.frame.axes if self.frame is not None else None
        ends = [] if axes is None else [*axes.x_from, *axes.x_to, *axes.y_from, *axes.y_to]
        first = self.searched if self.label_all_searched else self.searched[:1]
        # the handout's picture labels each of its few words, as the handout's plot does
        every = (self.ids.tolist() if self.frame is not None
                 and self.frame.method == "handout" else [])
        always = [w for w in (*self.pinned, *first, self.hovered, *ends, *every)
                  if w is not None and w in self.row_of]
        chosen = place_labels(
            self.layout, self.ids, self.row_of, box.viewRange(), (pixel_width, pixel_height),
            always=always, searched=[w for w in self.searched[1:] if w in self.row_of],
            label_rows=self.label_rows,
            marked_width=lambda word: self.label_layer.marked_width(self.words[word]),
            plain_width=lambda word: len(self.words[word]) * CHAR_WIDTH)
        pinned, searched_set = set(self.pinned), set(self.searched)
        labels = []
        for word, place in chosen:
            x, y = self.layout[self.row_of[word]]
            role = ("pinned" if word in pinned else "searched" if word in searched_set
                    else "hovered" if word == self.hovered else "plain")
            labels.append((float(x), float(y), self.words[word], role, place))
        self.labelled = [word for word, _ in chosen]
        self.label_layer.set_labels(labels)

    # ------------------------------------------------------------------ the mouse
    def _tip(self, x: float, y: float, data: int) -> str:
        word = int(data)
        if word < len(self.words):
            pinned = "  (pinned)" if word in self.pinned else ""
            amount = (f"count {int(self.counts[word]):,}" if self.counts is not None
                      else f"row {word + 1:,} of the file")
            return (f"{self.words[word]}  ({amount}){pinned}\n"
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

