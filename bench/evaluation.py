"""Analogy and word-pair evaluation: core.evaluation against gensim, numbers and speed.

    .venv/bin/python -m bench.evaluation [--words 100000] [--dim 300] [--quick] [--no-speed]

1. Equality on real vectors. gensim's Word2Vec is trained (seeded, skip-gram, dim 100,
   5 epochs, min_count 5) on bench/out/wiki_sst_lee.txt when it exists (see bench/data.py),
   else on the Lee corpus in gensim's wheel, and saved as word2vec text. Both sides read that
   file (ours: core.vectors.reading.read_vectors; gensim: KeyedVectors.load_word2vec_format)
   and score questions-words.txt (3CosAdd against evaluate_word_analogies; 3CosMul against
   gensim's analogy loop run with most_similar_cosmul, `gensim_cosmul_sections`, because
   gensim 4.4's evaluate_word_analogies ignores its similarity_function), wordsim353.tsv and
   simlex999.txt. Besides the totals, the wrong answers are compared question by question.
2. Speed. A word2vec text file of --words × --dim random vectors (seeded, clustered) whose
   vocabulary holds every word of questions-words.txt lower-cased (so that the questions are
   evaluated, not skipped), placed at random among made-up filler words, is generated once
   under bench/out/. Each side then runs as a whole process (`python -m bench.evaluation
   --run ours|gensim FILE`): load the file, evaluate the whole Google set (3CosAdd, default
   restrict_vocab). Wall time is measured from outside, start to exit (interpreter and
   imports included); peak memory is the child's own VmHWM.

Targets: every number equal to gensim's within 1e-6; ours ≥ 5× faster on 100,000 × 300.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.data import OUT, ROOT, gensim_test_data
from bench.open_vectors import format_block, make_words
from tests.core.gensim_reference import gensim_cosmul_sections, same_answers

TOLERANCE = 1e-6


# ---------------------------------------------------------------------- 1. equality
def train_vectors(path: Path) -> str:
    """Train gensim's Word2Vec on the benchmark corpus (else Lee's), save it as word2vec text;
    returns a description."""
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    corpus = OUT / "wiki_sst_lee.txt"
    if not corpus.exists():
        print(f"note: {corpus} is absent (see bench/data.py); training on gensim's Lee corpus")
        corpus = gensim_test_data() / "lee_background.cor"
    model = Word2Vec(LineSentence(str(corpus)), vector_size=100, window=5, sg=1, negative=5,
                     epochs=5, min_count=5, seed=1, workers=2)
    model.wv.save_word2vec_format(str(path))
    return f"{corpus.name} ({len(model.wv):,} words × 100)"


def equality() -> bool:
    """Print the equality table; True when everything agrees."""
    from gensim.models import KeyedVectors

    from core.evaluation import (
        evaluate_analogies,
        evaluate_pairs,
        read_analogies,
        read_pairs,
    )
    from core.open_vectors import read_vectors

    data = gensim_test_data()
    questions = data / "questions-words.txt"
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "evaluation_trained.w2v.txt"
    started = time.perf_counter()
    described = train_vectors(path)
    print(f"trained gensim's Word2Vec on {described} in {time.perf_counter() - started:.0f} s",
          flush=True)
    ours = read_vectors(path).embeddings
    theirs = KeyedVectors.load_word2vec_format(str(path))
    analogies = read_analogies(questions)
    rows: list[tuple[str, float, float]] = []
    agree_all = True
    for method, label in (("3cosadd", "3CosAdd"), ("3cosmul", "3CosMul")):
        started = time.perf_counter()
        result = evaluate_analogies(ours, analogies, method=method)
        our_seconds = time.perf_counter() - started
        started = time.perf_counter()
        if method == "3cosadd":
            sections = theirs.evaluate_word_analogies(str(questions))[1][:-1]
        else:
            sections = gensim_cosmul_sections(theirs, questions)
        their_seconds = time.perf_counter() - started
        correct = sum(len(s["correct"]) for s in sections)
        total = correct + sum(len(s["incorrect"]) for s in sections)
        rows += [(f"{label} accuracy", result.accuracy, correct / total if total else math.nan),
                 (f"{label} correct", result.correct, correct),
                 (f"{label} evaluated", result.total, total)]
        agree = same_answers(result, sections)
        agree_all = agree_all and agree
        print(f"{label}: ours {our_seconds:.2f} s, gensim {their_seconds:.2f} s; all "
              f"{len(sections)} sections and every wrong answer "
              f"{'agree' if agree else 'DO NOT AGREE'}", flush=True)
    for name in ("wordsim353.tsv", "simlex999.txt"):
        result = evaluate_pairs(ours, read_pairs(data / name))
        pearson, spearman, oov = theirs.evaluate_word_pairs(str(data / name))
        rows += [(f"{name} Pearson", result.pearson, float(pearson[0])),
                 (f"{name} Spearman", result.spearman, float(spearman[0])),
                 (f"{name} OOV %", result.oov_ratio, float(oov))]
    print(f"\n{'measure':<28}{'ours':>14}{'gensim':>14}{'|difference|':>14}"
          f"{'equal to 1e-6':>15}")
    for measure, mine, peer in rows:
        difference = abs(float(mine) - float(peer))
        equal = difference <= TOLERANCE
        agree_all = agree_all and equal
        print(f"{measure:<28}{_shown(mine):>14}{_shown(peer):>14}{difference:>14.1e}"
              f"{'yes' if equal else 'NO':>15}")
    return agree_all


def _shown(value) -> str:
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    return "nan" if math.isnan(value) else f"{value:.8f}"


# ---------------------------------------------------------------------- 2. speed
CHILD = {
    "ours": """
