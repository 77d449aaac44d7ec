"""The command line: `train`, `neighbors`, `analogy`, `evaluate`, `gradcheck`. Runs with no
display and never imports Qt.

Exit status: 0 done; 1 a command that could not do its work (a bad file, an unknown word, a
run kept elsewhere because --out could not be written); 2 a usage error (bad arguments, an
--out that cannot be written, found before training); 130 interrupted by Ctrl+C. Every
failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from core.cli_train import (
    KEPT_RUNS_FOLDER,
    CommandError,
    EpochEvaluation,
    Interrupted,
    ProgressLine,
    check_output,
    check_room,
    keep_run,
    output_format,
    output_paths,
    read_test_sets,
    save_output,
    write_report_file,
)
from core.compare import CompareError, compare
from core.compare.report import describe as describe_comparison
from core.data.corpus import load_corpus
from core.data.reading import CorpusError, NotUtf8Error
from core.evaluation import evaluate_analogies, evaluate_pairs
from core.evaluation.report import report_json, report_table
from core.open_vectors import read_vectors
from core.parallel.pool import WorkerPool, cores
from core.parallel.trainer import ParallelTrainer
from core.storage.files import data_dir, describe_write_error
from core.student.report import describe
from core.student.runner import DEFAULT_TIMEOUT, check_file
from core.train.config import PARAMETERS, PRESETS, ConfigError, TrainConfig
from core.train.gradcheck import check_model_gradient, write_report
from core.train.trainer import StepStats, Trainer, TrainerError
from core.vectors.embeddings import Embeddings, EmbeddingsError, UnknownWordError

COMMANDS = ("train", "neighbors", "analogy", "evaluate", "gradcheck", "check", "compare")

# options whose names are TrainConfig fields (argparse turns --min-count into min_count)
TRAIN_OPTIONS = ("model", "loss", "dim", "window", "negative", "epochs", "min_count",
                 "max_vocab_size", "sample", "alpha", "min_alpha", "seed", "batch_words",
                 "iterations", "batch_size", "schedule", "halve_every", "batching", "workers")


# 128 + SIGINT: what a shell reports for a program Ctrl+C ended
INTERRUPTED = 130

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
        if name == "workers":
            default = f"every core: {cores()} here; 1 with --batching windows"
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
    train.add_argument("--evaluate", metavar="FILE",
                       help="analogy questions (questions-words.txt format) to evaluate after "
                            "every epoch (a tenth of the run with --batching windows); the "
                            "curve goes to --report")
    train.add_argument("--evaluate-pairs", metavar="FILE",
                       help="word pairs with scores (WordSim353 format) to evaluate likewise")

    neighbors = commands.add_parser("neighbors", help="nearest words by cosine similarity")
    neighbors.add_argument("vectors", help=VECTORS_HELP)
    neighbors.add_argument("word")

    analogy = commands.add_parser("analogy", help="A - B + C: king man woman -> queen")
    analogy.add_argument("vectors", help=VECTORS_HELP)
    analogy.add_argument("a")
    analogy.add_argument("b")
    analogy.add_argument("c")
    analogy.add_argument("--method", choices=("3cosadd", "3cosmul"), default="3cosadd")
    evaluate = commands.add_parser(
        "evaluate", help="analogy accuracy and word-pair correlations, as gensim computes them")
    evaluate.add_argument("vectors", help=VECTORS_HELP)
    evaluate.add_argument("--analogies", metavar="FILE",
                          help="questions in the format of Google's questions-words.txt")
    evaluate.add_argument("--pairs", metavar="FILE",
                          help="word pairs with similarity scores (WordSim353, SimLex-999)")
    evaluate.add_argument("--method", choices=("3cosadd", "3cosmul"), default="3cosadd")
    evaluate.add_argument("--restrict-vocab", type=at_least_one, default=300_000,
                          metavar="N", help="only the N most frequent words are candidates "
                                            "and questions beyond them are skipped "
                                            "(default 300,000, as gensim)")
    evaluate.add_argument("--case-sensitive", action="store_true",
                          help="compare words as written (default: case-insensitive, as "
                               "gensim)")
    evaluate.add_argument("--report", help="write the results as JSON to this file")
    gradcheck = commands.add_parser(
        "gradcheck", help="check a saved model's gradients by central differences, now")
    gradcheck.add_argument("model", help="a model saved by train --out MODEL.npz")
    gradcheck.add_argument("--windows", type=at_least_one, default=8, metavar="N",
                           help="windows of the model's corpus to check on (default 8)")
    gradcheck.add_argument("--entries", type=at_least_one, default=2000, metavar="N",
                           help="check at most N parameters, drawn at random among those "
                                "in play (default 2,000)")
    gradcheck.add_argument("--seed", type=int, default=0,
                           help="which windows and noise words (default 0)")
    gradcheck.add_argument("--report", help="write the result as JSON to this file")
    check = commands.add_parser(
        "check", help="check your own word2vec.py (and sgd.py), function by function")
    check.add_argument("word2vec", help="your word2vec.py from the assignment")
    check.add_argument("--sgd", metavar="SGD.py", help="your sgd.py, checked too")
    check.add_argument("--timeout", type=positive_seconds, default=DEFAULT_TIMEOUT,
                       metavar="SECONDS", help="the longest any one function may take "
                                               f"(default {DEFAULT_TIMEOUT:g})")
    check.add_argument("--report", help="write the results as JSON to this file")
    pair = commands.add_parser("compare", help="how two embeddings differ, word by word")
    pair.add_argument("a", help="vectors, a saved model or a session")
    pair.add_argument("b", help="the same kinds")
    pair.add_argument("--k", type=at_least_one, default=10, help="neighbours (default 10)")
    pair.add_argument("--words", type=at_least_one, default=20_000, metavar="N",
                      help="rank the N first shared words, in A's order (default 20,000)")
    pair.add_argument("--report", help="write the comparison as JSON to this file")
    for query in (neighbors, analogy):
        query.add_argument("-n", type=int, default=10, help="how many (default 10)")
    for query in (neighbors, analogy, evaluate):
        query.add_argument("--limit", type=at_least_one, metavar="N",
                           help="read only the first N words of the vectors file")
    return parser


def config_from_arguments(arguments: argparse.Namespace) -> TrainConfig:
    """The run's settings: the preset (or the defaults), then the options given. Without
    --workers, every core trains, except with the handout's batching (sequential SGD)."""
    base = PRESETS[arguments.preset] if arguments.preset else TrainConfig()
    changes = {name: getattr(arguments, name) for name in TRAIN_OPTIONS
               if getattr(arguments, name) is not None}
    if "workers" not in changes and changes.get("batching", base.batching) == "corpus":
        changes["workers"] = cores()
    try:
        return base.replace(**changes)
    except ConfigError as error:
        raise CommandError(str(error)) from error


