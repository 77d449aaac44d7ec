"""Naive softmax against negative sampling on the same ~20k-word vocabulary.

    .venv/bin/python -m bench.softmax_speed [--seconds 20]

SST with min_count 1 (19,538 words). Each configuration trains for a fixed wall time in
this process and reports corpus words per second; naive softmax costs O(|V|) per pair,
negative sampling O(K), which is the lesson the numbers show.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.data import SHARED_SST
from core.data.corpus import load_corpus
from core.train.config import TrainConfig
from core.train.trainer import Trainer


def words_per_second(corpus, config: TrainConfig, seconds: float) -> float:
    trainer = Trainer(corpus, config)
    started = time.perf_counter()
    while time.perf_counter() - started < seconds and not trainer.finished:
        trainer.step()
    return trainer.words_done / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    arguments = parser.parse_args(argv)
    if not SHARED_SST.exists():
        sys.exit(f"needs {SHARED_SST}")
    corpus = load_corpus(SHARED_SST, min_count=1)
    print(f"SST, min_count 1: {corpus.vocab_size:,} words, {corpus.token_count:,} tokens; "
          f"skip-gram, dim 100, window 5")
    results = {}
    for loss in ("neg", "softmax"):
        config = TrainConfig(loss=loss, min_count=1, epochs=1)
        results[loss] = words_per_second(corpus, config, arguments.seconds)
        print(f"{loss:8} {results[loss]:12,.0f} words/s")
    print(f"negative sampling is {results['neg'] / results['softmax']:.0f}x faster")


if __name__ == "__main__":
    main()
