"""QApplication set-up and the app's entry point."""

from __future__ import annotations

import sys

from PyQt6.QtWidgets import QApplication

from w2v_gui.main_window import APP_NAME, MainWindow


def main(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1] + list(argv or []))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Word2Vec Studio")
    window = MainWindow()
    window.show()
    return app.exec()
