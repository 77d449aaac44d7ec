"""QApplication set-up and the app's entry point.

    python main.py                                       the app
    python main.py --screenshot PATH [--train-seconds N] train N seconds on the built-in
                                                         corpus, save a PNG of the window
"""

from __future__ import annotations

import argparse
import sys

from PyQt6.QtWidgets import QApplication

from w2v_gui.main_window import APP_NAME, MainWindow


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description=f"{APP_NAME}: the app.")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="train on the built-in corpus, save a PNG of the window, quit")
    parser.add_argument("--train-seconds", type=float, default=8.0, metavar="N",
                        help="with --screenshot: seconds of training before the picture")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(list(argv or []))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Word2Vec Studio")
    # a screenshot shows the defaults, whatever this user's last settings were
    window = MainWindow(remember=not arguments.screenshot)
    window.show()
    if arguments.screenshot:
        def train_then_grab() -> None:
            window.search_panel.query.setText("queen")  # neighbours refresh as it learns
            window.set_pinned(["king", "paris"])  # pinned words leave trails
            window.start_training()
            window.grab_after(arguments.train_seconds, arguments.screenshot)

        window.corpus_ready.connect(train_then_grab)
    return app.exec()
