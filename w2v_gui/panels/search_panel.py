"""Nearest-word search and analogies over the latest copy of the vectors."""

from __future__ import annotations

from PyQt6.QtCore import QStringListModel, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.embeddings import Embeddings, UnknownWordError


class SearchPanel(QWidget):
    """Type a word: its top-k neighbours by cosine, refreshed as training goes on."""

    highlight = pyqtSignal(list)  # the query and its neighbours, for the map
    pin_toggled = pyqtSignal(str)  # pin the query word on the map, or unpin it

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.embeddings: Embeddings | None = None
        self.query = QLineEdit(placeholderText="a word, e.g. king")
        self.completion = QStringListModel()
        completer = QCompleter(self.completion, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.query.setCompleter(completer)
        self.query.returnPressed.connect(self.refresh)
        completer.activated.connect(lambda _text: self.refresh())
        self.count = QSpinBox(minimum=1, maximum=100, value=10)
        self.count.valueChanged.connect(self.refresh)
        pin = QPushButton("Pin")
        pin.setToolTip("Pin (or unpin) this word on the map: it is always shown and "
                       "labelled, and can leave a trail")
        pin.clicked.connect(self._pin_clicked)
        self.results = QTableWidget(0, 2)
        self.results.setHorizontalHeaderLabels(["word", "cosine"])
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.verticalHeader().hide()
        self.results.setMinimumWidth(120)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet("color: #a04000")

        self.analogy_words = [QLineEdit(placeholderText=p) for p in ("king", "man", "woman")]
        for field in self.analogy_words:
            field.setCompleter(completer)
            field.returnPressed.connect(self.run_analogy)
        analogy_button = QPushButton("Solve")
        analogy_button.setToolTip("Rank the words nearest to a − b + c (3CosAdd)")
        analogy_button.clicked.connect(self.run_analogy)

        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(QLabel("top"))
        top.addWidget(self.count)
        top.addWidget(pin)
        analogy = QHBoxLayout()
        for index, field in enumerate(self.analogy_words):
            field.setMinimumWidth(50)
            analogy.addWidget(field, 1)
            if index < 2:
                analogy.addWidget(QLabel("−" if index == 0 else "+"))
        analogy.addWidget(analogy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Nearest words</b> to"))
        layout.addLayout(top)
        layout.addWidget(QLabel("<b>Analogy</b>: a − b + c, e.g. king − man + woman"))
        layout.addLayout(analogy)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)
        self._last = "neighbours"

    def set_embeddings(self, embeddings: Embeddings) -> None:
        """A new copy of the vectors: refresh whatever is on show."""
        if self.embeddings is None or self.embeddings.words != embeddings.words:
            self.completion.setStringList(embeddings.words)
        self.embeddings = embeddings
        if self._last == "analogy":
            self.run_analogy(quiet=True)
        else:
            self.refresh(quiet=True)

    def _pin_clicked(self) -> None:
        word = self.query.text().strip()
        if not word:
            self._fail("Type a word to pin it on the map.")
        elif self.embeddings is not None and word not in self.embeddings.index:
            self.refresh()  # says the word is unknown, with suggestions
        else:
            self.pin_toggled.emit(word)

    def clear(self) -> None:
        """Forget the vectors (a new corpus or run is coming); keep what was typed."""
        self.embeddings = None
        self.completion.setStringList([])
        self.results.setRowCount(0)
        self.message.clear()

    def search(self, word: str) -> None:
        self.query.setText(word)
        self.refresh()

    def refresh(self, quiet: bool = False) -> None:
        word = self.query.text().strip()
        if self.embeddings is None or not word:
            return
        self._last = "neighbours"
        try:
            ranked = self.embeddings.most_similar(word, self.count.value())
        except UnknownWordError as error:
            if not quiet:
                self._fail(str(error))
            return
        self._show(ranked, [word])

    def run_analogy(self, quiet: bool = False) -> None:
        words = [field.text().strip() for field in self.analogy_words]
        if self.embeddings is None or not all(words):
            if not quiet and self.embeddings is not None:
                self._fail("Fill in all three words: a − b + c, e.g. king − man + woman.")
            return
        self._last = "analogy"
        try:
            ranked = self.embeddings.analogy(*words, count=self.count.value())
        except UnknownWordError as error:
            if not quiet:
                self._fail(str(error))
            return
        self._show(ranked, words)

    def _show(self, ranked: list[tuple[str, float]], query: list[str]) -> None:
        self.message.clear()
        self.results.setRowCount(len(ranked))
        for row, (word, score) in enumerate(ranked):
            self.results.setItem(row, 0, QTableWidgetItem(word))
            self.results.setItem(row, 1, QTableWidgetItem(f"{score:.3f}"))
        self.highlight.emit(query + [word for word, _ in ranked])

    def _fail(self, message: str) -> None:
        self.message.setText(message)
        self.results.setRowCount(0)
        self.highlight.emit([])
