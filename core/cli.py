"""The command line: `train`, `neighbors`, `analogy`. Runs with no display and never imports Qt."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from core.config import PARAMETERS, PRESETS, ConfigError, TrainConfig
from core.corpus import CorpusError, load_corpus
from core.embeddings import Embeddings, EmbeddingsError, UnknownWordError
from core.trainer import StepStats, Trainer, TrainerError
from core.vector_files import read_vectors

COMMANDS = ("train", "neighbors", "analogy")

# options whose names are TrainConfig fields (argparse turns --min-count into min_count)
TRAIN_OPTIONS = ("model", "loss", "dim", "window", "negative", "epochs", "min_count",
                 "max_vocab_size", "sample", "alpha", "min_alpha", "seed", "batch_words",
                 "iterations", "batch_size", "schedule", "halve_every", "batching")


class CommandError(Exception):
    """A one-line reason the command cannot run."""


VECTORS_HELP = ("word vectors: word2vec text or binary, fastText .vec, GloVe, Embedding "
                "Projector TSV (metadata found beside it), a model (.npz) or a session")


def at_least_one(text: str) -> int:
    """An argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the problem (and `-h` for more)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} -h)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="main.py",
        description="Word2Vec Studio. With no command, the desktop app starts.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     parser_class=OneLineParser)

    train = commands.add_parser("train", help="train vectors on a corpus and save them")
    train.add_argument("corpus", help="a text file, an SST file, a folder, or .gz/.bz2/.xz")
    train.add_argument("--out", required=True,
                       help="output: word2vec text (default), binary with --binary, "
                            "Embedding Projector TSV if it ends in .tsv, a resumable model "
                            "if it ends in .npz")
    defaults = TrainConfig()
    for name in TRAIN_OPTIONS:  # help and types from the one table of limits
        parameter = PARAMETERS[name]
        default = getattr(defaults, name)
        if parameter.kind == "choice":
            train.add_argument(f"--{name.replace('_', '-')}", choices=parameter.choices,
                               help=f"{parameter.help} (default {default})")
            continue
        limits = parameter.range_text("..")
        train.add_argument(f"--{name.replace('_', '-')}",
                           type=int if parameter.kind == "int" else float,
                           metavar=name.upper(),
                           help=f"{parameter.help}: {limits} (default {default})")
    train.add_argument("--binary", action="store_true", help="word2vec binary output")
    train.add_argument("--preset", choices=sorted(PRESETS),
                       help="start from a preset (cs224n: the handout's run.py recipe)")
    train.add_argument("--report", help="write a JSON report of the run to this file")
    train.add_argument("--lenient", action="store_true",
                       help="replace undecodable bytes instead of stopping at them")

    neighbors = commands.add_parser("neighbors", help="nearest words by cosine similarity")
    neighbors.add_argument("vectors", help=VECTORS_HELP)
    neighbors.add_argument("word")

    analogy = commands.add_parser("analogy", help="A - B + C: king man woman -> queen")
    analogy.add_argument("vectors", help=VECTORS_HELP)
    analogy.add_argument("a")
    analogy.add_argument("b")
    analogy.add_argument("c")
    analogy.add_argument("--method", choices=("3cosadd", "3cosmul"), default="3cosadd")
    for query in (neighbors, analogy):
        query.add_argument("-n", type=int, default=10, help="how many (default 10)")
        query.add_argument("--limit", type=at_least_one, metavar="N",
                           help="read only the first N words of the vectors file")
    return parser


def config_from_arguments(arguments: argparse.Namespace) -> TrainConfig:
    base = PRESETS[arguments.preset] if arguments.preset else TrainConfig()
    changes = {name: getattr(arguments, name) for name in TRAIN_OPTIONS
               if getattr(arguments, name) is not None}
    try:
        return base.replace(**changes)
    except ConfigError as error:
        raise CommandError(str(error)) from error


