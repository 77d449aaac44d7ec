"""`run.py check word2vec.py`: a student's own functions checked in a process of their
own, each mistake named where the numbers prove it, their tracebacks shown, a function
that never returns stopped, and a file that cannot be used refused with the reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core.cli import main as command_line
from core.student.probe import not_written
from core.student.runner import check_file
from tests.core.student_files import SGD, WORD2VEC, with_mistakes, write


def probes_of_this_process() -> list[int]:
    """Checking and training processes of a student's code still running, started by
    this test's process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"core.student." in command:
            found.append(int(entry.name))
    return found


@pytest.fixture
def no_process_left():
    yield
    assert not probes_of_this_process()


def test_the_assignment_written_right_passes_everything(tmp_path, no_process_left):
    word2vec, sgd = write(tmp_path)
    report_path = tmp_path / "report.json"
    status = command_line(["check", str(word2vec), "--sgd", str(sgd), "--report",
                           str(report_path)])
    assert status == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["passed"] is True and report["error"] is None
    assert set(report["functions"]) == {
        "sigmoid", "naiveSoftmaxLossAndGradient", "getNegativeSamples",
        "negSamplingLossAndGradient", "skipgram", "word2vec_sgd_wrapper", "sgd"}
    for name, result in report["functions"].items():
        assert result["passed"] and result["diagnosis"] is None, name
        assert result["checks"], name
    # the course's published values are among the checks, with theirs and ours beside
    published = [check for check in report["functions"]["skipgram"]["checks"]
                 if check["name"].startswith("the course's value: skipgram(\"c\", 3")]
    assert published[0]["expected"] == pytest.approx(11.16610900153398)
    assert published[0]["theirs"] == pytest.approx(11.16610900153398)
    assert published[0]["ours"] == pytest.approx(11.16610900153398)


def test_each_usual_mistake_is_named_in_its_own_function(tmp_path, no_process_left):
    word2vec, sgd = write(tmp_path, *with_mistakes(
        "sign flipped", "not redrawn", "noise sign", "not accumulated", "stub", "sgd sign"))
    report = check_file(word2vec, sgd, timeout=30)
    assert report.exit_status == 1
    results = report.functions
    assert results["sigmoid"]["status"] == "not written"
    assert "the sign is flipped" in results["naiveSoftmaxLossAndGradient"]["diagnosis"]
    failed = [c for c in results["naiveSoftmaxLossAndGradient"]["checks"] if not c["passed"]]
    assert {c["output"] for c in failed if "row 2" in c["name"]} == {"gradCenterVec"}
    assert "not redrawn" in results["getNegativeSamples"]["diagnosis"]
    assert "σ(+u_k·v_c)" in results["negSamplingLossAndGradient"]["diagnosis"]
    assert "not accumulated over the outside words" in results["skipgram"]["diagnosis"]
    assert "sign of the update is flipped" in results["sgd"]["diagnosis"]
    # checked with core's versions of the rest: the stub sigmoid is not blamed elsewhere,
    # and the wrapper, written right, passes
    assert results["word2vec_sgd_wrapper"]["passed"]
    # a gradient that differs carries its difference (theirs − expected) for the heatmap
    center = next(c for c in failed if c["output"] == "gradCenterVec")
    assert center["difference"] == pytest.approx(
        [2 * t for t in center["theirs"]], abs=1e-9)


def test_more_mistakes_a_raise_and_a_function_that_never_returns(tmp_path,
                                                                no_process_left):
    word2vec, sgd = write(tmp_path, *with_mistakes(
        "transposed", "repeats", "raises", "averaged", "never returns"))
    report = check_file(word2vec, sgd, timeout=3)
    results = report.functions
    assert report.exit_status == 1
    assert "transposed" in results["naiveSoftmaxLossAndGradient"]["diagnosis"]
    assert "counts once" in results["negSamplingLossAndGradient"]["diagnosis"]
    assert "divided by the number of outside words" in results["skipgram"]["diagnosis"]
    raised = results["sigmoid"]
    assert raised["status"] == "raised"
    assert f'File "{word2vec}", line 13, in sigmoid' in raised["error"]
    assert "ValueError" in raised["error"] and "probe.py" not in raised["error"]
    stuck = results["getNegativeSamples"]
    assert stuck["status"] == "timed out" and "getNegativeSamples never returned" in (
        stuck["diagnosis"])
    # the functions after the stuck one were checked all the same, in a fresh process
    assert results["sgd"]["passed"] and results["word2vec_sgd_wrapper"]["passed"]


