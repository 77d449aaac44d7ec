"""The checks of each function of the assignment, one function here per function there,
each `(probe, their function, their module) -> (checks, note)`. Runs in the checking
process (core.student.probe), which seeded `random` and NumPy before each."""

from __future__ import annotations

import contextlib
import functools
import io
import random

import numpy as np

import core.cs224n as ours
from core.cs224n import checks as course
from core.math import gradcheck, losses
from core.student.diagnose import (
    RETURNED_NONE,
    as_array,
    compare,
    gradient_check,
    naive_softmax_variants,
    negative_sampling_variants,
    plain,
)

LOSS_OUTPUTS = ("loss", "gradCenterVec", "gradOutsideVecs")
SKIPGRAM_OUTPUTS = ("loss", "gradCenterVecs", "gradOutsideVectors")
GRADIENT_TOLERANCE = 1e-5  # the course's gradcheck_naive
NOISE_WORDS = 10  # K, as the handout's default
FLIPPED_SIGMOID = "σ(−x): the sign of x is flipped (σ(x) = 1 / (1 + e^(−x)))"


def _failed(name: str, message: str, theirs=None) -> dict:
    return {"name": name, "output": None, "passed": False, "expected": None,
            "theirs": plain(theirs), "ours": None, "worst": [], "difference": None,
            "diagnosis": None, "message": message}


def _unpacked(value, outputs: tuple[str, ...], checks: list) -> tuple | None:
    """Their result as the handout's tuple, or None with a failed check saying why."""
    if value is None:
        checks.append(_failed("what it returns", RETURNED_NONE))
        return None
    if not isinstance(value, (tuple, list)) or len(value) != len(outputs):
        got = f"{len(value)} values" if isinstance(value, (tuple, list)) else (
            type(value).__name__)
        checks.append(_failed("what it returns", f"returns {got}; the handout's returns "
                              f"({', '.join(outputs)})", value))
        return None
    return tuple(value)


def _unchanged(name: str, before: np.ndarray, after: np.ndarray) -> dict | None:
    if np.array_equal(before, after):
        return None
    return _failed(f"leaves {name} as it was",
                   f"it changes {name}, which it was given: compute gradients, and leave "
                   "the update to SGD")


def _compare_all(label: str, outputs: tuple[str, ...], theirs: tuple, expected: tuple,
                 variants: dict | None = None) -> list[dict]:
    variants = variants or {}
    return [compare(f"{label}: {output}", output, value, wanted,
                    variants=variants.get(output, ()))
            for output, value, wanted in zip(outputs, theirs, expected, strict=True)]


def _course(theirs: dict, which: str, gradient_checks: bool = False) -> list[dict]:
    """The course's published skip-gram values with their function(s) in place of
    ours (`which`: "softmax", "negsamp" or both), ours beside each; with
    `gradient_checks`, the course's checks of the gradient through the wrapper too."""
    ours_softmax, ours_sampled = _ours()
    try:
        softmax, sampled, gradients = course.course_sequence(
            **theirs, gradient_checks=gradient_checks)
    except (ValueError, TypeError, IndexError) as error:  # what theirs gave broke ours
        return [_failed("the course's values", "they cannot be computed with yours "
                        f"inside the handout's code: {error}")]
    pairs = []
    if "softmax" in which:
        pairs += zip(softmax, ours_softmax, strict=True)
    if "negsamp" in which:
        pairs += zip(sampled, ours_sampled, strict=True)
    checks = []
    for check, mine in pairs:
        output = ("loss" if "loss" in check.name else
                  "gradCenterVecs" if "dJ/dV" in check.name else "gradOutsideVectors")
        # a row or a number: what differs, never a diagnosis (the rows of dJ/dU are all
        # multiples of v_c, so a constant factor between two of them proves nothing)
        checks.append({**compare(f"the course's value: {check.name.strip()}", output,
                                 check.computed, check.expected, ours=mine.computed),
                       "diagnosis": None})
    for name, worst in gradients:
        if ("negSampling" in name) == ("negsamp" in which) or which == "softmax negsamp":
            passed = bool(np.isfinite(worst) and worst <= GRADIENT_TOLERANCE)
            check = _failed(f"the course's gradient check: {name}",
                            f"worst relative error {worst:.2e} (at most "
                            f"{GRADIENT_TOLERANCE:g})")
            checks.append({**check, "passed": passed, "message": check["message"]})
    return checks