class ProgressLine:
    """A one-line progress display on a terminal; silent when output is not a terminal."""

    def __init__(self, stream: TextIO, interval: float = 0.2) -> None:
        self.stream = stream
        self.active = stream.isatty()
        self.interval = interval
        self.last = 0.0

    def update(self, stats: StepStats, force: bool = False) -> None:
        now = time.monotonic()
        if not self.active or (not force and now - self.last < self.interval):
            return
        self.last = now
        width = 24
        filled = int(stats.progress * width)
        remaining = stats.total_words - stats.words_done
        eta = remaining / stats.words_per_second if stats.words_per_second > 0 else 0.0
        loss = stats.cost if stats.cost is not None else stats.smoothed_loss
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {stats.progress:6.1%}  "
            f"epoch {stats.epoch + 1}  {stats.words_per_second:,.0f} words/s  "
            f"loss {loss:.4f}  ETA {int(eta // 60)}:{int(eta % 60):02d} "
        )
        self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")
            self.stream.flush()


def save_output(trainer: Trainer, out: Path, binary: bool) -> list[Path]:
    if out.suffix == ".npz":
        trainer.save(out)
        return [out]
    embeddings = trainer.embeddings()
    if out.suffix == ".tsv":
        metadata = out.with_name(out.stem + "_metadata.tsv")
        embeddings.save_projector_tsv(out, metadata)
        return [out, metadata]
    embeddings.save_word2vec(out, binary=binary)
    return [out]


def run_train(arguments: argparse.Namespace) -> int:
    config = config_from_arguments(arguments)
    out = Path(arguments.out)
    if not out.parent.exists():
        raise CommandError(f"the folder of --out ({out.parent}) does not exist.")
    started = time.perf_counter()
    try:
        corpus = load_corpus(arguments.corpus, min_count=config.min_count,
                             max_vocab_size=config.max_vocab_size, lenient=arguments.lenient)
        trainer = Trainer(corpus, config)
    except (CorpusError, TrainerError) as error:
        raise CommandError(str(error)) from error
    progress = ProgressLine(sys.stderr)
    interrupted = False
    try:
        stats = trainer.train(callback=progress.update)
    except KeyboardInterrupt:
        interrupted = True
        stats = trainer.stats()
    except TrainerError as error:
        progress.close()
        raise CommandError(str(error)) from error
    progress.update(stats, force=True)
    progress.close()
    written = save_output(trainer, out, arguments.binary)
    seconds = time.perf_counter() - started
    if interrupted:
        print(f"Interrupted at {stats.progress:.1%}; the vectors trained so far are in "
              f"{', '.join(map(str, written))}.", file=sys.stderr)
    if arguments.report:
        report = {
            "final_loss": stats.cost if stats.cost is not None else stats.smoothed_loss,
            "final_loss_per_pair": stats.smoothed_loss,
            "tokens_processed": stats.words_done if config.batching == "corpus" else None,
            "windows_processed": stats.words_done if config.batching == "windows" else None,
            "seconds": seconds,
            "training_seconds": trainer.seconds,
            "words_per_second": (stats.words_done / seconds
                                 if config.batching == "corpus" else None),
            "vocab_size": corpus.vocab_size,
            "corpus_tokens": corpus.token_count,
            "interrupted": interrupted,
            "config": json.loads(config.to_json()),
            "outputs": [str(path) for path in written],
        }
        Path(arguments.report).write_text(json.dumps(report, indent=2) + "\n")
    return 130 if interrupted else 0


def load_vectors(path: str, limit: int | None = None) -> Embeddings:
    """Any vectors file core.vector_files reads; what it dropped is noted on stderr."""
    try:
        loaded = read_vectors(path, limit=limit)
    except EmbeddingsError as error:
        raise CommandError(str(error)) from error
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    return loaded.embeddings


def print_ranked(results: list[tuple[str, float]]) -> None:
    for word, score in results:
        print(f"{word}\t{score:.4f}")


def main(argv: list[str]) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "train":
            return run_train(arguments)
        if arguments.command in ("neighbors", "analogy") and arguments.n < 1:
            raise CommandError("-n must be at least 1.")
        if arguments.command == "neighbors":
            embeddings = load_vectors(arguments.vectors, arguments.limit)
            print_ranked(embeddings.most_similar(arguments.word, arguments.n))
            return 0
        if arguments.command == "analogy":
            embeddings = load_vectors(arguments.vectors, arguments.limit)
            print_ranked(embeddings.analogy(arguments.a, arguments.b, arguments.c, arguments.n,
                                            method=arguments.method))
            return 0
    except (CommandError, UnknownWordError) as error:
        print(f"main.py {arguments.command}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"main.py {arguments.command}: {error}", file=sys.stderr)
        return 1
    parser.print_help()
    return 2
