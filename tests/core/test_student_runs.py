"""Train with my code: the handout's recipe with a student's functions in a process of its
own, streaming its cost and vectors; paused, stopped, and stopped by their exception with
what it trained kept."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from core.student.runs import RunSpec, StudentRun
from resources.toy_world import write_corpus
from tests.core.student_files import WORD2VEC, write
from tests.processes import wait_for

LATE_MISTAKE = '''
_checked = negSamplingLossAndGradient
_calls = [0]


def negSamplingLossAndGradient(*args, **kwargs):
    _calls[0] += 1
    if _calls[0] > 3000:
        raise ValueError("a mistake that shows only late in the run")
    return _checked(*args, **kwargs)
'''


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus") / "toy.txt", 2000)


class Collected:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.ended = threading.Event()

    def __call__(self, message: dict) -> None:
        self.messages.append(message)
        if message["kind"] == "ended":
            self.ended.set()

    def of(self, kind: str) -> list[dict]:
        return [m for m in self.messages if m["kind"] == kind]


def run(spec: RunSpec) -> tuple[StudentRun, Collected]:
    collected = Collected()
    return StudentRun(spec, collected), collected


def test_their_code_trains_with_the_handouts_recipe(tmp_path, corpus_file):
    word2vec, sgd = write(tmp_path)
    student, got = run(RunSpec("theirs", str(corpus_file), str(word2vec), str(sgd),
                               iterations=1000))
    try:
        assert got.ended.wait(60)
    finally:
        student.kill()
    assert student.wait(10)
    (ended,) = got.of("ended")
    assert ended["how"] == "finished" and ended["iteration"] == 1000
    words = got.of("ready")[0]["words"]
    assert words[-1] == "UNK" and len(words) > 50  # StanfordSentiment's numbering
    assert got.of("speed")[0]["iterations_per_second"] > 0
    points = [point for m in got.of("progress") for point in m["points"]]
    assert [p[0] for p in points] == list(range(10, 1001, 10))  # every update of the cost
    costs = [cost for _iteration, cost, _seconds in points]
    # the handout's smoothed cost: it rises a little at first, then falls
    assert costs and all(np.isfinite(costs)) and costs[-1] < costs[0] - 1
    vectors = got.of("vectors")[-1]["vectors"]
    assert vectors.shape == (len(words), 10) and np.all(np.isfinite(vectors))


def test_an_exception_mid_run_stops_it_with_their_traceback_and_keeps_the_vectors(
        tmp_path, corpus_file):
    word2vec, _ = write(tmp_path, WORD2VEC + LATE_MISTAKE)
    student, got = run(RunSpec("theirs", str(corpus_file), str(word2vec), iterations=5000))
    try:
        assert got.ended.wait(60)
    finally:
        student.kill()
    (ended,) = got.of("ended")
    assert ended["how"] == "failed"
    assert f'File "{word2vec}"' in ended["error"] and "shows only late" in ended["error"]
    assert 0 < ended["iteration"] < 5000
    last = got.of("vectors")[-1]
    assert last["iteration"] >= ended["iteration"] - 1
    assert np.any(last["vectors"] != 0)  # what it trained until then


def test_pause_holds_the_run_and_stop_ends_it(tmp_path, corpus_file):
    word2vec, _ = write(tmp_path)
    student, got = run(RunSpec("theirs", str(corpus_file), str(word2vec),
                               iterations=40_000))
    try:
        assert wait_for(lambda: any(m["iteration"] > 20 for m in got.of("progress")), 60)
        student.pause()
        time.sleep(0.6)  # a message or two in flight when it paused
        before = got.of("progress")[-1]["iteration"]
        time.sleep(0.8)  # an absence is tested: no iteration while paused
        assert got.of("progress")[-1]["iteration"] == before
        student.resume()
        assert wait_for(lambda: got.of("progress")[-1]["iteration"] > before, 30)
        student.stop()
        assert got.ended.wait(10)
    finally:
        student.kill()
    assert got.of("ended")[0]["how"] == "stopped"
    assert student.wait(10) and not student.alive


def test_the_fast_trainer_runs_the_same_recipe(corpus_file):
    student, got = run(RunSpec("ours", str(corpus_file), iterations=200))
    try:
        assert got.ended.wait(60)
    finally:
        student.kill()
    assert got.of("ended")[0]["how"] == "finished"
    assert got.of("progress")[-1]["iteration"] == 200
    points = [point for m in got.of("progress") for point in m["points"]]
    assert [p[0] for p in points][:3] == [10, 20, 30]  # the curve from its start


def test_a_stop_while_the_run_sets_up_is_a_stop_not_a_failure(tmp_path, corpus_file):
    word2vec, _ = write(tmp_path)
    student, got = run(RunSpec("theirs", str(corpus_file), str(word2vec), iterations=1000))
    try:
        student.stop()  # at once: the dataset is still being read
        assert got.ended.wait(30)
    finally:
        student.kill()
    (ended,) = got.of("ended")
    assert ended["how"] == "stopped" and ended["error"] is None
