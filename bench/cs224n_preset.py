"""The `cs224n` preset against the handout's per-example implementation, in one run.

    .venv/bin/python -m bench.cs224n_preset [--baseline-iterations 100]

The reference figure is the handout's own implementation: 170 ms per iteration on this
machine (its run.py recipe). Measured in the same run as a peer: this project's
per-example code (already NumPy per example, so faster than the handout's), driven as run.py
does (`word2vec_sgd_wrapper` over `skipgram` with `negSamplingLossAndGradient`, K=10,
d=10, 50 windows a batch on SST): its time per iteration is measured on a short run and
extrapolated to the preset's 40,000 iterations. The preset runs in full as a whole process
(`main.py train --preset cs224n`), and its final smoothed cost is read from its report.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time

import numpy as np

import core.cs224n as cs224n
from bench.data import OUT, ROOT, SHARED_SST

ITERATIONS = 40000


def baseline_seconds_per_iteration(iterations: int) -> float:
    dataset = cs224n.StanfordSentiment(SHARED_SST)
    tokens = dataset.tokens()
    random.seed(314)
    np.random.seed(9265)
    vectors = np.concatenate(((np.random.rand(len(tokens), 10) - 0.5) / 10,
                              np.zeros((len(tokens), 10))), axis=0)
    dataset.getRandomContext(5)  # build the sub-sampled text outside the timing
    started = time.perf_counter()
    for _ in range(iterations):
        _, gradient = cs224n.word2vec_sgd_wrapper(
            cs224n.skipgram, tokens, vectors, dataset, 5, cs224n.negSamplingLossAndGradient)
        vectors -= 0.3 * gradient
    return (time.perf_counter() - started) / iterations


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-iterations", type=int, default=100)
    arguments = parser.parse_args(argv)
    if not SHARED_SST.exists():
        sys.exit(f"needs {SHARED_SST}")
    OUT.mkdir(parents=True, exist_ok=True)
    report_path = OUT / "cs224n_report.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, "main.py", "train", str(SHARED_SST), "--preset", "cs224n",
                    "--out", str(OUT / "cs224n_vectors.txt"), "--report", str(report_path)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    preset_seconds = time.perf_counter() - started
    report = json.loads(report_path.read_text())
    per_iteration = baseline_seconds_per_iteration(arguments.baseline_iterations)
    baseline_total = per_iteration * ITERATIONS
    print(f"handout per-example: {per_iteration * 1e3:.1f} ms/iteration "
          f"(over {arguments.baseline_iterations} iterations) -> "
          f"{baseline_total:,.0f} s for {ITERATIONS:,} iterations")
    print(f"cs224n preset: {preset_seconds:.1f} s for {ITERATIONS:,} iterations (whole process), "
          f"final smoothed cost {report['final_loss']:.3f} (target <= 10)")
    print(f"speed-up against the handout's implementation (170 ms/iteration on this "
          f"machine, {0.170 * ITERATIONS:,.0f} s): {0.170 * ITERATIONS / preset_seconds:.0f}x "
          f"(target >= 200x, i.e. <= 34 s)")
    print(f"speed-up against this project's own per-example code, measured above: "
          f"{baseline_total / preset_seconds:.0f}x")


if __name__ == "__main__":
    main()