from core.evaluation import evaluate_analogies, read_analogies
from core.open_vectors import read_vectors
embeddings = read_vectors(PATH).embeddings
loaded = time.perf_counter()
result = evaluate_analogies(embeddings, read_analogies(QUESTIONS))
accuracy, correct, total = result.accuracy, result.correct, result.total
""",
    "gensim": """
import logging
logging.basicConfig(level=logging.INFO, format="    gensim: %(message)s")
for name in ("gensim.utils", "gensim.models.keyedvectors"):
    logging.getLogger(name).setLevel(logging.WARNING)
from gensim.models import KeyedVectors
keyed = KeyedVectors.load_word2vec_format(PATH)
loaded = time.perf_counter()
logging.getLogger("gensim.models.keyedvectors").setLevel(logging.INFO)  # a line per section
accuracy, sections = keyed.evaluate_word_analogies(QUESTIONS)
correct = len(sections[-1]["correct"])
total = correct + len(sections[-1]["incorrect"])
""",
}


def peak_kb() -> int:
    """This process's peak resident size in kB (VmHWM, which starts afresh at exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_child(side: str, path: str) -> None:
    """`--run ours|gensim FILE`: load and evaluate, then print one JSON line."""
    started = time.perf_counter()
    scope = {"PATH": path, "QUESTIONS": str(gensim_test_data() / "questions-words.txt"),
             "time": time}
    exec(CHILD[side], scope)  # the two sides' code, side by side in CHILD
    finished = time.perf_counter()
    print(json.dumps({"load": scope["loaded"] - started, "evaluate": finished - scope["loaded"],
                      "accuracy": float(scope["accuracy"]), "correct": int(scope["correct"]),
                      "total": int(scope["total"]), "peak_kb": peak_kb()}))


def generate(words: int, dim: int) -> Path:
    """A word2vec text file whose vocabulary holds the Google set's words (once)."""
    path = OUT / f"evaluation_{words}x{dim}.w2v.txt"
    if path.exists():
        return path
    print(f"generating {path.name} (once) ...", flush=True)
    questions = gensim_test_data() / "questions-words.txt"
    wanted = sorted({word.lower() for line in questions.read_text(encoding="utf-8").split("\n")
                     if line and not line.startswith(":") for word in line.split()})
    rng = np.random.default_rng(0)
    taken = set(wanted)
    filler = [w for w in make_words(words, rng) if w not in taken]
    vocabulary = np.array(filler[:words - len(wanted)] + wanted, dtype=object)
    vocabulary = vocabulary[rng.permutation(words)].tolist()
    centres = rng.normal(0.0, 0.4, (200, dim)).astype(np.float32)
    vectors = np.clip(centres[rng.integers(0, 200, words)]
                      + rng.normal(0.0, 0.3, (words, dim)).astype(np.float32), -9.9, 9.9)
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as out:
        out.write(f"{words} {dim}\n".encode())
        for first in range(0, words, 10_000):
            block = format_block(vectors[first:first + 10_000])
            out.writelines(w.encode() + b" " + row for w, row in zip(
                vocabulary[first:first + 10_000], block, strict=True))
    partial.replace(path)
    return path


def measure(side: str, path: Path) -> dict:
    started = time.perf_counter()
    output = subprocess.run([sys.executable, "-m", "bench.evaluation", "--run", side, str(path)],
                            cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def speed(words: int, dim: int) -> float:
    """Print the timing table; returns gensim's wall time ÷ ours."""
    path = generate(words, dim)
    with open(path, "rb") as stream:  # into the page cache, for both sides alike
        while stream.read(64 << 20):
            pass
    print(f"{words:,} words × {dim} ({path.stat().st_size / 2 ** 20:,.0f} MB of text); the "
          "whole Google set, 3CosAdd, restrict_vocab=300000", flush=True)
    results = {}
    for side in ("ours", "gensim"):
        print(f"  running {side} ...", flush=True)
        results[side] = measure(side, path)
    print(f"\n{'side':<8}{'process s':>11}{'load s':>9}{'evaluate s':>12}{'peak MB':>9}"
          f"{'accuracy':>10}{'correct':>9}{'evaluated':>11}")
    for side, result in results.items():
        print(f"{side:<8}{result['wall']:>11.1f}{result['load']:>9.1f}"
              f"{result['evaluate']:>12.1f}{result['peak_kb'] / 1024:>9,.0f}"
              f"{result['accuracy']:>10.4f}{result['correct']:>9,}{result['total']:>11,}")
    ours, theirs = results["ours"], results["gensim"]
    ratio = theirs["wall"] / ours["wall"]
    same = all(ours[key] == theirs[key] for key in ("correct", "total"))
    print(f"gensim ÷ ours, whole processes: {ratio:.1f}× (target ≥ 5×); evaluation alone: "
          f"{theirs['evaluate'] / ours['evaluate']:.1f}×; same counts: "
          f"{'yes' if same else 'NO'}")
    return ratio


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="10,000 words (a tenth)")
    parser.add_argument("--no-speed", action="store_true", help="the equality part only")
    parser.add_argument("--run", nargs=2, metavar=("SIDE", "FILE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if importlib.util.find_spec("gensim") is None:  # not imported: this process stays small
        sys.exit("This benchmark compares with gensim: .venv/bin/pip install gensim")
    if arguments.run:
        run_child(*arguments.run)
        return
    print("1. The same numbers as gensim, on trained vectors", flush=True)
    equal = equality()
    print(f"everything equal to gensim's within {TOLERANCE:g}: {'yes' if equal else 'NO'}")
    if not arguments.no_speed:
        print("\n2. Speed, as whole processes (load + the whole Google set)", flush=True)
        speed(10_000 if arguments.quick else arguments.words, arguments.dim)


if __name__ == "__main__":
    main()
