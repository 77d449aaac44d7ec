"""The "Your code" window: a student's word2vec.py (and sgd.py) chosen, checked and
watched (the Checks tab), and trained with the handout's recipe (the Train tab)."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from w2v_gui.panels.elided_label import ElidedLabel
from w2v_gui.student.check_view import CheckView
from w2v_gui.student.train_view import TrainView


class StudentWindow(QWidget):
    choose_word2vec = pyqtSignal()
    choose_sgd = pyqtSignal()
    forget_sgd = pyqtSignal()
    check_again = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Your word2vec.py")
        self.resize(1100, 700)
        self.word2vec_label = ElidedLabel("no file chosen")
        self.sgd_label = ElidedLabel("none: the handout's SGD is used")
        choose = QPushButton("&Choose word2vec.py…")
        choose.clicked.connect(self.choose_word2vec)
        choose_sgd = QPushButton("Choose &sgd.py…")
        choose_sgd.clicked.connect(self.choose_sgd)
        self.forget_sgd_button = QPushButton("No sgd.py")
        self.forget_sgd_button.clicked.connect(self.forget_sgd)
        self.check_button = QPushButton("Check &again (F5)")
        self.check_button.clicked.connect(self.check_again)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        files = QHBoxLayout()
        files.addWidget(QLabel("word2vec.py:"))
        files.addWidget(self.word2vec_label, 2)
        files.addWidget(choose)
        files.addSpacing(12)
        files.addWidget(QLabel("sgd.py:"))
        files.addWidget(self.sgd_label, 1)
        files.addWidget(choose_sgd)
        files.addWidget(self.forget_sgd_button)
        files.addSpacing(12)
        files.addWidget(self.check_button)
        self.checks = CheckView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.checks, "Checks")
        self.training = TrainView()
        self.tabs.addTab(self.training, "Train with my code")
        layout = QVBoxLayout(self)
        layout.addLayout(files)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence("F5"), self, self.check_again)
        QShortcut(QKeySequence("Space"), self, self.training.pause.emit)  # its runs
        for keys in ("Escape", QKeySequence.StandardKey.Close):
            QShortcut(QKeySequence(keys), self, self.close)

    def show_files(self, word2vec: str | None, sgd: str | None) -> None:
        self.word2vec_label.setText(word2vec or "no file chosen")
        self.sgd_label.setText(sgd or "none: the handout's SGD is used")
        self.forget_sgd_button.setEnabled(bool(sgd))
        self.check_button.setEnabled(bool(word2vec))
