"""The main window: composes the views, panels and controllers and wires their signals.
The work itself lives in w2v_gui/controllers; this file decides only what asks the user."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from core.data.corpus import Corpus
from core.map.colours import PALETTE
from core.session import SESSION_SUFFIX, Session
from core.train.trainer import TrainerError
from core.vectors.reading import VectorFile, VectorFileError, classify_file, detect_format
from w2v_gui.controllers.corpus import TOY_WORLD_NAME, CorpusController
from w2v_gui.controllers.document import Document
from w2v_gui.controllers.evaluation import EvaluationController
from w2v_gui.controllers.map import MapController
from w2v_gui.controllers.race import RaceController
from w2v_gui.controllers.search import SearchController
from w2v_gui.controllers.step_mode import StepModeController
from w2v_gui.controllers.training import TrainingController
from w2v_gui.file_commands import Button, FileCommands, ask, show_error
from w2v_gui.menus import build_menus, enable_actions
from w2v_gui.panels.corpus_panel import CorpusPanel, status_line
from w2v_gui.panels.evaluation_panel import EvaluationPanel
from w2v_gui.panels.hyperparameter_panel import HyperparameterPanel
from w2v_gui.panels.map_controls import MapControls
from w2v_gui.panels.math_panel import MathPanel
from w2v_gui.panels.search_panel import SearchPanel
from w2v_gui.panels.training_bar import TrainingBar
from w2v_gui.safety import APP_NAME
from w2v_gui.session_state import check_app_state
from w2v_gui.settings import app_settings, restore_settings, save_settings
from w2v_gui.state import Controls, Facts, controls
from w2v_gui.threads import WorkerThreads
from w2v_gui.views.loss_view import LossView
from w2v_gui.views.projection_view import ProjectionView
from w2v_gui.views.quality_view import QualityView
from w2v_gui.views.race_window import RaceWindow


def column(parent: QWidget, top: QWidget, rest: QWidget, margins: int = -1) -> None:
    """`top` above `rest`, which takes the height left (margins < 0: the style's)."""
    layout = QVBoxLayout(parent)
    if margins >= 0:
        layout.setContentsMargins(margins, margins, margins, margins)
    layout.addWidget(top)
    layout.addWidget(rest, 1)


class MainWindow(QMainWindow):
    gone = pyqtSignal()  # closed for good: every thread has ended

    def __init__(self, remember: bool = True, open_path: str | None = None,
                 open_limit: int | None = None) -> None:
        """remember: restore the last layout and settings, and keep them on close.
        open_path: a session, model, vectors file, corpus file or folder to open instead of
        the toy world; open_limit: of a vectors file, read only the first N words."""
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self.discard_on_close = False  # close without offering to save (screenshot mode)
        self.explored: VectorFile | None = None  # a vectors file open to explore
        self._saved_corpus: Corpus | None = None  # the corpus of an opened session or model
        self.setAcceptDrops(True)  # a file dropped on the window opens like File ▸ Open
        self.closed = False  # every thread has ended and the window is gone
        self._closing = False
        self.threads = WorkerThreads(self)
        self.projection_view, self.map_controls = ProjectionView(), MapControls()
        self.loss_view, self.bar = LossView(), TrainingBar()
        self.corpus_panel, self.hyperparameters = CorpusPanel(), HyperparameterPanel()
        self.search_panel = SearchPanel()
        self.quality_view, self.evaluation_panel = QualityView(), EvaluationPanel()
        self.math_panel = MathPanel()
        self.map = MapController(self.threads, self.projection_view, self.map_controls)
        self.training = TrainingController(self.threads)
        self.document = Document(self.training, self.threads, self.app_state)
        self.corpora = CorpusController(self.threads)
        self.search = SearchController(self.threads, self.search_panel)
        self.evaluation = EvaluationController(self.threads, self.training)
        self.race = RaceController(self.threads)
        self.step_mode = StepModeController(
            self.training, self.map, self.math_panel, self.threads, self.hyperparameters.config,
            self._change_run, lambda: self.controls().step)
        self.race_window: RaceWindow | None = None
        self.files = FileCommands(self)
        self._compose()
        self.actions = build_menus(self)
        self._wire()
        self.evaluation.load_toy_sets()
        self.settings = app_settings() if remember else None
        restore_settings(self, self.settings)
        self.update_controls()
        QTimer.singleShot(0, lambda: self._begin(open_path, open_limit))

    # ------------------------------------------------------------------ set-up
    def _compose(self) -> None:
        map_area, central = QWidget(), QWidget()
        column(map_area, self.map_controls, self.projection_view, margins=0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        # the loss and, beside it, the quality curve on an axis of its own (x linked)
        self.curves = QSplitter(Qt.Orientation.Horizontal)
        self.curves.addWidget(self.loss_view)
        self.curves.addWidget(self.quality_view)
        self.curves.setSizes([580, 420])
        self.quality_view.setXLink(self.loss_view)
        splitter.addWidget(map_area)
        splitter.addWidget(self.curves)
        splitter.setSizes([600, 200])  # the map above, three times the curves' height
        column(central, self.bar, splitter)
        self.setCentralWidget(central)
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.docks: dict[str, QDockWidget] = {}
        for title, widget, area in (("Corpus", self.corpus_panel, left),
                                    ("Hyperparameters", self.hyperparameters, left),
                                    ("Nearest words", self.search_panel, right),
                                    ("Evaluation", self.evaluation_panel, right),
                                    ("Math", self.math_panel, right)):
            dock = self.docks[title] = QDockWidget(title, self)
            dock.setObjectName(title)  # a stable name, for saving the window layout
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
        self.tabifyDockWidget(self.docks["Corpus"], self.docks["Hyperparameters"])
        self.tabifyDockWidget(self.docks["Nearest words"], self.docks["Evaluation"])
        self.tabifyDockWidget(self.docks["Evaluation"], self.docks["Math"])
        self.docks["Hyperparameters"].raise_()
        self.docks["Nearest words"].raise_()
        self.resizeDocks([self.docks["Hyperparameters"], self.docks["Nearest words"]],
                         [250, 260], Qt.Orientation.Horizontal)
        self.corpus_status = QLabel("", textFormat=Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.corpus_status)

    def _wire(self) -> None:
        bar, training, document, corpora = self.bar, self.training, self.document, self.corpora
        bar.train.connect(self.start_training)
        bar.pause.connect(training.toggle_pause)
        bar.stop.connect(training.stop)
        bar.reset.connect(self.reset_run)
        bar.step.connect(self.step_mode.step_once)
        self.hyperparameters.config_changed.connect(lambda _config: self.update_controls())
        self.corpus_panel.open_file.connect(self.files.open_corpus_dialog)
        self.corpus_panel.open_folder.connect(self.files.open_folder_dialog)
        self.corpus_panel.use_toy_world.connect(self.use_toy_world)
        self.corpus_panel.cancel.connect(corpora.cancel)
        corpora.vectors_loaded.connect(self._vectors_loaded)
        self.map_controls.load_labels.connect(self.files.load_labels_dialog)
        self.search_panel.isolate.connect(self.map.isolate)
        corpora.loading.connect(self._loading)
        corpora.progress.connect(self.corpus_panel.show_progress)
        corpora.loaded.connect(self._corpus_loaded)
        corpora.failed.connect(self._failed)
        corpora.cancelled.connect(lambda: self.statusBar().showMessage(
            "Loading cancelled; the corpus is unchanged.", 5000))
        training.started.connect(self.map.follow)
        training.running_changed.connect(lambda _running: self.update_controls())
        training.history_changed.connect(lambda: self.loss_view.follow(training.history))
        training.history_changed.connect(lambda: self.quality_view.follow(training.quality))
        self._wire_evaluation()
        self.step_mode.show_panel.connect(lambda: (self.docks["Math"].show(),
                                                    self.docks["Math"].raise_()))
        self.step_mode.changed.connect(self.update_controls)
        self.race.changed.connect(self.update_controls)
        # a race's curves join the session
        self.race.ended.connect(lambda: self.race.runs and self.document.touch())
        self.race.failed.connect(lambda message: show_error(self, "Loss race", message))
        training.stats.connect(lambda stats: bar.show_stats(stats, training.trainer.config.epochs))
        training.progressed.connect(document.touch)
        training.embeddings_ready.connect(self.search.set_embeddings)
        # the position the copy was taken at (never a live read of the training thread's)
        training.embeddings_ready.connect(lambda vectors: self.map.show_embeddings(
            vectors, training.embeddings_words_done))
        training.paused_changed.connect(self._paused)
        training.finished.connect(self._training_finished)
        training.diverged.connect(self._offer_recovery)
        training.failed.connect(lambda message: show_error(self, "Training stopped", message))
        self.map.pins_changed.connect(lambda _pins: document.touch())
        for source in (self.map.failed, document.status):
            source.connect(lambda message: self.statusBar().showMessage(message, 5000))
        self.projection_view.word_clicked.connect(self.search_panel.search)
        self.search_panel.highlight.connect(self.projection_view.highlight)
        self.search_panel.pin_toggled.connect(self.map.toggle_pin)
        document.opened.connect(self._session_opened)
        document.busy_changed.connect(lambda _busy: self.update_controls())
        document.failed.connect(self._failed)
        document.autosave_failed.connect(
            lambda message: show_error(self, "No recovery copy", message))

    def _wire_evaluation(self) -> None:
        evaluation, panel = self.evaluation, self.evaluation_panel
        evaluation.sets_changed.connect(
            lambda: panel.show_sets(evaluation.analogies, evaluation.pairs))
        evaluation.reported.connect(self._show_evaluation)
        evaluation.quality_changed.connect(
            lambda: self.quality_view.follow(self.training.quality))
        evaluation.failed.connect(lambda title, message: show_error(self, title, message))
        panel.load_analogies.connect(self.files.load_analogies_dialog)
        panel.load_pairs.connect(self.files.load_pairs_dialog)
        panel.evaluate.connect(self.evaluate_now)
        panel.method_changed.connect(evaluation.set_method)
        panel.live_changed.connect(evaluation.set_live)
        panel.show_words.connect(self._show_analogy)

    def _begin(self, open_path: str | None, open_limit: int | None = None) -> None:
        """At launch: a crashed session if the user recovers it, else the file asked for,
        else the toy world."""
        if self.files.offer_recovery():
            return
        if open_path is not None:
            self.open_path(open_path, open_limit)
        else:
            self.corpora.load_toy_world()

    def _failed(self, title: str, message: str) -> None:
        show_error(self, title, message)
        if self.training.corpus is None and self.explored is None and not self.corpora.busy:
            self.corpora.load_toy_world()  # the file asked for at launch did not open

    # ------------------------------------------------------------------ opening
    def open_corpus(self, path: str) -> None:
        """File ▸ Open a corpus file / folder: read `path` as a corpus, whatever its name
        (a text corpus may be called .tsv or .vec)."""
        if self.files.may_replace("open another corpus"):
            config = self.hyperparameters.config()
            self.corpora.open(path, config.min_count if config is not None else 1)

    def open_path(self, path: str, limit: int | None = None) -> None:
        """Open a session or saved model (.w2vsession, .npz), a file of word vectors (to
        explore), or a corpus file or folder (to train on): decided by the content. A file
        that looks like vectors but cannot be read as them is refused with the reason,
        never read as a corpus."""
        if not self.files.may_replace("open another file"):
            return
        if Path(path).suffix in (SESSION_SUFFIX, ".npz"):
            self.document.open(path)
            return
        kind = self._classify(path)
        if kind == "vectors":
            self.corpora.open_vectors(path, limit)
        elif kind == "corpus":
            config = self.hyperparameters.config()
            self.corpora.open(path, config.min_count if config is not None else 1)

    def open_vectors(self, path: str, limit: int | None = None) -> None:
        """Explore a vectors file (File ▸ Open vectors); models and sessions open whole.
        Anything else that is not a readable vectors file is refused, saying why."""
        if Path(path).suffix in (SESSION_SUFFIX, ".npz"):
            self.open_path(path, limit)
            return
        if not self.files.may_replace("open another file"):
            return
        kind = self._classify(path)
        if kind == "vectors":
            self.corpora.open_vectors(path, limit)
        elif kind == "corpus":
            try:
                detect_format(path)  # says what the file seems to be, where it can
                reason = f"{path} reads as plain text (a corpus), not as word vectors."
            except VectorFileError as error:
                reason = str(error)
            self._failed("Not a vectors file", (
                f"{reason} To train on it, use File ▸ Open a corpus file; to explore vectors, "
                "choose a word2vec, GloVe, fastText .vec or Embedding Projector file."))

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

    def _vectors_loaded(self, loaded: VectorFile) -> None:
        """Explore: map, search, colouring and exports work; training needs a corpus."""
        self.explored = loaded
        self.curves.hide()  # nothing trains: the map takes the room
        self.training.use_corpus(None)
        self.document.forget()
        self.math_panel.clear()
        self.race.clear()
        embeddings = loaded.embeddings
        self.corpus_panel.show_vectors(loaded)
        self.corpus_status.setText(f"{loaded.path.name}: {len(embeddings):,} words × "
                                   f"{embeddings.dim}")
        self.map.set_vectors(embeddings, loaded.metadata)
        self.search.clear()
        self.search.set_embeddings(embeddings)
        self.update_controls()
        self.bar.label.setText(f"Exploring {loaded.path.name}. To train, open a corpus or "
                               "a saved model.")
        if loaded.notes:
            self.statusBar().showMessage(" ".join(loaded.notes), 15000)

    def current_embeddings(self):
        """The vectors on show: the run's newest copy, or the file being explored."""
        if self.training.embeddings is not None:
            return self.training.embeddings
        return self.explored.embeddings if self.explored is not None else None

    def evaluate_now(self) -> None:
        """Evaluate the vectors on show (Evaluate ▸ Evaluate now, F5)."""
        training = self.training
        explored = training.embeddings is None
        words_done = None if explored else training.embeddings_words_done
        if not self.evaluation.has_sets:
            show_error(self, "Nothing to evaluate on", "No test set is loaded. Load analogy "
                       "questions or word pairs in the Evaluation panel.")
        elif not self.evaluation.evaluate_now(self.current_embeddings(), words_done):
            self.statusBar().showMessage("There are no vectors to evaluate yet: train "
                                         "first, or open a vectors file.", 5000)
        else:
            self.statusBar().showMessage("Evaluating…", 2000)

    def _show_evaluation(self, report) -> None:
        words_done = report.request.words_done
        what = (f"at {words_done:,} words" if words_done is not None
                else f"{self.explored.path.name}" if self.explored is not None
                else "these vectors")
        self.evaluation_panel.show_results(report.analogies, report.pairs, what)

    def _show_analogy(self, words: list[str]) -> None:
        """A wrong analogy's four words, marked and labelled on the map."""
        self.projection_view.highlight(words, label_all=True)
        missing = [word for word in words if word not in self.projection_view.shown_words()]
        if missing:
            self.statusBar().showMessage(
                f"Not on the map now: {', '.join(missing)} (show more words, or search "
                "one to see its neighbours).", 6000)

    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_path(paths[0])

    def use_toy_world(self) -> None:
        if self.files.may_replace("load the toy world"):
            self.corpora.load_toy_world()

    def _loading(self, name: str) -> None:
        self.corpus_panel.show_loading(name or None)
        if name:
            self.bar.label.setText(f"Reading {name}…")
        if name and name != TOY_WORLD_NAME:  # a file the user chose: show its progress
            self.docks["Corpus"].raise_()
        self.update_controls()

    def _corpus_loaded(self, corpus: Corpus) -> None:
        self._use_corpus(corpus)
        self.training.use_corpus(corpus)
        self.document.forget()
        self.update_controls()

    def _use_corpus(self, corpus: Corpus, saved: bool = False) -> None:
        """saved: the corpus came from a session or model (its source names a file the
        app must not read; remembered for as long as that corpus is open)."""
        if saved:
            self._saved_corpus = corpus
        self.explored = None
        self.curves.show()
        self.corpus_panel.show_corpus(corpus, saved or corpus is self._saved_corpus)
        self.corpus_status.setText(status_line(corpus))
        self.map.set_corpus(corpus)
        self.search.clear()
        self.math_panel.clear()  # its step was of the run just forgotten
        if self.race.corpus is not corpus:
            self.race.clear()  # a race on another corpus has no place in this one's session

    def _session_opened(self, session: Session, path: str | None, recovered: bool) -> None:
        """Make an opened session the current work. Everything in it was checked before
        this (the file by core.session, the view settings by `check_app_state` here), so
        the switch below cannot fail on the file's content."""
        trainer = session.trainer
        checked = check_app_state(session.app_state, len(PALETTE))
        if checked.race is not None and RaceController.parse(checked.race) is None:
            checked.dropped.append("the loss race")
            checked.race = None
        # Should the switch still fail part-way (a bug), Save must not write this session
        # over the previous document's file: the document has no file until adopted.
        self.document.detach()
        self._use_corpus(trainer.corpus, saved=True)
        self.hyperparameters.set_config(trainer.config)
        self.training.adopt(trainer, session.history, session.quality)
        self.quality_view.follow(self.training.quality)
        self.map.apply_state(checked)
        if checked.query is not None:
            self.search_panel.query.setText(checked.query)  # searched when ready
        self.loss_view.set_extent(trainer.total_words)
        if checked.race is not None and self.race.restore(checked.race, trainer.corpus):
            self.show_race()
        self.document.adopted(path, session.app_state, recovered)
        self.update_controls()
        self.bar.show_opened(Path(path).name if path else "the recovered session" if recovered
                             else "the model", trainer)
        notes = [*session.notes, checked.note()] if checked.dropped else session.notes
        if notes:
            self.statusBar().showMessage(" ".join(notes), 15000)

    def app_state(self) -> dict:
        state = {**self.map.state(), "query": self.search_panel.query.text()}
        race = self.race.state()
        if race is not None:
            state["race"] = race
        return state

    # ------------------------------------------------------------------ training
    def start_training(self) -> None:
        config = self.hyperparameters.config()
        if self.controls().train and self._change_run(
                config, self.training.start, "Training cannot start", (TrainerError,)):
            self.step_mode.clear_arrows()

    def _change_run(self, config, change, title: str, errors: tuple) -> bool:
        """Train or step (`change(config)`) the current run, or a new one when `config` is
        not its own: asked first if that discards unsaved work, with the map and the Math
        panel cleared before its first vectors arrive. `errors` end in a message saying
        `title`; what was open stays."""
        training = self.training
        new_run = not training.running and not training.can_continue(config)
        if new_run:
            if not self.files.may_discard("start a new run"):
                return False
            self.map.restart()
            self.math_panel.clear()
        try:
            change(config)
        except errors as error:
            show_error(self, title, str(error))
            return False
        if new_run:
            self.document.forget()
        self.loss_view.set_extent(training.trainer.total_words)
        return True

    def start_race(self, kind: str) -> None:
        """Race two runs ("losses": naive softmax against negative sampling; "models":
        skip-gram against CBOW) on the current corpus with the form's other settings."""
        config, corpus = self.hyperparameters.config(), self.training.corpus
        if config is None or corpus is None or not self.controls().race:
            return
        self.race.start(corpus, config, kind, self.evaluation.analogies)
        self.show_race()

    def show_race(self) -> None:
        if self.race_window is None:
            self.race_window = RaceWindow(self.race, self)
            self.race_window.stop.connect(self.race.stop)
        self.race_window.show()
        self.race_window.raise_()

    def reset_run(self) -> None:
        """Forget the current run (asking first if it is unsaved)."""
        if self.training.running or self.training.trainer is None:
            return
        if self.files.may_discard("reset"):
            self.training.forget_run()
            self.document.forget()
            self._use_corpus(self.training.corpus)
            self.update_controls()

    def _paused(self, paused: bool) -> None:
        self.bar.show_paused(paused)
        self.update_controls()  # Step works while paused
        self.statusBar().showMessage("Paused: Space resumes." if paused else "", 0)
        if paused:
            self.document.autosave_soon()  # when training pauses or stops, as editors do

    def _training_finished(self, stats) -> None:
        self.statusBar().showMessage("Training finished." if stats.finished else
                                     "Training stopped: Train continues it, Reset starts "
                                     "afresh.", 8000)
        self.document.autosave_soon()

    def _offer_recovery(self, message: str) -> None:
        """A diverged run keeps its last good vectors; offer to go on more gently."""
        alpha = self.training.trainer.config.alpha / 2
        if ask(self, "Training diverged", f"{message}\n\nContinue from the last good state "
                    f"with half the learning rate ({alpha:g})?",
                    Button.Yes | Button.No, Button.No) == Button.Yes:
            self.hyperparameters.set_config(self.training.continue_with_lower_rate())

    def controls(self) -> Controls:
        """What may be used now: w2v_gui.state's rules, fed the app's facts."""
        training, trainer = self.training, self.training.trainer
        config = self.hyperparameters.config()
        return controls(Facts(
            has_corpus=training.corpus is not None, config_valid=config is not None,
            has_run=trainer is not None, can_continue=training.can_continue(config),
            running=training.running, paused=training.paused,
            no_step_left=training.paused and trainer.finished,  # read only while paused
            loading=self.corpora.busy, opening=self.document.opening,
            exploring=self.explored is not None, race_running=self.race.running,
            checking=self.step_mode.checking))

    def update_controls(self) -> None:
        now = self.controls()
        self.bar.set_state(now)
        enable_actions(self.actions, now)
        self.math_panel.step_button.setEnabled(now.step)
        self.math_panel.check_button.setEnabled(now.check)
        if now.invite_to_train:
            self.bar.show_progress(0, "Press Train to watch word2vec learn.")
        self.hyperparameters.setEnabled(now.hyperparameters)

    # ------------------------------------------------------------------ closing
    def closeEvent(self, event) -> None:
        """Offer to save, then end every thread without blocking: the window hides, and
        closes for good once the last thread has ended."""
        if self.closed:
            event.accept()
            return
        event.ignore()
        if self._closing:
            return
        with self.training.paused_while():  # hold still while the user decides
            if not self.discard_on_close and not self.files.may_discard("quit"):
                return
        save_settings(self, self.settings)
        self.document.close()
        self._closing = True
        self.hide()
        self.training.stop()
        self.race.stop()
        self.step_mode.shutdown()
        self.corpora.cancel()
        self.evaluation.shutdown()
        self.threads.quit_all()
        if self.threads.threads:
            self.threads.all_finished.connect(self._closed)
        else:
            self._closed()

    def _closed(self) -> None:
        self.closed = True
        self.close()
        self.gone.emit()  # a hidden window's close does not end the app by itself
