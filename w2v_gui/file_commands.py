"""The commands that talk to the user through file dialogs and questions: open, save,
save as, export, recover, and the offer to save before work is replaced."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, Qt, QUrl
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from core.map.word_labels import read_word_labels
from core.session import SESSION_SUFFIX
from w2v_gui import exports
from w2v_gui.controllers.document import NOTHING_TO_SAVE, describe_recovery
from w2v_gui.plain_text import plain_message
from w2v_gui.safety import APP_NAME, log_file, tell_unattended, unattended

if TYPE_CHECKING:
    from w2v_gui.main_window import MainWindow

SESSION_FILTER = (f"Sessions and models (*{SESSION_SUFFIX} *.npz);;Word2Vec Studio session "
                  f"(*{SESSION_SUFFIX});;Saved model (*.npz);;All files (*)")
CORPUS_FILTER = "Text (*.txt *.text *.tok *.gz *.bz2 *.xz);;All files (*)"
VECTORS_FILTER = ("Word vectors (*.txt *.vec *.bin *.tsv *.npz *.w2vsession);;"
                  "All files (*)")
LABELS_FILTER = "Labels (*.tsv *.txt);;All files (*)"
Button = QMessageBox.StandardButton


def show_error(parent, title: str, message: str) -> None:
    """A warning whose text is shown as written (it may quote a file's content);
    unattended (screenshot mode), it goes to standard error and nothing waits."""
    if unattended():
        tell_unattended(title, message)
        return
    QMessageBox.warning(parent, title, plain_message(message))


def ask(parent, title: str, text: str, buttons,
        unattended_answer: QMessageBox.StandardButton) -> QMessageBox.StandardButton:
    """A question; unattended, `unattended_answer` without asking (and said on stderr)."""
    if unattended():
        tell_unattended(title, f"{text} (answered {unattended_answer.name}: no one to ask)")
        return unattended_answer
    return QMessageBox.question(parent, title, plain_message(text), buttons)


class FileCommands(QObject):
    """File ▸ … for `window`; every failure ends in a message, and nothing is replaced
    before the user has had the chance to save it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document

    # ------------------------------------------------------------------ opening
    def open_corpus_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a corpus", "", CORPUS_FILTER)
        if path:
            self.window.open_corpus(path)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self.window, "Open a folder of .txt files")
        if path:
            self.window.open_corpus(path)

    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a session or a saved model",
                                              "", SESSION_FILTER)
        if path:
            self.window.open_path(path)

    def open_vectors_dialog(self, ask_limit: bool = False) -> None:
        """File ▸ Open vectors: word2vec text or binary, GloVe, fastText .vec, Embedding
        Projector TSV, or a model or session; ask_limit: read only the first N words."""
        limit = None
        if ask_limit:
            limit, ok = QInputDialog.getInt(
                self.window, "Open the first words only", "How many words (from the top "
                "of the file, usually the most frequent)?", 100_000, 1, 2_000_000_000, 10_000)
            if not ok:
                return
        path, _ = QFileDialog.getOpenFileName(self.window, "Open word vectors", "",
                                              VECTORS_FILTER)
        if path:
            self.window.open_vectors(path, limit)

    def load_labels_dialog(self) -> None:
        """Colour the map by a column of a word<TAB>label file or a Projector metadata TSV."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Colour the map by labels", "",
                                              LABELS_FILTER)
        if not path:
            return
        try:
            columns = read_word_labels(path)
        except (OSError, ValueError) as error:
            show_error(self.window, "The labels could not be read", str(error))
            return
        self.window.map.add_metadata(columns)

    def load_analogies_dialog(self) -> None:
        """Analogy questions for the evaluation (questions-words.txt format)."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Load analogy questions", "",
            "Analogy questions (*.txt);;All files (*)")
        if path:
            self.window.evaluation.load_analogies(path)

    def load_pairs_dialog(self) -> None:
        """Word pairs with similarity scores for the evaluation (WordSim353 style)."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Load word pairs", "",
            "Word pairs (*.tsv *.txt *.csv);;All files (*)")
        if path:
            self.window.evaluation.load_pairs(path)

    def offer_recovery(self) -> bool:
        """At launch: offer each session a crashed instance left; True if one is opening."""
        for path in self.document.recoverable():
            answer = ask(self.window, "Recover unsaved work?", (
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
    def may_replace(self, doing: str) -> bool:
        """Before a new corpus or session replaces the current one: not while training or
        loading, and not before the user had the chance to save."""
        window = self.window
        if window.training.running or window.corpora.busy or window.document.opening:
            show_error(window, "Busy", "Stop training (or wait for the file being opened) "
                                       "first.")
            return False
        return self.may_discard(doing)

    def may_discard(self, doing: str) -> bool:
        """Before replacing unsaved work: offer to save it. False means: do not go on."""
        if not self.document.unsaved:
            return True
        answer = ask(self.window, "Save this session first?",
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
        if self.window.training.trainer is None:
            show_error(self.window, *NOTHING_TO_SAVE)
            return False
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the session",
                                              self.document.path or f"word2vec{SESSION_SUFFIX}",
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
    def _export(self, title: str, filters: str, export: Callable[[str], None]) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, "", filters)
        if not path:
            return
        try:
            export(path)
        except (OSError, ValueError) as error:
            show_error(self.window, title, str(error))
        else:
            self.window.statusBar().showMessage(f"Saved {path}", 5000)

    def export_vectors_dialog(self) -> None:
        self._export("Export vectors", exports.VECTOR_FILTERS, lambda path: (
            exports.export_vectors(self.window.current_embeddings(), path)))

    def export_coordinates_dialog(self) -> None:
        self._export("Export the map's coordinates", exports.COORDINATE_FILTERS,
                     lambda path: exports.export_coordinates(self.window.projection_view,
                                                             path))

    def export_loss_dialog(self) -> None:
        training = self.window.training
        self._export("Export the loss and quality history", "CSV (*.csv)", lambda path: (
            exports.export_loss(training.history, path, training.quality)))

    def export_map_dialog(self) -> None:
        self._export("Export the map", exports.MAP_FILTERS, lambda path: (
            exports.export_map(self.window.projection_view, path)))

    # ------------------------------------------------------------------ help
    def show_log_file(self) -> None:
        path = log_file()
        if not path.exists() or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_error(self.window, "The log file", f"The log is kept in {path}"
                       + ("" if path.exists() else " (nothing has been logged yet)."))

    def about(self) -> None:
        QMessageBox.about(self.window, f"About {APP_NAME}",
                          "<b>Word2Vec Studio</b><p>Train word2vec before your eyes and "
                          "explore what it learned: skip-gram and CBOW, negative sampling "
                          "and naive softmax, a live map and a nearest-word search.</p>"
                          f"<p>Log file: {log_file()}</p>")

