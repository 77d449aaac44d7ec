"""What is open and on show: a corpus to train on, a vectors file to explore, or an opened
session, and the current run. It switches the views and panels when one replaces another,
changes or resets the run, and evaluates what is on show."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QWidget

from core.data.corpus import Corpus
from core.map.colours import PALETTE
from core.session import Session
from core.train.config import TrainConfig
from core.vectors.embeddings import Embeddings
from core.vectors.reading import VectorFile
from resources.toy_world import TOY_WORLD_SOURCE
from w2v_gui.controllers.corpus import TOY_WORLD_NAME, CorpusController
from w2v_gui.controllers.document import Document
from w2v_gui.controllers.evaluation import EvaluationController
from w2v_gui.controllers.map import MapController
from w2v_gui.controllers.race import RaceController
from w2v_gui.controllers.search import SearchController
from w2v_gui.controllers.training import TrainingController
from w2v_gui.layout import Views
from w2v_gui.messages import Button, ask, show_error
from w2v_gui.panels.corpus_panel import status_line
from w2v_gui.session_state import check_app_state


def iteration_windows(config: TrainConfig) -> int | None:
    """The windows of one iteration with the handout's batching (the loss plot counts
    iterations then), else None."""
    return config.batch_size if config.batching == "windows" else None


class Workspace(QObject):
    """The open corpus, explored file or session, kept in step with the views. The window
    updates what is enabled on `changed`, shows `status` messages in its status bar, and
    shows the race window on `race_restored`."""

    changed = pyqtSignal()
    status = pyqtSignal(str, int)  # a message, and how many milliseconds it stays
    race_restored = pyqtSignal()  # an opened session brought its loss race back

    def __init__(self, parent: QWidget, views: Views, training: TrainingController,
                 document: Document, corpora: CorpusController, map_controller: MapController,
                 search: SearchController, evaluation: EvaluationController,
                 race: RaceController, may_discard: Callable[[str], bool]) -> None:
        """parent: where messages appear; may_discard(doing): False if the user would
        rather keep unsaved work than go on `doing` (they were offered to save it)."""
        super().__init__(parent)
        self.parent, self.views = parent, views
        self.training, self.document, self.corpora = training, document, corpora
        self.map, self.search, self.evaluation, self.race = (map_controller, search,
                                                             evaluation, race)
        self.may_discard = may_discard
        self.explored: VectorFile | None = None  # a vectors file open to explore
        self._saved_corpus: Corpus | None = None  # the corpus of an opened session or model
        corpora.loading.connect(self._loading)
        corpora.loaded.connect(self._corpus_loaded)
        corpora.vectors_loaded.connect(self._vectors_loaded)
        corpora.failed.connect(self._reading_ended)
        corpora.not_utf8.connect(self._reading_ended)
        corpora.failed.connect(self.failed)
        corpora.cancelled.connect(self._reading_ended)
        self._bar_before: str | None = None  # the bar's line before "Reading …"
        document.opened.connect(self._session_opened)
        document.failed.connect(self.failed)
        training.diverged.connect(self._offer_recovery)
        evaluation.reported.connect(self._show_evaluation)
        views.evaluation_panel.evaluate.connect(self.evaluate_now)
        views.evaluation_panel.show_words.connect(self._show_analogy)
        views.bar.reset.connect(self.reset_run)

    def failed(self, title: str, message: str) -> None:
        """Say what went wrong; when nothing is open after all (the file asked for at
        launch did not open), load the toy world."""
        show_error(self.parent, title, message)
        if self.training.corpus is None and self.explored is None and not self.corpora.busy:
            self.corpora.load_toy_world()

    def current_embeddings(self) -> Embeddings | None:
        """The vectors on show: the run's newest copy, or the file being explored."""
        if self.training.embeddings is not None:
            return self.training.embeddings
        return self.explored.embeddings if self.explored is not None else None

    def app_state(self) -> dict:
        """The view settings a session keeps: the map's, the search, the loss race."""
        state = {**self.map.state(), "query": self.views.search_panel.query.text()}
        race = self.race.state()
        if race is not None:
            state["race"] = race
        return state

    # ------------------------------------------------------------------ switching
    def _loading(self, name: str) -> None:
        self.views.corpus_panel.show_loading(name or None)
        if name:
            self._bar_before = self.views.bar.label.text()
            self.views.bar.label.setText(f"Reading {name}…")
        if name and name != TOY_WORLD_NAME:  # a file the user chose: show its progress
            self.views.docks["Corpus"].raise_()
        self.changed.emit()

    def _reading_ended(self, *_why) -> None:
        """A file did not open (it failed, or was cancelled): the bar says again what it
        said before, not "Reading …" for ever."""
        label = self.views.bar.label
        if self._bar_before is not None and label.text().startswith("Reading "):
            label.setText(self._bar_before)
        self._bar_before = None

    def _vectors_loaded(self, loaded: VectorFile) -> None:
        """Explore: map, search, colouring and exports work; training needs a corpus."""
        views = self.views
        self.explored = loaded
        views.curves.hide()  # nothing trains: the map takes the room
        self.training.use_corpus(None)
        self.document.forget()
        views.math_panel.clear()
        self.race.clear()
        embeddings = loaded.embeddings
        views.corpus_panel.show_vectors(loaded)
        self.evaluation.vectors_opened(embeddings)
        views.corpus_status.setText(f"{loaded.path.name}: {len(embeddings):,} words × "
                                    f"{embeddings.dim}")
        self.map.set_vectors(embeddings, loaded.metadata)
        self.search.clear()
        self.search.set_embeddings(embeddings)
        self.changed.emit()
        views.bar.label.setText(f"Exploring {loaded.path.name}. To train, open a corpus or "
                                "a saved model.")
        if loaded.notes:
            self.status.emit(" ".join(loaded.notes), 15000)

    def _corpus_loaded(self, corpus: Corpus) -> None:
        self._use_corpus(corpus)
        self.training.use_corpus(corpus)
        self.document.forget()
        self.changed.emit()

    def _use_corpus(self, corpus: Corpus, saved: bool = False) -> None:
        """saved: the corpus came from a session or model (its source names a file the
        app must not read; remembered for as long as that corpus is open)."""
        views = self.views
        if saved:
            self._saved_corpus = corpus
        self.explored = None
        views.curves.show()
        views.corpus_panel.show_corpus(corpus, saved or corpus is self._saved_corpus)
        self.evaluation.corpus_changed(corpus.source == TOY_WORLD_SOURCE)
        views.corpus_status.setText(status_line(corpus))
        self.map.set_corpus(corpus)
        self.search.clear()
        views.math_panel.clear()  # its step was of the run just forgotten
        if self.race.corpus is not corpus:
            self.race.clear()  # a race on another corpus has no place in this one's session

    def _session_opened(self, session: Session, path: str | None, recovered: bool) -> None:
        """Make an opened session the current work. Everything in it was checked before
        this (the file by core.session, the view settings by `check_app_state` here), so
        the switch below cannot fail on the file's content."""
        views, trainer = self.views, session.trainer
        checked = check_app_state(session.app_state, len(PALETTE))
        if checked.race is not None and RaceController.parse(checked.race) is None:
            checked.dropped.append("the loss race")
            checked.race = None
        # Should the switch still fail part-way (a bug), Save must not write this session
        # over the previous document's file: the document has no file until adopted.
        self.document.detach()
        self._use_corpus(trainer.corpus, saved=True)
        views.hyperparameters.set_config(trainer.config)
        self.training.adopt(trainer, session.history, session.quality)
        views.quality_view.follow(self.training.quality)
        self.map.apply_state(checked)
        if checked.query is not None:
            views.search_panel.query.setText(checked.query)  # searched when ready
        views.loss_view.set_extent(trainer.total_words, iteration_windows(trainer.config))
        if checked.race is not None and self.race.restore(checked.race, trainer.corpus):
            self.race_restored.emit()
        self.document.adopted(path, session.app_state, recovered)
        self.changed.emit()
        views.bar.show_opened(Path(path).name if path else "the recovered session"
                              if recovered else "the model", trainer)
        notes = [*session.notes, checked.note()] if checked.dropped else session.notes
        if notes:
            self.status.emit(" ".join(notes), 15000)

    # ------------------------------------------------------------------ the run
    def change_run(self, config: TrainConfig, change: Callable[[TrainConfig], object],
                   title: str, errors: tuple) -> bool:
        """Train or step (`change(config)`) the current run, or a new one when `config` is
        not its own: asked first if that discards unsaved work, with the map and the Math
        panel cleared before its first vectors arrive. `errors` end in a message saying
        `title`; what was open stays."""
        training = self.training
        new_run = not training.running and not training.can_continue(config)
        if new_run:
            if not self.may_discard("start a new run"):
                return False
            self.map.restart()
            self.views.math_panel.clear()
        try:
            change(config)
        except errors as error:
            show_error(self.parent, title, str(error))
            return False
        if new_run:
            self.document.forget()
        self.views.loss_view.set_extent(training.trainer.total_words,
                                        iteration_windows(training.trainer.config))
        return True

    def reset_run(self) -> None:
        """Forget the current run (asking first if it is unsaved)."""
        if self.training.running or self.training.trainer is None:
            return
        if self.may_discard("reset"):
            self.training.forget_run()
            self.document.forget()
            self._use_corpus(self.training.corpus)
            self.changed.emit()

    def _offer_recovery(self, message: str) -> None:
        """A diverged run keeps its last good vectors; offer to go on more gently."""
        alpha = self.training.trainer.config.alpha / 2
        if ask(self.parent, "Training diverged", f"{message}\n\nContinue from the last good "
               f"state with half the learning rate ({alpha:g})?",
               Button.Yes | Button.No, Button.No) == Button.Yes:
            self.views.hyperparameters.set_config(self.training.continue_with_lower_rate())

    # ------------------------------------------------------------------ evaluating
    def evaluate_now(self) -> None:
        """Evaluate the vectors on show (Evaluate ▸ Evaluate now, F5)."""
        training = self.training
        words_done = None if training.embeddings is None else training.embeddings_words_done
        if not self.evaluation.has_sets:
            show_error(self.parent, "Nothing to evaluate on", "No test set is loaded. Load "
                       "analogy questions or word pairs in the Evaluation panel.")
        elif not self.evaluation.evaluate_now(self.current_embeddings(), words_done):
            self.status.emit("There are no vectors to evaluate yet: train first, or open "
                             "a vectors file.", 5000)
        else:
            self.status.emit("Evaluating…", 2000)

    def _show_evaluation(self, report) -> None:
        words_done = report.request.words_done
        what = (f"at {words_done:,} words" if words_done is not None
                else f"{self.explored.path.name}" if self.explored is not None
                else "these vectors")
        self.views.evaluation_panel.show_results(report.analogies, report.pairs, what)

    def _show_analogy(self, words: list[str]) -> None:
        """A wrong analogy's four words, marked and labelled on the map."""
        view = self.views.projection_view
        view.highlight(words, label_all=True)
        missing = [word for word in words if word not in view.shown_words()]
        if missing:
            self.status.emit(f"Not on the map now: {', '.join(missing)} (show more words, "
                             "or search one to see its neighbours).", 6000)
