"""What GUI tests do again and again: open a window on the toy world, train, search, close."""

from __future__ import annotations

from w2v_gui.main_window import MainWindow


def open_window(qtbot, **options) -> MainWindow:
    # Not qtbot.addWidget: qtbot would close and delete the window before a fixture's
    # teardown, while its threads still end; close_window does both in order.
    window = MainWindow(**options)
    window.show()
    qtbot.waitUntil(lambda: window.training.corpus is not None, timeout=30_000)
    return window


def close_window(qtbot, window: MainWindow) -> None:
    """Close as the user would and wait until every thread has ended."""
    window.discard_on_close = True
    window.close()
    qtbot.waitUntil(lambda: window.closed, timeout=30_000)
    assert not window.threads.threads
    assert not window.isVisible()
    window.deleteLater()


def train(qtbot, window: MainWindow, **changes) -> None:
    """Train a whole run with these changes to the form's settings."""
    window.views.hyperparameters.set_config(window.views.hyperparameters.config().replace(**changes))
    with qtbot.waitSignal(window.training.finished, timeout=120_000):
        window.start_training()


def start(qtbot, window: MainWindow, words: int = 1, **changes) -> None:
    """Start a long run and wait until it has trained `words` words."""
    window.views.hyperparameters.set_config(window.views.hyperparameters.config().replace(
        **{"epochs": 200, **changes}))
    window.start_training()
    qtbot.waitUntil(lambda: window.training.trainer.words_done >= words, timeout=30_000)


def stop(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.training.finished, timeout=10_000):
        window.training.stop()


def search(qtbot, window: MainWindow, word: str) -> None:
    """Search `word` and wait for the worker's answer to be shown."""
    qtbot.waitUntil(lambda: bool(window.views.search_panel.vocabulary), timeout=10_000)
    with qtbot.waitSignal(window.search.answered, timeout=10_000):
        window.views.search_panel.search(word)