def run_train(arguments: argparse.Namespace) -> int:
    """Train and write --out. Everything that can be found out before training is:
    arguments, test sets, that --out and --report can be written, and that the disk has
    room. If --out still cannot be written after training, the run is kept in the data
    folder (`keep_run`) and the message says where. Ctrl+C during training writes what was
    trained so far; Ctrl+C while reading or writing ends with one line."""
    config = config_from_arguments(arguments)
    out = Path(arguments.out)
    for path in output_paths(out, arguments.binary):
        check_output(path)
    if arguments.report:
        check_output(Path(arguments.report))
    test_sets = read_test_sets(arguments.evaluate, arguments.evaluate_pairs)
    started = time.perf_counter()
    pool = WorkerPool()
    try:
        return train_with(arguments, config, out, test_sets, started, pool)
    finally:
        pool.close()


def train_with(arguments: argparse.Namespace, config: TrainConfig, out: Path, test_sets,
               started: float, pool: WorkerPool) -> int:
    """run_train's work, with `pool`'s workers when config.workers > 1 (they start while
    the corpus is read)."""
    if config.workers > 1:
        pool.warm(config.workers)
    try:
        corpus = load_corpus(arguments.corpus, min_count=config.min_count,
                             max_vocab_size=config.max_vocab_size, lenient=arguments.lenient)
        trainer = Trainer(corpus, config)
        runner = (ParallelTrainer(trainer, config.workers, pool) if config.workers > 1
                  else trainer)
    except KeyboardInterrupt:
        raise Interrupted("interrupted while reading the corpus; nothing was trained or "
                          "written.") from None
    except NotUtf8Error as error:
        raise CommandError(f"{error} On the command line: add --lenient.") from error
    except (CorpusError, TrainerError) as error:
        raise CommandError(str(error)) from error
    check_room(trainer, out, arguments.binary)
    curve = EpochEvaluation(trainer, *test_sets)
    if curve.wanted and runner is not trainer:
        runner.pause_points = curve.points_in_words()  # workers wait at each epoch's end
    progress = ProgressLine(sys.stderr, config.epochs)
    interrupted = False

    def after_step(stats: StepStats) -> None:
        progress.update(stats)
        if curve.due(stats):
            progress.close()
            curve.measure(stats)
            progress.active = sys.stderr.isatty()

    try:
        stats = runner.train(callback=after_step)
    except KeyboardInterrupt:
        interrupted = True
        stats = runner.stats()
    except TrainerError as error:
        progress.close()
        raise CommandError(str(error)) from error
    finally:
        if runner is not trainer:
            runner.stop()  # the workers' jobs end; the trainer keeps the vectors
    progress.update(stats, force=True)
    progress.close()
    noun, verb = (("model", "is") if output_format(out, arguments.binary) == "model"
                  else ("vectors", "are"))
    not_written = None
    try:
        try:
            written = save_output(trainer, out, arguments.binary)
        except OSError as error:
            not_written = describe_write_error(out, error)
            try:
                written = keep_run(trainer, out, arguments.binary)
            except OSError as second:
                raise CommandError(
                    f"{not_written} Keeping the run in {data_dir() / KEPT_RUNS_FOLDER} or "
                    f"the temporary folder failed too ({second.strerror or second}); the run "
                    "is lost.") from None
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted while writing {out}; it was left as it was and "
                          "the run was not saved.") from None
    seconds = time.perf_counter() - started
    if not_written is not None:
        so_far = f" (interrupted at {stats.progress:.1%})" if interrupted else ""
        print(f"main.py train: {not_written} The run was kept{so_far}: the {noun} {verb} in "
              f"{', '.join(map(str, written))}; move it where you want it.", file=sys.stderr)
    elif interrupted:
        print(f"Interrupted at {stats.progress:.1%}; the {noun} trained so far "
              f"{verb} in {', '.join(map(str, written))}.", file=sys.stderr)
    if arguments.report:
        report = {
            # batching="windows": the handout's smoothed cost, as its run.py prints it
            "final_loss": stats.cost if stats.cost is not None else stats.smoothed_loss,
            "final_smoothed_loss": stats.smoothed_loss,
            "loss_unit": stats.loss_unit,
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
            "output_error": not_written,
        }
        if curve.wanted:
            report["quality"] = curve.points
        write_report_file(Path(arguments.report), report)
    if interrupted:
        return INTERRUPTED
    return 1 if not_written is not None else 0


