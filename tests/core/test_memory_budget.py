"""The memory a run needs: the estimate against a real run's peak, and a run that cannot fit
refused before anything is allocated, with the figures and what to lower."""

import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import core.train.memory_budget
from core.data.corpus import Corpus
from core.storage.files import format_bytes
from core.train.config import TrainConfig
from core.train.memory_budget import (
    NotEnoughMemory,
    check_fits,
    estimate_memory,
    run_memory,
)
from core.train.trainer import Trainer, TrainerError

ROOT = Path(__file__).resolve().parents[2]
MiB = 2**20


def zipf_corpus(vocab: int, tokens: int, seed: int = 0) -> Corpus:
    """`tokens` words over `vocab` types (each at least once), in sentences of 12."""
    rng = np.random.default_rng(seed)
    ids = np.minimum(rng.zipf(1.3, size=tokens - vocab) - 1, vocab - 1)
    ids = rng.permutation(np.r_[np.arange(vocab), ids]).astype(np.int32)
    counts = np.bincount(ids, minlength=vocab).astype(np.int64)
    return Corpus(words=[f"w{i}" for i in range(vocab)], counts=counts, token_ids=ids,
                  sentence_offsets=np.r_[np.arange(0, tokens, 12), tokens].astype(np.int64))


# What training allocates beyond the corpus, measured in a process of its own: the peak
# resident memory over one whole step past the warm-up, taking a copy of the vectors after
# each call as the app does, minus the memory in use before the Trainer was built. The
# peak is reset when the Trainer is about to be built (/proc/self/clear_refs), so that a
# peak reached before (building the corpus) is never counted.
MEASURE = textwrap.dedent("""
    import json, resource, sys
    from core.train.config import TrainConfig
    from core.train.memory_budget import estimate_memory
    from core.train.trainer import Trainer
    from tests.core.test_memory_budget import zipf_corpus

    def resident():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()

    def peak_since_reset():
        with open("/proc/self/status") as status:
            line = next(l for l in status if l.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024

    corpus = zipf_corpus(20_000, 60_000)
    config = TrainConfig(**json.loads(sys.argv[1]))
    before = resident()
    try:  # the peak from here on only: not what building the corpus once reached
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        peak_of = peak_since_reset
    except OSError:
        peak_of = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    trainer = Trainer(corpus, config)
    trainer.epoch, trainer.words_done = 1, corpus.token_count  # past the warm-up
    snapshot = None
    while trainer.steps < 2:
        trainer.step()
        snapshot = trainer.embeddings()
    peak = peak_of()
    print(json.dumps({"measured": peak - before,
                      "estimate": estimate_memory(config, corpus).training}))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
@pytest.mark.parametrize("changes", [
    {"dim": 500, "batch_words": 10_000_000},  # one step = the epoch, in chunks
    {"dim": 300, "batch_words": 1024, "window": 10},  # steps of one chunk
    {"model": "cbow", "dim": 400, "batch_words": 100_000},
    {"dim": 2000, "batch_words": 1024},  # two chunks: sums of the rows touched only
], ids=["chunked", "whole", "cbow", "two-chunks"])
def test_the_estimate_is_within_a_factor_two_of_a_real_runs_peak(changes):
    config = {"epochs": 3, "min_count": 1, **changes}
    result = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(config)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    measured, estimate = figures["measured"], figures["estimate"]
    assert measured > 50 * MiB  # training, not the interpreter, is what was measured
    assert measured / 2 <= estimate <= 2 * measured, (
        f"estimate {estimate / MiB:.0f} MiB, measured {measured / MiB:.0f} MiB")


def test_the_parts_add_up_and_the_step_no_longer_grows_with_the_words_per_step():
    corpus = zipf_corpus(20_000, 60_000)
    config = TrainConfig(dim=2000, batch_words=10_000_000)  # the 8.35 GiB run
    estimate = estimate_memory(config, corpus)
    assert run_memory(config, corpus) == estimate.corpus + estimate.training
    vectors = corpus.vocab_size * config.dim * 4
    assert estimate.vectors >= 2 * vectors  # V and U
    # a step computed in chunks: its sums (three (V, d) matrices at most) and one chunk
    assert estimate.step <= 4 * vectors + 512 * 2**20
    for batch in (100_000, 1_000_000):
        assert estimate_memory(config.replace(batch_words=batch), corpus).step == estimate.step
    # the handout's batching keeps 30 copies of the text while it builds them
    windows = estimate_memory(config.replace(batching="windows"), corpus)
    assert windows.text_peak > 30 * corpus.token_ids.nbytes


def test_a_run_that_does_not_fit_is_refused_with_the_figures_and_what_to_lower():
    corpus = zipf_corpus(20_000, 60_000)
    config = TrainConfig(dim=2000, batch_words=10_000_000)
    estimate = estimate_memory(config, corpus)
    free = estimate.training // 3
    with pytest.raises(NotEnoughMemory) as refused:
        check_fits(config, corpus, available=free)
    message = str(refused.value)
    assert isinstance(refused.value, TrainerError)
    assert f"needs about {format_bytes(estimate.training)} of memory" in message
    assert f"this computer has {format_bytes(free)} free" in message
    assert "dimension (dim 2,000)" in message and "20,000 words" in message
    assert refused.value.estimate == estimate and refused.value.available == free
    # what fits, and a computer that does not say, are not refused
    assert check_fits(config, corpus, available=estimate.training) == estimate
    assert check_fits(config.replace(dim=100), corpus, available=free).training <= free


def test_the_words_per_step_are_named_when_the_step_is_what_does_not_fit():
    corpus = zipf_corpus(500, 60_000)
    config = TrainConfig(dim=1000, window=50, batch_words=10_000_000)
    estimate = estimate_memory(config, corpus)
    assert estimate.step > estimate.vectors
    with pytest.raises(NotEnoughMemory, match=r"words per step \(batch_words 10,000,000\)"):
        check_fits(config, corpus, available=estimate.vectors)


def test_unknown_free_memory_refuses_nothing(monkeypatch):
    monkeypatch.setattr(core.train.memory_budget, "available_memory", lambda: None)
    corpus = zipf_corpus(20_000, 60_000)
    assert check_fits(TrainConfig(dim=10_000), corpus).training > 2**30


def test_a_trainer_that_cannot_fit_is_refused_before_its_vectors_are_allocated(monkeypatch):
    corpus = zipf_corpus(20_000, 60_000)
    Trainer.prepare(corpus)  # the noise table, which belongs to the corpus
    monkeypatch.setattr(core.train.memory_budget, "available_memory", lambda: 64 * MiB)
    config = TrainConfig(dim=2000)  # 153 MiB a matrix
    tracemalloc.start()
    try:
        with pytest.raises(NotEnoughMemory, match="this computer has 64 MiB free"):
            Trainer(corpus, config)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB
    Trainer(corpus, config.replace(dim=100))  # 7.6 MiB a matrix: fits


def test_the_command_line_refuses_before_training(tmp_path, monkeypatch, capsys):
    from core.cli import main as command_line

    corpus = tmp_path / "corpus.txt"
    rng = np.random.default_rng(2)
    corpus.write_text("\n".join(" ".join(f"w{w}" for w in rng.integers(0, 3000, size=12))
                                for _ in range(2000)), encoding="utf-8")
    monkeypatch.setattr(core.train.memory_budget, "available_memory", lambda: 32 * MiB)
    out = tmp_path / "vectors.txt"
    status = command_line(["train", str(corpus), "--out", str(out), "--dim", "2000",
                           "--batch-words", "10000000", "--min-count", "1"])
    error = capsys.readouterr().err
    assert status != 0 and not out.exists()
    assert "needs about" in error and "this computer has 32 MiB free" in error
    assert "words per step (batch_words 10,000,000)" in error and "(dim 2,000)" in error
