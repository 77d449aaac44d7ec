"""Comparing two 400,000 × 300 embeddings: the time to read both and to rank the 20,000
first shared words.

    .venv/bin/python -m bench.compare_scale [--words 400000] [--dim 300] [--ranked 20000]

A is the generated GloVe-shaped text file of bench.open_vectors. B (word2vec binary,
written once beside it) is A turned by a random rotation, with 1,000 words' vectors
swapped in pairs, the last 4,000 words dropped and 2,000 new words added, so the ranking
has known answers: the swapped words must come first. Prints the seconds of each part
and what the ranking found.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.stats import ortho_group

from bench.data import OUT
from bench.open_vectors import generate
from core.compare import compare
from core.open_vectors import read_vectors
from core.vectors.embeddings import Embeddings
from core.vectors.reading import write_vectors

SWAPPED = 1000  # words of A's first ranked ones whose vectors B swaps in pairs


def make_b(a: Embeddings, path, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    turn = ortho_group.rvs(a.dim, random_state=seed).astype(np.float32)
    vectors = a.vectors[:-4000] @ turn
    picked = rng.choice(10_000, SWAPPED, replace=False)
    vectors[picked] = vectors[np.roll(picked, 1)]  # each takes another's vector
    words = [*a.words[:-4000], *(f"added{i}" for i in range(2000))]
    vectors = np.vstack([vectors, rng.normal(size=(2000, a.dim)).astype(np.float32)])
    write_vectors(Embeddings(words, vectors), path, "word2vec-binary")
    np.save(path.with_suffix(".swapped.npy"), picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=400_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--ranked", type=int, default=20_000)
    arguments = parser.parse_args()
    path_a = generate(arguments.words, arguments.dim)["glove"]
    path_b = OUT / f"compare_b_{arguments.words}x{arguments.dim}.w2v.bin"
    started = time.perf_counter()
    a = read_vectors(path_a).embeddings
    read_a = time.perf_counter() - started
    if not path_b.exists():
        print(f"writing B under {OUT} (once) ...", flush=True)
        make_b(a, path_b)
    started = time.perf_counter()
    b = read_vectors(path_b).embeddings
    read_b = time.perf_counter() - started
    swapped = {a.words[i] for i in np.load(path_b.with_suffix(".swapped.npy"))}
    started = time.perf_counter()
    result = compare(a, b, k=10, words=arguments.ranked)
    seconds = time.perf_counter() - started
    top = {change.word for change in result.words[:SWAPPED]}
    print(f"A: {path_a.name}, {len(a):,} × {a.dim}, read in {read_a:.1f} s")
    print(f"B: {path_b.name}, {len(b):,} × {b.dim}, read in {read_b:.1f} s")
    print(f"compare, {len(result.words):,} words ranked (k = 10, exact cosine): "
          f"{seconds:.1f} s")
    print(f"shared {result.shared:,}, only in A {len(result.only_in_a):,}, only in B "
          f"{len(result.only_in_b):,}; of the {SWAPPED:,} swapped words, "
          f"{len(top & swapped):,} are the {SWAPPED:,} most changed")


if __name__ == "__main__":
    main()
