"""The command line, run as a user would: a separate process with no display."""

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.cli import main as command_line
from core.open_vectors import read_vectors
from tests.core.mounts import fill, read_only_folder, small_tmpfs

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
    (["neighbors", "{corpus}", "cat"], "is not a vectors file"),
    (["neighbors", "{corpus}", "cat", "--limit", "0"], "must be at least 1"),
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
    from core.train.trainer import Trainer

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


# ---------------------------------------------------------------------------- in-process
def write_glove(path: Path, words: list[str], dim: int = 4) -> None:
    """Words in two clusters: the first half near e1, the second half near e2."""
    lines = []
    for i, word in enumerate(words):
        row = np.full(dim, 0.01 * (i + 1))
        row[0 if i < len(words) // 2 else 1] = 1.0
        lines.append(word + " " + " ".join(f"{x:.5f}" for x in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_neighbors_reads_a_glove_file(tmp_path, capsys):
    path = tmp_path / "glove.6B.4d.txt"
    write_glove(path, ["cat", "dog", "mouse", "fish", "bone", "meat"])
    assert command_line(["neighbors", str(path), "cat", "-n", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in out] == ["dog", "mouse"]


def test_neighbors_reads_a_vec_file_with_line_separator_words(tmp_path, capsys):
    words = ["a\u2028b", "c\u2029d", "e\x85f", "plain", "other", "more"]
    rows = [f"{w} " + " ".join(f"{x:.3f}" for x in ([1, 0.1 * i, 0] if i < 3 else [0, 1, 0.1 * i]))
            for i, w in enumerate(words)]
    path = tmp_path / "wiki.en.vec"
    path.write_text(f"{len(words)} 3\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert command_line(["neighbors", str(path), "a\u2028b", "-n", "2"]) == 0
    out = capsys.readouterr().out
    assert [line.split("\t")[0] for line in out.split("\n") if line] == ["c\u2029d", "e\x85f"]


def test_analogy_reads_a_saved_model_and_limit_reads_the_first_words(tmp_path, capsys):
    from core.train.config import PRESETS
    from core.train.trainer import Trainer
    from tests.core.test_trainer import planted_corpus

    corpus, _ = planted_corpus(sentences=200)
    trainer = Trainer(corpus, PRESETS["quick_demo"].replace(epochs=1, dim=6))
    trainer.train()
    trainer.save(tmp_path / "model.npz")
    a, b, c = corpus.words[:3]
    assert command_line(["analogy", str(tmp_path / "model.npz"), a, b, c, "-n", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert command_line(["neighbors", str(tmp_path / "model.npz"), a, "--limit", "4"]) == 0
    captured = capsys.readouterr()
    assert {line.split("\t")[0] for line in captured.out.splitlines()} == set(corpus.words[1:4])
    assert "note: Read the first 4 words of" in captured.err
    far = corpus.words[-1]
    assert command_line(["neighbors", str(tmp_path / "model.npz"), far, "--limit", "4"]) == 1
    assert f"'{far}' is not in the vocabulary" in capsys.readouterr().err


def test_a_bad_vectors_file_is_one_line_and_exit_1(tmp_path, capsys):
    path = tmp_path / "broken.vec"
    path.write_text("3 4\nalpha 0.1 0.2 0.3 0.4\nbeta 0.1 0.2\n", encoding="utf-8")
    assert command_line(["neighbors", str(path), "alpha"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "broken.vec, line 3: has 2 numbers, but the header says 4" in err


def test_evaluate_prints_a_table_and_writes_the_report(trained, tmp_path):
    vectors, _ = trained
    questions = tmp_path / "questions.txt"
    questions.write_text(": animals\ncat fish dog bone\ndog bone cat fish\n"
                         ": unknown\ncat fish dog zebra\n")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("# a comment\nword1,word2,score\ncat,dog,8\ncat,fish,3\n"
                     "dog,bone,4\nhouse,number,1\ncat,zebra,5\n")
    report = tmp_path / "evaluation.json"
    result = run("evaluate", vectors, "--analogies", questions, "--pairs", pairs,
                 "--report", report)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["section", "correct", "total", "accuracy", "skipped"]
    assert rows[1].split()[0] == "animals" and rows[2].split()[0] == "unknown"
    assert rows[3].split()[0] == "total" and "Spearman" in result.stdout
    saved = json.loads(report.read_text())
    analogies, scored = saved["analogies"], saved["pairs"]
    assert (analogies["total"], analogies["skipped"]) == (2, 1)
    assert [section["name"] for section in analogies["sections"]] == ["animals", "unknown"]
    assert 0 <= analogies["accuracy"] <= 1 and analogies["correct"] <= 2
    assert scored["oov_ratio"] == pytest.approx(20.0)  # cat,zebra: 1 of 5 pairs
    assert -1 <= scored["spearman"] <= 1 and -1 <= scored["pearson"] <= 1


def test_evaluate_refuses_a_bad_file_and_asks_for_a_test_set(trained, tmp_path):
    vectors, _ = trained
    assert "--analogies" in run("evaluate", vectors).stderr
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = run("evaluate", vectors, "--analogies", bad)
    assert result.returncode == 1 and "empty.txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_train_evaluates_after_every_epoch_into_the_report(corpus, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text(": animals\ncat fish dog bone\ndog bone cat fish\n")
    report = tmp_path / "report.json"
    result = run("train", corpus, "--out", tmp_path / "v.txt", "--dim", 16, "--epochs", 3,
                 "--min-count", 2, "--evaluate", questions, "--report", report)
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        "epoch 1", "epoch 2", "epoch 3"]
    curve = json.loads(report.read_text())["quality"]
    assert [point["epoch"] for point in curve] == [1, 2, 3]
    assert np.all(np.diff([point["words_processed"] for point in curve]) > 0)
    assert all(point["analogies"]["total"] == 2 for point in curve)


# ------------------------------------------- train --out: found out before, kept after
def must_not_run(*args, **kwargs):
    raise AssertionError("this work should not have started")


def one_line(err: str) -> str:
    assert err.count("\n") == 1, err
    assert "Traceback" not in err and ".partial" not in err
    return err


def test_a_missing_output_folder_is_refused_before_the_corpus_is_read(corpus, tmp_path,
                                                                       monkeypatch, capsys):
    from core import cli

    monkeypatch.setattr(cli, "load_corpus", must_not_run)
    out = tmp_path / "missing" / "v.txt"
    assert command_line(["train", str(corpus), "--out", str(out)]) == 2
    err = one_line(capsys.readouterr().err)
    assert f"cannot write {out}: the folder {out.parent} does not exist" in err
    assert "mkdir -p" in err


def test_an_unwritable_report_is_refused_before_the_corpus_is_read(corpus, tmp_path,
                                                                    monkeypatch, capsys):
    from core import cli

    monkeypatch.setattr(cli, "load_corpus", must_not_run)
    report = tmp_path / "no" / "report.json"
    assert command_line(["train", str(corpus), "--out", str(tmp_path / "v.txt"),
                         "--report", str(report)]) == 2
    assert f"cannot write {report}" in one_line(capsys.readouterr().err)


def test_a_read_only_output_folder_is_refused_before_the_corpus_is_read(corpus, tmp_path,
                                                                         monkeypatch, capsys):
    from core import cli

    monkeypatch.setattr(cli, "load_corpus", must_not_run)
    with read_only_folder(tmp_path) as folder:
        out = folder / "v.txt"
        assert command_line(["train", str(corpus), "--out", str(out)]) == 2
        err = one_line(capsys.readouterr().err)
        assert f"cannot write {out}: there is no permission" in err and "chmod u+w" in err


def test_a_path_through_a_file_is_refused_before_the_corpus_is_read(corpus, tmp_path,
                                                                     monkeypatch, capsys):
    """Root may write anywhere, but not into a 'folder' that is a regular file."""
    from core import cli

    monkeypatch.setattr(cli, "load_corpus", must_not_run)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    out = blocker / "v.tsv"
    assert command_line(["train", str(corpus), "--out", str(out)]) == 2
    assert f"cannot write {out}: {blocker} is not a folder" in one_line(
        capsys.readouterr().err)


def test_a_read_only_file_system_is_refused_before_the_corpus_is_read(corpus, tmp_path,
                                                                       monkeypatch, capsys):
    from core import cli

    monkeypatch.setattr(cli, "load_corpus", must_not_run)
    with small_tmpfs(tmp_path / "ro", read_only=True) as folder:
        assert command_line(["train", str(corpus), "--out", str(folder / "v.txt")]) == 2
        assert "is on a read-only file system" in one_line(capsys.readouterr().err)


def test_a_full_disk_is_refused_before_the_corpus_is_read(corpus, tmp_path, monkeypatch,
                                                          capsys):
    from core import cli

    monkeypatch.setattr(cli, "load_corpus", must_not_run)
    with small_tmpfs(tmp_path / "full") as folder:
        fill(folder)
        out = folder / "v.txt"
        assert command_line(["train", str(corpus), "--out", str(out)]) == 2
        err = one_line(capsys.readouterr().err)
        assert f"cannot write {out}: the disk holding {folder} has no room for it" in err
        assert not out.exists()


def test_a_disk_too_small_for_the_output_is_refused_before_training(corpus, tmp_path,
                                                                     monkeypatch, capsys):
    from core import cli

    monkeypatch.setattr(cli.Trainer, "train", must_not_run)
    with small_tmpfs(tmp_path / "small") as folder:
        fill(folder, leave=16 * 1024)
        out = folder / "v.txt"  # ~15 words x 300 values: at least 36 KB as text
        assert command_line(["train", str(corpus), "--out", str(out), "--dim", "300"]) == 2
        err = one_line(capsys.readouterr().err)
        assert f"cannot write {out}: it needs at least" in err and "KiB free" in err


def kept_files(data: Path) -> list[Path]:
    return sorted(path for path in (data / "kept runs").rglob("*") if path.is_file())


def test_a_write_that_fails_after_training_keeps_the_run_in_the_data_folder(
        corpus, tmp_path, monkeypatch, capsys):
    from core.vectors import writing as vector_writing

    monkeypatch.setenv("WORD2VEC_STUDIO_DATA", str(tmp_path / "data"))
    real_write_rows, calls = vector_writing._write_rows, []

    def disk_full_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write_rows(*args, **kwargs)

    monkeypatch.setattr(vector_writing, "_write_rows", disk_full_once)
    out, report = tmp_path / "v.txt", tmp_path / "report.json"
    assert command_line(["train", str(corpus), "--out", str(out), "--dim", "8", "--epochs",
                         "1", "--report", str(report)]) == 1
    err = one_line(capsys.readouterr().err)
    [kept] = kept_files(tmp_path / "data")
    assert kept.name == "v.txt" and not out.exists()
    assert f"cannot write {out}: the disk holding {tmp_path} has no room for it" in err
    assert f"The run was kept: the vectors are in {kept}" in err
    assert read_vectors(kept).embeddings.dim == 8
    saved = json.loads(report.read_text())
    assert saved["outputs"] == [str(kept)] and "has no room" in saved["output_error"]
    assert [name for name in os.listdir(tmp_path) if name.endswith(".partial")] == []


def test_a_disk_that_fills_up_during_training_keeps_the_run(corpus, tmp_path, monkeypatch,
                                                            capsys):
    from core import cli

    monkeypatch.setenv("WORD2VEC_STUDIO_DATA", str(tmp_path / "data"))
    real_train = cli.Trainer.train
    with small_tmpfs(tmp_path / "small") as folder:
        def train_while_the_disk_fills(self, *args, **kwargs):
            fill(folder)
            return real_train(self, *args, **kwargs)

        monkeypatch.setattr(cli.Trainer, "train", train_while_the_disk_fills)
        out = folder / "v.tsv"
        # one worker: the disk fills when this process's Trainer.train begins
        assert command_line(["train", str(corpus), "--out", str(out), "--dim", "8",
                             "--epochs", "1", "--workers", "1"]) == 1
        err = one_line(capsys.readouterr().err)
        kept = kept_files(tmp_path / "data")
        assert [path.name for path in kept] == ["v.tsv", "v_metadata.tsv"]
        assert f"cannot write {out}: the disk holding {folder} has no room for it" in err
        assert str(kept[0]) in err
        assert sorted(os.listdir(folder)) == ["filler"]  # no partial file, no half a pair
        assert read_vectors(kept[0]).embeddings.words[0] == "the"


def run_patched(patches: str, *arguments, cwd=ROOT):
    """The command line in a separate process, after `patches` (Python) ran in it."""
    script = f"import sys\n{patches}\nfrom core.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", script, *map(str, arguments)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def test_ctrl_c_while_the_corpus_is_read_ends_with_one_line(corpus, tmp_path):
    result = run_patched(
        "import core.cli\n"
        "def interrupted(*args, **kwargs):\n    raise KeyboardInterrupt\n"
        "core.cli.load_corpus = interrupted",
        "train", corpus, "--out", tmp_path / "v.txt")
    assert result.returncode == 130
    assert result.stderr == ("main.py train: interrupted while reading the corpus; nothing "
                             "was trained or written.\n")
    assert os.listdir(tmp_path) == []


def test_a_second_ctrl_c_while_writing_ends_with_one_line(corpus, tmp_path):
    """The first Ctrl+C stops training; the second comes while the vectors are written."""
    out = tmp_path / "v.txt"
    out.write_text("earlier\n")
    result = run_patched(
        "import core.cli, core.vectors.writing\n"
        "def interrupted(*args, **kwargs):\n    raise KeyboardInterrupt\n"
        "core.cli.Trainer.train = interrupted\n"
        "core.vectors.writing._write_rows = interrupted",
        "train", corpus, "--out", out, "--dim", 4)
    assert result.returncode == 130
    assert result.stderr == (f"main.py train: interrupted while writing {out}; it was left "
                             "as it was and the run was not saved.\n")
    assert sorted(os.listdir(tmp_path)) == ["v.txt"] and out.read_text() == "earlier\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_real_ctrl_c_while_the_corpus_is_read(tmp_path):
    """A corpus that is a pipe: once the command has opened it, it is reading the corpus."""
    pipe = tmp_path / "corpus.txt"
    os.mkfifo(pipe)
    # Ctrl+C raises KeyboardInterrupt in the command even where the test runner was started
    # with SIGINT ignored (a background job), which its children would inherit
    command = ("import runpy, signal, sys; signal.signal(signal.SIGINT, "
               "signal.default_int_handler); "
               "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
               "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    process = subprocess.Popen([sys.executable, "-c", command, str(ROOT / "main.py"), "train",
                                str(pipe), "--out", str(tmp_path / "v.txt")], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with open(pipe, "w") as writer:  # returns once the command opened the pipe
            writer.write("the cat eats the fish\n")
            writer.flush()
            # the reader may be between two opens of the pipe (a sniff of its first bytes,
            # then the read): Ctrl+C again until it has ended, as a person would
            err = None
            for _ in range(60):
                process.send_signal(signal.SIGINT)
                try:
                    _, err = process.communicate(timeout=1)
                    break
                except subprocess.TimeoutExpired:
                    continue
    finally:
        process.kill()
    assert process.returncode == 130
    assert err == ("main.py train: interrupted while reading the corpus; nothing was "
                   "trained or written.\n")
