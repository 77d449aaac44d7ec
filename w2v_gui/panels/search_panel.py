"""Nearest-word search and analogies: the fields and the results. The searching itself
happens on a worker thread (w2v_gui.controllers.search); this panel asks and shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
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

from w2v_gui.views.loss_view import CountAxis

if TYPE_CHECKING:
    from w2v_gui.workers import Completion


def digits_to_tell_apart(scores: list[float], least: int = 3, most: int = 7) -> int:
    """The decimals that show different scores differently (at least `least`, at most
    `most`): at dimension 10 the nearest words' cosines all read 0.999 with three."""
    distinct = sorted(set(scores))
    for digits in range(least, most):
        shown = [f"{score:.{digits}f}" for score in distinct]
        if len(set(shown)) == len(shown):
            return digits
    return most


class SearchPanel(QWidget):
    """Type a word: its top-k neighbours by cosine, refreshed as training goes on."""

    # kind ("neighbours" or "analogy"), the words, how many; quiet: a refresh whose
    # failure need not be shown
    requested = pyqtSignal(str, tuple, int, bool)
    highlight = pyqtSignal(list)  # the query and its neighbours, for the map
    pin_toggled = pyqtSignal(str)  # pin the query word on the map, or unpin it
    isolate = pyqtSignal(list)  # show only the query and its neighbours on the map

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.vocabulary: set[str] | frozenset[str] = set()
        self.query = QLineEdit(placeholderText="a word, e.g. king")
        self.completion = QStringListModel()
        self.completer = completer = QCompleter(self.completion, self)
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
        isolate = QPushButton("Isolate")
        isolate.setToolTip("Show only this word and the neighbours listed, laid out on their "
                           "own (Ctrl+I; Esc shows the whole map again)")
        isolate.clicked.connect(self.isolate_shown)
        self.shown: list[str] = []  # the query and the words listed for it
        self.results = QTableWidget(0, 2)
        self.results.setHorizontalHeaderLabels(["word", "cosine"])
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.verticalHeader().hide()
        self.results.setMinimumWidth(120)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
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
        top.addWidget(isolate)
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
        # the searched word's settling curve, from the run's film: its plot is made the
        # first time there is one to show
        self.settling: pg.PlotWidget | None = None
        self.settling_title = QLabel("")
        self.settling_title.setWordWrap(True)
        self.settling_title.hide()
        layout.addWidget(self.settling_title)
        self._layout = layout
        self._last = "neighbours"

    def set_vocabulary(self, words: list[str]) -> None:
        """The words there are to search (for completion and the Pin check)."""
        self.vocabulary = set(words)
        self.completion = QStringListModel(words, self)
        self.completer.setModel(self.completion)

    def set_completion(self, completion: Completion) -> None:
        """The words there are to search, made ready off this thread (a large vocabulary)."""
        self.vocabulary = completion.known
        self.completion = completion.model
        self.completer.setModel(completion.model)

    def focus_query(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def refresh_quietly(self) -> None:
        """New vectors: ask again for whatever is on show."""
        if self._last == "analogy":
            self.run_analogy(quiet=True)
        else:
            self.refresh(quiet=True)

    def _pin_clicked(self) -> None:
        word = self.query.text().strip()
        if not word:
            self.show_problem("Type a word to pin it on the map.")
        elif self.vocabulary and word not in self.vocabulary:
            self.refresh()  # says the word is unknown, with suggestions
        else:
            self.pin_toggled.emit(word)

    def show_settling(self, word: str, done, changed, now: int | None = None) -> None:
        """The share of `word`'s nearest neighbours that changed from snapshot to
        snapshot of the run's film (None: no curve to show); `now`: the moment shown."""
        shown = done is not None and len(done) > 0
        self.settling_title.setVisible(shown or bool(word))
        if self.settling is not None:
            self.settling.setVisible(shown)
        if not shown:
            self.settling_title.setText(
                f"{word}'s settling curve needs three snapshots of the run's film: train "
                "a little longer with the map on show." if word else "")
            return
        if self.settling is None:
            self._make_settling_plot()
        self.settling_curve.setData(done, changed)
        self.settling_now.setVisible(now is not None)
        if now is not None:
            self.settling_now.setPos(now)
        # changed[j]: what changed on the way to the snapshot at done[j]
        moving = np.flatnonzero(np.asarray(changed) > 0)
        if not len(moving):
            end = "; they did not change between snapshots."
        elif moving[-1] == len(changed) - 1:
            end = "; they still move."
        else:
            end = f"; they have stayed the same since {int(done[moving[-1]]):,} words."
        self.settling_title.setText(
            f"How much of {word}'s 10 nearest neighbours (among the map's words) changed "
            "from one snapshot of the run to the next" + end)

    def _make_settling_plot(self) -> None:
        self.settling = pg.PlotWidget(background="w",
                                      axisItems={"bottom": CountAxis("bottom")})
        self.settling.setMaximumHeight(150)
        self.settling.setLabel("left", "changed")
        self.settling.setLabel("bottom", "words trained")
        self.settling.setYRange(0, 1, padding=0.05)
        self.settling.setMouseEnabled(False, False)
        self.settling_curve = self.settling.plot(pen=pg.mkPen(40, 90, 200, width=2),
                                                 symbol="o", symbolSize=4)
        self.settling_now = pg.InfiniteLine(angle=90, pen=pg.mkPen(235, 110, 20))
        self.settling.addItem(self.settling_now)
        self._layout.addWidget(self.settling)

    def clear(self) -> None:
        """Forget the vocabulary (a new corpus or run is coming); keep what was typed."""
        self.set_vocabulary([])
        self.results.setRowCount(0)
        self.shown = []
        self.message.clear()

    def search(self, word: str) -> None:
        self.query.setText(word)
        self.refresh()

    def refresh(self, quiet: bool = False) -> None:
        word = self.query.text().strip()
        if not self.vocabulary or not word:
            return
        self._last = "neighbours"
        self.requested.emit("neighbours", (word,), self.count.value(), quiet)

    def run_analogy(self, quiet: bool = False) -> None:
        words = tuple(field.text().strip() for field in self.analogy_words)
        if not self.vocabulary:
            return
        if not all(words):
            if not quiet:
                self.show_problem("Fill in all three words: a − b + c, e.g. king − man + woman.")
            return
        self._last = "analogy"
        self.requested.emit("analogy", words, self.count.value(), quiet)

    def show_ranked(self, ranked: list[tuple[str, float]], query: list[str]) -> None:
        self.message.clear()
        self.results.setRowCount(len(ranked))
        digits = digits_to_tell_apart([score for _word, score in ranked])
        for row, (word, score) in enumerate(ranked):
            self.results.setItem(row, 0, QTableWidgetItem(word))
            self.results.setItem(row, 1, QTableWidgetItem(f"{score:.{digits}f}"))
        self.shown = query + [word for word, _ in ranked]
        self.highlight.emit(self.shown)

    def isolate_shown(self) -> None:
        if not self.shown:
            self.show_problem("Search a word first; Isolate then shows it and its "
                              "neighbours on their own.")
            return
        self.isolate.emit(self.shown)

    def show_problem(self, message: str) -> None:
        """Say why there is no answer (an unknown word, a missing field)."""
        self.message.setText(message)
        self.results.setRowCount(0)
        self.shown = []
        self.highlight.emit([])

