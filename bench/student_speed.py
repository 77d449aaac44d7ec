"""Train with my code: a student's word2vec.py against the fast trainer, in one run.

    .venv/bin/python -m bench.student_speed [--word2vec FILE] [--seconds 20]

Both run as the app runs them (core.student.runs: a process each, the handout's run.py
recipe, streaming their cost and vectors), one after the other, each alone on the machine,
on the SST sentences (../shared/data/sst; the toy world when absent), for --seconds of
training each (counted from the first iteration, which on both sides also builds the
handout's sub-sampled copies of the text). Without --word2vec, the student's file is this
project's own per-example implementation of the handout (core.cs224n), which is what a
correct assignment computes, one window and one word at a time. Prints each side's
iterations per training second and the ratio, and the fast trainer's speed as the app
times it beside a student's run.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from bench.data import SHARED_SST
from core.student.runs import RunSpec, StudentRun
from resources.toy_world import write_corpus

PER_EXAMPLE = ("from core.cs224n import (getNegativeSamples, naiveSoftmaxLossAndGradient,\n"
               "    negSamplingLossAndGradient, sigmoid, skipgram, word2vec_sgd_wrapper)\n")


def measure(spec: RunSpec, seconds: float) -> tuple[float, int, float | None]:
    """(iterations per training second, iterations, the fast trainer's speed if timed)."""
    progress, speeds, ended = [], [], threading.Event()

    def take(message: dict) -> None:
        if message["kind"] == "progress":
            progress.append((message["iteration"], message["seconds"]))
        elif message["kind"] == "speed":
            speeds.append(message["iterations_per_second"])
        elif message["kind"] == "ended":
            ended.set()

    run = StudentRun(spec, take)
    try:
        while not progress or progress[-1][1] < seconds:
            if ended.wait(0.2):
                break
        run.stop()
        ended.wait(30)
    finally:
        run.kill()
        run.wait(10)
    iterations, spent = progress[-1]
    return iterations / spent, iterations, speeds[0] if speeds else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--word2vec", help="a student's word2vec.py (default: per-example)")
    parser.add_argument("--seconds", type=float, default=20.0)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if arguments.word2vec:
            word2vec = Path(arguments.word2vec).resolve()
        else:
            word2vec = Path(folder) / "word2vec.py"
            word2vec.write_text(PER_EXAMPLE, encoding="utf-8")
        if SHARED_SST.exists():
            corpus, name = str(SHARED_SST), "SST"
        else:
            corpus = str(write_corpus(Path(folder) / "toy.txt"))
            name = "the toy world"
        started = time.perf_counter()
        theirs, their_iterations, timed = measure(
            RunSpec("theirs", corpus, str(word2vec)), arguments.seconds)
        ours, our_iterations, _ = measure(RunSpec("ours", corpus), arguments.seconds)
    print(f"corpus: {name}; the handout's recipe (d=10, window 5, K=10, 50 windows an "
          "iteration)")
    print(f"student's code   {theirs:10,.1f} iterations/s ({their_iterations:,} iterations)")
    print(f"fast trainer     {ours:10,.1f} iterations/s ({our_iterations:,} iterations)")
    if timed is not None:
        print(f"  (as the app times it beside the student's run: {timed:,.1f} iterations/s)")
    print(f"ratio            {ours / theirs:10,.1f}× the student's code")
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