@functools.cache
def _ours() -> tuple[list, list]:
    """The course's sequence with core's functions: the "ours" beside every value."""
    state = random.getstate(), np.random.get_state()  # noqa: NPY002 (the course's)
    softmax, sampled, _ = course.course_sequence(gradient_checks=False)
    random.setstate(state[0])
    np.random.set_state(state[1])  # noqa: NPY002
    return softmax, sampled


def _setup():
    dataset, vectors, tokens = course.dummy_setup()
    return dataset, vectors[:5].copy(), vectors[5:].copy(), tokens


# ---------------------------------------------------------------------- the functions
def sigmoid(probe, function, module):
    x = np.array([[1.0, 2.0], [-1.0, -2.0]])
    checks = [compare("sigmoid([[1, 2], [-1, -2]])", "value", probe.call(function, x.copy()),
                      [[0.73105858, 0.88079708], [0.26894142, 0.11920292]],
                      ours=ours.sigmoid(x), variants=[(ours.sigmoid(-x), FLIPPED_SIGMOID)])]
    wide = np.array([-30.0, -1.0, 0.0, 0.5, 30.0])
    checks.append(compare("sigmoid([-30, -1, 0, 0.5, 30]): element by element, any shape",
                          "value", probe.call(function, wide.copy()), ours.sigmoid(wide),
                          variants=[(ours.sigmoid(-wide), FLIPPED_SIGMOID)]))
    return checks, None


def naiveSoftmaxLossAndGradient(probe, function, module):
    dataset, center, outside, _tokens = _setup()
    vector, index = center[2].copy(), 1
    checks: list = []
    given = outside.copy()
    theirs = _unpacked(probe.call(function, vector.copy(), index, given, dataset),
                       LOSS_OUTPUTS, checks)
    if theirs is None:
        return checks, None
    checks.append(_unchanged("outsideVectors", outside, given))
    expected = ours.naiveSoftmaxLossAndGradient(vector, index, outside, dataset)
    checks += _compare_all("v_c = row 2, o = 1", LOSS_OUTPUTS, theirs, expected,
                           naive_softmax_variants(vector, index, outside))
    checks += _own_slopes(probe, lambda v, u: function(v, index, u, dataset), vector, outside)
    checks += _course({"naive": lambda *a: probe.call(function, *a)}, "softmax")
    return [c for c in checks if c is not None], None


def _own_slopes(probe, loss, vector, outside) -> list[dict]:
    """Their gradients against the slope of their own loss (gradcheck_naive's test)."""
    checks = []
    for output, x, f in (
            ("gradCenterVec", vector.copy(),
             lambda v: probe.call(loss, v, outside.copy())[:2]),
            ("gradOutsideVecs", outside.copy(),
             lambda u: _second_gradient(probe.call(loss, vector.copy(), u)))):
        try:
            analytic, numeric = gradcheck.gradients(f, x)
        except (ValueError, TypeError, IndexError) as error:
            checks.append(_failed(f"gradient check: {output} against your loss's slope",
                                  f"cannot be checked: {error}"))
            continue
        checks.append(gradient_check(f"gradient check: {output} against your loss's slope",
                                     output, analytic, numeric, GRADIENT_TOLERANCE))
    return checks


def _second_gradient(result):
    return result[0], result[2]


def getNegativeSamples(probe, function, module):
    dataset = type("Dataset", (), {})()
    dataset.sampleTokenIdx = lambda: random.randint(0, 4)
    outside = 2  # one word in five: a redraw is certain among ten draws
    random.seed(31415)
    theirs = probe.call(function, outside, dataset, NOISE_WORDS)
    random.seed(31415)
    expected = ours.getNegativeSamples(outside, dataset, NOISE_WORDS)
    checks = []
    try:
        drawn = [int(i) for i in theirs]
    except (TypeError, ValueError):
        return [_failed("K noise-word indices", RETURNED_NONE
                        if theirs is None else "not a list of word indices", theirs)], None
    count = _failed(f"K = {NOISE_WORDS} indices", f"{len(drawn)} indices", drawn)
    checks.append({**count, "passed": len(drawn) == NOISE_WORDS})
    redrawn = _failed("no noise word is the outside word (2)",
                      f"{drawn.count(outside)} of them are the outside word", drawn)
    if outside in drawn:
        redrawn["diagnosis"] = ("a noise word equal to the outside word is not redrawn: "
                                "draw again while the draw is the outside word")
    checks.append({**redrawn, "passed": outside not in drawn})
    order = compare("the handout's draws, in its order (seed 31415)", "indices", drawn,
                    expected)
    if not order["passed"] and outside not in drawn and len(drawn) == NOISE_WORDS:
        order["diagnosis"] = ("drawn another way than the handout's (one "
                              "dataset.sampleTokenIdx() per draw, in order): the course's "
                              "published values depend on it")
    return [*checks, order], None


