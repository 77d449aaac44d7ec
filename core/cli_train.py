"""The train command's pieces around the run itself (core.cli.run_train): the progress line
on a terminal, what --out writes and whether it can, keeping a run whose --out failed, the
test sets of --evaluate and the quality after every epoch; and the command line's errors.
"""

from __future__ import annotations

import errno
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from core.evaluation import (
    AnalogySet,
    EvaluationFileError,
    PairSet,
    evaluate_analogies,
    evaluate_pairs,
    read_analogies,
    read_pairs,
)
from core.evaluation.report import report_json
from core.storage.files import (
    atomic_write,
    check_writable,
    data_dir,
    describe_write_error,
    format_bytes,
    free_bytes,
)
from core.train.progress import progress_parts
from core.train.trainer import StepStats, Trainer
from core.vectors.reading import write_vectors
from core.vectors.writing import least_written_bytes, projector_metadata_path

# under data_dir(): runs whose --out could not be written after training
KEPT_RUNS_FOLDER = "kept runs"


class CommandError(Exception):
    """A one-line reason the command cannot run; the command exits with `status`."""

    status = 1


class UsageError(CommandError):
    """A usage error found before any work: exit status 2, as argparse's."""

    status = 2


class Interrupted(Exception):
    """Ctrl+C ended the command; the message says what was and was not written."""


class ProgressLine:
    """A one-line progress display on a terminal; silent when output is not a terminal."""

    def __init__(self, stream: TextIO, epochs: int, interval: float = 0.2) -> None:
        self.stream = stream
        self.epochs = epochs
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
        where, speed, eta = progress_parts(stats, self.epochs)
        # the handout's batching reports its own smoothed cost
        loss = ((stats.cost if stats.cost is not None else stats.loss) if stats.windows
                else stats.smoothed_loss)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {stats.progress:6.1%}  "
            f"{where}  {speed}  loss per {stats.loss_unit} {loss:.4f}  {eta} "
        )
        self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")
            self.stream.flush()


def output_format(out: Path, binary: bool) -> str:
    """What `train --out` writes: "model" (.npz), "projector" (.tsv), "word2vec-binary"
    (--binary) or "word2vec" (text)."""
    if out.suffix == ".npz":
        return "model"
    if out.suffix == ".tsv":
        return "projector"
    return "word2vec-binary" if binary else "word2vec"


def output_paths(out: Path, binary: bool) -> list[Path]:
    """The files `train --out` writes: `out`, and for .tsv its metadata beside it."""
    if output_format(out, binary) == "projector":
        return [out, projector_metadata_path(out)]
    return [out]


def check_output(path: Path) -> None:
    """Raise UsageError naming `path` and the fix when a file cannot be written there: a
    probe file is created and removed in its folder (`core.storage.files.check_writable`)."""
    try:
        check_writable(path)
    except OSError as error:
        raise UsageError(describe_write_error(path, error)) from None


def check_room(trainer: Trainer, out: Path, binary: bool) -> None:
    """Raise UsageError when the disk of `out` has less room than the output needs at the
    least (for a model, its arrays; for vectors, `least_written_bytes`)."""
    format = output_format(out, binary)
    if format == "model":
        corpus = trainer.corpus
        needed = sum(array.nbytes for array in (
            trainer.center_vectors, trainer.outside_vectors, corpus.token_ids,
            corpus.sentence_offsets, corpus.counts))
    else:
        needed = least_written_bytes(list(trainer.corpus.words), trainer.config.dim, format)
    free = free_bytes(out.parent)
    if free is not None and free < needed:
        raise UsageError(
            f"cannot write {out}: it needs at least {format_bytes(needed)} and the disk "
            f"holding {out.parent} has {format_bytes(free)} free. Free some space there or "
            "choose another place.")


def save_output(trainer: Trainer, out: Path, binary: bool) -> list[Path]:
    """Write the run to `out` as `output_format` says; return the paths written."""
    format = output_format(out, binary)
    if format == "model":
        trainer.save(out)
        return [out]
    return write_vectors(trainer.embeddings(), out, format)


