"""The strip above the map: layout method, how many words, trails and the pinned words.
These apply now, also while training."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

METHODS = {"PCA": "pca", "t-SNE": "tsne"}
DEFAULT_MAP_WORDS = 300


class MapControls(QWidget):
    method_changed = pyqtSignal(str)  # "pca" or "tsne"
    word_count_changed = pyqtSignal(int)
    trails_toggled = pyqtSignal(bool)
    clear_pins = pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.method.setToolTip("PCA moves live with training; t-SNE (scikit-learn) groups "
                               "neighbours more tightly and is recomputed in the background, "
                               "starting from the current layout.")
        self.method.currentTextChanged.connect(lambda text: self.method_changed.emit(
            METHODS[text]))
        self.word_count = QSpinBox(minimum=10, maximum=5000, value=DEFAULT_MAP_WORDS,
                                   singleStep=50)
        self.word_count.setToolTip("How many of the most frequent words the map shows, "
                                   "besides pinned words")
        self.word_count.setKeyboardTracking(False)  # act on Enter or arrows, not each key
        self.word_count.valueChanged.connect(self.word_count_changed)
        self.trails = QCheckBox("Trails", checked=True)
        self.trails.setToolTip("Draw the path each pinned word took across recent frames")
        self.trails.toggled.connect(self.trails_toggled)
        self.pinned = QLabel()
        self.pinned.setMinimumWidth(40)
        self.pinned.setStyleSheet("color: #b01030")
        self.clear = QPushButton("Unpin all")
        self.clear.clicked.connect(self.clear_pins)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Map"))
        layout.addWidget(self.method)
        layout.addWidget(QLabel("words"))
        layout.addWidget(self.word_count)
        layout.addWidget(self.trails)
        layout.addWidget(self.pinned, 1)
        layout.addWidget(self.clear)
        self.show_pinned([])

    @property
    def method_key(self) -> str:
        return METHODS[self.method.currentText()]

    def set_method(self, key: str) -> None:
        for text, value in METHODS.items():
            if value == key:
                self.method.setCurrentText(text)

    def show_pinned(self, words: list[str]) -> None:
        self.pinned.setText("pinned: " + ", ".join(words) if words else
                            "Ctrl+click a point, or Pin a searched word, to follow it")
        self.clear.setEnabled(bool(words))
