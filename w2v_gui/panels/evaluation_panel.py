"""The Evaluation panel: which test sets are loaded, the results per section, the word-pair
correlations, and the analogies the model gets wrong (a click shows the four words on the
map). The scoring happens on a worker thread (w2v_gui.controllers.evaluation)."""

from __future__ import annotations

import math
from html import escape

from PyQt6.QtCore import QAbstractListModel, QModelIndex, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.evaluation import AnalogyResult, AnalogySet, PairResult, PairSet, WrongAnswer


def percent(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1%}"


class WrongAnswers(QAbstractListModel):
    """The analogies the model gets wrong, as a list the view asks row by row: replacing
    thousands of them every couple of seconds during a run costs the GUI thread nothing
    until a row is painted (a QListWidget built 500 items in 10-40 ms)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.answers: tuple[WrongAnswer, ...] = ()

    def show(self, answers: tuple[WrongAnswer, ...]) -> None:
        self.beginResetModel()
        self.answers = tuple(answers)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.answers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.answers):
            return None
        answer = self.answers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            got = answer.predicted if answer.predicted is not None else "nothing"
            return f"{answer.a} : {answer.b} :: {answer.c} : {answer.expected}   (got {got})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"section {answer.section}"
        if role == Qt.ItemDataRole.UserRole:
            return [answer.a, answer.b, answer.c, answer.expected]
        return None


class EvaluationPanel(QWidget):
    load_analogies = pyqtSignal()
    load_pairs = pyqtSignal()
    use_gensim_sets = pyqtSignal()
    evaluate = pyqtSignal()
    method_changed = pyqtSignal(str)  # "3cosadd" or "3cosmul"
    live_changed = pyqtSignal(bool)
    show_words = pyqtSignal(list)  # a wrong analogy's words, for the map

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # file names, shown as written
        self.analogies_name = QLabel("none", textFormat=Qt.TextFormat.PlainText)
        self.pairs_name = QLabel("none", textFormat=Qt.TextFormat.PlainText)
        for label in (self.analogies_name, self.pairs_name):
            label.setWordWrap(True)
        load_analogies = QPushButton("Load…")
        load_analogies.setToolTip("Analogy questions in the format of Google's "
                                  "questions-words.txt (': section' lines, then 'a b c d')")
        load_analogies.clicked.connect(self.load_analogies)
        load_pairs = QPushButton("Load…")
        load_pairs.setToolTip("Word pairs with a similarity score, as in WordSim353 or "
                              "SimLex-999 (tab- or comma-separated)")
        load_pairs.clicked.connect(self.load_pairs)
        self.method = QComboBox()
        self.method.addItems(["3CosAdd", "3CosMul"])
        self.method.setToolTip("3CosAdd: b − a + c, by cosine; 3CosMul: Levy and Goldberg's "
                               "multiplicative objective (as gensim's most_similar_cosmul)")
        self.method.currentTextChanged.connect(
            lambda text: self.method_changed.emit(text.lower()))
        self.live = QCheckBox("Measure while training")
        self.live.setChecked(True)
        self.live.setToolTip("Evaluate the run's newest vectors every couple of seconds and "
                             "draw the quality curve beside the loss")
        self.live.toggled.connect(self.live_changed)
        self.evaluate_button = QPushButton("Evaluate now")
        self.evaluate_button.setToolTip("Evaluate the current vectors (F5)")
        self.evaluate_button.clicked.connect(self.evaluate)
        sets = QGridLayout()
        sets.addWidget(QLabel("Analogies:"), 0, 0)
        sets.addWidget(self.analogies_name, 0, 1)
        sets.addWidget(load_analogies, 0, 2)
        sets.addWidget(QLabel("Word pairs:"), 1, 0)
        sets.addWidget(self.pairs_name, 1, 1)
        sets.addWidget(load_pairs, 1, 2)
        sets.setColumnStretch(1, 1)
        # no test set: said, with what to load (the toy world's belong to the toy world)
        self.no_sets = QLabel("No test set is loaded for this corpus: the toy world's "
                              "belong to the toy world. Use gensim's Google analogies and "
                              "WordSim353, or load files of your own.")
        self.no_sets.setWordWrap(True)
        self.gensim_button = QPushButton("Use gensim's Google analogies and WordSim353")
        self.gensim_button.setToolTip("questions-words.txt and wordsim353.tsv, which ship "
                                      "with the gensim package")
        self.gensim_button.clicked.connect(self.use_gensim_sets)
        sets.addWidget(self.no_sets, 2, 0, 1, 3)
        sets.addWidget(self.gensim_button, 3, 0, 1, 3)
        options = QHBoxLayout()
        options.addWidget(self.method)
        options.addWidget(self.evaluate_button)
        options.addStretch(1)
        self.summary = QLabel("Not evaluated yet.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sections = QTableWidget(0, 4)
        self.sections.setHorizontalHeaderLabels(["section", "correct", "accuracy", "skipped"])
        header = self.sections.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # fits the dock
        self.sections.verticalHeader().hide()
        self.sections.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.sections.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.wrong_title = QLabel("Wrong answers")
        self.wrong_answers = WrongAnswers(self)
        self.wrong = QListView()
        self.wrong.setModel(self.wrong_answers)
        self.wrong.setUniformItemSizes(True)  # no row is measured before it is shown
        self.wrong.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.wrong.setToolTip("a : b :: c : expected (got …). Click one to show its words "
                              "on the map")
        self.wrong.selectionModel().currentChanged.connect(self._wrong_chosen)
        self.wrong.clicked.connect(self._wrong_chosen)
        layout = QVBoxLayout(self)
        layout.addLayout(sets)
        layout.addLayout(options)
        layout.addWidget(self.live)
        layout.addWidget(self.summary)
        layout.addWidget(self.sections, 2)
        layout.addWidget(self.wrong_title)
        layout.addWidget(self.wrong, 3)

    # ------------------------------------------------------------------ showing
    def show_sets(self, analogies: AnalogySet | None, pairs: PairSet | None) -> None:
        self.analogies_name.setText(
            f"{analogies.name} ({len(analogies.questions):,} questions)" if analogies
            else "none")
        self.pairs_name.setText(f"{pairs.name} ({len(pairs.pairs):,} pairs)" if pairs
                                else "none")
        none = analogies is None and pairs is None
        self.no_sets.setVisible(none)
        self.gensim_button.setVisible(none)

    def show_results(self, analogies: AnalogyResult | None, pairs: PairResult | None,
                     what: str) -> None:
        """The results of one evaluation of `what` (e.g. "at 1.2M words")."""
        lines = [f"<b>Evaluated {escape(what)}</b>"]
        if analogies is not None:
            lines.append(analogy_summary(analogies))
        if pairs is not None:
            lines.append(pair_summary(pairs))
        self.summary.setText("<br>".join(lines))
        self._show_sections(analogies)
        self._show_wrong(analogies.wrong if analogies is not None else ())

    def _show_sections(self, analogies: AnalogyResult | None) -> None:
        sections = analogies.sections if analogies is not None else ()
        self.sections.setRowCount(len(sections))
        for row, section in enumerate(sections):
            cells = (section.name, f"{section.correct:,} / {section.total:,}",
                     percent(section.accuracy), f"{section.skipped:,}")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.sections.setItem(row, column, item)

    def _show_wrong(self, wrong: tuple[WrongAnswer, ...]) -> None:
        self.wrong_answers.show(wrong)  # a reset: no current row, so no signal
        self.wrong_title.setText(f"Wrong answers ({len(wrong):,}): click one to show it "
                                 "on the map")

    def _wrong_chosen(self, index: QModelIndex, _previous=None) -> None:
        words = self.wrong_answers.data(index, Qt.ItemDataRole.UserRole)
        if words is not None:
            self.show_words.emit(words)


def analogy_summary(result: AnalogyResult) -> str:
    text = (f"Analogies ({result.method}): <b>{percent(result.accuracy)}</b> "
            f"({result.correct:,} of {result.total:,})")
    if result.skipped:
        text += f"; {result.skipped:,} skipped (a word outside the vocabulary)"
    return text


def pair_summary(result: PairResult) -> str:
    if result.pairs < 2:
        return (f"Word pairs: too few known pairs to correlate ({result.pairs} scored, "
                f"{result.skipped:,} with an unknown word)")
    return (f"Word pairs: Spearman <b>{result.spearman:.3f}</b>, Pearson "
            f"{result.pearson:.3f}, {result.oov_ratio:.1f}% out of vocabulary")
