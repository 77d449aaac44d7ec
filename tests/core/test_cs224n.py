"""The handout's names, signatures and published sanity values, driven the course's way."""

import contextlib
import inspect
import io
import random

import numpy as np
import pytest

import core.cs224n as cs224n
from core.cs224n.checks import dummy_setup

EXPECTED_SIGNATURES = {
    "sigmoid": ["x"],
    "softmax": ["x"],
    "normalizeRows": ["x"],
    "naiveSoftmaxLossAndGradient": ["centerWordVec", "outsideWordIdx", "outsideVectors", "dataset"],
    "getNegativeSamples": ["outsideWordIdx", "dataset", "K"],
    "negSamplingLossAndGradient": [
        "centerWordVec", "outsideWordIdx", "outsideVectors", "dataset", "K"],
    "skipgram": ["currentCenterWord", "windowSize", "outsideWords", "word2Ind",
                 "centerWordVectors", "outsideVectors", "dataset", "word2vecLossAndGradient"],
    "cbow": ["currentCenterWord", "windowSize", "outsideWords", "word2Ind",
             "centerWordVectors", "outsideVectors", "dataset", "word2vecLossAndGradient"],
    "word2vec_sgd_wrapper": ["word2vecModel", "word2Ind", "wordVectors", "dataset",
                             "windowSize", "word2vecLossAndGradient"],
    "sgd": ["f", "x0", "step", "iterations", "postprocessing", "useSaved", "PRINT_EVERY"],
    "gradcheck_naive": ["f", "x", "gradientText"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SIGNATURES))
def test_handout_names_and_parameters(name):
    parameters = list(inspect.signature(getattr(cs224n, name)).parameters)
    assert parameters == EXPECTED_SIGNATURES[name]


def test_handout_defaults():
    assert inspect.signature(cs224n.negSamplingLossAndGradient).parameters["K"].default == 10
    assert inspect.signature(cs224n.skipgram).parameters[
        "word2vecLossAndGradient"].default is cs224n.naiveSoftmaxLossAndGradient
    sgd_parameters = inspect.signature(cs224n.sgd).parameters
    assert sgd_parameters["useSaved"].default is False
    assert sgd_parameters["PRINT_EVERY"].default == 10


def test_course_sanity_values_reproduced(capsys):
    dataset, vectors, tokens = dummy_setup()
    c, o = vectors[:5, :], vectors[5:, :]

    check = cs224n.gradcheck_naive(lambda v: cs224n.word2vec_sgd_wrapper(
        cs224n.skipgram, tokens, v, dataset, 5, cs224n.naiveSoftmaxLossAndGradient),
        vectors, "naiveSoftmaxLossAndGradient Gradient")
    assert check.worst_error <= 1e-7
    window = ["a", "b", "e", "d", "b", "c"]
    loss, grad_center, grad_outside = cs224n.skipgram("c", 3, window, tokens, c, o, dataset)
    assert loss == pytest.approx(11.16610900153398, abs=1e-10)
    np.testing.assert_allclose(grad_center[2], [-1.26947339, -1.36873189, 2.45158957], atol=1e-8)
    np.testing.assert_allclose(grad_outside[0], [-0.41045956, 0.18834851, 1.43272264], atol=1e-8)
    assert cs224n.skipgram("b", 3, window, tokens, c, o, dataset)[0] == pytest.approx(
        9.87714910003414, abs=1e-10)
    assert cs224n.skipgram("a", 3, window, tokens, c, o, dataset)[0] == pytest.approx(
        10.810758628593335, abs=1e-10)

    check = cs224n.gradcheck_naive(lambda v: cs224n.word2vec_sgd_wrapper(
        cs224n.skipgram, tokens, v, dataset, 5, cs224n.negSamplingLossAndGradient),
        vectors, "negSamplingLossAndGradient Gradient")
    assert check.worst_error <= 1e-7
    neg = cs224n.negSamplingLossAndGradient
    loss, grad_center, grad_outside = cs224n.skipgram(
        "c", 1, ["a", "b"], tokens, c, o, dataset, neg)
    assert loss == pytest.approx(16.15119285363322, abs=1e-10)
    np.testing.assert_allclose(grad_center[2], [-4.54650789, -1.85942252, 0.76397441], atol=1e-8)
    np.testing.assert_allclose(grad_outside[4], [-0.80620296, 0.36994417, 2.81407799], atol=1e-8)
    loss, _, _ = cs224n.skipgram("c", 2, ["a", "b", "c", "a"], tokens, c, o, dataset, neg)
    assert loss == pytest.approx(28.653567707668795, abs=1e-10)
    loss, grad_center, _ = cs224n.skipgram("a", 3, window, tokens, c, o, dataset, neg)
    assert loss == pytest.approx(60.648705494891914, abs=1e-10)
    np.testing.assert_allclose(grad_center[0], [-17.89425315, -7.36940626, -1.23364121], atol=1e-7)
    assert "Gradient check passed" in capsys.readouterr().out


