"""File ▸ Compare two embeddings…: keeps the Compare window and its comparison."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject
from PyQt6.QtWidgets import QWidget

from core.vectors.embeddings import Embeddings
from w2v_gui.compare.comparing import Comparing
from w2v_gui.compare.window import CompareWindow

FILES = ("Vectors, models and sessions (*.txt *.vec *.bin *.tsv *.gz *.npz *.w2vsession);;"
         "All files (*)")


class CompareController(QObject):
    def __init__(self, host: QWidget, choose_file: Callable[[str, str], str],
                 on_show: Callable[[], Embeddings | None],
                 moment: Callable[[], Embeddings | None]) -> None:
        """on_show(): the vectors on show; moment(): the map's words' vectors at the
        film's moment on show."""
        super().__init__(host)
        self.host, self.choose_file = host, choose_file
        self.comparing = Comparing(on_show, self, moment)
        self.window: CompareWindow | None = None

    def open(self) -> None:
        if self.window is None:
            window = self.window = CompareWindow(self.host)
            for side in (window.a, window.b):
                side.choose_file.connect(lambda side=side: self._choose(side))
            window.compare.connect(self.start)
            window.cancel.connect(self.comparing.cancel)
            self.comparing.progress.connect(window.show_progress)
            self.comparing.done.connect(self._done)
            self.comparing.failed.connect(self._failed)
            self.comparing.cancelled.connect(self._cancelled)
            window.destroyed.connect(self.comparing.cancel)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def _choose(self, side) -> None:
        path = self.choose_file("Vectors, a saved model or a session to compare", FILES)
        side.set_file(path or side.file)

    def start(self) -> None:
        window = self.window
        window.set_running(True)
        window.show_progress(0.0, "starting…")
        self.comparing.start(window.a.side(), window.b.side(), window.k.value(),
                             window.words.value())
        if not self.comparing.running:  # refused at once (said through `failed`)
            window.set_running(False)

    def _done(self, result) -> None:
        self.window.set_running(False)
        self.window.show_result(result)

    def _failed(self, message: str) -> None:
        self.window.set_running(False)
        self.window.status.setText(f"Not compared: {message}")

    def _cancelled(self) -> None:
        self.window.set_running(False)
        self.window.status.setText("The comparison was cancelled; nothing else changed.")

    def on_show_changed(self) -> None:
        """What is on show was replaced: a comparison that uses it stops."""
        self.comparing.on_show_changed()

    def shutdown(self) -> None:
        self.comparing.shutdown()
        if self.window is not None:
            self.window.close()
