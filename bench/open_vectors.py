"""Opening word-vector files: core.vectors.reading against gensim, side by side.

    .venv/bin/python -m bench.open_vectors [--words 400000] [--dim 300] [--quick]

Three files of the shape of GloVe-6B-300d (400,000 words × 300, ~1.2 GB of text) are
generated once under bench/out/: GloVe text (no header), the same as word2vec text (a
"V d" header) and word2vec binary. Values are "%.6f" floats of magnitude ~0.5 around
cluster centres; words are made-up letter strings. Each reader opens each file in its own
process: time is measured inside it around the one call that reads, and peak memory is
the process's peak resident size (VmHWM, else ru_maxrss from os.wait4) minus that of a
process that imported the same modules and read nothing. Peer: gensim's
KeyedVectors.load_word2vec_format (no_header=True for GloVe, binary=True for binary).
Both readers' vectors are checked to agree (same words, same float32 sums).

Targets on the full size: text ≥ 4× faster than gensim; peak memory ≤ 2× the float32 matrix.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from bench.data import OUT, ROOT

READERS = {
    "ours": ("from core.vectors.reading import read_vectors",
             "loaded = read_vectors(PATH).embeddings; words, vectors = loaded.words, "
             "loaded.vectors"),
    "gensim": ("from gensim.models import KeyedVectors",
               "kv = KeyedVectors.load_word2vec_format(PATH, binary=BINARY, "
               "no_header=NO_HEADER); words, vectors = kv.index_to_key, kv.vectors"),
}

CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
import numpy as np
{imports}
PATH, BINARY, NO_HEADER = {path!r}, {binary!r}, {no_header!r}
started = time.perf_counter()
{call}
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "words": len(words), "first": words[0],
                  "last": words[-1], "shape": list(vectors.shape),
                  "sum": float(vectors.sum(dtype=np.float64)), "peak_kb": peak_kb()}}))
"""

BASELINE = """
import json, resource, sys
sys.path.insert(0, {root!r})
import numpy as np
{imports}
print(json.dumps({{"peak_kb": peak_kb()}}))
"""

