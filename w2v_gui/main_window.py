"""The main window: makes the views and the controllers, hands each what it needs, and
wires their signals. The work lives in w2v_gui/controllers; what is enabled when is decided
by w2v_gui.state's rules."""

from __future__ import annotations

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QMainWindow

from core.parallel.pool import WorkerPool, cores
from core.storage.shared import sweep_stale
from core.train.trainer import TrainerError
from w2v_gui.compare.controller import CompareController
from w2v_gui.controllers.corpus import CorpusController
from w2v_gui.controllers.document import Document
from w2v_gui.controllers.evaluation import EvaluationController
from w2v_gui.controllers.film import FilmController
from w2v_gui.controllers.map import MapController
from w2v_gui.controllers.race import RaceController
from w2v_gui.controllers.search import SearchController
from w2v_gui.controllers.step_mode import StepModeController
from w2v_gui.controllers.training import TrainingController
from w2v_gui.controllers.workspace import Workspace
from w2v_gui.file_commands import FileCommands
from w2v_gui.layout import Views, arrange
from w2v_gui.menus import build_menus, enable_actions
from w2v_gui.messages import show_error
from w2v_gui.safety import APP_NAME
from w2v_gui.settings import app_settings, restore_settings, save_settings
from w2v_gui.state import Controls, Facts, controls
from w2v_gui.student.controller import StudentController
from w2v_gui.threads import WorkerThreads


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
        self.setAcceptDrops(True)  # a file dropped on the window opens like File ▸ Open
        self.closed = False  # every thread has ended and the window is gone
        self._closing = False
        self.threads = threads = WorkerThreads(self)
        self.views = views = Views()
        arrange(self, views)
        self.map = MapController(threads, views.projection_view, views.map_controls)
        self.film = FilmController(views.timeline, self.map.show_still, self.map.go_live,
                                   lambda vectors: self.search.set_embeddings(vectors),
                                   lambda: self.workspace.current_embeddings())
        self.map.frame_listener = self.film.frame_arrived  # the run's film records it
        self.film.settling_shown = views.search_panel.show_settling
        self.film.pinned_ids = lambda: views.projection_view.pinned
        self.film.exported.connect(lambda path, error: show_error(
            self, "The film was not exported", error) if error else
            self.statusBar().showMessage(f"Saved {path}", 5000))
        QTimer.singleShot(0, self.map.projection.warm)  # the map's own process
        sweep_stale()  # shared memory a killed instance left behind
        # the processes a run of several workers trains with, started now so that Train
        # starts at once, and kept for the app's life
        self.pool = WorkerPool()
        if cores() > 1:
            QTimer.singleShot(0, lambda: self.pool.warm(cores()))
        self.training = TrainingController(threads, self.pool)
        self.document = Document(self.training, threads, lambda: self.workspace.app_state())
        self.corpora = CorpusController(threads)
        self.search = SearchController(threads, views.search_panel)
        self.evaluation = EvaluationController(threads, self.training)
        self.race = RaceController(threads)
        self.workspace = Workspace(
            self, views, self.training, self.document, self.corpora, self.map, self.search,
            self.evaluation, self.race, lambda doing: self.files.may_discard(doing))
        self.files = FileCommands(
            self, self.document, self.training, self.corpora, self.map, self.evaluation,
            views.hyperparameters.config, self.workspace.current_embeddings,
            self.workspace.failed, self.statusBar().showMessage)
        self.step_mode = StepModeController(
            self.training, self.map, views.math_panel, threads, views.hyperparameters.config,
            self.workspace.change_run, lambda: self.controls().step)
        self.actions = build_menus(
            self, views, files=self.files, workspace=self.workspace, training=self.training,
            step_mode=self.step_mode, map_controller=self.map, evaluation=self.evaluation,
            start_training=self.start_training, start_race=self.start_race,
            show_race=self.show_race, check_student=lambda: self.student.open(),
            compare=lambda: self.comparison.open(), film=self.film)
        self._wire()
        self.evaluation.load_toy_sets()
        self.settings = app_settings() if remember else None
        self.student = StudentController(self, self.files.choose_file, self.settings,
                                         lambda: self.training.corpus)
        self.comparison = CompareController(self, self.files.choose_file,
                                            self.workspace.current_embeddings,
                                            self.film.moment_vectors)
        restore_settings(self.settings, self, views, self.map, self.actions["log_y"],
                         self.files)
        self.update_controls()
        QTimer.singleShot(0, lambda: self._begin(open_path, open_limit))

    def _wire(self) -> None:
        views, bar, training, document = self.views, self.views.bar, self.training, self.document
        status = self.statusBar().showMessage
        bar.train.connect(self.start_training)
        bar.pause.connect(training.toggle_pause)
        bar.stop.connect(training.stop)
        bar.step.connect(self.step_mode.step_once)
        views.hyperparameters.config_changed.connect(lambda _config: self.update_controls())
        views.corpus_panel.open_file.connect(self.files.open_corpus_dialog)
        views.corpus_panel.open_folder.connect(self.files.open_folder_dialog)
        views.corpus_panel.use_toy_world.connect(self.files.use_toy_world)
        views.corpus_panel.cancel.connect(self.corpora.cancel)
        views.map_controls.load_labels.connect(self.files.load_labels_dialog)
        views.search_panel.isolate.connect(self.map.isolate)
        self.corpora.progress.connect(views.corpus_panel.show_progress)
        self.corpora.cancelled.connect(lambda: status(
            "Loading cancelled; the corpus is unchanged.", 5000))
        self.workspace.changed.connect(self.update_controls)
        for replaced in (self.corpora.loaded, self.corpora.vectors_loaded,
                         self.document.opened):
            replaced.connect(lambda *_: self.comparison.on_show_changed())
        for replaced in (self.corpora.loaded, self.corpora.vectors_loaded):
            replaced.connect(lambda *_: self.film.new_film([]))  # a film of what is gone
        self.document.opened.connect(lambda session, *_: self.film.adopt(session))
        self.document.film_of = self.film.film_of
        self.workspace.status.connect(status)
        self.workspace.race_restored.connect(self.show_race)
        training.started.connect(self.map.follow)
        training.started.connect(self.film.follow)
        training.running_changed.connect(lambda _running: self.update_controls())
        training.history_changed.connect(lambda: views.loss_view.follow(training.history))
        training.history_changed.connect(lambda: views.quality_view.follow(training.quality))
        self._wire_evaluation()
        self.step_mode.show_panel.connect(lambda: views.raise_dock("Math"))
        self.step_mode.changed.connect(self.update_controls)
        self.race.changed.connect(self.update_controls)
        # a race's curves join the session
        self.race.ended.connect(lambda: self.race.runs and document.touch())
        self.race.failed.connect(lambda message: show_error(self, "Loss race", message))
        training.stats.connect(lambda stats: bar.show_stats(stats, training.trainer.config.epochs))
        training.progressed.connect(document.touch)
        training.embeddings_ready.connect(  # a moment of the film on show keeps its own
            lambda vectors: self.film.scrubbing or self.search.set_embeddings(vectors))
        views.search_panel.highlight.connect(self.film.word_searched)
        # the position the copy was taken at (never a live read of the training thread's)
        training.embeddings_ready.connect(lambda vectors: self.map.show_embeddings(
            vectors, training.embeddings_words_done))
        training.paused_changed.connect(self._paused)
        training.finished.connect(self._training_finished)
        training.failed.connect(lambda message: show_error(self, "Training stopped", message))
        self.map.pins_changed.connect(lambda _pins: document.touch())
        for source in (self.map.failed, document.status):
            source.connect(lambda message: status(message, 5000))
        views.projection_view.word_clicked.connect(views.search_panel.search)
        views.search_panel.highlight.connect(views.projection_view.highlight)
        views.search_panel.pin_toggled.connect(self.map.toggle_pin)
        document.busy_changed.connect(lambda _busy: self.update_controls())
        document.autosave_failed.connect(
            lambda message: show_error(self, "No recovery copy", message))

    def _wire_evaluation(self) -> None:
        evaluation, panel = self.evaluation, self.views.evaluation_panel
        evaluation.sets_changed.connect(
            lambda: panel.show_sets(evaluation.analogies, evaluation.pairs))
        evaluation.quality_changed.connect(
            lambda: self.views.quality_view.follow(self.training.quality))
        evaluation.failed.connect(lambda title, message: show_error(self, title, message))
        panel.load_analogies.connect(self.files.load_analogies_dialog)
        panel.load_pairs.connect(self.files.load_pairs_dialog)
        panel.use_gensim_sets.connect(evaluation.load_gensim_sets)
        panel.method_changed.connect(evaluation.set_method)
        panel.live_changed.connect(evaluation.set_live)

    def _begin(self, open_path: str | None, open_limit: int | None = None) -> None:
        """At launch: a crashed session if the user recovers it, else the file asked for,
        else the toy world."""
        if self.files.offer_recovery():
            return
        if open_path is not None:
            self.files.open_path(open_path, open_limit)
        else:
            self.corpora.load_toy_world()

    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.open_path(paths[0])

    # ------------------------------------------------------------------ training
    def start_training(self) -> None:
        config = self.views.hyperparameters.config()
        if self.controls().train and self.workspace.change_run(
                config, self.training.start, "Training cannot start", (TrainerError,)):
            self.step_mode.clear_arrows()

    def start_race(self, kind: str) -> None:
        """Race two runs ("losses": naive softmax against negative sampling; "models":
        skip-gram against CBOW) on the current corpus with the form's other settings."""
        config, corpus = self.views.hyperparameters.config(), self.training.corpus
        if config is None or corpus is None or not self.controls().race:
            return
        self.race.start(corpus, config, kind, self.evaluation.analogies)
        self.show_race()

    def show_race(self) -> None:
        made = self.race.window is None
        self.race.show_window(self)
        if made:
            self.race.window.pause.connect(self.training.toggle_pause)

    def _paused(self, paused: bool) -> None:
        self.views.bar.show_paused(paused)
        self.update_controls()  # Step works while paused
        self.statusBar().showMessage("Paused: Space resumes." if paused else "", 0)
        if paused:
            self.document.autosave_soon()  # when training pauses or stops, as editors do

    def _training_finished(self, stats) -> None:
        if stats.finished:
            message = "Training finished."
        elif self.controls().train:
            message = "Training stopped: Train continues it, Reset starts afresh."
        else:  # Train is disabled: say what it waits for
            reason = self.views.hyperparameters.reason_text()
            message = ("Training stopped. Train continues it once the form accepts its "
                       f"settings: {reason}" if reason else "Training stopped.")
        self.statusBar().showMessage(message, 8000)
        self.document.autosave_soon()

    def controls(self) -> Controls:
        """What may be used now: w2v_gui.state's rules, fed the app's facts."""
        training, trainer = self.training, self.training.trainer
        config = self.views.hyperparameters.config()
        return controls(Facts(
            has_corpus=training.corpus is not None, config_valid=config is not None,
            has_run=trainer is not None, can_continue=training.can_continue(config),
            running=training.running, paused=training.paused,
            no_step_left=training.paused and trainer.finished,  # read only while paused
            loading=self.corpora.busy, opening=self.document.opening,
            exploring=self.workspace.explored is not None, race_running=self.race.running,
            checking=self.step_mode.checking))

    def update_controls(self) -> None:
        now, views = self.controls(), self.views
        views.bar.set_state(now)
        enable_actions(self.actions, now)
        views.math_panel.step_button.setEnabled(now.step)
        views.math_panel.check_button.setEnabled(now.check)
        if now.invite_to_train:
            views.bar.show_progress(0, "Press Train to watch word2vec learn.")
        views.hyperparameters.setEnabled(now.hyperparameters)

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
        save_settings(self.settings, self, self.views, self.actions["log_y"], self.files)
        self.document.close()
        self._closing = True
        self.hide()
        self.training.stop()
        self.race.stop()
        self.step_mode.shutdown()
        self.student.shutdown()
        self.comparison.shutdown()
        self.map.shutdown()
        self.corpora.cancel()
        self.evaluation.shutdown()
        self.threads.quit_all()
        if self.threads.threads:
            self.threads.all_finished.connect(self._closed)
        else:
            self._closed()

    def _closed(self) -> None:
        self.pool.close()  # every thread has ended: no run uses the workers now
        self.closed = True
        self.close()
        self.gone.emit()  # a hidden window's close does not end the app by itself
