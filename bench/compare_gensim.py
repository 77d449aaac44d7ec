"""Throughput and quality against gensim's Word2Vec, measured in one run.

    .venv/bin/python -m bench.compare_gensim [--seeds 1 2 3 4 5] [--model skipgram|cbow]

Both trainers run as whole processes on the same tokenized corpus, with 1 worker and with
every core (each pair back to back), with the same hyperparameters (skip-gram, negative
5, window 5, dim 100, sample 1e-3, min_count 5, 5 epochs), and are timed from outside the
same way: start of the process to vectors on disk. words/s = corpus tokens × epochs /
wall seconds. Each also reports the seconds of its training alone (ours: the trainer's
clock from `train --report`; gensim: its `train` call after the vocabulary scan), which
give a second scaling figure without the start-up, reading and writing that no worker
shares. Every vector file is then read by gensim's own
`KeyedVectors.load_word2vec_format` and scored by its own evaluators:
Google analogies (questions-words.txt, 3CosAdd) and WordSim353 (Spearman).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from bench.data import OUT, ROOT, benchmark_corpus, evaluation_files

HYPERPARAMETERS = {"dim": 100, "window": 5, "negative": 5, "epochs": 5, "min-count": 5,
                   "sample": 1e-3, "alpha": 0.025}


def timed(command: list[str], report) -> tuple[float, float]:
    """(whole seconds, training seconds from the report the command writes)."""
    started = time.perf_counter()
    subprocess.run([*command, "--report", str(report)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, float(json.loads(report.read_text(encoding="utf-8"))["training_seconds"])


def ours(corpus, out, seed: int, workers: int, model: str) -> tuple[float, float]:
    options = [f"--{key}={value}" for key, value in HYPERPARAMETERS.items()]
    return timed([sys.executable, "main.py", "train", str(corpus), "--out", str(out),
                  f"--seed={seed}", f"--model={model}", f"--workers={workers}", *options],
                 out.with_suffix(".json"))


def gensim(corpus, out, seed: int, workers: int, model: str) -> tuple[float, float]:
    options = [f"--{key}={value}" for key, value in HYPERPARAMETERS.items()]
    return timed([sys.executable, "bench/gensim_train.py", str(corpus), str(out),
                  f"--workers={workers}", f"--seed={seed}",
                  f"--sg={1 if model == 'skipgram' else 0}", *options],
                 out.with_suffix(".json"))


def evaluate(path) -> tuple[float, float]:
    from gensim.models import KeyedVectors

    analogies, wordsim = evaluation_files()
    vectors = KeyedVectors.load_word2vec_format(str(path))
    accuracy, _ = vectors.evaluate_word_analogies(str(analogies))
    _, spearman, _ = vectors.evaluate_word_pairs(str(wordsim))
    return float(accuracy), float(spearman.statistic if hasattr(spearman, "statistic")
                                  else spearman[0])


def summary(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--model", choices=("skipgram", "cbow"), default="skipgram")
    arguments = parser.parse_args(argv)
    corpus = benchmark_corpus()
    tokens = len(corpus.read_text(encoding="utf-8").split())
    cores = os.cpu_count() or 1
    counts = (1, cores) if cores > 1 else (1,)
    runs = {f"{who} workers={n}": [] for n in counts for who in ("word2vec-studio", "gensim")}
    training = {name: [] for name in runs}  # seconds of training alone
    quality = {name: [] for name in runs}
    print(f"corpus: {corpus.name}, {tokens:,} tokens; {arguments.model}, "
          + ", ".join(f"{k} {v}" for k, v in HYPERPARAMETERS.items()))
    for seed in arguments.seeds:
        outputs = {name: OUT / f"{arguments.model}-{name.replace(' ', '-')}-{seed}.txt"
                   for name in runs}
        for n in counts:  # each pair back to back, so that they share the machine's mood
            for who, train in (("word2vec-studio", ours), ("gensim", gensim)):
                name = f"{who} workers={n}"
                whole, alone = train(corpus, outputs[name], seed, n, arguments.model)
                runs[name].append(whole)
                training[name].append(alone)
        for name in runs:
            quality[name].append(evaluate(outputs[name]))
        print(f"seed {seed}: " + ", ".join(f"{name} {runs[name][-1]:.2f}s" for name in runs),
              flush=True)
    epochs = HYPERPARAMETERS["epochs"]
    speed = {name: tokens * epochs / statistics.median(times) for name, times in runs.items()}
    alone = {name: tokens * epochs / statistics.median(times)
             for name, times in training.items()}
    print(f"\n{'trainer':22} {'median s':>9} {'words/s':>10} {'training s':>11} "
          f"{'words/s':>10} {'analogy acc':>17} {'WordSim353 rho':>17}")
    for name in runs:
        accuracy = [q[0] for q in quality[name]]
        spearman = [q[1] for q in quality[name]]
        print(f"{name:22} {statistics.median(runs[name]):9.2f} {speed[name]:10,.0f} "
              f"{statistics.median(training[name]):11.2f} {alone[name]:10,.0f} "
              f"{summary(accuracy):>17} {summary(spearman):>17}")
    for n in counts:
        print(f"\nwords/s ratio, word2vec-studio / gensim, both workers={n}: "
              f"{speed[f'word2vec-studio workers={n}'] / speed[f'gensim workers={n}']:.2f}x")
    if cores > 1:
        for who in ("word2vec-studio", "gensim"):
            print(f"scaling of {who}, workers=1 -> {cores}: whole process "
                  f"{speed[f'{who} workers={cores}'] / speed[f'{who} workers=1']:.2f}x, "
                  f"training alone "
                  f"{alone[f'{who} workers={cores}'] / alone[f'{who} workers=1']:.2f}x")
    for n in counts:
        ours_q, peer_q = quality[f"word2vec-studio workers={n}"], quality[f"gensim workers={n}"]
        rho = statistics.mean(q[1] for q in ours_q) - statistics.mean(q[1] for q in peer_q)
        acc = statistics.mean(q[0] for q in ours_q) - statistics.mean(q[0] for q in peer_q)
        print(f"workers={n}: WordSim353 Spearman difference (ours - gensim): {rho:+.4f}; "
              f"analogy accuracy difference: {acc:+.4f}")

if __name__ == "__main__":
    main()
