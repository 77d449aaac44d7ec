"""File ▸ Check my word2vec.py…: keeps the student's files (between launches too), the
window that shows them, their check (run again whenever a file is saved) and their runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QObject, QSettings
from PyQt6.QtWidgets import QWidget

from core.data.corpus import Corpus
from core.student.runner import CheckReport
from w2v_gui.student.checking import StudentChecks
from w2v_gui.student.training import StudentTraining
from w2v_gui.student.window import StudentWindow

PYTHON_FILES = "Python files (*.py);;All files (*)"


class StudentController(QObject):
    def __init__(self, host: QWidget, choose_file: Callable[[str, str], str],
                 settings: QSettings | None, corpus: Callable[[], Corpus | None]) -> None:
        """choose_file(caption, filters): a path from the app's file dialog ("" when
        cancelled); settings: where the chosen files are kept (None: not kept);
        corpus(): the corpus open in the app, which Train with my code trains on."""
        super().__init__(host)
        self.host, self.choose_file, self.settings = host, choose_file, settings
        self.corpus = corpus
        self.checks = StudentChecks(self)
        self.training = StudentTraining(self)
        self.training.changed.connect(self._run_changed)
        self.training.ended.connect(self._run_ended)
        self.window: StudentWindow | None = None
        if settings is not None:
            word2vec = settings.value("student/word2vec", "", type=str)
            sgd = settings.value("student/sgd", "", type=str)
            self.checks.set_files(word2vec or None, sgd or None)
        self.checks.started.connect(self._started)
        self.checks.progress.connect(self._progress)
        self.checks.finished.connect(self._finished)
        self.checks.changed_on_disk.connect(
            lambda: self._say("Saved: checking again…"))

    def open(self) -> None:
        """Show the window; the first time, ask for the file first."""
        if self.checks.word2vec is None or not self.checks.word2vec.exists():
            path = self.choose_file("Your word2vec.py", PYTHON_FILES)
            if not path:
                return
            self.checks.set_files(path, self.checks.sgd)
            self._remember()
        window = self._window()
        self._show_training()
        window.show()
        window.raise_()
        window.activateWindow()
        if self.checks.report is None and not self.checks.running:
            self.checks.check()

    def _window(self) -> StudentWindow:
        if self.window is None:
            self.window = StudentWindow(self.host)
            self.window.choose_word2vec.connect(self.choose_word2vec)
            self.window.choose_sgd.connect(self.choose_sgd)
            self.window.forget_sgd.connect(lambda: self._use(self.checks.word2vec, None))
            self.window.check_again.connect(self.checks.check)
            view = self.window.training
            view.train.connect(lambda: self.train(racing=False))
            view.race.connect(lambda: self.train(racing=True))
            view.pause.connect(self._toggle_pause)
            view.stop.connect(self.training.stop)
            self._show_files()
            if self.checks.report is not None:
                self._finished(self.checks.report)
        return self.window

    def choose_word2vec(self) -> None:
        path = self.choose_file("Your word2vec.py", PYTHON_FILES)
        if path:
            self._use(path, self.checks.sgd)

    def choose_sgd(self) -> None:
        path = self.choose_file("Your sgd.py", PYTHON_FILES)
        if path:
            self._use(self.checks.word2vec, path)

    def _use(self, word2vec, sgd) -> None:
        self.checks.set_files(word2vec, sgd)
        self._remember()
        self._show_files()
        self.checks.check()

    def _remember(self) -> None:
        if self.settings is not None:
            self.settings.setValue("student/word2vec", str(self.checks.word2vec or ""))
            self.settings.setValue("student/sgd", str(self.checks.sgd or ""))

    def _show_files(self) -> None:
        if self.window is not None:
            self.window.show_files(*(str(p) if p else None
                                     for p in (self.checks.word2vec, self.checks.sgd)))

    # ------------------------------------------------------------------ the check
    def _say(self, text: str) -> None:
        if self.window is not None:
            self.window.status.setText(text)

    def _started(self) -> None:
        if self.window is not None:
            self.window.checks.begin(self.checks.sgd is not None)
        name = self.checks.word2vec.name if self.checks.word2vec else ""
        self._say(f"Checking {name} in a process of its own… (it runs again by itself "
                  "each time you save the file)")

    def _progress(self, name: str, result: dict | None) -> None:
        if self.window is None:
            return
        if result is None:
            self.window.checks.function_started(name)
        else:
            self.window.checks.function_checked(name, result)

    def _finished(self, report: CheckReport) -> None:
        if self.window is None:
            return
        view = self.window.checks
        if report.error is not None:
            view.show_error(report.error)
            self._say(f"{Path(report.file).name} cannot be checked: fix it and save, and "
                      "it is checked again.")
            return
        if not view.items:  # the window opened after the check
            view.begin(report.sgd is not None)
        for name, result in report.functions.items():
            view.function_checked(name, result)
        good = sum(result["passed"] for result in report.functions.values())
        total = len(report.functions)
        if good == total:
            checks = sum(len(r["checks"]) for r in report.functions.values())
            view.show_summary(f"All {total} functions pass all {checks} checks.")
        self._say((f"All {total} functions pass." if good == total else
                   f"{good} of {total} functions pass.")
                  + f" Checked in {report.seconds:.1f} s; saving the file checks it again.")

    # ------------------------------------------------------------------ training
    def train(self, racing: bool) -> None:
        """The handout's recipe with their code (and the fast trainer beside it)."""
        corpus, view = self.corpus(), self.window.training
        if corpus is None or self.checks.word2vec is None:
            self._say("Open a corpus in the app first (the toy world or SST's "
                      "datasetSentences.txt): Train with my code trains on it.")
            return
        self.training.start(corpus, self.checks.word2vec, self.checks.sgd,
                            view.iterations.value(), racing)
        view.begin(self.training.traces)
        self._show_training()

    def _toggle_pause(self) -> None:
        if not self.training.running:
            return  # nothing to pause (Space with no run)
        self.training.toggle_pause()
        self._show_training()

    def _show_training(self) -> None:
        if self.window is None:
            return
        corpus = self.corpus()
        view = self.window.training
        view.corpus_label.setText(
            "Corpus: the one open in the app" + (
                f" ({len(corpus.words):,} words, {corpus.sentence_count:,} sentences)"
                if corpus is not None else " (none)"))
        view.set_running(self.training.running, self.training.paused,
                         can_train=corpus is not None and self.checks.word2vec is not None)

    def _run_changed(self, _side: str) -> None:
        if self.window is not None:
            self.window.training.update_from(self.training.traces)

    def _run_ended(self, side: str) -> None:
        if self.window is not None:
            self.window.training.show_end(side, self.training.traces[side])
        self._show_training()

    def shutdown(self) -> None:
        self.training.shutdown()
        self.checks.shutdown()
        if self.window is not None:
            self.window.close()
