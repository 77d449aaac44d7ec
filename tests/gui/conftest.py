"""GUI tests never block on a modal dialog, and never touch the user's settings or logs."""

import logging
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from PyQt6.QtCore import QSettings
from PyQt6.QtWidgets import QFileDialog, QMessageBox

from w2v_gui import safety


class ShownError(NamedTuple):
    """One call of `safety.show_error_details`."""

    title: str
    text: str
    details: str


class Dialogs:
    """Records the messages the window shows; answers questions with `answer`."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.questions: list[str] = []
        self.errors: list[ShownError] = []
        self.file_dialogs: list[str] = []
        self.answer = QMessageBox.StandardButton.Discard

    def warning(self, _parent, _title, text, *_rest):
        self.warnings.append(text)
        return QMessageBox.StandardButton.Ok

    def question(self, _parent, _title, text, *_rest):
        self.questions.append(text)
        return self.answer(text) if callable(self.answer) else self.answer

    def error(self, title: str, text: str, details: str) -> None:
        self.errors.append(ShownError(title, text, details))


@pytest.fixture(autouse=True)
def dialogs(monkeypatch, tmp_path) -> Iterator[Dialogs]:
    recorder = Dialogs()
    monkeypatch.setattr(QMessageBox, "warning", recorder.warning)
    monkeypatch.setattr(QMessageBox, "question", recorder.question)
    monkeypatch.setattr(QMessageBox, "about", lambda *_args: None)
    # a file dialog in a test is a bug of the test: answer "cancelled" and say so
    for name in ("getSaveFileName", "getOpenFileName"):
        monkeypatch.setattr(QFileDialog, name, lambda *_a, _n=name: (
            recorder.file_dialogs.append(_n), ("", ""))[1])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: (
        recorder.file_dialogs.append("getExistingDirectory"), "")[1])
    monkeypatch.setattr(safety, "show_error_details", recorder.error)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    monkeypatch.setenv("WORD2VEC_STUDIO_DATA", str(tmp_path / "data"))
    root = logging.getLogger()
    root_level = root.level
    yield recorder
    # a test that set up the app's safety net must not leave it to the next test: its hooks
    # would outlive the recorder, and its log handler would write into a deleted folder
    safety.uninstall_excepthook()
    for handler in [h for h in root.handlers if h.name == safety._HANDLER_NAME]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(root_level)