def keep_run(trainer: Trainer, out: Path, binary: bool) -> list[Path]:
    """Write the run under the name of `out` into a new folder of
    ``data_dir()/"kept runs"`` (named by the time), else of the system's temporary folder;
    return the paths written. Raises the last OSError when neither can be written."""
    stamp = time.strftime("%Y-%m-%d %H-%M-%S")
    bases = [data_dir() / KEPT_RUNS_FOLDER,
             Path(tempfile.gettempdir()) / "word2vec-studio" / KEPT_RUNS_FOLDER]
    failure: OSError | None = None
    for base in bases:
        try:
            folder = new_folder(base, stamp)
            return save_output(trainer, folder / out.name, binary)
        except OSError as error:
            failure = error
    assert failure is not None
    raise failure


def new_folder(base: Path, name: str) -> Path:
    """Create and return `base/name`, or `base/name-2`, `-3`, ... if taken."""
    base.mkdir(parents=True, exist_ok=True)
    for number in range(1, 1000):
        folder = base / (name if number == 1 else f"{name}-{number}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused folder name", str(base / name))


def write_report_file(path: Path, report: dict) -> None:
    """`report` as indented JSON, written as every save is (`core.storage.files.atomic_write`)."""
    try:
        with atomic_write(path) as stream:
            stream.write((json.dumps(report, indent=2) + "\n").encode("utf-8"))
    except OSError as error:
        raise CommandError(describe_write_error(path, error)) from None


def read_test_sets(analogies: str | None,
                   pairs: str | None) -> tuple[AnalogySet | None, PairSet | None]:
    try:
        return (read_analogies(analogies) if analogies else None,
                read_pairs(pairs) if pairs else None)
    except EvaluationFileError as error:
        raise CommandError(str(error)) from error


class EpochEvaluation:
    """`train --evaluate`: the quality after every epoch (with batching="windows", after
    every tenth of the iterations), printed on stderr and kept for the report."""

    def __init__(self, trainer: Trainer, analogies: AnalogySet | None,
                 pairs: PairSet | None) -> None:
        self.trainer, self.analogies, self.pairs = trainer, analogies, pairs
        self.wanted = analogies is not None or pairs is not None
        self.points: list[dict] = []
        self.marks = 10 if trainer.config.batching == "windows" else trainer.config.epochs
        self.done = int(trainer.progress * self.marks)  # a resumed run's marks are behind it

    def points_in_words(self) -> list[int]:
        """Where the run is evaluated, in words of the whole run (epochs' ends)."""
        total = self.trainer.total_words
        return [total * mark // self.marks for mark in range(1, self.marks + 1)]

    def due(self, stats: StepStats) -> bool:
        return self.wanted and int(stats.progress * self.marks) > self.done

    def measure(self, stats: StepStats) -> None:
        self.done = int(stats.progress * self.marks)
        # a copy: with several workers the vectors change while they are scored
        vectors = self.trainer.embeddings()
        analogies = (evaluate_analogies(vectors, self.analogies)
                     if self.analogies is not None else None)
        pairs = evaluate_pairs(vectors, self.pairs) if self.pairs is not None else None
        # the epoch just completed (stats.epoch may already name the next one)
        point = {"words_processed": stats.words_done,
                 "epoch": None if stats.windows else self.done,
                 "progress": stats.progress, **report_json(analogies, pairs)}
        if analogies is not None:
            point["accuracy"] = point["analogies"]["accuracy"]
        if pairs is not None:
            point["spearman"] = point["pairs"]["spearman"]
        self.points.append(point)
        where = (f"{self.done}/{self.marks} of the run" if stats.windows
                 else f"epoch {self.done}")
        parts = [f"analogies {analogies.accuracy:.1%} ({analogies.correct:,}/"
                 f"{analogies.total:,})" if analogies is not None else "",
                 f"pairs Spearman {pairs.spearman:.3f}" if pairs is not None else ""]
        print(f"{where}: " + ", ".join(part for part in parts if part), file=sys.stderr)
