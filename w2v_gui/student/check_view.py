"""The check of a student's functions, shown: each function and each of its checks
(passed, failed, not written, raised, never returned) in a tree; the selected one's
diagnosis, values and traceback beside it, and for a gradient, the entries that differ
as a small heatmap of theirs − expected."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QColor, QFont
from PyQt6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.student.probe import SGD_FUNCTIONS, WORD2VEC_FUNCTIONS
from core.student.report import VERDICTS, checks_counted, value

COLOURS = {"passed": (30, 130, 60), "failed": (190, 30, 30), "not written": (120, 120, 120),
           "raised": (200, 100, 0), "timed out": (200, 100, 0),
           "checker failed": (120, 60, 160), "checking": (40, 90, 200),
           "waiting": (150, 150, 150)}
NUMBERED_ENTRIES = 60  # a map this small shows each entry's difference as a number
NOT_WRITTEN = ("Write it between ### YOUR CODE HERE and ### END YOUR CODE in your file; "
               "each time you save, it is checked again.")
MARKS = {"passed": "✓", "failed": "✗", "not written": "–", "raised": "!",
         "timed out": "!", "checker failed": "?", "checking": "…", "waiting": ""}


class Heatmap(pg.PlotWidget):
    """theirs − expected, entry by entry: red above, blue below, white where equal."""

    def __init__(self) -> None:
        super().__init__()
        self.setBackground("w")
        self.setMinimumHeight(140)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("CET-D1"))
        self.addItem(self.image)
        self.getViewBox().invertY(True)
        self.getViewBox().setAspectLocked(False)
        self.setMouseEnabled(False, False)
        self.getPlotItem().setLabels(left="row", bottom="column")
        for side in ("left", "bottom"):
            self.getAxis(side).enableAutoSIPrefix(False)
        self.hideButtons()
        self.numbers: list[pg.TextItem] = []  # each entry's difference, on small maps

    def show_difference(self, difference) -> bool:
        """Show it if it is a vector or a matrix of numbers; False (hidden) otherwise."""
        try:
            array = np.asarray(difference, dtype=np.float64)
        except (TypeError, ValueError):
            array = np.zeros(0)
        if array.ndim not in (1, 2) or not array.size or not np.all(np.isfinite(array)):
            self.hide()
            return False
        matrix = array[None, :] if array.ndim == 1 else array
        bound = float(np.max(np.abs(matrix))) or 1.0
        self.image.setImage(matrix, levels=(-bound, bound))
        self.image.setRect(-0.5, -0.5, matrix.shape[1], matrix.shape[0])
        self.setRange(xRange=(-0.5, matrix.shape[1] - 0.5),
                      yRange=(-0.5, matrix.shape[0] - 0.5), padding=0)
        rows, columns = matrix.shape
        self.getAxis("left").setTicks([[(r, str(r)) for r in range(rows)]]
                                      if rows <= 20 else None)
        self.getAxis("bottom").setTicks([[(c, str(c)) for c in range(columns)]]
                                        if columns <= 20 else None)
        self.getPlotItem().setLabels(left="row" if array.ndim == 2 else "",
                                     bottom="column" if array.ndim == 2 else "entry")
        for item in self.numbers:
            self.removeItem(item)
        self.numbers = []
        if rows * columns <= NUMBERED_ENTRIES:
            for (r, c), difference in np.ndenumerate(matrix):
                text = pg.TextItem(f"{difference:+.3g}" if difference else "0",
                                   color=(20, 20, 20), anchor=(0.5, 0.5))
                text.setPos(c, r)
                self.addItem(text)
                self.numbers.append(text)
        self.show()
        return True


class CheckView(QWidget):
    """Shows a check's results as they arrive (`begin`, `function_started`,
    `function_checked`, `show_error`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Function and its checks", "Result"])
        self.tree.setColumnWidth(0, 300)
        self.tree.currentItemChanged.connect(lambda item, _old: self._show(item))
        self.diagnosis = QLabel("")
        self.diagnosis.setWordWrap(True)
        self.diagnosis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont()
        bold.setBold(True)
        self.diagnosis.setFont(bold)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFont("monospace"))
        self.heatmap_title = QLabel("")
        self.heatmap = Heatmap()
        self.heatmap.hide()
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.diagnosis, self.details, self.heatmap_title, self.heatmap):
            column.addWidget(widget)
        column.setStretch(1, 3)
        column.setStretch(3, 2)
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(side)
        splitter.setSizes([580, 420])
        splitter.setStretchFactor(0, 1)
        splitter.setCollapsible(0, False)
        self.tree.setMinimumWidth(530)
        self.tree.header().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.items: dict[str, QTreeWidgetItem] = {}

    # ------------------------------------------------------------------ input
    def begin(self, with_sgd: bool) -> None:
        """A new check: every function waits."""
        selected = self.tree.currentItem()
        keep = selected.text(0) if selected is not None else None
        self.tree.clear()
        self.items = {}
        for name in (*WORD2VEC_FUNCTIONS, *(SGD_FUNCTIONS if with_sgd else ())):
            item = QTreeWidgetItem([name, ""])
            self._mark(item, "waiting", "waiting")
            self.tree.addTopLevelItem(item)
            self.items[name] = item
        self._keep = keep
        self._show(None)

    def function_started(self, name: str) -> None:
        if name in self.items:
            self._mark(self.items[name], "checking", "checking…")

    def function_checked(self, name: str, result: dict) -> None:
        item = self.items.get(name)
        if item is None:
            return
        item.takeChildren()
        item.setData(0, Qt.ItemDataRole.UserRole, result)
        checks = result.get("checks", [])
        self._mark(item, result["status"], VERDICTS[result["status"]]
                   + checks_counted(checks))
        for check in checks:
            child = QTreeWidgetItem([check["name"], ""])
            child.setData(0, Qt.ItemDataRole.UserRole, check)
            self._mark(child, "passed" if check["passed"] else "failed",
                       "passed" if check["passed"] else _short(check))
            item.addChild(child)
        current = self.tree.currentItem()
        item.setExpanded(not result["passed"] and not any(
            other.isExpanded() for other in self.items.values()))
        if current is None and not result["passed"]:
            self.tree.setCurrentItem(item)  # the first failure is shown at once
        elif current is item or (self._keep and self._keep == name):
            self.tree.setCurrentItem(item)
            self._show(item)

    def show_summary(self, text: str) -> None:
        """Shown beside the tree while nothing is selected (when everything passes)."""
        if self.tree.currentItem() is None:
            self.diagnosis.setText(text)
            self.details.setPlainText("Select a function to see its checks:\nthe "
                                      "expected value, yours and ours for each.")

    def show_error(self, message: str) -> None:
        """The file cannot be used: say why, instead of the functions."""
        self.tree.clear()
        self.items = {}
        self.diagnosis.setText("This file cannot be checked.")
        self.details.setPlainText(message)
        self.heatmap.hide()
        self.heatmap_title.setText("")

    # ------------------------------------------------------------------ output
    def _mark(self, item: QTreeWidgetItem, status: str, text: str) -> None:
        colour = QBrush(QColor(*COLOURS[status]))
        item.setText(1, f"{MARKS[status]} {text}".strip())
        item.setForeground(1, colour)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.heatmap.hide()
        self.heatmap_title.setText("")
        if not isinstance(data, dict):
            self.diagnosis.setText("")
            self.details.setPlainText("")
            return
        if "checks" in data:  # a function
            self.diagnosis.setText(data.get("diagnosis") or (
                "Every check passes." if data["passed"] else ""))
            if data["status"] == "not written":
                self.details.setPlainText(NOT_WRITTEN)
                return
            failed = [c for c in data["checks"] if not c["passed"]]
            text = data.get("error") or "\n\n".join(_described(c) for c in failed)
            if data.get("note"):
                text += f"\n\nnote: {data['note']}"
            self.details.setPlainText(text)
            first = next((c for c in failed if c.get("difference") is not None), None)
            if first is not None:
                self._heatmap(first)
            return
        self.diagnosis.setText(data.get("diagnosis") or (
            "Passed." if data["passed"] else data.get("message") or "Differs."))
        self.details.setPlainText(_described(data))
        if not data["passed"] and data.get("difference") is not None:
            self._heatmap(data)

    def _heatmap(self, check: dict) -> None:
        if self.heatmap.show_difference(check["difference"]):
            bound = np.max(np.abs(np.asarray(check["difference"], dtype=np.float64)))
            self.heatmap_title.setText(
                f"{check['output']}: yours − expected, entry by entry (red above, blue "
                f"below; the largest difference {bound:.3g})")


def _short(check: dict) -> str:
    """A failed check in a few words, for the tree (the whole message is beside it)."""
    message = check.get("message") or "differs"
    if message.startswith("worst relative error"):
        return "gradient differs"
    if message.startswith("differs by up to"):
        return "differs"
    return message if len(message) <= 32 else message[:30] + "…"


def _described(check: dict) -> str:
    lines = [check["name"], f"  {check['message']}" if check.get("message") else ""]
    if check.get("expected") is not None:
        for title, key in (("expected", "expected"), ("yours", "theirs"), ("ours", "ours")):
            shown = check[key]
            if isinstance(shown, list) and shown and isinstance(shown[0], list):
                lines.append(f"  {title}")  # a matrix: a row a line
                lines += [f"    {value(row)}" for row in shown]
            else:
                lines.append(f"  {title:<8} {value(shown)}")
    for worst in check.get("worst") or []:
        lines.append(f"  at [{', '.join(map(str, worst['index']))}]: yours "
                     f"{value(worst['theirs'])}, expected {value(worst['expected'])}")
    return "\n".join(line for line in lines if line)
