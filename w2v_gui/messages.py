"""Messages and questions for the user. Their text is shown as written (it may quote a
file's content); unattended (screenshot mode, tests that say so) nothing waits for a person:
a message goes to standard error and a question takes its stated answer."""

from __future__ import annotations

from PyQt6.QtWidgets import QMessageBox

from w2v_gui.plain_text import plain_message
from w2v_gui.safety import tell_unattended, unattended

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
