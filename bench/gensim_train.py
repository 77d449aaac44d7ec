"""The peer: gensim's Word2Vec on a tokenized corpus file, saved in word2vec text format.

    python bench/gensim_train.py CORPUS OUT --workers 1 [--sg 1] [--dim 100] ...
        [--report R.json]

Run as its own process by the benchmarks, so it is timed exactly as `main.py train` is.
With --report it also writes {"training_seconds": ...}: the time of `train` alone (after
the vocabulary scan), as `main.py train --report` gives its trainer's.
"""

import argparse
import json
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("out")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--sg", type=int, default=1)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-3)
    parser.add_argument("--alpha", type=float, default=0.025)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report")
    arguments = parser.parse_args()
    model = Word2Vec(
        vector_size=arguments.dim, window=arguments.window,
        negative=arguments.negative, hs=0, sg=arguments.sg, epochs=arguments.epochs,
        min_count=arguments.min_count, sample=arguments.sample, alpha=arguments.alpha,
        workers=arguments.workers, seed=arguments.seed,
    )
    sentences = LineSentence(arguments.corpus)
    model.build_vocab(sentences)
    started = time.perf_counter()
    model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    seconds = time.perf_counter() - started
    model.wv.save_word2vec_format(arguments.out)
    if arguments.report:
        with open(arguments.report, "w", encoding="utf-8") as file:
            json.dump({"training_seconds": seconds}, file)


if __name__ == "__main__":
    main()
