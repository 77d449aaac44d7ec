"""The commands that talk to the user through file dialogs and questions: open, save,
save as, export, recover, and the offer to save before work is replaced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QObject, Qt, QUrl
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from core.map.word_labels import read_word_labels
from core.session import SESSION_SUFFIX
from core.train.config import TrainConfig
from core.vectors.embeddings import Embeddings
from core.vectors.reading import VectorFileError, classify_file, detect_format
from w2v_gui import exports
from w2v_gui.controllers.corpus import CorpusController
from w2v_gui.controllers.document import NOTHING_TO_SAVE, Document, describe_recovery
from w2v_gui.controllers.evaluation import EvaluationController
from w2v_gui.controllers.map import MapController
from w2v_gui.controllers.training import TrainingController
from w2v_gui.messages import Button, ask, show_error
from w2v_gui.safety import APP_NAME, log_file

SESSION_FILTER = (f"Sessions and models (*{SESSION_SUFFIX} *.npz);;Word2Vec Studio session "
                  f"(*{SESSION_SUFFIX});;Saved model (*.npz);;All files (*)")
CORPUS_FILTER = "Text (*.txt *.text *.tok *.gz *.bz2 *.xz);;All files (*)"
VECTORS_FILTER = ("Word vectors (*.txt *.vec *.bin *.tsv *.npz *.w2vsession);;"
                  "All files (*)")
LABELS_FILTER = "Labels (*.tsv *.txt);;All files (*)"
class FileCommands(QObject):
    """File ▸ …: opening, saving, exporting; every failure ends in a message, and nothing
    is replaced before the user has had the chance to save it."""

    def __init__(self, parent: QWidget, document: Document, training: TrainingController,
                 corpora: CorpusController, map_controller: MapController,
                 evaluation: EvaluationController, config: Callable[[], TrainConfig | None],
                 current_embeddings: Callable[[], Embeddings | None],
                 failed: Callable[[str, str], None], status: Callable[[str, int], None]) -> None:
        """parent: the dialogs' window; config: the form's settings (None while a value is
        refused); current_embeddings: the vectors on show; failed(title, message): says why
        a file did not open; status(message, milliseconds): a line in the status bar."""
        super().__init__(parent)
        self.host, self.document, self.training = parent, document, training
        self.corpora, self.map, self.evaluation = corpora, map_controller, evaluation
        self._config, self._current_embeddings = config, current_embeddings
        self._failed, self._status = failed, status
        corpora.not_utf8.connect(self.offer_lenient)
        # where the next file dialog opens: the folder of the last file chosen (kept
        # between launches by the window's settings), at first the home folder
        self.folder = str(Path.home())

    def _chosen(self, path: str) -> str:
        """Remember the folder of a path a dialog returned ("" when cancelled)."""
        if path:
            self.folder = str(Path(path).parent)
        return path

    def _open_name(self, caption: str, filters: str) -> str:
        path, _ = QFileDialog.getOpenFileName(self.host, caption, self.folder, filters)
        return self._chosen(path)

    def choose_file(self, caption: str, filters: str) -> str:
        """A file to open, from a dialog in the last folder used ("" when cancelled)."""
        return self._open_name(caption, filters)

    def _save_name(self, caption: str, name: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.host, caption,
                                              str(Path(self.folder) / name), filters)
        return self._chosen(path)

    # ------------------------------------------------------------------ opening
    def open_corpus(self, path: str) -> None:
        """Read `path` as a corpus, whatever its name (a text corpus may be called .tsv or
        .vec)."""
        if self._ask_once_read("open another corpus"):
            self.corpora.open(path, self._min_count())

    def open_path(self, path: str, limit: int | None = None) -> None:
        """Open a session or saved model (.w2vsession, .npz), a file of word vectors (to
        explore; limit: only its first words), or a corpus file or folder (to train on):
        decided by the content. A file that looks like vectors but cannot be read as them
        is refused with the reason, never read as a corpus."""
        if not self._ask_once_read("open another file"):
            return
        if Path(path).suffix in (SESSION_SUFFIX, ".npz"):
            self.corpora.confirm, self.document.confirm = None, self.corpora.confirm
            self.document.open(path)
            return
        kind = self._classify(path)
        if kind == "vectors":
            self.corpora.open_vectors(path, limit)
        elif kind == "corpus":
            self.corpora.open(path, self._min_count())
        else:
            self.corpora.confirm = None  # refused before reading: nothing was replaced

    def open_vectors(self, path: str, limit: int | None = None) -> None:
        """Explore a vectors file (File ▸ Open vectors); models and sessions open whole.
        Anything else that is not a readable vectors file is refused, saying why."""
        if Path(path).suffix in (SESSION_SUFFIX, ".npz"):
            self.open_path(path, limit)
            return
        if not self._ask_once_read("open another file"):
            return
        kind = self._classify(path)
        if kind == "vectors":
            self.corpora.open_vectors(path, limit)
        else:
            self.corpora.confirm = None  # nothing is read: nothing replaces the work
        if kind == "corpus":
            try:
                detect_format(path)  # says what the file seems to be, where it can
                reason = f"{path} reads as plain text (a corpus), not as word vectors."
            except VectorFileError as error:
                reason = str(error)
            self._failed("Not a vectors file", (
                f"{reason} To train on it, use File ▸ Open a corpus file; to explore vectors, "
                "choose a word2vec, GloVe, fastText .vec or Embedding Projector file."))

    def offer_lenient(self, path: str, message: str) -> None:
        """A corpus that is not UTF-8 (Latin-1, say): offer to read it leniently."""
        answer = ask(self.host, "Not UTF-8", f"{message}\n\nRead it leniently now? Each "
                     "byte that cannot be decoded becomes \ufffd; the rest of the text is "
                     "read as it is.", Button.Open | Button.Cancel, Button.Cancel)
        if answer == Button.Open and self._ask_once_read("open another corpus"):
            self.corpora.open(path, self._min_count(), lenient=True)
        elif answer != Button.Open:
            self._status("The corpus was not read; what was open stays.", 5000)
            if self.training.corpus is None and self._current_embeddings() is None:
                self.corpora.load_toy_world()  # asked at launch: the app is never empty

    def use_toy_world(self) -> None:
        if self._ask_once_read("load the toy world"):
            self.corpora.load_toy_world()

    def _min_count(self) -> int:
        config = self._config()
        return config.min_count if config is not None else 1

    def _classify(self, path: str) -> str | None:
        """"vectors" or "corpus"; None (having said why) for a file that looks like vectors
        but cannot be read as them. A folder, or a path that is not there, is left to the
        corpus reader (which says what is missing)."""
        if not Path(path).is_file():
            return "corpus"
        try:
            return classify_file(path)
        except VectorFileError as error:
            self._failed("The file could not be opened", str(error))
            return None

    def open_corpus_dialog(self) -> None:
        path = self._open_name("Open a corpus", CORPUS_FILTER)
        if path:
            self.open_corpus(path)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self.host, "Open a folder of .txt files",
                                                self.folder)
        if path:
            self.folder = path
            self.open_corpus(path)

    def open_session_dialog(self) -> None:
        path = self._open_name("Open a session or a saved model", SESSION_FILTER)
        if path:
            self.open_path(path)

    def open_vectors_dialog(self, ask_limit: bool = False) -> None:
        """File ▸ Open vectors: word2vec text or binary, GloVe, fastText .vec, Embedding
        Projector TSV, or a model or session; ask_limit: read only the first N words."""
        limit = None
        if ask_limit:
            limit, ok = QInputDialog.getInt(
                self.host, "Open the first words only", "How many words (from the top "
                "of the file, usually the most frequent)?", 100_000, 1, 2_000_000_000, 10_000)
            if not ok:
                return
        path = self._open_name("Open word vectors", VECTORS_FILTER)
        if path:
            self.open_vectors(path, limit)

    def load_labels_dialog(self) -> None:
        """Colour the map by a column of a word<TAB>label file or a Projector metadata TSV."""
        path = self._open_name("Colour the map by labels", LABELS_FILTER)
        if not path:
            return
        try:
            columns = read_word_labels(path)
        except (OSError, ValueError) as error:
            show_error(self.host, "The labels could not be read", str(error))
            return
        self.map.add_metadata(columns)

    def load_analogies_dialog(self) -> None:
        """Analogy questions for the evaluation (questions-words.txt format)."""
        path = self._open_name("Load analogy questions",
                               "Analogy questions (*.txt);;All files (*)")
        if path:
            self.evaluation.load_analogies(path)

    def load_pairs_dialog(self) -> None:
        """Word pairs with similarity scores for the evaluation (WordSim353 style)."""
        path = self._open_name("Load word pairs",
                               "Word pairs (*.tsv *.txt *.csv);;All files (*)")
        if path:
            self.evaluation.load_pairs(path)

    def offer_recovery(self) -> bool:
        """At launch: offer each session a crashed instance left; True if one is opening."""
        for path in self.document.recoverable():
            answer = ask(self.host, "Recover unsaved work?", (
                f"{APP_NAME} closed without saving {describe_recovery(path)}. Recover "
                "it? Discard deletes the copy; Ignore keeps it for the next launch."),
                Button.Open | Button.Discard | Button.Ignore, Button.Ignore)
            if answer == Button.Open:
                self.document.recover(path)
                return True
            if answer == Button.Discard:
                path.unlink(missing_ok=True)
        return False

    # ------------------------------------------------------------------ saving
    def _ask_once_read(self, doing: str) -> bool:
        """Before a file is read to replace the current work: False (said why) while
        training or loading. Whether to save the current work is asked only once the file
        has been read: a file that fails to open never asks."""
        if self.training.running or self.corpora.busy or self.document.opening:
            show_error(self.host, "Busy", "Stop training (or wait for the file being opened) "
                                       "first.")
            return False
        self.corpora.confirm = lambda: self.may_discard(doing)
        return True

    def may_discard(self, doing: str) -> bool:
        """Before replacing unsaved work: offer to save it. False means: do not go on."""
        if not self.document.unsaved:
            return True
        answer = ask(self.host, "Save this session first?",
                     f"The current run has not been saved. Save it before you {doing}?",
                     Button.Save | Button.Discard | Button.Cancel,
                     Button.Discard)  # unattended: a screenshot run keeps nothing
        if answer == Button.Save:
            return self.save_session()
        return answer == Button.Discard

    def save_session(self, wait: bool = True) -> bool:
        if self.document.path is None:
            return self.save_session_as(wait)
        return self.save_to(self.document.path, wait)

    def save_session_as(self, wait: bool = True) -> bool:
        if self.training.trainer is None:
            show_error(self.host, *NOTHING_TO_SAVE)
            return False
        if self.document.path:  # Save as: beside the session's own file
            self.folder = str(Path(self.document.path).parent)
        name = Path(self.document.path).name if self.document.path else (
            f"word2vec{SESSION_SUFFIX}")
        path = self._save_name("Save the session", name,
                               f"Word2Vec Studio session (*{SESSION_SUFFIX})")
        return bool(path) and self.save_to(path, wait)

    def save_to(self, path: str, wait: bool = True) -> bool:
        """Write the session; with `wait`, under a wait cursor before returning."""
        if not wait:
            return self.document.save_to(path, wait=False)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self.document.save_to(path, wait=True)
        finally:
            QApplication.restoreOverrideCursor()

    # ------------------------------------------------------------------ exports
    def ask_save_path(self, title: str, filters: str) -> str:
        """Where to write a file, from a dialog in the last folder used ("" cancelled)."""
        return self._save_name(title, "", filters)

    def export(self, title: str, filters: str, export: Callable[[str], None]) -> None:
        """Ask where, then `export(path)`; a failure is said, a success in the status bar."""
        self._export(title, filters, export)

    def _export(self, title: str, filters: str, export: Callable[[str], None]) -> None:
        path = self._save_name(title, "", filters)
        if not path:
            return
        try:
            export(path)
        except (OSError, ValueError) as error:
            show_error(self.host, title, str(error))
        else:
            self._status(f"Saved {path}", 5000)

    def export_vectors_dialog(self) -> None:
        self._export("Export vectors", exports.VECTOR_FILTERS, lambda path: (
            exports.export_vectors(self._current_embeddings(), path)))

    def export_coordinates_dialog(self) -> None:
        self._export("Export the map's coordinates", exports.COORDINATE_FILTERS,
                     lambda path: exports.export_coordinates(self.map.view, path))

    def export_loss_dialog(self) -> None:
        training = self.training
        self._export("Export the loss and quality history", "CSV (*.csv)", lambda path: (
            exports.export_loss(training.history, path, training.quality)))

    def export_map_dialog(self) -> None:
        self._export("Export the map", exports.MAP_FILTERS, lambda path: (
            exports.export_map(self.map.view, path)))

    # ------------------------------------------------------------------ help
    def show_log_file(self) -> None:
        path = log_file()
        if not path.exists() or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_error(self.host, "The log file", f"The log is kept in {path}"
                       + ("" if path.exists() else " (nothing has been logged yet)."))

    def about(self) -> None:
        QMessageBox.about(self.host, f"About {APP_NAME}",
                          "<b>Word2Vec Studio</b><p>Train word2vec before your eyes and "
                          "explore what it learned: skip-gram and CBOW, negative sampling "
                          "and naive softmax, a live map and a nearest-word search.</p>"
                          f"<p>Log file: {log_file()}</p>")

