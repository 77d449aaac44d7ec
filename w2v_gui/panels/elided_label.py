"""A one-line label that ends in "…" when its text does not fit, with the whole text in
its tooltip: the strips above the map stay one line at any window width."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from w2v_gui.plain_text import plain_tooltip


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # it may show a file's name
        self.setMinimumWidth(40)  # long texts are cut, not the window widened
        self.full_text = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(plain_tooltip(text))
        self._elide()

    def text(self) -> str:
        """The whole text, also when the label shows it cut."""
        return self.full_text

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(40)
        return hint

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance(self.full_text) + 4)
        return hint

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight,
                                              max(self.width(), 1))
        super().setText(shown)