def run_evaluate(arguments: argparse.Namespace) -> int:
    if not (arguments.analogies or arguments.pairs):
        raise CommandError("name a test set: --analogies FILE (questions-words.txt format) "
                           "and/or --pairs FILE (WordSim353 format).")
    analogy_set, pair_set = read_test_sets(arguments.analogies, arguments.pairs)
    embeddings = load_vectors(arguments.vectors, arguments.limit)
    options = {"restrict_vocab": arguments.restrict_vocab,
               "case_insensitive": not arguments.case_sensitive}
    analogies = (evaluate_analogies(embeddings, analogy_set, method=arguments.method,
                                    **options) if analogy_set is not None else None)
    pairs = evaluate_pairs(embeddings, pair_set, **options) if pair_set is not None else None
    print(report_table(analogies, pairs))
    if arguments.report:
        report = {"vectors": str(arguments.vectors), **report_json(analogies, pairs)}
        Path(arguments.report).write_text(json.dumps(report, indent=2, allow_nan=False) + "\n")
    return 0


def run_gradcheck(arguments: argparse.Namespace) -> int:
    """Exit status 0 when the worst relative error is within the target, 1 when not."""
    try:
        trainer = Trainer.load(arguments.model)
    except TrainerError as error:
        raise CommandError(str(error)) from error
    check = check_model_gradient(trainer, windows=arguments.windows,
                                 max_entries=arguments.entries, seed=arguments.seed)
    print(check.summary())
    if arguments.report:
        write_report(check, arguments.report)
    return 0 if check.passed else 1


def positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < seconds < 86_400:
        raise argparse.ArgumentTypeError("give a number of seconds above 0")
    return seconds


def run_check(arguments: argparse.Namespace) -> int:
    """Check the student's files in a process of their own; exit 0 all pass, 1 a check
    fails, 2 the file cannot be used."""
    report = check_file(arguments.word2vec, arguments.sgd, arguments.timeout)
    print(describe(report))
    if arguments.report:
        write_json(arguments.report, {**report.to_json(), "output": report.output})
    return report.exit_status


def write_json(path: str, data: dict) -> None:
    """--report's file; a failed write ends the command with the reason."""
    try:
        Path(path).write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError as error:
        raise CommandError(describe_write_error(Path(path), error)) from error


def run_compare(arguments: argparse.Namespace) -> int:
    if arguments.report:
        check_output(Path(arguments.report))  # before any work: not after it
    a, b = load_vectors(arguments.a), load_vectors(arguments.b)
    try:
        result = compare(a, b, k=arguments.k, words=arguments.words)
    except CompareError as error:
        raise CommandError(str(error)) from error
    print(describe_comparison(result, arguments.a, arguments.b))
    if arguments.report:
        write_json(arguments.report, result.to_json())
    return 0


def load_vectors(path: str, limit: int | None = None) -> Embeddings:
    """Any vectors file core.vectors.reading reads; what it dropped is noted on stderr."""
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
        if arguments.command == "evaluate":
            return run_evaluate(arguments)
        if arguments.command == "gradcheck":
            return run_gradcheck(arguments)
        if arguments.command == "check":
            return run_check(arguments)
        if arguments.command == "compare":
            return run_compare(arguments)
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
    except Interrupted as error:
        print(f"main.py {arguments.command}: {error}", file=sys.stderr)
        return INTERRUPTED
    except KeyboardInterrupt:
        print(f"main.py {arguments.command}: interrupted (Ctrl+C).", file=sys.stderr)
        return INTERRUPTED
    except CommandError as error:
        print(f"main.py {arguments.command}: {error}", file=sys.stderr)
        return error.status
    except UnknownWordError as error:
        print(f"main.py {arguments.command}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"main.py {arguments.command}: {error}", file=sys.stderr)
        return 1
    parser.print_help()
    return 2
