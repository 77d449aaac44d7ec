"""The main window: composes panels and views and wires their signals; holds no math."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtCore import QSettings, Qt, QThread, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence, QPainter
from PyQt6.QtSvg import QSvgGenerator
from PyQt6.QtWidgets import (
    QApplication,
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

from core.config import ConfigError, TrainConfig
from core.corpus import Corpus
from core.embeddings import Embeddings
from core.history import LossHistory
from core.session import (
    HISTORY_COLUMNS,
    SESSION_SUFFIX,
    Session,
    load_session,
    session_arrays,
    write_session,
)
from core.trainer import StepStats, Trainer
from w2v_gui.panels.corpus_panel import CorpusPanel
from w2v_gui.panels.hyperparameter_panel import HyperparameterPanel
from w2v_gui.panels.map_controls import DEFAULT_MAP_WORDS, MapControls
from w2v_gui.panels.search_panel import SearchPanel
from w2v_gui.views.loss_view import LossView
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.workers import (
    CorpusLoadWorker,
    FunctionWorker,
    ProjectionWorker,
    Snapshot,
    TrainingWorker,
    start_worker,
)

APP_NAME = "Word2Vec Studio"
ORGANIZATION = "Word2Vec Studio"
SESSION_FILTER = f"Word2Vec Studio session (*{SESSION_SUFFIX});;All files (*)"
Button = QMessageBox.StandardButton


def load_toy_world() -> Corpus:
    from resources.toy_world import generate_sentences

    corpus = Corpus.from_sentences(generate_sentences(), source="the toy world (built in)")
    return Trainer.prepare(corpus)


def app_settings() -> QSettings:
    """The user's settings file (an .ini under the platform's config folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     APP_NAME)