def test_a_constant_factor_a_gradient_in_every_row_and_a_diverging_sgd(tmp_path, no_process_left):
    word2vec, sgd = write(tmp_path, *with_mistakes("constant factor", "every row",
                                                   "sgd overshoots"))
    report = check_file(word2vec, sgd, timeout=30)
    assert "off by a constant factor: yours is 2 ×" in (
        report.functions["naiveSoftmaxLossAndGradient"]["diagnosis"])
    assert "added to every row of gradCenterVecs" in report.functions["skipgram"][
        "diagnosis"]
    # x diverges to infinity: said so, and no exception is blamed on their code
    diverged = report.functions["sgd"]
    assert diverged["status"] == "failed" and "x grows instead of shrinking" in diverged[
        "diagnosis"]


def test_a_missing_return_an_ignored_loss_and_a_missing_step(tmp_path, no_process_left):
    word2vec, sgd = write(tmp_path, *with_mistakes("no return", "ignores the loss",
                                                   "sgd no step"))
    results = check_file(word2vec, sgd, timeout=30).functions
    naive = results["naiveSoftmaxLossAndGradient"]
    assert naive["status"] == "failed" and "`return` line missing" in naive["diagnosis"]
    assert "ignores the loss function it is given" in results["skipgram"]["diagnosis"]
    # x = x - grad swings between 0.5 and -0.5: neither "never changes" nor "grows"
    assert results["sgd"]["diagnosis"] == ("the step size is missing: x moves by the whole "
                                           "gradient (x -= step * grad)")


def test_the_assignments_empty_template_is_not_written_yet(tmp_path, no_process_left):
    template = WORD2VEC
    for body in ("    y_hat = softmax(outsideVectors @ centerWordVec)\n",
                 "    s = 1 / (1 + np.exp(-x))\n"):
        template = template.replace(body, "")
    source = template.split("### YOUR CODE HERE (~6-8 Lines)\n")
    cut = source[1].split("    ### END YOUR CODE", 1)
    template = source[0] + "### YOUR CODE HERE (~6-8 Lines)\n    ### END YOUR CODE" + cut[1]
    word2vec, _ = write(tmp_path, template, SGD)
    report = check_file(word2vec, timeout=30)
    assert report.functions["sigmoid"]["status"] == "not written"
    assert report.functions["naiveSoftmaxLossAndGradient"]["status"] == "not written"
    assert report.functions["skipgram"]["passed"]

    def stub(x):
        ### YOUR CODE HERE (~1 Line)
        # the sigmoid of x
        ### END YOUR CODE
        return None

    assert not_written(stub)


@pytest.mark.parametrize("content, reason", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary", "binary data"),
    ("def sigmoid(x):\n    return 'caf\u00e9'\n".encode("latin-1"), "not UTF-8"),
    (b"def sigmoid(x)\n    return x\n", "not valid Python (line 1"),
    (b"import numpy\nx = 1\n", "defines none of the assignment's functions"),
])
def test_a_file_that_cannot_be_used_is_refused_with_the_reason(tmp_path, content, reason,
                                                               capsys):
    path = tmp_path / "word2vec.py"
    path.write_bytes(content)
    assert command_line(["check", str(path)]) == 2
    assert reason in capsys.readouterr().out


def test_import_errors_and_top_level_loops_stop_with_exit_2(tmp_path, no_process_left):
    path = tmp_path / "word2vec.py"
    path.write_text("import numpy as np\nfrom utils.gradcheck import gradcheck_naive\n"
                    "from not_a_module import thing\n\ndef sigmoid(x):\n    return x\n",
                    encoding="utf-8")
    report = check_file(path, timeout=30)
    assert report.exit_status == 2
    assert f'File "{path}", line 3' in report.error and "not_a_module" in report.error
    path.write_text("def sigmoid(x):\n    return x\n\nwhile True:\n    pass\n",
                    encoding="utf-8")
    report = check_file(path, timeout=2)
    assert report.exit_status == 2 and "did not finish importing within 2 s" in report.error
    assert not (tmp_path / "missing.py").exists()
    assert check_file(tmp_path / "missing.py").exit_status == 2
