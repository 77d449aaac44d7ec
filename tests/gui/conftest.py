"""GUI tests never block on a modal dialog, and never touch the user's settings."""

import pytest
from PyQt6.QtCore import QSettings
from PyQt6.QtWidgets import QMessageBox


class Dialogs:
    """Records the messages the window shows; answers questions with `answer`."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.questions: list[str] = []
        self.answer = QMessageBox.StandardButton.Discard

    def warning(self, _parent, _title, text, *_rest):
        self.warnings.append(text)
        return QMessageBox.StandardButton.Ok

    def question(self, _parent, _title, text, *_rest):
        self.questions.append(text)
        return self.answer(text) if callable(self.answer) else self.answer


@pytest.fixture(autouse=True)
def dialogs(monkeypatch, tmp_path) -> Dialogs:
    recorder = Dialogs()
    monkeypatch.setattr(QMessageBox, "warning", recorder.warning)
    monkeypatch.setattr(QMessageBox, "question", recorder.question)
    monkeypatch.setattr(QMessageBox, "about", lambda *_args: None)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    return recorder