class MainWindow(QMainWindow):
    corpus_ready = pyqtSignal()
    training_finished = pyqtSignal()
    session_opened = pyqtSignal()
    session_saved = pyqtSignal(str)  # the path, once the file is complete

    def __init__(self, remember: bool = True) -> None:
        """remember: restore the last window layout and settings, and keep them on close."""
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self.corpus: Corpus | None = None
        self.trainer: Trainer | None = None  # the current run, also once stopped
        self.latest_embeddings: Embeddings | None = None  # the newest copy of the vectors
        self.failure: str | None = None  # why the current run stopped early, if it did
        self.pinned: list[str] = []
        self.session_path: str | None = None
        self._saved_state: tuple | None = None  # see `unsaved`
        self.discard_on_close = False  # close without offering to save (screenshot mode)
        self.corpus_loader: CorpusLoadWorker | None = None
        self.training: TrainingWorker | None = None
        self.training_thread: QThread | None = None
        self.threads: list[QThread] = []
        self._helpers: list[FunctionWorker] = []  # kept alive while their threads run

        self.projection_view = ProjectionView()
        self.map_controls = MapControls()
        self.loss_view = LossView()
        map_area = QWidget()
        map_layout = QVBoxLayout(map_area)
        map_layout.setContentsMargins(0, 0, 0, 0)
        map_layout.addWidget(self.map_controls)
        map_layout.addWidget(self.projection_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(map_area)
        splitter.addWidget(self.loss_view)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.train_button = QPushButton("Train")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.reset_button = QPushButton("Reset")
        self.train_button.setToolTip("Start a run, or continue a stopped one (Ctrl+T)")
        self.pause_button.setToolTip("Pause or resume (Space)")
        self.stop_button.setToolTip("Stop; Train continues from here (Ctrl+.)")
        self.reset_button.setToolTip("Forget this run: the next Train starts afresh")
        self.train_button.clicked.connect(self.start_training)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop_training)
        self.reset_button.clicked.connect(self.reset_run)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(150)
        self.progress_label = QLabel("Loading the toy world…")
        self.progress_label.setMinimumWidth(40)  # long messages are cut, not the window widened
        controls = QHBoxLayout()
        for widget in (self.train_button, self.pause_button, self.stop_button,
                       self.reset_button, self.progress):
            controls.addWidget(widget)
        controls.addWidget(self.progress_label, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.corpus_panel = CorpusPanel()
        self.corpus_panel.open_file.connect(self._open_file_dialog)
        self.corpus_panel.open_folder.connect(self._open_folder_dialog)
        self.corpus_panel.use_toy_world.connect(self._use_toy_world)
        self.corpus_panel.cancel.connect(self.cancel_loading)
        self.corpus_dock = self._add_dock("Corpus", self.corpus_panel,
                                          Qt.DockWidgetArea.LeftDockWidgetArea)
        self.hyperparameters = HyperparameterPanel()
        self.hyperparameters.config_changed.connect(self._config_changed)
        self.settings_dock = self._add_dock("Hyperparameters", self.hyperparameters,
                                            Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.corpus_dock, self.settings_dock)
        self.settings_dock.raise_()

        self.search_panel = SearchPanel()
        self.search_panel.highlight.connect(self.projection_view.highlight)
        self.search_panel.pin_toggled.connect(self.toggle_pin)
        self.projection_view.word_clicked.connect(self.search_panel.search)
        self.projection_view.pin_toggled.connect(self.toggle_pin)
        self.search_dock = self._add_dock("Nearest words", self.search_panel,
                                          Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.settings_dock, self.search_dock], [250, 260],
                         Qt.Orientation.Horizontal)

        self.map_controls.method_changed.connect(self._map_method_changed)
        self.map_controls.word_count_changed.connect(lambda _count: self._map_words_changed())
        self.map_controls.trails_toggled.connect(self.projection_view.set_trails_visible)
        self.map_controls.clear_pins.connect(lambda: self.set_pinned([]))

        self.corpus_status = QLabel("")
        self.statusBar().addPermanentWidget(self.corpus_status)
        self._build_menus()

        self.projection = ProjectionWorker()
        self.projection.layout_ready.connect(self.projection_view.set_frame)
        self.projection.failed.connect(lambda message: self.statusBar().showMessage(message,
                                                                                  5000))
        self.threads.append(start_worker(self.projection))
        self.settings = app_settings() if remember else None
        self._restore_settings()
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

    def _action(self, menu, text: str, handler, shortcut=None, checkable: bool = False):
        action = QAction(text, self, checkable=checkable)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        (action.toggled if checkable else action.triggered).connect(handler)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Open a corpus file…", self._open_file_dialog, keys.Open)
        self._action(file_menu, "Open a corpus &folder…", self._open_folder_dialog)
        self._action(file_menu, "Use the built-in &toy world", self._use_toy_world)
        file_menu.addSeparator()
        self._action(file_menu, "Open a &session…", self._open_session_dialog,
                     "Ctrl+Shift+O")
        self._action(file_menu, "&Save the session", lambda: self.save_session(wait=False),
                     keys.Save)
        self._action(file_menu, "Save the session &as…",
                     lambda: self.save_session_as(wait=False), keys.SaveAs)
        file_menu.addSeparator()
        self._action(file_menu, "Export &vectors…", self._export_vectors_dialog, "Ctrl+E")
        self._action(file_menu, "Export the &loss history (CSV)…", self._export_loss_dialog)
        self._action(file_menu, "Export the &map (PNG or SVG)…", self._export_map_dialog)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, keys.Quit)

        train_menu = self.menuBar().addMenu("&Train")
        self.train_action = self._action(train_menu, "&Train / Continue", self.start_training,
                                         "Ctrl+T")
        self.pause_action = self._action(train_menu, "&Pause / Resume", self.toggle_pause,
                                         "Space")
        self.stop_action = self._action(train_menu, "&Stop", self.stop_training, "Ctrl+.")
        self.reset_action = self._action(train_menu, "&Reset", self.reset_run, "Ctrl+R")

        view_menu = self.menuBar().addMenu("&View")
        for dock in (self.corpus_dock, self.settings_dock, self.search_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        self._action(view_menu, "&Find a word", self._focus_search, keys.Find)
        self._action(view_menu, "&Fit the map", self.projection_view.follow, "Ctrl+0")
        self.log_action = self._action(view_menu, "&Logarithmic loss axis",
                                       self.loss_view.set_log_y, checkable=True)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Word2Vec Studio", self._about)

    def _focus_search(self) -> None:
        self.search_dock.show()
        self.search_panel.query.setFocus()
        self.search_panel.query.selectAll()

    # ------------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        saved = self.settings.value("training/config")
        if isinstance(saved, str):
            try:
                self.hyperparameters.set_config(TrainConfig.from_json(saved))
            except (ValueError, TypeError, ConfigError):
                pass  # settings from another version: keep the defaults
        words = self.settings.value("map/words", DEFAULT_MAP_WORDS, type=int)
        self.map_controls.word_count.setValue(words)
        self.map_controls.set_method(self.settings.value("map/method", "pca", type=str))
        self.map_controls.trails.setChecked(self.settings.value("map/trails", True, type=bool))
        self.log_action.setChecked(self.settings.value("loss/log_y", False, type=bool))

    def _save_settings(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        config = self.config
        if config is not None:
            self.settings.setValue("training/config", config.to_json())
        self.settings.setValue("map/words", self.map_controls.word_count.value())
        self.settings.setValue("map/method", self.map_controls.method_key)
        self.settings.setValue("map/trails", self.map_controls.trails.isChecked())
        self.settings.setValue("loss/log_y", self.log_action.isChecked())
        self.settings.sync()

    # ------------------------------------------------------------------ corpora
    def _busy(self) -> bool:
        if self.training is not None or self.corpus_loader is not None:
            self._show_error("Busy", "Stop training (or the load under way) first.")
            return True
        return False

    def _use_toy_world(self) -> None:
        if not self._busy() and self._may_discard("load the toy world"):
            self._load_corpus()

    def _load_corpus(self) -> None:
        self._call_off_thread(load_toy_world, self._corpus_loaded,
                              "The corpus could not load")

    def _call_off_thread(self, function, done, error_title: str) -> None:
        helper = FunctionWorker(function)
        helper.finished.connect(done)
        helper.failed.connect(lambda message: self._show_error(error_title, message))
        helper.finished.connect(lambda _result: self._helpers.remove(helper))
        self._helpers.append(helper)
        self.threads.append(start_worker(helper))

    def open_corpus(self, path: str) -> None:
        """Read a corpus off the GUI thread; the current corpus stays until it succeeds."""
        if self._busy() or not self._may_discard("open another corpus"):
            return
        min_count = self.config.min_count if self.config is not None else 1
        loader = CorpusLoadWorker(path, min_count=min_count)
        loader.progress.connect(self.corpus_panel.show_progress)
        loader.failed.connect(lambda message: self._show_error("The corpus could not load",
                                                               message))
        loader.finished.connect(self._corpus_loaded)
        self.corpus_loader = loader
        self.corpus_dock.show()
        self.corpus_dock.raise_()
        self.corpus_panel.show_loading(Path(path).name)
        self.progress_label.setText(f"Reading {Path(path).name}…")
        self.threads.append(start_worker(loader))

    def cancel_loading(self) -> None:
        if self.corpus_loader is not None:
            self.corpus_loader.cancel()

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
            self.corpus_panel.show_loading(None)
            if cancelled:
                self.statusBar().showMessage("Loading cancelled; the corpus is unchanged.",
                                             5000)
        if corpus is None:
            self._set_running(False)
            return
        self._use_corpus(corpus)
        self.trainer = None
        self.latest_embeddings = None
        self.session_path = None
        self.unsaved = False
        self.loss_view.clear_history()
        self.set_pinned([word for word in self.pinned if word in corpus.index])
        self._set_running(False)
        self.corpus_ready.emit()

    def _use_corpus(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.corpus_panel.show_corpus(corpus)
        self.corpus_status.setText(f"{Path(corpus.source).name or corpus.source}: "
                                   f"{corpus.token_count:,} tokens, {corpus.vocab_size:,} words")
        self.projection.reset()
        self.projection_view.set_vocabulary(corpus.words, corpus.counts)
        self.search_panel.clear()

    # ------------------------------------------------------------------ the map
    def map_ids(self) -> np.ndarray:
        """The words the map shows: the N most frequent, then any pinned word beyond them."""
        if self.corpus is None:
            return np.zeros(0, dtype=np.int64)
        count = min(self.map_controls.word_count.value(), self.corpus.vocab_size)
        extra = [self.corpus.index[w] for w in self.pinned
                 if w in self.corpus.index and self.corpus.index[w] >= count]
        return np.r_[np.arange(count), np.array(extra, dtype=np.int64)].astype(np.int64)

    def _map_words_changed(self) -> None:
        if self.training is not None:
            self.training.set_map_ids(self.map_ids())
        else:
            self._redraw_map()

    def _map_method_changed(self, method: str) -> None:
        self.projection.method = method
        if self.training is None:
            self._redraw_map()
        elif self.training.paused:  # no snapshot is coming: lay out the still vectors now
            self.projection.submit(self.training.take_snapshot())

    def _redraw_map(self) -> None:
        """Lay out the latest vectors again (when no run is feeding the map)."""
        if self.latest_embeddings is None or self.corpus is None:
            return
        ids = self.map_ids()
        self.projection.submit(Snapshot(self.trainer.words_done if self.trainer else 0, ids,
                                        self.latest_embeddings.vectors[ids]))

    def toggle_pin(self, word: str) -> None:
        if self.corpus is None or word not in self.corpus.index:
            return
        self.set_pinned([w for w in self.pinned if w != word] if word in self.pinned
                        else [*self.pinned, word])

    def set_pinned(self, words: list[str]) -> None:
        changed = words != self.pinned
        self.pinned = list(words)
        self.map_controls.show_pinned(self.pinned)
        self.projection_view.set_pinned(self.pinned)
        if changed:
            self._map_words_changed()

    # ------------------------------------------------------------------ training
    @property
    def config(self) -> TrainConfig | None:
        """The hyperparameters of the next run (None while the form is invalid)."""
        return self.hyperparameters.config()

    def _config_changed(self, _config) -> None:
        if self.training is None:
            self._set_running(False)

    def can_continue(self) -> bool:
        """True when Train continues the current run rather than starting a new one."""
        return (self.trainer is not None and not self.trainer.finished
                and self.trainer.corpus is self.corpus and self.trainer.config == self.config)

    def start_training(self) -> None:
        config = self.config
        if self.corpus is None or self.training is not None or config is None:
            return
        if self.can_continue():
            self._run(self.trainer)
            return
        try:
            trainer = Trainer(self.corpus, config)
        except ValueError as error:  # e.g. a corpus too small for these settings
            self._show_error("Training cannot start", str(error))
            return
        self.loss_view.clear_history()
        self.projection.reset()
        self.projection_view.clear_trails()
        self._run(trainer)

    def _run(self, trainer: Trainer) -> None:
        """Train `trainer` (new, stopped, reopened, or left at its last good state)."""
        self.trainer = trainer
        self.failure = None
        self.loss_view.set_extent(trainer.total_words)
        worker = TrainingWorker(trainer, map_ids=self.map_ids())
        worker.stats.connect(self._show_stats)
        worker.snapshot.connect(self.projection.submit)
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

    def reset_run(self) -> None:
        """Forget the current run (asking first if it is unsaved)."""
        if self.training is not None or self.trainer is None:
            return
        if not self._may_discard("reset"):
            return
        self.trainer = None
        self.latest_embeddings = None
        self.session_path = None
        self.unsaved = False
        self.loss_view.clear_history()
        if self.corpus is not None:
            self._use_corpus(self.corpus)
            self.projection_view.set_pinned(self.pinned)
        self._set_running(False)

    def _failed(self, message: str) -> None:
        self.failure = message

    def _training_done(self, stats: StepStats) -> None:
        if self.training_thread is not None:
            self.training_thread.wait(1000)
        self.training = None
        self.training_thread = None
        self._set_running(False)
        self.statusBar().showMessage(
            "Training finished." if stats.finished else
            "Training stopped: Train continues it, Reset starts afresh.", 8000)
        self.training_finished.emit()
        if self.failure is not None and self.trainer is not None:
            self._offer_recovery(self.trainer, self.failure)

    def _offer_recovery(self, trainer: Trainer, message: str) -> None:
        """A diverged run keeps its last good vectors; offer to go on more gently."""
        answer = self._ask(
            "Training diverged",
            f"{message}\n\nContinue from the last good state with half the learning rate "
            f"({trainer.config.alpha / 2:g})?", Button.Yes | Button.No)
        if answer == Button.Yes:
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
        epochs = self.trainer.config.epochs if self.trainer is not None else 1
        self.progress_label.setText(
            f"epoch {min(stats.epoch + 1, epochs)}/{epochs}  {stats.progress:.0%}  "
            f"{stats.words_per_second:,.0f} words/s  ETA {int(eta // 60)}:{int(eta % 60):02d}")

    def _paused_changed(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.statusBar().showMessage("Paused: Space resumes." if paused else "",
                                     0 if paused else 1)

    def _set_running(self, running: bool) -> None:
        can_train = (not running and self.corpus is not None and self.config is not None
                     and self.corpus_loader is None)
        self.train_button.setEnabled(can_train)
        self.train_action.setEnabled(can_train)
        self.train_button.setText("Continue" if self.can_continue() else "Train")
        for widget in (self.pause_button, self.stop_button, self.pause_action,
                       self.stop_action):
            widget.setEnabled(running)
        for widget in (self.reset_button, self.reset_action):
            widget.setEnabled(not running and self.trainer is not None)
        if not running:
            self.pause_button.setText("Pause")
            if self.trainer is None and self.corpus is not None:
                self.progress.setValue(0)
                self.progress_label.setText("Press Train to watch word2vec learn.")

    def _keep_embeddings(self, embeddings: Embeddings) -> None:
        self.latest_embeddings = embeddings
        self.search_panel.set_embeddings(embeddings)

    # ------------------------------------------------------------------ sessions
    def current_session(self) -> Session | None:
        if self.trainer is None:
            return None
        return Session(self.trainer, LossHistory(self.loss_view.history()), {
            "pinned": list(self.pinned),
            "map_words": self.map_controls.word_count.value(),
            "method": self.map_controls.method_key,
            "query": self.search_panel.query.text(),
        })

    def _work_state(self) -> tuple | None:
        """What a save must capture: the run, how far it got, and the pins."""
        if self.trainer is None:
            return None
        return id(self.trainer), self.trainer.words_done, tuple(self.pinned)

    @property
    def unsaved(self) -> bool:
        """True when there is a run whose latest state (or pins) no file holds."""
        return self.trainer is not None and (self.training is not None
                                             or self._saved_state != self._work_state())

    @unsaved.setter
    def unsaved(self, value: bool) -> None:
        self._saved_state = None if value else self._work_state()

    def save_session_to(self, path: str, wait: bool = True) -> bool:
        """Write the session to `path`, pausing training only while its arrays are copied.

        wait: write before returning (True: when work is about to be replaced or the app
        closes), or write on a worker thread and emit `session_saved` when done. Returns
        False (having said why) if there is nothing to save or the write failed.
        """
        session = self.current_session()
        if session is None:
            self._show_error("Nothing to save yet", "Train first; then save the session.")
            return False
        worker = self.training
        was_paused = worker is None or worker.paused
        if worker is not None:
            worker.pause(quiet=True)
            worker.wait_until_idle()
        try:
            arrays = session_arrays(session)
            state = self._work_state()
        finally:
            if worker is not None and not was_paused:
                worker.resume(quiet=True)
        if not path.endswith(SESSION_SUFFIX) and Path(path).suffix == "":
            path += SESSION_SUFFIX

        def write() -> tuple:
            try:
                write_session(path, arrays)
            except OSError as error:
                raise OSError(f"{path} could not be written ({error}). Choose another "
                              "place; nothing was lost.") from error
            return path, state

        if not wait:
            self.statusBar().showMessage(f"Saving the session to {path}…")
            self._call_off_thread(write, self._session_written, "The session was not saved")
            return True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = write()
        except OSError as error:
            self._show_error("The session was not saved", str(error))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._session_written(result)
        return True

    def _session_written(self, result: tuple | None) -> None:
        if result is None:  # the write failed, and said so
            return
        path, state = result
        self.session_path = path
        self._saved_state = state
        self.statusBar().showMessage(f"Saved the session to {path}", 5000)
        self.session_saved.emit(path)

    def save_session(self, wait: bool = True) -> bool:
        if self.session_path is None:
            return self.save_session_as(wait)
        return self.save_session_to(self.session_path, wait)

    def save_session_as(self, wait: bool = True) -> bool:
        if self.trainer is None:
            self._show_error("Nothing to save yet", "Train first; then save the session.")
            return False
        path, _ = QFileDialog.getSaveFileName(self, "Save the session",
                                              self.session_path or f"word2vec{SESSION_SUFFIX}",
                                              SESSION_FILTER)
        return bool(path) and self.save_session_to(path, wait)

    def _open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a session", "", SESSION_FILTER)
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> None:
        """Read a session off the GUI thread; the current one stays if it fails."""
        if self._busy() or not self._may_discard("open a session"):
            return
        self.progress_label.setText(f"Opening {Path(path).name}…")
        self._call_off_thread(lambda: load_session(path),
                              lambda session: self._session_loaded(session, path),
                              "The session could not be opened")

    def _session_loaded(self, session: Session | None, path: str) -> None:
        if session is None:
            self._set_running(False)
            return
        trainer = session.trainer
        self._use_corpus(trainer.corpus)
        self.hyperparameters.set_config(trainer.config)
        view = session.app_state
        if isinstance(view.get("map_words"), int):
            self.map_controls.word_count.setValue(view["map_words"])
        if view.get("method") in ("pca", "tsne"):
            self.map_controls.set_method(view["method"])
        self.trainer = trainer
        self.loss_view.set_history(session.history.rows())
        self.loss_view.set_extent(trainer.total_words)
        self.set_pinned([w for w in view.get("pinned", []) if w in trainer.corpus.index])
        self.session_path = path
        self.unsaved = False
        self._keep_embeddings(trainer.embeddings())
        if isinstance(view.get("query"), str) and view["query"]:
            self.search_panel.search(view["query"])
        self._redraw_map()
        self._set_running(False)
        self.progress.setValue(int(trainer.progress * 1000))
        self.progress_label.setText(
            f"Opened {Path(path).name}: {trainer.words_done:,} words trained, "
            f"{trainer.progress:.0%} of the run." + (" Train continues it."
                                                     if not trainer.finished else ""))
        self.session_opened.emit()

    def _may_discard(self, doing: str) -> bool:
        """Before replacing unsaved work: offer to save it. False means: do not go on."""
        if not self.unsaved or self.trainer is None:
            return True
        answer = self._ask("Save this session first?",
                           f"The current run has not been saved. Save it before you {doing}?",
                           Button.Save | Button.Discard | Button.Cancel)
        if answer == Button.Save:
            return self.save_session()
        return answer == Button.Discard

    # ------------------------------------------------------------------ exports
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
                   header=",".join(HISTORY_COLUMNS))

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

    # ------------------------------------------------------------------ dialogs
    def _show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def _ask(self, title: str, text: str, buttons) -> QMessageBox.StandardButton:
        return QMessageBox.question(self, title, text, buttons)

    def _about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}",
                          "<b>Word2Vec Studio</b><p>Train word2vec before your eyes and "
                          "explore what it learned: skip-gram and CBOW, negative sampling "
                          "and naive softmax, a live map and a nearest-word search.</p>")

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event) -> None:
        worker = self.training
        was_paused = worker is None or worker.paused
        if worker is not None:
            worker.pause(quiet=True)  # hold still while the user decides
        if not self.discard_on_close and not self._may_discard("quit"):
            if not was_paused:
                worker.resume(quiet=True)
            event.ignore()
            return
        self._save_settings()
        if worker is not None:
            worker.stop()
            if self.training_thread is not None:
                self.training_thread.wait(1000)
        self.hide()
        # A t-SNE frame cannot be interrupted and may take a second or two on a busy
        # machine; the window is already gone while it ends.
        for thread in self.threads:
            thread.quit()
            thread.wait(5000)
        super().closeEvent(event)

    def grab_after(self, seconds: float, path: str) -> None:
        """Save a PNG of the whole window after `seconds`, then close (screenshot mode)."""
        def grab() -> None:
            self.grab().save(path)
            self.discard_on_close = True  # a screenshot run has nothing to keep
            self.close()

        QTimer.singleShot(int(seconds * 1000), grab)
