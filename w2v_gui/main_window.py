"""The main window: composes panels and views and wires their signals; holds no math."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt, QThread, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence, QPainter
from PyQt6.QtSvg import QSvgGenerator
from PyQt6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from pyqtgraph.exporters import ImageExporter

from core.corpus import Corpus
from core.embeddings import Embeddings
from core.trainer import StepStats, Trainer
from w2v_gui.panels.hyperparameter_panel import HyperparameterPanel
from w2v_gui.panels.search_panel import SearchPanel
from w2v_gui.views.loss_view import LossView
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.workers import (
    CorpusLoadWorker,
    FunctionWorker,
    ProjectionWorker,
    TrainingWorker,
    start_worker,
)

APP_NAME = "Word2Vec Studio"
MAP_WORDS = 300  # the most frequent words shown on the map


def load_toy_world() -> Corpus:
    from resources.toy_world import generate_sentences

    return Corpus.from_sentences(generate_sentences(), source="the toy world (built in)")


class MainWindow(QMainWindow):
    corpus_ready = pyqtSignal()
    training_finished = pyqtSignal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self.corpus: Corpus | None = None
        self.latest_embeddings: Embeddings | None = None  # the newest copy of the vectors
        self.failure: str | None = None  # why the current run stopped early, if it did
        self.corpus_loader: CorpusLoadWorker | None = None
        self.training: TrainingWorker | None = None
        self.training_thread: QThread | None = None
        self.threads: list[QThread] = []

        self.projection_view = ProjectionView()
        self.loss_view = LossView()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.projection_view)
        splitter.addWidget(self.loss_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.train_button = QPushButton("Train")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.train_button.clicked.connect(self.start_training)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop_training)
        self.corpus_label = QLabel("Loading the toy world…")
        controls = QHBoxLayout()
        for widget in (self.train_button, self.pause_button, self.stop_button):
            controls.addWidget(widget)
        controls.addWidget(self.corpus_label, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.hyperparameters = HyperparameterPanel()
        self.hyperparameters.config_changed.connect(self._config_changed)
        self.settings_dock = self._add_dock("Hyperparameters", self.hyperparameters,
                                            Qt.DockWidgetArea.LeftDockWidgetArea)

        self.search_panel = SearchPanel()
        self.search_panel.highlight.connect(self.projection_view.highlight)
        self.projection_view.word_clicked.connect(self.search_panel.search)
        self.search_dock = self._add_dock("Nearest words", self.search_panel,
                                          Qt.DockWidgetArea.RightDockWidgetArea)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(240)
        self.progress_label = QLabel("")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_loading)
        self.cancel_button.hide()
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress)
        self._build_menus()

        self.projection = ProjectionWorker()
        self.projection.layout_ready.connect(self.projection_view.set_layout)
        self.threads.append(start_worker(self.projection))
        self._set_running(False)
        self.train_button.setEnabled(False)
        self._load_corpus()

    # ------------------------------------------------------------------ set-up
    def _add_dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)  # a stable name, for saving the window layout
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        train_menu = menus.addMenu("&Train")
        self.train_action = QAction("&Train", self, shortcut=QKeySequence("Ctrl+T"))
        self.train_action.triggered.connect(self.start_training)
        self.pause_action = QAction("&Pause / Resume", self, shortcut=QKeySequence("Space"))
        self.pause_action.triggered.connect(self.toggle_pause)
        self.stop_action = QAction("&Stop", self, shortcut=QKeySequence("Ctrl+."))
        self.stop_action.triggered.connect(self.stop_training)
        for action in (self.train_action, self.pause_action, self.stop_action):
            train_menu.addAction(action)
        open_action = QAction("&Open a corpus file…", self, shortcut=QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._open_file_dialog)
        folder_action = QAction("Open a corpus &folder…", self)
        folder_action.triggered.connect(self._open_folder_dialog)
        toy_action = QAction("Use the built-in &toy world", self)
        toy_action.triggered.connect(self._use_toy_world)
        for action in (open_action, folder_action, toy_action):
            file_menu.insertAction(quit_action, action)
        file_menu.insertSeparator(quit_action)
        find_action = QAction("&Find a word", self, shortcut=QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self._focus_search)
        file_menu.insertAction(quit_action, find_action)
        exports = [
            ("Export &vectors…", "Ctrl+E", self._export_vectors_dialog),
            ("Export &loss history (CSV)…", None, self._export_loss_dialog),
            ("Export the &map (PNG or SVG)…", None, self._export_map_dialog),
        ]
        for text, shortcut, handler in exports:
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(handler)
            file_menu.insertAction(quit_action, action)
        file_menu.insertSeparator(quit_action)
        view_menu = menus.addMenu("&View")
        view_menu.addAction(self.settings_dock.toggleViewAction())
        view_menu.addAction(self.search_dock.toggleViewAction())
        fit_action = QAction("&Fit the map", self, shortcut=QKeySequence("Ctrl+0"))
        fit_action.triggered.connect(self.projection_view.follow)
        view_menu.addAction(fit_action)
        log_action = QAction("&Logarithmic loss axis", self, checkable=True)
        log_action.toggled.connect(self.loss_view.set_log_y)
        view_menu.addAction(log_action)
        help_menu = menus.addMenu("&Help")
        about = QAction("&About Word2Vec Studio", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _focus_search(self) -> None:
        self.search_dock.show()
        self.search_panel.query.setFocus()
        self.search_panel.query.selectAll()

    def _use_toy_world(self) -> None:
        if self.training is not None or self.corpus_loader is not None:
            self._show_error("Busy", "Stop training (or the load under way) first.")
            return
        self._load_corpus()

    def _load_corpus(self) -> None:
        loader = FunctionWorker(load_toy_world)
        loader.finished.connect(self._corpus_loaded)
        loader.failed.connect(lambda message: self._show_error("The corpus could not load",
                                                               message))
        self._loader = loader  # keep a reference while its thread runs
        self.threads.append(start_worker(loader))

    def open_corpus(self, path: str) -> None:
        """Read a corpus off the GUI thread; the current corpus stays until it succeeds."""
        if self.training is not None or self.corpus_loader is not None:
            self._show_error("Busy", "Stop training (or the load under way) first.")
            return
        min_count = self.config.min_count if self.config is not None else 1
        loader = CorpusLoadWorker(path, min_count=min_count)
        loader.progress.connect(self._load_progress)
        loader.failed.connect(lambda message: self._show_error("The corpus could not load",
                                                               message))
        loader.finished.connect(self._corpus_loaded)
        self.corpus_loader = loader
        self.cancel_button.show()
        self.progress_label.setText(f"reading {Path(path).name}…")
        self.threads.append(start_worker(loader))

    def cancel_loading(self) -> None:
        if self.corpus_loader is not None:
            self.corpus_loader.cancel()

    def _load_progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / max(total, 1)))

    def _open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a corpus", "", "Text (*.txt *.text *.tok *.gz *.bz2 *.xz);;All files (*)")
        if path:
            self.open_corpus(path)

    def _open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open a folder of .txt files")
        if path:
            self.open_corpus(path)

    def _corpus_loaded(self, corpus: Corpus | None) -> None:
        if self.corpus_loader is not None:
            cancelled = self.corpus_loader.cancelled
            self.corpus_loader = None
            self.cancel_button.hide()
            self.progress_label.setText("Loading cancelled." if cancelled else "")
            self.progress.setValue(0)
        if corpus is None:
            return
        self.corpus = corpus
        frequent = ", ".join(corpus.words[:8])
        self.corpus_label.setText(
            f"{corpus.source}: {corpus.token_count:,} tokens, {corpus.vocab_size:,} words "
            f"(most frequent: {frequent}). Press Train to watch word2vec learn.")
        self.corpus_label.setToolTip(corpus.source)
        self.latest_embeddings = None
        self.projection_view.set_vocabulary(corpus.words[:MAP_WORDS],
                                            corpus.counts[:MAP_WORDS])
        self._set_running(False)
        self.corpus_ready.emit()

    # ------------------------------------------------------------------ training
    @property
    def config(self):
        """The hyperparameters of the next run (None while the form is invalid)."""
        return self.hyperparameters.config()

    def _config_changed(self, config) -> None:
        if self.training is None:
            self._set_running(False)

    def start_training(self) -> None:
        config = self.config
        if self.corpus is None or self.training is not None or config is None:
            return
        try:
            trainer = Trainer(self.corpus, config)
        except ValueError as error:  # e.g. a corpus too small for these settings
            self._show_error("Training cannot start", str(error))
            return
        self.loss_view.clear_history()
        self.projection.reset()
        self._run(trainer)

    def _run(self, trainer: Trainer) -> None:
        """Train `trainer` (new, or the one a divergence left at its last good state)."""
        self.run_config = trainer.config
        self.failure = None
        worker = TrainingWorker(trainer, snapshot_rows=MAP_WORDS)
        worker.stats.connect(self._show_stats)
        worker.snapshot.connect(self.projection.submit)
        worker.embeddings.connect(self.search_panel.set_embeddings)
        worker.embeddings.connect(self._keep_embeddings)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._training_done)
        worker.paused_changed.connect(self._paused_changed)
        self.training = worker
        self.training_thread = start_worker(worker)
        self._set_running(True)

    def toggle_pause(self) -> None:
        if self.training is None:
            return
        if self.training.paused:
            self.training.resume()
        else:
            self.training.pause()

    def stop_training(self) -> None:
        if self.training is not None:
            self.training.stop()

    def _failed(self, message: str) -> None:
        self.failure = message

    def _training_done(self, stats: StepStats) -> None:
        trainer = self.training.trainer if self.training is not None else None
        if self.training_thread is not None:
            self.training_thread.wait(1000)
        self.training = None
        self.training_thread = None
        self._set_running(False)
        self.statusBar().showMessage(
            "Training finished." if stats.finished else "Training stopped.", 5000)
        self.training_finished.emit()
        if self.failure is not None and trainer is not None:
            self._offer_recovery(trainer, self.failure)

    def _offer_recovery(self, trainer: Trainer, message: str) -> None:
        """A diverged run keeps its last good vectors; offer to go on more gently."""
        answer = QMessageBox.question(
            self, "Training diverged",
            f"{message}\n\nContinue from the last good state with half the learning rate "
            f"({trainer.config.alpha / 2:g})?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.continue_with_lower_rate(trainer)

    def continue_with_lower_rate(self, trainer: Trainer) -> None:
        alpha = trainer.config.alpha / 2
        trainer.config = trainer.config.replace(
            alpha=alpha, min_alpha=min(trainer.config.min_alpha, alpha))
        self.hyperparameters.set_config(trainer.config)
        self._run(trainer)

    def _show_stats(self, stats: StepStats) -> None:
        self.loss_view.add(stats)
        self.progress.setValue(int(stats.progress * 1000))
        remaining = stats.total_words - stats.words_done
        eta = remaining / stats.words_per_second if stats.words_per_second > 0 else 0.0
        self.progress_label.setText(
            f"epoch {stats.epoch + 1}/{self.run_config.epochs}  {stats.progress:.0%}  "
            f"{stats.words_per_second:,.0f} words/s  ETA {int(eta // 60)}:{int(eta % 60):02d}")

    def _paused_changed(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.statusBar().showMessage("Paused." if paused else "", 0 if paused else 1)

    def _set_running(self, running: bool) -> None:
        can_train = not running and self.corpus is not None and self.config is not None
        self.train_button.setEnabled(can_train)
        self.train_action.setEnabled(can_train)
        for widget in (self.pause_button, self.stop_button):
            widget.setEnabled(running)
        self.pause_action.setEnabled(running)
        self.stop_action.setEnabled(running)
        if not running:
            self.pause_button.setText("Pause")

    # ------------------------------------------------------------------ exports
    def _keep_embeddings(self, embeddings: Embeddings) -> None:
        self.latest_embeddings = embeddings

    def export_vectors(self, path: str) -> None:
        """word2vec text (.txt, .vec), binary (.bin) or projector TSV (.tsv) by extension."""
        if self.latest_embeddings is None:
            raise ValueError("There are no vectors yet: train first, then export.")
        target = Path(path)
        if target.suffix == ".tsv":
            self.latest_embeddings.save_projector_tsv(
                target, target.with_name(target.stem + "_metadata.tsv"))
        else:
            self.latest_embeddings.save_word2vec(target, binary=target.suffix == ".bin")

    def export_loss(self, path: str) -> None:
        history = self.loss_view.history()
        if not len(history):
            raise ValueError("There is no loss history yet: train first, then export.")
        np.savetxt(path, history, delimiter=",", fmt="%.8g", comments="",
                   header="words_processed,loss,smoothed_loss,learning_rate")

    def export_map(self, path: str) -> None:
        """PNG by pyqtgraph's exporter; SVG by Qt's own generator (pyqtgraph's SVG exporter
        cannot parse the path syntax this Qt version writes)."""
        if Path(path).suffix.lower() != ".svg":
            ImageExporter(self.projection_view.getPlotItem()).export(path)
            return
        view = self.projection_view
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(view.size())
        generator.setViewBox(view.rect())
        generator.setTitle("Word2Vec Studio map")
        painter = QPainter(generator)
        try:
            view.render(painter)
        finally:
            painter.end()

    def _export_with_dialog(self, title: str, filters: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, title, "", filters)
        if not path:
            return
        try:
            export(path)
        except (OSError, ValueError) as error:
            self._show_error(title, str(error))
        else:
            self.statusBar().showMessage(f"Saved {path}", 5000)

    def _export_vectors_dialog(self) -> None:
        self._export_with_dialog(
            "Export vectors", "word2vec text (*.txt);;word2vec binary (*.bin);;"
            "Embedding Projector TSV (*.tsv)", self.export_vectors)

    def _export_loss_dialog(self) -> None:
        self._export_with_dialog("Export loss history", "CSV (*.csv)", self.export_loss)

    def _export_map_dialog(self) -> None:
        self._export_with_dialog("Export the map", "PNG image (*.png);;SVG drawing (*.svg)",
                                 self.export_map)

    def _show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def _about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          "<b>Word2Vec Studio</b><p>Train word2vec before your eyes and "
                          "explore what it learned.</p>")

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event) -> None:
        if self.training is not None:
            self.training.stop()
            if self.training_thread is not None:
                self.training_thread.wait(1000)
        for thread in self.threads:
            thread.quit()
            thread.wait(1000)
        super().closeEvent(event)

    def grab_after(self, seconds: float, path: str) -> None:
        """Save a PNG of the whole window after `seconds`, then close (screenshot mode)."""
        QTimer.singleShot(int(seconds * 1000), lambda: (self.grab().save(path), self.close()))
