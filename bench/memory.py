"""Peak memory of loading and training on a text8-size corpus (17M tokens, one 100 MB line).

    .venv/bin/python -m bench.memory [--tokens 17000000] [--train-seconds 60]

text8 itself cannot be fetched here, so a stand-in of the same shape is generated: one
line of ~17M tokens drawn from a Zipf law over 250k word types (text8 has 254k types,
71k of them with count >= 5). `main.py train` then runs on it (dim 100, min_count 5,
one epoch), with one worker and with every core; the peak of the summed proportional set
size (PSS) of all its processes, sampled every 0.1 s, is its memory (shared memory counts
once). Training is stopped after --train-seconds (SIGINT), which saves the vectors
trained so far.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np

from bench.data import OUT, ROOT


def make_corpus(tokens: int, path) -> None:
    rng = np.random.default_rng(0)
    types = 250_000
    weights = 1.0 / np.arange(1, types + 1) ** 1.05
    cumulative = np.cumsum(weights / weights.sum())
    words = np.array([f"w{i}" for i in range(types)])
    with open(path, "w") as out:
        for start in range(0, tokens, 1_000_000):
            ids = np.searchsorted(cumulative, rng.random(min(1_000_000, tokens - start)))
            out.write(" ".join(words[np.minimum(ids, types - 1)]) + " ")


def tree(pid: int) -> list[int]:
    """`pid` and every process below it (Linux: /proc/PID/task/TID/children)."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as stream:
                    waiting.extend(int(child) for child in stream.read().split())
        except OSError:
            continue
    return found


def pss_kb(pid: int) -> int:
    """A process's proportional set size: its private pages, and its share of each shared
    page (summed over processes, shared memory counts once)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def train(corpus, report, workers: int, seconds: float) -> tuple[float, float, dict]:
    """One `main.py train` with `workers`: (peak of the summed PSS of all its processes in
    MB, wall seconds, its report)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "main.py", "train", str(corpus), "--out", str(OUT / "zipf_vectors.bin"),
         "--binary", "--dim", "100", "--min-count", "5", "--epochs", "1", "--report",
         str(report), f"--workers={workers}"], cwd=ROOT, stdout=subprocess.DEVNULL)
    peak = 0
    deadline = started + seconds
    while process.poll() is None:
        peak = max(peak, sum(pss_kb(pid) for pid in tree(process.pid)))
        if time.perf_counter() > deadline and process.poll() is None:
            process.send_signal(signal.SIGINT)  # it saves what it trained so far
            deadline = float("inf")
        time.sleep(0.1)
    return peak / 1024, time.perf_counter() - started, json.loads(report.read_text())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=17_000_000)
    parser.add_argument("--train-seconds", type=float, default=60.0)
    arguments = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = OUT / f"zipf_{arguments.tokens}.txt"
    if not corpus.exists():
        make_corpus(arguments.tokens, corpus)
    size_mb = corpus.stat().st_size / 1e6
    report = OUT / "memory_report.json"
    cores = os.cpu_count() or 1
    peaks = {}
    for workers in sorted({1, cores}):
        peak, seconds, details = train(corpus, report, workers, arguments.train_seconds)
        peaks[workers] = peak
        if workers == 1:
            print(f"corpus: {arguments.tokens:,} tokens on one line, {size_mb:.0f} MB; "
                  f"vocabulary {details['vocab_size']:,} (min_count 5)")
        print(f"workers={workers}: trained {details['tokens_processed']:,} tokens in "
              f"{seconds:.0f} s ({'interrupted' if details['interrupted'] else 'complete'});"
              f" peak memory of all its processes together (PSS): {peak:,.0f} MB")
    print(f"single-process peak (workers=1): {peaks[1]:,.0f} MB (target < 2,000 MB)")
    if cores > 1:
        print(f"workers={cores} / workers=1: {peaks[cores] / peaks[1]:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
