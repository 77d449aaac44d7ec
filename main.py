"""Word2Vec Studio: with no command, the desktop app; with one, the command line.

    python main.py [FILE]                           the app (FILE: a session, model, corpus)
    python main.py train CORPUS --out vectors.txt   train from the command line
    python main.py neighbors vectors.txt WORD       nearest words
    python main.py analogy vectors.txt A B C        A - B + C
    python main.py evaluate vectors.txt --analogies questions-words.txt
                                                    analogy accuracy, word-pair correlations
    python main.py gradcheck model.npz              check a saved model's gradients
    python main.py --help                           all of it (no display needed)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def app_parser() -> argparse.ArgumentParser:
    """The app's arguments. Qt-free, so --help and bad arguments need no display."""
    parser = argparse.ArgumentParser(
        prog="main.py", description="Word2Vec Studio: train word2vec before your eyes.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands (no display needed; COMMAND -h for each):\n"
               "  train CORPUS --out FILE   train vectors on a corpus and save them\n"
               "  neighbors VECTORS WORD    nearest words by cosine similarity\n"
               "  analogy VECTORS A B C     A - B + C: king man woman -> queen\n"
               "  evaluate VECTORS --analogies FILE --pairs FILE\n"
               "                            analogy accuracy and word-pair correlations\n"
               "  gradcheck MODEL.npz       check a saved model's gradients, now\n"
               "  check word2vec.py         check your own word2vec.py (--sgd sgd.py)\n"
               "  compare A B               how two embeddings differ, word by word")
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="open this in the app: a session (.w2vsession), a saved model "
                             "(.npz), word vectors to explore (word2vec text or binary, "
                             "GloVe, fastText .vec, Embedding Projector TSV), or a corpus "
                             "file or folder")
    parser.add_argument("--limit", type=positive, metavar="N",
                        help="of a vectors FILE, read only the first N words")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="train (or continue FILE's run), save a PNG of the window, quit")
    parser.add_argument("--train-seconds", type=float, default=8.0, metavar="N",
                        help="with --screenshot: seconds of training before the picture "
                             "(default 8)")
    return parser


def main(argv: list[str]) -> int:
    # imported here: worker processes started with "spawn" import this file again, and
    # should find nothing heavy at its top
    from core.cli import COMMANDS

    if argv and argv[0] in COMMANDS:
        from core.cli import main as run_command_line

        return run_command_line(argv)
    arguments = app_parser().parse_args(argv)
    if arguments.file is not None and not Path(arguments.file).exists():
        print(f"main.py: {arguments.file} does not exist. Give the path of a session, a "
              "model, a vectors file, or a corpus file or folder.", file=sys.stderr)
        return 2
    # Qt is imported only for the app, so the command line runs with no display.
    from w2v_gui.app import main as run_app

    return run_app(arguments)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl+C before a command took charge of it (while importing)
        print("main.py: interrupted.", file=sys.stderr)
        sys.exit(130)
