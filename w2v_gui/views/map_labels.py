"""The map's labels: every word's label drawn by one item, and the colours of the map's
roles (plain, searched, pinned, hovered)."""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPen

from core.map.labels import PLACES

DOT = (40, 90, 200, 170)
SEARCHED = (235, 110, 20)
PINNED = (190, 20, 60)
ROLE_COLORS = {"pinned": PINNED, "searched": (200, 70, 0), "hovered": (0, 0, 0),
               "plain": (70, 70, 70)}


class LabelLayer(pg.GraphicsObject):
    """Every label of the map in one item with one paint call: drawing 70 separate text
    items costs the interpreter (and so the trainer) far more."""

    def __init__(self) -> None:
        super().__init__()
        # x, y, text, role, and where the text sits (a key of PLACES)
        self.labels: list[tuple[float, float, str, str, str]] = []
        self.pens = {role: QPen(QColor(*color)) for role, color in ROLE_COLORS.items()}
        bold = QFont()
        bold.setBold(True)
        self.fonts = {"plain": QFont(), "bold": bold}
        self.bold_metrics = QFontMetricsF(bold)
        self.setZValue(20)

    def marked_width(self, text: str) -> float:
        """The width in pixels of a marked word's (bold) label, with a little room."""
        return self.bold_metrics.horizontalAdvance(text) + 4

    def set_labels(self, labels: list[tuple[float, float, str, str, str]]) -> None:
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
        for x, y, text, role, place in self.labels:
            point = to_device.map(QPointF(x, y))
            painter.setPen(self.pens[role])
            painter.setFont(self.fonts["plain" if role == "plain" else "bold"])
            width = painter.fontMetrics().horizontalAdvance(text)
            share, dx, dy = PLACES[place]
            painter.drawText(QPointF(point.x() + dx - share * width, point.y() + dy), text)
