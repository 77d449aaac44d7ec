"""Nearest words and analogies on GloVe-sized vectors: Embeddings against gensim.

    .venv/bin/python -m bench.queries [--words 400000] [--dim 300] [--queries 20] [--quick]

400,000 × 300 float32 vectors with cluster structure (words drawn around 2,000 centres)
are made in memory. Rows are normalised once (timed apart), then each side answers the
same queries: the 10 nearest words by exact cosine (Embeddings.most_similar against
KeyedVectors.most_similar(word, topn=10)) and a - b + c by 3CosAdd (Embeddings.analogy
against KeyedVectors.most_similar(positive=[a, c], negative=[b], topn=10)). Median and
worst of the queries are printed with the ratio gensim ÷ ours, and the answers are
checked to agree word for word.

Targets: nearest words ≤ 50 ms, analogy ≤ 100 ms (median and worst).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from core.vectors.embeddings import Embeddings


def make_vectors(words: int, dim: int, seed: int = 0) -> Embeddings:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 1.0, (2000, dim)).astype(np.float32)
    vectors = centres[rng.integers(0, 2000, words)]
    vectors += rng.normal(0.0, 0.7, (words, dim)).astype(np.float32)
    return Embeddings([f"w{i}" for i in range(words)], vectors)


def timed(call, arguments: list) -> tuple[list[float], list]:
    seconds, answers = [], []
    for argument in arguments:
        started = time.perf_counter()
        answers.append(call(argument))
        seconds.append(time.perf_counter() - started)
    return seconds, answers


def summary(seconds: list[float]) -> tuple[float, float]:
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=400_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="40,000 words (a tenth)")
    arguments = parser.parse_args(argv)
    try:
        from gensim.models import KeyedVectors
    except ImportError:
        sys.exit("This benchmark compares with gensim: .venv/bin/pip install gensim")
    words = 40_000 if arguments.quick else arguments.words
    embeddings = make_vectors(words, arguments.dim)
    keyed = KeyedVectors(arguments.dim)
    keyed.add_vectors(embeddings.words, embeddings.vectors)

    started = time.perf_counter()
    embeddings.unit_vectors  # noqa: B018 - normalised once, as a search worker does
    ours_normalise = time.perf_counter() - started
    started = time.perf_counter()
    keyed.fill_norms()
    gensim_normalise = time.perf_counter() - started

    rng = np.random.default_rng(1)
    picks = rng.choice(words, size=(arguments.queries, 3), replace=False)
    singles = [embeddings.words[i] for i in picks[:, 0]]
    triples = [tuple(embeddings.words[i] for i in row) for row in picks]
    embeddings.most_similar(singles[0])  # first calls outside the timing
    keyed.most_similar(singles[0], topn=10)

    results = {
        "nearest 10": (
            timed(lambda w: embeddings.most_similar(w, 10), singles),
            timed(lambda w: keyed.most_similar(w, topn=10), singles)),
        "analogy (3CosAdd)": (
            timed(lambda t: embeddings.analogy(*t, count=10), triples),
            timed(lambda t: keyed.most_similar(positive=[t[0], t[2]], negative=[t[1]],
                                               topn=10), triples)),
    }
    print(f"{words:,} words × {arguments.dim}; {arguments.queries} queries each; rows "
          f"normalised once: ours {ours_normalise * 1000:.0f} ms, gensim "
          f"{gensim_normalise * 1000:.0f} ms")
    print(f"{'query':<20}{'ours median':>13}{'worst':>8}{'gensim median':>15}{'worst':>8}"
          f"{'gensim ÷ ours':>15}{'same words':>12}")
    for name, ((ours, our_answers), (theirs, their_answers)) in results.items():
        ours_median, ours_worst = summary(ours)
        gensim_median, gensim_worst = summary(theirs)
        same = sum([w for w, _ in mine] == [w for w, _ in peer]
                   for mine, peer in zip(our_answers, their_answers, strict=True))
        print(f"{name:<20}{ours_median:>10.1f} ms{ours_worst:>6.1f}{gensim_median:>12.1f} ms"
              f"{gensim_worst:>6.1f}{gensim_median / ours_median:>14.2f}×"
              f"{f'{same}/{len(ours)}':>12}", flush=True)


if __name__ == "__main__":
    main()
