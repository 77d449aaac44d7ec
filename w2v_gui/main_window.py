"""The main window: composes panels and views and wires their signals; holds no math."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QMainWindow

APP_NAME = "Word2Vec Studio"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1200, 800)
        welcome = QLabel(
            "<h2>Word2Vec Studio</h2><p>The training views are on their way.</p>"
        )
        welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(welcome)
        self.statusBar().showMessage("Ready")