def negSamplingLossAndGradient(probe, function, module):
    """With the handout's noise draws, recorded (so ours uses the same noise words)."""
    dataset, center, outside, _tokens = _setup()
    vector, index = center[2].copy(), 1
    drawn: list[list[int]] = []

    def recorded(outside_index, data, count):
        drawn.append(ours.getNegativeSamples(outside_index, data, count))
        return list(drawn[-1])

    module.getNegativeSamples = recorded  # Probe.result puts theirs back
    return _negative_sampling(probe, function, dataset, vector, index, outside, drawn)


def _negative_sampling(probe, function, dataset, vector, index, outside, drawn):
    checks: list = []
    given = outside.copy()
    random.seed(31415)
    theirs = _unpacked(probe.call(function, vector.copy(), index, given, dataset,
                                  NOISE_WORDS), LOSS_OUTPUTS, checks)
    if theirs is None:
        return checks, None
    note = None
    if drawn:
        negatives = drawn[-1]
    else:
        random.seed(31415)
        negatives = ours.getNegativeSamples(index, dataset, NOISE_WORDS)
        note = ("it does not call getNegativeSamples: compared with the handout's draws "
                "from the same seed")
    checks.append(_unchanged("outsideVectors", outside, given))
    expected = losses.neg_sampling_loss_and_gradient(vector, index, outside, negatives)
    checks += _compare_all(f"v_c = row 2, o = 1, noise words {negatives}", LOSS_OUTPUTS,
                           theirs, expected,
                           negative_sampling_variants(vector, index, outside, negatives))
    checks += _own_slopes(probe, lambda v, u: function(v, index, u, dataset, NOISE_WORDS),
                          vector, outside)
    checks += _course({"negative": lambda *a: probe.call(function, *a)}, "negsamp")
    return [c for c in checks if c is not None], note


def skipgram(probe, function, module):
    """With the handout's losses, so that a mistake in theirs is not counted here."""
    dataset, center, outside, tokens = _setup()
    window = ["a", "b", "e", "d", "b", "c"]
    checks: list = []
    given_center, given_outside = center.copy(), outside.copy()
    theirs = _unpacked(probe.call(function, "c", 3, window, tokens, given_center,
                                  given_outside, dataset, ours.naiveSoftmaxLossAndGradient),
                       SKIPGRAM_OUTPUTS, checks)
    if theirs is None:
        return checks, None
    checks.append(_unchanged("centerWordVectors", center, given_center))
    checks.append(_unchanged("outsideVectors", outside, given_outside))
    expected = ours.skipgram("c", 3, window, tokens, center, outside, dataset)
    last = ours.skipgram("c", 3, window[-1:], tokens, center, outside, dataset)
    not_summed = ("not accumulated over the outside words: only the last one's loss and "
                  "gradients are kept (add each word's with +=)")
    averaged = (f"divided by the number of outside words ({len(window)}): the handout "
                "sums over them")
    variants = {output: [(last[k], not_summed), (expected[k] / len(window), averaged)]
                for k, output in enumerate(SKIPGRAM_OUTPUTS)}
    every_row = np.broadcast_to(expected[1][tokens["c"]], expected[1].shape)
    variants["gradCenterVecs"].append((every_row, (
        "the center word's gradient is added to every row of gradCenterVecs: only its own "
        "row, gradCenterVecs[word2Ind[currentCenterWord]], gets it")))
    checks += _compare_all('"c", window a b e d b c, naive softmax', SKIPGRAM_OUTPUTS,
                           theirs, expected, variants)
    checks += _with_the_loss_given(probe, function, dataset, center, outside, tokens)
    call = lambda *a: probe.call(function, *a)  # noqa: E731
    checks += _course({"skipgram": call}, "softmax negsamp", gradient_checks=True)
    return [c for c in checks if c is not None], None


