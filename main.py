"""Word2Vec Studio: with no command, the desktop app; with one, the command line.

    python main.py                                  the app
    python main.py train CORPUS --out vectors.txt   train from the command line
    python main.py neighbors vectors.txt WORD       nearest words
    python main.py analogy vectors.txt A B C        A - B + C
"""

from __future__ import annotations

import sys

from core.cli import COMMANDS


def main(argv: list[str]) -> int:
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help")):
        from core.cli import main as run_command_line

        return run_command_line(argv)
    # Qt is imported only for the app, so the command line runs with no display.
    from w2v_gui.app import main as run_app

    return run_app(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
