"""Trains with the handout's recipe (its run.py) in a process of its own: with a student's
functions ("theirs") or with the fast trainer ("ours"), streaming what the window shows.
Started by core.student.runs, never run in the app's process.

Theirs: StanfordSentiment over the corpus, vectors as run.py makes them (seeds 314,
31415, 9265), their `skipgram` with their `negSamplingLossAndGradient` through their
`word2vec_sgd_wrapper` (the handout's if they have none), stepped by their `sgd` (the
handout's without --sgd). Before it starts, the fast trainer is timed for a moment on the
same corpus and recipe, for the speed beside theirs. Ours: core's Trainer with the CS224n
preset.

Messages out (pickled dicts over the connection): "ready" (the words, in the vectors'
row order), "speed" (the fast trainer's iterations/s), "progress" (the iteration, the
seconds, and (iteration, the handout's smoothed cost, seconds) at each of its updates
since the last message), "vectors" (a copy of the center vectors, which run.py
pictures), and last "ended" (how: finished, stopped, failed, diverged; their
traceback when failed). Messages in: "pause", "resume", "stop".
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import socket
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from core.student.probe import watch_parent

PUBLISH_SECONDS = 0.25  # how often the cost and the vectors go out
SPEED_SECONDS = 1.5  # how long the fast trainer is timed beside theirs
COST_EVERY = 10  # the handout's sgd updates its smoothed cost every 10 iterations


class Stopped(Exception):  # noqa: N818 (not an error: the user stopped the run)
    """Raised inside their sgd's loss function to end the run where it is."""


class Stream:
    """The run's side of the connection: what it sends, and pause / stop from the app."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.paused = False
        self.stopped = False
        self.started = time.monotonic()
        self.paused_seconds = 0.0
        self.last_sent = 0.0
        self.points: list[tuple[int, float, float]] = []  # (iteration, cost, seconds)

    def send(self, kind: str, **fields) -> None:
        self.connection.send({"kind": kind, **fields})

    def send_progress(self, iteration: int) -> None:
        """Where the run is, and the smoothed cost at every update since the last time
        (every COST_EVERY iterations: the curve is drawn from all of them)."""
        self.send("progress", iteration=iteration, seconds=self.seconds, points=self.points)
        self.points = []

    def listen(self) -> None:
        """Take the app's messages; while paused, wait here (their loop stands still)."""
        while True:
            while self.connection.poll(0):
                message = self.connection.recv()
                self.paused = message == "pause" or (self.paused and message != "resume")
                self.stopped = self.stopped or message == "stop"
            if self.stopped:
                raise Stopped
            if not self.paused:
                return
            waited = time.monotonic()
            self.connection.poll(0.1)
            self.paused_seconds += time.monotonic() - waited

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started - self.paused_seconds

    def due(self) -> bool:
        now = time.monotonic()
        if now - self.last_sent >= PUBLISH_SECONDS:
            self.last_sent = now
            return True
        return False


def fast_speed(corpus_path: str, seconds: float = SPEED_SECONDS) -> float:
    """Iterations per second of the fast trainer on this corpus with the CS224n preset."""
    from core.data.corpus import load_corpus
    from core.train.config import PRESETS
    from core.train.trainer import Trainer

    trainer = Trainer(load_corpus(corpus_path), PRESETS["cs224n"])
    trainer.step()  # the first step builds its tables: not timed
    steps, started = trainer.steps, time.perf_counter()
    while time.perf_counter() - started < seconds and not trainer.finished:
        trainer.step()
    return (trainer.steps - steps) / (time.perf_counter() - started)