def _with_the_loss_given(probe, function, dataset, center, outside, tokens) -> list:
    """Skip-gram with negative sampling passed in: the loss it is given must be the one
    it uses (the same noise words drawn for theirs and ours)."""
    window = ["a", "b"]
    random.seed(31415)
    theirs = _unpacked(probe.call(function, "c", 1, window, tokens, center.copy(),
                                  outside.copy(), dataset, ours.negSamplingLossAndGradient),
                       SKIPGRAM_OUTPUTS, [])
    if theirs is None:
        return []
    random.seed(31415)
    expected = ours.skipgram("c", 1, window, tokens, center, outside, dataset,
                             ours.negSamplingLossAndGradient)
    naive = ours.skipgram("c", 1, window, tokens, center, outside, dataset)
    ignored = ("it ignores the loss function it is given (word2vecLossAndGradient) and "
               "calls naiveSoftmaxLossAndGradient itself")
    return _compare_all('"c", window a b, negative sampling (seed 31415)', SKIPGRAM_OUTPUTS,
                        theirs, expected, {output: [(naive[k], ignored)]
                                           for k, output in enumerate(SKIPGRAM_OUTPUTS)})


def word2vec_sgd_wrapper(probe, function, module):
    """With the handout's skip-gram and loss, against the same 50 windows."""
    dataset, center, outside, tokens = _setup()
    vectors = np.concatenate([center, outside])
    state = random.getstate()
    checks: list = []
    theirs = _unpacked(probe.call(function, ours.skipgram, tokens, vectors.copy(), dataset,
                                  5, ours.naiveSoftmaxLossAndGradient),
                       ("loss", "grad"), checks)
    if theirs is None:
        return checks, None
    random.setstate(state)
    expected = ours.word2vec_sgd_wrapper(ours.skipgram, tokens, vectors, dataset, 5)
    return checks + _compare_all("50 windows of at most 5 (seeded)", ("loss", "grad"),
                                 theirs, expected), None


def sgd(probe, function, module):
    """The course's sanity check: minimise x² from 0.5, 0.0 and −1.5; and one step, which
    shows what a wrong update does."""
    def quad(x):
        x = np.asarray(x, dtype=np.float64)  # a diverging x gives inf, not an exception
        return np.sum(x ** 2), x * 2

    checks = []
    for start in (0.5, 0.0, -1.5):
        theirs = probe.call(function, quad, start, 0.01, 1000, PRINT_EVERY=100)
        with contextlib.redirect_stdout(io.StringIO()):
            mine = ours.sgd(quad, start, 0.01, 1000, PRINT_EVERY=100)
        check = compare(f"sgd(x², x0 = {start}, step 0.01, 1000 iterations)", "x", theirs,
                        mine)
        value = as_array(theirs)
        if not check["passed"] and value is not None and value.shape == ():
            check["passed"] = bool(abs(float(value)) <= 1e-6)
            if start and not abs(float(value)) <= abs(start):  # also nan
                check["diagnosis"] = ("x grows instead of shrinking towards 0: each update "
                                      "overshoots or goes the wrong way")
        checks.append(check)
    one = probe.call(function, quad, 0.5, 0.01, 1, PRINT_EVERY=100)
    # one step from x = 0.5: loss 0.25, gradient 1.0, the step 0.01
    checks.append(compare("one step of sgd(x², x0 = 0.5, step 0.01)", "x", one, 0.49,
                          variants=[(0.5, "x never changes: the update x -= step * grad "
                                          "is missing"),
                                    (0.51, "x moves up the gradient: the sign of the update "
                                           "is flipped (x -= step * grad)"),
                                    (-0.5, "the step size is missing: x moves by the whole "
                                           "gradient (x -= step * grad)"),
                                    (0.4975, "the loss is used where the gradient belongs "
                                             "(x -= step * grad, with f(x) = (loss, grad))")]))
    return checks, None
