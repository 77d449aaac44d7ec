"""Checking the gradients of a model, now: the trainer's own batched functions, by central
differences at its current parameters; the checker can fail; the command line."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.errors import Cancelled
from core.train import forward
from core.train.config import TrainConfig
from core.train.gradcheck import check_model_gradient
from core.train.trainer import Trainer

ROOT = Path(__file__).resolve().parents[2]


def small_corpus() -> Corpus:
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(40)]
    sentences = [[words[j] for j in rng.integers(0, 40, size=rng.integers(2, 12))]
                 for _ in range(400)]
    return Corpus.from_sentences(sentences)


def trained(model: str, loss: str, cbow_mean: bool = False) -> Trainer:
    trainer = Trainer(small_corpus(), TrainConfig(model=model, loss=loss, dim=6, window=3,
                                                  epochs=2, min_count=1, sample=0,
                                                  cbow_mean=cbow_mean, seed=5))
    for _ in range(20):  # away from the start, where U is zero
        trainer.step()
    return trainer


@pytest.mark.parametrize("model,loss,mean", [("skipgram", "neg", False),
                                             ("skipgram", "softmax", False),
                                             ("cbow", "neg", False), ("cbow", "neg", True),
                                             ("cbow", "softmax", False),
                                             ("cbow", "softmax", True)])
def test_every_model_and_loss_passes_at_the_current_parameters(model, loss, mean):
    trainer = trained(model, loss, mean)
    before = trainer.center_vectors.copy(), trainer.outside_vectors.copy()
    check = check_model_gradient(trainer, windows=6)
    assert check.passed and check.worst_relative_error <= 1e-7
    assert check.entries_checked == min(check.entries_in_play, 2000) > 0
    np.testing.assert_array_equal(trainer.center_vectors, before[0])  # left as it was
    np.testing.assert_array_equal(trainer.outside_vectors, before[1])


def test_a_wrong_gradient_is_caught_and_located(monkeypatch):
    real = forward.pooled_noise

    def wrong(inputs, pool_vectors, weights, with_loss=True):
        result = real(inputs, pool_vectors, weights, with_loss)
        result.inputs *= 1.5  # the noise half of dJ/dv_c, half as large again
        return result

    monkeypatch.setattr(forward, "pooled_noise", wrong)
    check = check_model_gradient(trained("skipgram", "neg"), windows=6)
    assert not check.passed and check.worst_relative_error > 1e-3
    assert check.matrix == "V" and check.word.startswith("w")
    assert "dJ/dV" in check.where and "FAILED" in check.summary()


def test_the_command_line_checks_a_saved_model_and_writes_a_report(tmp_path):
    model, report = tmp_path / "m.npz", tmp_path / "r.json"
    trained("cbow", "softmax").save(model)
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "gradcheck", str(model),
                           "--report", str(report)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "cbow with naive softmax: worst relative error" in done.stdout
    result = json.loads(report.read_text())
    assert result["worst_relative_error"] <= 1e-7 and result["passed"]
    assert result["model"] == "cbow" and "the row of" in result["where"]


def test_the_command_line_names_an_unreadable_model(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model")
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "gradcheck", str(junk)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 1 and "junk.npz" in done.stderr


@pytest.mark.parametrize("loss", ["neg", "softmax"])
def test_the_handouts_batching_is_checked_with_its_own_noise_draws(loss):
    config = TrainConfig(model="cbow", loss=loss, dim=6, window=3, min_count=1,
                         batching="windows", batch_size=10, iterations=50, seed=2)
    trainer = Trainer(small_corpus(), config)
    for _ in range(20):
        trainer.step()
    check = check_model_gradient(trainer, windows=6)
    assert check.passed and check.model == "skipgram"  # what that batching trains


def test_a_time_budget_checks_fewer_entries_and_a_stop_is_honoured():
    trainer = trained("skipgram", "softmax")
    quick = check_model_gradient(trainer, windows=6, seconds=0.05)
    assert 20 <= quick.entries_checked < 2000 and quick.passed
    calls = []
    with pytest.raises(Cancelled):
        check_model_gradient(trainer, windows=6,
                             should_stop=lambda: calls.append(1) or len(calls) > 5)