PEAK = """
def peak_kb():
    # VmHWM starts afresh at exec; ru_maxrss would keep the size of the process that forked
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def make_words(count: int, rng: np.random.Generator) -> list[str]:
    """Distinct made-up words of 2 to 12 letters."""
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        lengths = rng.integers(2, 13, count)
        codes = rng.choice(letters, size=(count, 12))
        for row, length in zip(codes, lengths, strict=True):
            word = row[:length].tobytes().decode()
            if word not in seen:
                seen.add(word)
                words.append(word)
                if len(words) == count:
                    break
    return words


def format_block(values: np.ndarray) -> list[bytes]:
    """Rows of "%.6f" numbers separated by single spaces, formatted by NumPy in bulk."""
    rows, dim = values.shape
    micro = np.rint(np.abs(values).astype(np.float64) * 1e6).astype(np.int64)
    digits = np.empty((rows, dim, 10), dtype=np.uint8)
    digits[:, :, 0] = np.where(values < 0, ord("-"), 0)  # 0: no sign, removed below
    digits[:, :, 1] = 48 + micro // 1_000_000
    digits[:, :, 2] = ord(".")
    for place in range(6):
        digits[:, :, 8 - place] = 48 + (micro // 10 ** place) % 10
    digits[:, :, 9] = ord(" ")
    digits[:, -1, 9] = ord("\n")
    lengths = (digits[:, :, 0] != 0).sum(axis=1) + 9 * dim
    flat = digits.reshape(-1)
    text = flat[flat != 0].tobytes()
    ends = np.cumsum(lengths).tolist()
    return [text[start:end] for start, end in zip([0] + ends[:-1], ends, strict=True)]


def generate(words: int, dim: int) -> dict[str, Path]:
    """GloVe text, word2vec text and word2vec binary files of one set of vectors (once)."""
    OUT.mkdir(parents=True, exist_ok=True)
    paths = {"glove": OUT / f"vectors_{words}x{dim}.glove.txt",
             "word2vec": OUT / f"vectors_{words}x{dim}.w2v.txt",
             "word2vec-binary": OUT / f"vectors_{words}x{dim}.w2v.bin"}
    if all(path.exists() for path in paths.values()):
        return paths
    print(f"generating {words:,} × {dim} vectors under {OUT} (once) ...", flush=True)
    rng = np.random.default_rng(0)
    vocabulary = make_words(words, rng)
    centres = rng.normal(0.0, 0.4, (200, dim)).astype(np.float32)
    vectors = np.clip(centres[rng.integers(0, 200, words)]
                      + rng.normal(0.0, 0.3, (words, dim)).astype(np.float32), -9.9, 9.9)
    partial = {name: path.with_name(path.name + ".partial") for name, path in paths.items()}
    with open(partial["glove"], "wb") as glove, open(partial["word2vec"], "wb") as text, \
            open(partial["word2vec-binary"], "wb") as binary:
        text.write(f"{words} {dim}\n".encode())
        binary.write(f"{words} {dim}\n".encode())
        for first in range(0, words, 10_000):
            block = vectors[first:first + 10_000]
            lines = [w.encode() + b" " + row for w, row in zip(
                vocabulary[first:first + 10_000], format_block(block), strict=True)]
            glove.writelines(lines)
            text.writelines(lines)
            rows = block.astype("<f4")
            binary.writelines(w.encode() + b" " + row.tobytes() + b"\n" for w, row in zip(
                vocabulary[first:first + 10_000], rows, strict=True))
    for name, path in paths.items():
        partial[name].replace(path)
    return paths


def run_child(script: str) -> tuple[dict, float]:
    """Run `script` in its own interpreter -> (its JSON output, its peak RSS in MB).

    The peak is the child's own VmHWM (Linux), else its ru_maxrss from os.wait4, which
    also counts the size of this process at the fork.
    """
    head, _, body = script.partition("import numpy as np\n")
    script = head + "import numpy as np\nimport resource\n" + PEAK + body
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               cwd=ROOT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"the reader failed (exit {process.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    return result, (result.get("peak_kb") or usage.ru_maxrss) / 1024


def measure(reader: str, path: Path, kind: str) -> dict:
    imports, call = READERS[reader]
    options = {"root": str(ROOT), "imports": imports, "path": str(path),
               "binary": kind == "word2vec-binary", "no_header": kind == "glove"}
    _, baseline = run_child(BASELINE.format(**options))
    result, peak = run_child(CHILD.format(call=call, **options))
    result["peak_mb"] = peak - baseline
    return result


def warm(path: Path) -> None:
    """Read the file once so that every reader finds it in the page cache."""
    with open(path, "rb") as stream:
        while stream.read(64 << 20):
            pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=400_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="40,000 words (a tenth)")
    arguments = parser.parse_args(argv)
    words = 40_000 if arguments.quick else arguments.words
    if importlib.util.find_spec("gensim") is None:  # not imported: this process stays small
        sys.exit("This benchmark compares with gensim: .venv/bin/pip install gensim")
    paths = generate(words, arguments.dim)
    matrix_mb = words * arguments.dim * 4 / 2 ** 20
    print(f"{words:,} words × {arguments.dim}: the float32 matrix is {matrix_mb:,.0f} MB")
    print(f"{'file':<28}{'size':>9}{'reader':>8}{'seconds':>9}{'peak MB':>9}"
          f"{'× matrix':>10}{'gensim ÷ ours':>15}")
    for kind, path in paths.items():
        warm(path)
        results = {reader: measure(reader, path, kind) for reader in READERS}
        ours, theirs = results["ours"], results["gensim"]
        agree = all(ours[key] == theirs[key] for key in ("words", "first", "last", "shape"))
        agree = agree and abs(ours["sum"] - theirs["sum"]) <= 1e-6 * max(abs(theirs["sum"]), 1)
        for reader, result in results.items():
            first = reader == "ours"
            name = path.name if first else ""
            size = f"{path.stat().st_size / 2 ** 20:,.0f} MB" if first else ""
            ratio = f"{theirs['seconds'] / ours['seconds']:.1f}×" if first else ""
            print(f"{name:<28}{size:>9}{reader:>8}{result['seconds']:>9.2f}"
                  f"{result['peak_mb']:>9,.0f}{result['peak_mb'] / matrix_mb:>9.2f}×"
                  f"{ratio:>15}", flush=True)
        print(f"{'':<28}{'':>9}  same words and values: {'yes' if agree else 'NO'}")


if __name__ == "__main__":
    main()