def test_cbow_gradient_checks_through_the_wrapper():
    dataset, vectors, tokens = dummy_setup()
    for loss in (cs224n.naiveSoftmaxLossAndGradient, cs224n.negSamplingLossAndGradient):
        check = cs224n.gradcheck_naive(lambda v, loss=loss: cs224n.word2vec_sgd_wrapper(
            cs224n.cbow, tokens, v, dataset, 5, loss), vectors, "cbow")
        assert check.worst_error <= 1e-7


def write_sst(path, sentences):
    lines = ["sentence_index\tsentence"] + [f"{i + 1}\t{s}" for i, s in enumerate(sentences)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_stanford_sentiment_reader_on_a_small_file(tmp_path):
    folder = tmp_path / "stanfordSentimentTreebank"
    folder.mkdir()
    # Repeated so that the handout's sub-sampling (tuned for 200k tokens) keeps windows.
    write_sst(folder / "datasetSentences.txt", [
        "The Rock is destined to be the 21st Century 's new `` Conan '' .",
        "the film is a good film , and the rock is good .",
        "a film .",
    ] * 2000)
    dataset = cs224n.StanfordSentiment(folder)
    tokens = dataset.tokens()
    assert tokens["UNK"] == len(tokens) - 1
    assert {"the", "rock", "'s", "``", ",", "."} <= set(tokens)
    assert "The" not in tokens and "1" not in tokens  # lower-cased, index column dropped
    assert dataset.tokenFrequencies()["the"] == 4 * 2000
    assert dataset.numSentences() == 3 * 2000
    assert dataset.sentences()[2] == ["a", "film", "."]

    random.seed(0)
    draws = [dataset.sampleTokenIdx() for _ in range(2000)]
    assert set(draws) <= set(tokens.values())
    assert draws.count(tokens["the"]) > draws.count(tokens["conan"])  # unigram^0.75

    for window in (1, 3, 5):
        center, context = dataset.getRandomContext(window)
        assert center in tokens and 0 < len(context) <= 2 * window
        assert center not in context


def test_random_context_is_repeatable_under_random_seed(tmp_path):
    path = tmp_path / "s.txt"
    write_sst(path, ["a b c d e f g", "h i j k", "a c e g i"] * 3000)
    first = cs224n.StanfordSentiment(path)
    random.seed(5)
    run_one = [first.getRandomContext(2) for _ in range(20)]
    second = cs224n.StanfordSentiment(path)
    random.seed(5)
    assert [second.getRandomContext(2) for _ in range(20)] == run_one


def test_sgd_alias_checkpoints_in_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    random.seed(1)
    x = cs224n.sgd(lambda v: (float(v @ v), 2 * v), np.ones(2), 0.1, 5000, useSaved=True,
                   PRINT_EVERY=1000)
    assert (tmp_path / "sgd_checkpoint_5000.npz").exists()
    assert np.all(np.abs(x) < 1e-6)


def test_the_course_checks_run_as_a_module_and_print_expected_beside_computed():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "core.cs224n"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "expected 11.166109001534" in out and "computed 11.166109001534" in out
    assert "expected 16.1511928536332" in out and "All agree." in out
    assert out.count("   ok") == 17 and "DIFFERENT" not in out


def test_a_wrong_value_is_reported_as_different():
    from core.cs224n.checks import Check

    assert Check("x", 1.0, 1.0 + 1e-9).agrees
    assert not Check("x", 1.0, 1.0 + 1e-6).agrees
    assert not Check("x", [1.0, 2.0], [1.0]).agrees


def test_the_2017_names_mean_the_same():
    s = cs224n.sigmoid(np.array([0.3, -2.0]))
    np.testing.assert_allclose(cs224n.sigmoid_grad(s), s * (1 - s))
    dataset, vectors, _ = dummy_setup()
    center, outside = vectors[0], vectors[5:]
    for old, new in ((cs224n.softmaxCostAndGradient, cs224n.naiveSoftmaxLossAndGradient),):
        for a, b in zip(old(center, 2, outside, dataset), new(center, 2, outside, dataset),
                        strict=True):
            np.testing.assert_array_equal(a, b)
    random.seed(7)
    old = cs224n.negSamplingCostAndGradient(center, 2, outside, dataset, K=4)
    random.seed(7)
    new = cs224n.negSamplingLossAndGradient(center, 2, outside, dataset, K=4)
    for a, b in zip(old, new, strict=True):
        np.testing.assert_array_equal(a, b)


def test_load_saved_params_resumes_from_the_newest_checkpoint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cs224n.load_saved_params() == (0, None, None)
    with contextlib.redirect_stdout(io.StringIO()):
        cs224n.sgd(lambda x: (float(x @ x), 2 * x), np.ones(3), 0.1, 5000, useSaved=True)
    iteration, params, state = cs224n.load_saved_params()
    assert iteration == 5000 and params.shape == (3,)
    random.setstate(state)  # the course's caller does this
