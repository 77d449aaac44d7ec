"""The corpus panel: what is loaded (source, format, size, most frequent words) and the
buttons to load something else, with progress and cancel while a file is read."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.data.corpus import Corpus, is_sst_file
from resources.toy_world import TOY_WORLD_SOURCE
from w2v_gui.plain_text import plain_tooltip

FREQUENT_SHOWN = 30
FORMAT_NAMES = {"word2vec": "word2vec / fastText text", "word2vec-binary": "word2vec binary",
                "glove": "GloVe text", "projector": "Embedding Projector TSV",
                "model": "a saved model", "session": "a session"}


def describe_format(source: str, saved: bool = False) -> str:
    """A short name for the kind of corpus `source` is. saved: the corpus came from a
    session or model, whose source is only a name: no file is looked at then."""
    if saved:
        return ("generated sentences with planted groups" if source == TOY_WORLD_SOURCE
                else "as kept in the saved run")
    path = Path(source)
    if path.is_dir():
        return "a folder of .txt files"
    if path.is_file():
        return ("Stanford Sentiment Treebank sentences (detected)" if is_sst_file(path)
                else "plain text")
    return "generated sentences with planted groups"


def status_line(corpus: Corpus) -> str:
    """One line for the status bar: the corpus's name and size."""
    return (f"{Path(corpus.source).name or corpus.source}: {corpus.token_count:,} tokens, "
            f"{corpus.vocab_size:,} words")


class CorpusPanel(QWidget):
    """Shows a Corpus; asks the window (by signals) to open another one."""

    open_file = pyqtSignal()
    open_folder = pyqtSignal()
    use_toy_world = pyqtSignal()
    cancel = pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Loading the toy world…", wordWrap=True)
        self.summary.setMinimumWidth(60)
        self.frequent = QTableWidget(0, 2)
        self.frequent.setHorizontalHeaderLabels(["most frequent", "count"])
        self.frequent.horizontalHeader().setStretchLastSection(True)
        self.frequent.verticalHeader().hide()
        self.frequent.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QHBoxLayout()
        for text, signal, tip in (
                ("Open file…", self.open_file, "A text file, an SST datasetSentences.txt, "
                 "or a .gz/.bz2/.xz file (Ctrl+O)"),
                ("Folder…", self.open_folder, "Every .txt file in a folder"),
                ("Toy world", self.use_toy_world, "The built-in corpus with planted groups")):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(signal)
            buttons.addWidget(button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        loading = QHBoxLayout()
        loading.addWidget(self.progress, 1)
        loading.addWidget(self.cancel_button)
        self.loading_row = QWidget()
        self.loading_row.setLayout(loading)
        loading.setContentsMargins(0, 0, 0, 0)
        self.loading_row.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.loading_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.frequent, 1)

    def show_vectors(self, loaded) -> None:
        """A file of word vectors open to explore (a core.vectors.reading.VectorFile)."""
        embeddings = loaded.embeddings
        notes = "".join(f"<br><i>{escape(note)}</i>" for note in loaded.notes)
        kind = FORMAT_NAMES.get(loaded.format, loaded.format)
        self.summary.setText(
            f"<b>{escape(loaded.path.name)}</b><br>{kind}, explored (training needs a corpus "
            f"or a saved model)<br>{len(embeddings):,} words × {embeddings.dim} dimensions"
            f"{notes}")
        self.summary.setToolTip(plain_tooltip(str(loaded.path)))
        shown = min(FREQUENT_SHOWN, len(embeddings))
        self.frequent.setHorizontalHeaderLabels(["first in the file", "count"])
        self.frequent.setRowCount(shown)
        for row in range(shown):
            count = embeddings.counts[row] if embeddings.counts is not None else None
            self.frequent.setItem(row, 0, QTableWidgetItem(embeddings.words[row]))
            self.frequent.setItem(row, 1, QTableWidgetItem(
                "" if count is None else f"{int(count):,}"))

    def show_corpus(self, corpus: Corpus, saved: bool = False) -> None:
        """saved: from a session or model (see `describe_format`)."""
        self.summary.setText(
            f"<b>{escape(Path(corpus.source).name or corpus.source)}</b><br>"
            f"{describe_format(corpus.source, saved)}<br>"
            f"{corpus.token_count:,} tokens · {corpus.vocab_size:,} words in the vocabulary")
        self.summary.setToolTip(plain_tooltip(corpus.source))
        shown = min(FREQUENT_SHOWN, corpus.vocab_size)
        self.frequent.setHorizontalHeaderLabels(["most frequent", "count"])
        self.frequent.setRowCount(shown)
        for row in range(shown):
            self.frequent.setItem(row, 0, QTableWidgetItem(corpus.words[row]))
            self.frequent.setItem(row, 1, QTableWidgetItem(f"{int(corpus.counts[row]):,}"))

    def show_loading(self, name: str | None) -> None:
        """Show progress and Cancel while `name` is read; None hides them."""
        self.loading_row.setVisible(name is not None)
        self.progress.setValue(0)
        if name is not None:
            self.progress.setFormat(f"reading {name}… %p%")

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / max(total, 1)))