def train_theirs(spec: dict, stream: Stream) -> None:
    from core.cs224n import StanfordSentiment
    from core.cs224n import sgd as handout_sgd
    from core.cs224n import word2vec_sgd_wrapper as handout_wrapper
    from core.student.probe import SHIM, import_file, their_traceback

    files = [spec["file"]] + ([spec["sgd"]] if spec.get("sgd") else [])
    sys.path[:0] = [str(SHIM), *dict.fromkeys(str(Path(f).resolve().parent) for f in files)]
    try:
        word2vec = import_file(Path(spec["file"]), Path(spec["file"]).stem)
        sgd = import_file(Path(spec["sgd"]), Path(spec["sgd"]).stem).sgd if spec.get(
            "sgd") else handout_sgd
        skipgram, loss = word2vec.skipgram, word2vec.negSamplingLossAndGradient
    except BaseException as error:  # noqa: BLE001 (their import: reported, not raised)
        stream.send("ended", how="failed", error=their_traceback(error, files),
                    iteration=0)
        return
    wrapper = getattr(word2vec, "word2vec_sgd_wrapper", handout_wrapper)
    random.seed(314)
    dataset = StanfordSentiment(spec["corpus"])
    tokens = dataset.tokens()
    words = sorted(tokens, key=tokens.get)
    stream.send("ready", words=words)
    stream.listen()  # a Stop while it was setting up counts now
    stream.send("speed", iterations_per_second=fast_speed(spec["corpus"]))
    stream.listen()
    random.seed(31415)
    np.random.seed(9265)  # noqa: NPY002 (run.py's seeds)
    dim, count = spec["dim"], len(tokens)
    vectors = np.concatenate(((np.random.rand(count, dim) - 0.5) / dim,  # noqa: NPY002
                              np.zeros((count, dim))), axis=0)
    state = {"iteration": 0, "cost": None, "vectors": vectors}

    def loss_and_gradient(x):
        stream.listen()
        state["vectors"] = x
        loss_value, gradient = wrapper(skipgram, tokens, x, dataset, spec["window"], loss)
        state["iteration"] += 1
        cost = float(loss_value)
        if not np.isfinite(cost):
            raise FloatingPointError(f"the loss became {cost}")
        if state["iteration"] % COST_EVERY == 0:  # the handout's smoothed cost, as it prints
            state["cost"] = cost if state["cost"] is None else (
                0.95 * state["cost"] + 0.05 * cost)
            stream.points.append((state["iteration"], state["cost"], stream.seconds))
        if stream.due():
            _publish(stream, state, count)
        return loss_value, gradient

    how, error = "finished", None
    stream.started = time.monotonic()  # training seconds, from the first iteration
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # their sgd prints every 10
            sgd(loss_and_gradient, vectors, spec["step"], spec["iterations"],
                PRINT_EVERY=10 ** 9)
    except Stopped:
        how = "stopped"
    except FloatingPointError as failure:
        how, error = "diverged", str(failure)
    except BaseException as failure:  # noqa: BLE001 (their code: shown with their lines)
        how, error = "failed", their_traceback(failure, files)
    _publish(stream, state, count)
    stream.send("ended", how=how, error=error, iteration=state["iteration"])


def _publish(stream: Stream, state: dict, count: int) -> None:
    x = np.asarray(state["vectors"], dtype=np.float64)
    stream.send_progress(state["iteration"])
    if x.ndim == 2 and len(x) == 2 * count:  # run.py pictures the center vectors
        stream.send("vectors", vectors=x[:count].astype(np.float32),
                    iteration=state["iteration"])


def train_ours(spec: dict, stream: Stream) -> None:
    from core.data.corpus import load_corpus
    from core.train.config import PRESETS
    from core.train.trainer import Trainer

    config = PRESETS["cs224n"].replace(iterations=spec["iterations"])
    trainer = Trainer(load_corpus(spec["corpus"]), config)
    stream.send("ready", words=list(trainer.corpus.words))
    how, error = "finished", None
    stream.started = time.monotonic()
    try:
        while not trainer.finished:
            stream.listen()
            stats = trainer.step()
            if stats.steps % COST_EVERY == 0 and stats.cost is not None:
                stream.points.append((stats.steps, stats.cost, stream.seconds))
            if stream.due() or trainer.finished:
                stream.send_progress(stats.steps)
                stream.send("vectors", iteration=stats.steps,
                            vectors=trainer.center_vectors.astype(np.float32))
    except Stopped:
        how = "stopped"
    except Exception as failure:  # noqa: BLE001 (a diverged run, said so)
        how, error = "diverged", str(failure)
    stream.send("ended", how=how, error=error, iteration=trainer.steps)


def main(argv: list[str]) -> int:
    import json

    spec = json.loads(argv[0])
    threading.Thread(target=watch_parent, args=(spec["parent"],), daemon=True).start()
    with contextlib.suppress(OSError):
        os.nice(5)
    stream = Stream(Connection(socket.socket(fileno=spec["fd"]).detach()))
    try:
        (train_theirs if spec["which"] == "theirs" else train_ours)(spec, stream)
    except Stopped:  # before the first iteration
        stream.send("ended", how="stopped", error=None, iteration=0)
    except (BrokenPipeError, ConnectionResetError, EOFError):
        return 0  # the app is gone
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
