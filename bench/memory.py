"""Peak memory of loading and training on a text8-size corpus (17M tokens, one 100 MB line).

    .venv/bin/python -m bench.memory [--tokens 17000000] [--train-seconds 60]

text8 itself cannot be fetched here, so a stand-in of the same shape is generated: one
line of ~17M tokens drawn from a Zipf law over 250k word types (text8 has 254k types,
71k of them with count >= 5). `main.py train` then runs on it as its own process (dim 100,
min_count 5); its peak resident memory is read from the operating system. Training
is stopped after --train-seconds (SIGINT), which saves the vectors trained so far.
"""

from __future__ import annotations

import argparse
import resource
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
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "main.py", "train", str(corpus), "--out", str(OUT / "zipf_vectors.bin"),
         "--binary", "--dim", "100", "--min-count", "5", "--epochs", "1", "--report",
         str(report)], cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        process.wait(timeout=arguments.train_seconds + 120)
    except subprocess.TimeoutExpired:
        pass
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    import json

    details = json.loads(report.read_text())
    print(f"corpus: {arguments.tokens:,} tokens on one line, {size_mb:.0f} MB; vocabulary "
          f"{details['vocab_size']:,} (min_count 5)")
    print(f"trained {details['tokens_processed']:,} tokens in {seconds:.0f} s "
          f"({'interrupted' if details['interrupted'] else 'complete'})")
    print(f"peak resident memory of the training process: {peak_mb:,.0f} MB (target < 2,000 MB)")


if __name__ == "__main__":
    main()
