"""The command line, run as a user would: a separate process with no display."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*arguments, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, arguments)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "corpus.txt"
    lines = []
    for i in range(1500):
        animal, food = ("cat", "fish") if i % 2 else ("dog", "bone")
        lines.append(f"the {animal} eats the {food} in the house number {i % 7}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("out")
    vectors, report = folder / "v.txt", folder / "report.json"
    result = run("train", corpus, "--out", vectors, "--dim", 16, "--epochs", 3,
                 "--min-count", 2, "--report", report)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # quiet when not on a terminal
    return vectors, json.loads(report.read_text())


def test_train_writes_vectors_and_report(trained):
    vectors, report = trained
    assert vectors.read_text().splitlines()[0].split()[1] == "16"
    for key in ("final_loss", "tokens_processed", "seconds", "words_per_second", "vocab_size"):
        assert key in report
    assert report["tokens_processed"] == 3 * report["corpus_tokens"]
    assert report["vocab_size"] < 30


def test_neighbors_and_analogy(trained):
    vectors, _ = trained
    result = run("neighbors", vectors, "cat", "-n", 3)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all("\t" in line for line in lines)
    assert run("analogy", vectors, "cat", "fish", "bone").returncode == 0


def test_unknown_word_is_one_line_with_suggestions(trained):
    result = run("neighbors", trained[0], "kat")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "Did you mean: cat" in result.stderr


@pytest.mark.parametrize("arguments,message", [
    (["train", "missing.txt", "--out", "x.txt"], "no such file"),
    (["train", "{corpus}", "--out", "x.txt", "--dim", "-3"], "dim must be between"),
    (["train", "{corpus}", "--out", "/no/such/folder/x.txt"], "does not exist"),
    (["neighbors", "{corpus}", "cat"], "first line should be"),
    (["train", "{corpus}", "--out", "x.txt", "--dim", "abc"], "invalid int value"),
    (["train", "{corpus}"], "the following arguments are required: --out"),
    (["train", "{corpus}", "--out", "x.txt", "--model", "glove"], "invalid choice"),
])
def test_bad_arguments_exit_non_zero_with_a_reason(corpus, tmp_path, arguments, message):
    result = run(*[a.format(corpus=corpus) for a in arguments], cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_binary_and_tsv_and_model_outputs(corpus, tmp_path):
    for out, extra in (("v.bin", ["--binary"]), ("v.tsv", []), ("model.npz", [])):
        result = run("train", corpus, "--out", tmp_path / out, "--dim", 8, "--epochs", 1, *extra)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "v_metadata.tsv").exists()
    from core.trainer import Trainer

    assert Trainer.load(tmp_path / "model.npz").finished


def test_command_line_never_imports_qt(corpus, tmp_path):
    argv = ["main.py", "train", str(corpus), "--out", str(tmp_path / "v.txt"), "--dim", "4",
            "--epochs", "1"]
    script = (
        f"import sys, runpy; sys.argv = {argv!r}\n"
        f"try:\n    runpy.run_path({str(ROOT / 'main.py')!r}, run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print([m for m in sys.modules if m.startswith(('PyQt', 'pyqtgraph'))])"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr
