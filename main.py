"""Word2Vec Studio: with no subcommand, the desktop app; with one, the command line."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    # The app is imported only when asked for, so the command line never needs Qt.
    from w2v_gui.app import main as run_app

    return run_app(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
