"""The strip above the map: layout method, how many words, colouring, trails, pinned words,
the semantic axes' words and the isolated neighbourhood. These apply now, also while
training."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.map.colours import DEFAULT_CLUSTERS, PALETTE
from w2v_gui.panels.elided_label import ElidedLabel
from w2v_gui.session_state import FEWEST_CLUSTERS, FEWEST_MAP_WORDS, MOST_MAP_WORDS

# each map method of core.map.tracker.METHODS by its name in the menu, in the menu's order
METHOD_LABELS = {"PCA": "pca", "t-SNE": "tsne", "UMAP": "umap", "Semantic axes": "axes",
                 "The handout's picture": "handout"}
METHOD_TIPS = {
    "pca": "PCA: the two directions of greatest spread; moves live with training.",
    "tsne": "t-SNE (openTSNE): keeps each word's nearest neighbours near it; converges over "
            "a few frames and glides on from the current layout as training goes on.",
    "umap": "UMAP (needs the optional package umap-learn; its first use takes a while).",
    "axes": "Semantic axes: x runs from one word (or set of words) to another, e.g. "
            "man → woman; y likewise, or the main direction of the rest.",
    "handout": "The CS224n handout's picture: the 24 words its run.py plots (great, cool, "
               "…, coffee, tea), projected as it does on the top two principal axes of "
               "their own covariance, live. Open the SST corpus for all of them.",
}
COLOURINGS = {"One colour": "none", "Clusters (k-means)": "clusters",
              "Frequency": "frequency"}
METADATA_PREFIX = "Label: "
DEFAULT_MAP_WORDS = 300


class MapControls(QWidget):
    method_changed = pyqtSignal(str)  # a key of METHOD_LABELS' values
    word_count_changed = pyqtSignal(int)
    trails_toggled = pyqtSignal(bool)
    clear_pins = pyqtSignal()
    colouring_changed = pyqtSignal()
    load_labels = pyqtSignal()  # the user asks to read a word<TAB>label file
    axes_changed = pyqtSignal(str, str, str, str)  # x from, x to, y from, y to
    show_all = pyqtSignal()  # leave the isolated neighbourhood

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        self.method.addItems(list(METHOD_LABELS))
        for row, key in enumerate(METHOD_LABELS.values()):
            self.method.setItemData(row, METHOD_TIPS[key], 3)  # 3: Qt's tooltip role
        self.method.setToolTip("How the map places the words; hover an entry for more")
        self.method.currentTextChanged.connect(self._method_chosen)
        # as wide as a short entry (the list shows them whole): room for the pinned words
        self.method.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.method.setMinimumContentsLength(10)
        self.word_count = QSpinBox(minimum=FEWEST_MAP_WORDS, maximum=MOST_MAP_WORDS,
                                   value=DEFAULT_MAP_WORDS, singleStep=100)
        self.word_count.setToolTip("How many of the most frequent words the map shows, "
                                   "besides pinned words (up to 20,000)")
        self.word_count.setKeyboardTracking(False)  # act on Enter or arrows, not each key
        self.word_count.valueChanged.connect(self.word_count_changed)
        self.colour = QComboBox()
        self.colour.addItems(list(COLOURINGS))
        self.colour.setToolTip("Colour the words by k-means clusters of their vectors, by a "
                               "label column (Labels… reads a word<TAB>label file), or by "
                               "frequency")
        self.colour.currentTextChanged.connect(self._colour_chosen)
        self.clusters = QSpinBox(minimum=FEWEST_CLUSTERS, maximum=len(PALETTE),
                                 value=DEFAULT_CLUSTERS)
        self.clusters.setPrefix("k = ")
        self.clusters.setToolTip(f"How many clusters k-means finds (the palette has "
                                 f"{len(PALETTE)} colours that colour-blind readers can "
                                 "tell apart)")
        self.clusters.setKeyboardTracking(False)
        self.clusters.valueChanged.connect(lambda _k: self.colouring_changed.emit())
        self.labels = QPushButton("Labels…")
        self.labels.setToolTip("Colour by a column of a word<TAB>label file or an Embedding "
                               "Projector metadata TSV")
        self.labels.clicked.connect(self.load_labels)
        self.trails = QCheckBox("Trails", checked=True)
        self.trails.setToolTip("Draw the path each pinned word took across recent frames")
        self.trails.toggled.connect(self.trails_toggled)
        self.pinned = ElidedLabel()
        self.pinned.setStyleSheet("color: #b01030")
        self.clear = QPushButton("Unpin all")
        self.clear.clicked.connect(self.clear_pins)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((QLabel("Map"), 0), (self.method, 0), (QLabel("words"), 0),
                                (self.word_count, 0), (QLabel("colour"), 0),
                                (self.colour, 0), (self.clusters, 0), (self.labels, 0),
                                (self.trails, 0), (self.pinned, 1), (self.clear, 0)):
            top.addWidget(widget, stretch)
        self.axes_row = self._axes_row()
        self.isolated_row = QWidget()
        isolated = QHBoxLayout(self.isolated_row)
        isolated.setContentsMargins(0, 0, 0, 0)
        self.isolated_label = QLabel(textFormat=Qt.TextFormat.PlainText)  # names a word
        self.isolated_label.setStyleSheet("color: #a05000")
        back = QPushButton("Show all (Esc)")
        back.clicked.connect(self.show_all)
        isolated.addWidget(self.isolated_label, 1)
        isolated.addWidget(back)
        self.isolated_row.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.axes_row)
        layout.addWidget(self.isolated_row)
        self.show_pinned([])
        self._colour_chosen(self.colour.currentText())

    def _axes_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.axis_fields = []
        for text, placeholder in (("x:", "man"), ("→", "woman"), ("  y:", "(main axis)"),
                                  ("→", "")):
            field = QLineEdit(placeholderText=placeholder)
            field.setToolTip("One word or several (their mean); Enter applies")
            field.returnPressed.connect(self._apply_axes)
            layout.addWidget(QLabel(text))
            layout.addWidget(field, 1)
            self.axis_fields.append(field)
        apply = QPushButton("Apply")
        apply.clicked.connect(self._apply_axes)
        layout.addWidget(apply)
        row.hide()
        return row

    # ------------------------------------------------------------------ method
    @property
    def method_key(self) -> str:
        return METHOD_LABELS[self.method.currentText()]

    def set_method(self, key: str) -> None:
        for text, value in METHOD_LABELS.items():
            if value == key:
                self.method.setCurrentText(text)

    def _method_chosen(self, text: str) -> None:
        self.axes_row.setVisible(METHOD_LABELS[text] == "axes")
        self.method_changed.emit(METHOD_LABELS[text])

    def ask_for_axes(self) -> None:
        self.axes_row.show()
        self.axis_fields[0].setFocus()

    def set_axes_text(self, x_from: str, x_to: str, y_from: str, y_to: str) -> None:
        for field, text in zip(self.axis_fields, (x_from, x_to, y_from, y_to), strict=True):
            field.setText(text)

    def _apply_axes(self) -> None:
        self.axes_changed.emit(*(field.text().strip() for field in self.axis_fields))

    # ------------------------------------------------------------------ colour
    def colouring(self) -> tuple[str, int, str]:
        """(kind, clusters, metadata column); kind is "none", "clusters", "metadata" or
        "frequency"."""
        text = self.colour.currentText()
        if text.startswith(METADATA_PREFIX):
            return "metadata", self.clusters.value(), text[len(METADATA_PREFIX):]
        return COLOURINGS.get(text, "none"), self.clusters.value(), ""

    def set_colouring(self, kind: str, clusters: int | None = None) -> None:
        if clusters is not None:
            self.clusters.setValue(clusters)
        for text, value in COLOURINGS.items():
            if value == kind:
                self.colour.setCurrentText(text)

    def set_metadata_columns(self, columns: list[str]) -> None:
        """Offer these label columns (a "word" column names the rows, so it is left out)."""
        current = self.colour.currentText()
        self.colour.blockSignals(True)
        self.colour.clear()
        self.colour.addItems(list(COLOURINGS))
        self.colour.addItems([METADATA_PREFIX + c for c in columns if c.lower() != "word"])
        if self.colour.findText(current) >= 0:
            self.colour.setCurrentText(current)
        self.colour.blockSignals(False)
        self._colour_chosen(self.colour.currentText(), quiet=True)

    def choose_metadata(self, column: str) -> None:
        self.colour.setCurrentText(METADATA_PREFIX + column)

    def _colour_chosen(self, text: str, quiet: bool = False) -> None:
        self.clusters.setVisible(COLOURINGS.get(text) == "clusters")
        if not quiet:
            self.colouring_changed.emit()

    # ------------------------------------------------------------------ words
    def show_pinned(self, words: list[str]) -> None:
        self.pinned.setText("pinned: " + ", ".join(words) if words else
                            "Ctrl+click a point, or Pin a searched word, to follow it")
        self.clear.setEnabled(bool(words))

    def show_isolated(self, word: str, neighbours: int) -> None:
        """Say which neighbourhood the map shows alone ("" when the whole map shows)."""
        self.isolated_row.setVisible(bool(word))
        self.isolated_label.setText(f"Isolated: '{word}' and its {neighbours} nearest "
                                    "words, laid out on their own")
        self.word_count.setEnabled(not word)
