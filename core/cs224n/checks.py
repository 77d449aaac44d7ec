"""The course's own sanity checks, runnable: `python -m core.cs224n`.

The handout's tests seed Python's `random` with 31415 and NumPy's with 9265, build ten
normalised random 3-d vectors for a dummy dataset of five tokens (a–e; its noise words and
contexts drawn with `random.randint`), check the gradients of skip-gram with both losses,
and print the loss and gradients of a few windows beside the published values. The basic
tests of sigmoid, its gradient, softmax and normalizeRows come first. Each line shows the
expected value beside the computed one; the exit status is 0 when every one agrees.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import core.cs224n as cs224n
from core.math import gradcheck

TOLERANCE = 1e-7  # what "agrees" means for a printed value
GRADIENT_TOLERANCE = 1e-7  # the worst relative error a gradient check may show


@dataclass(frozen=True)
class Check:
    name: str
    expected: object  # a number or an array
    computed: object

    @property
    def agrees(self) -> bool:
        expected = np.asarray(self.expected, dtype=np.float64)
        try:
            computed = np.asarray(self.computed, dtype=np.float64)
        except (TypeError, ValueError):  # None, or not numbers: a student's stub
            return False
        return expected.shape == computed.shape and bool(
            np.allclose(computed, expected, rtol=0, atol=TOLERANCE))


def basic_checks() -> list[Check]:
    """The course's basic tests of the small functions."""
    x = np.array([[1.0, 2.0], [-1.0, -2.0]])
    s = cs224n.sigmoid(x)
    return [
        Check("sigmoid([[1, 2], [-1, -2]])",
              [[0.73105858, 0.88079708], [0.26894142, 0.11920292]], s),
        Check("sigmoid_grad(sigmoid(that))",
              [[0.19661193, 0.10499359], [0.19661193, 0.10499359]], cs224n.sigmoid_grad(s)),
        Check("softmax([1, 2])", [0.26894142, 0.73105858], cs224n.softmax(np.array([1.0, 2.0]))),
        Check("softmax([[1001, 1002], [3, 4]])",
              [[0.26894142, 0.73105858], [0.26894142, 0.73105858]],
              cs224n.softmax(np.array([[1001.0, 1002.0], [3.0, 4.0]]))),
        Check("softmax([[-1001, -1002]])", [[0.73105858, 0.26894142]],
              cs224n.softmax(np.array([[-1001.0, -1002.0]]))),
        Check("normalizeRows([[3, 4], [1, 2]])", [[0.6, 0.8], [0.4472136, 0.89442719]],
              cs224n.normalizeRows(np.array([[3.0, 4.0], [1.0, 2.0]]))),
    ]


def dummy_setup():
    """The handout's dummy dataset and vectors, seeded as its tests seed them."""
    tokens = ["a", "b", "c", "d", "e"]
    dataset = type("DummyDataset", (), {})()
    dataset.sampleTokenIdx = lambda: random.randint(0, 4)
    dataset.getRandomContext = lambda C: (
        tokens[random.randint(0, 4)], [tokens[random.randint(0, 4)] for _ in range(2 * C)])
    random.seed(31415)
    np.random.seed(9265)  # noqa: NPY002 (the course seeds the legacy generator)
    vectors = cs224n.normalizeRows(np.random.randn(10, 3))  # noqa: NPY002
    return dataset, vectors, {word: i for i, word in enumerate(tokens)}


def softmax_window_checks(skipgram: Callable, tokens: dict, center: np.ndarray,
                          outside: np.ndarray, dataset, loss: Callable | None = None
                          ) -> list[Check]:
    """The course's published skip-gram values with naive softmax (its first test cases):
    `skipgram` called with `loss`, or with its own default loss when None."""
    window = ["a", "b", "e", "d", "b", "c"]
    with_loss = () if loss is None else (loss,)

    def run(word: str):
        return skipgram(word, 3, window, tokens, center, outside, dataset, *with_loss)

    loss_c, grad_center, grad_outside = run("c")
    return [
        Check('skipgram("c", 3, a b e d b c), naive softmax: loss', 11.16610900153398, loss_c),
        Check("  dJ/dV, the row of c", [-1.26947339, -1.36873189, 2.45158957],
              _row(grad_center, 2)),
        Check("  dJ/dU, the row of a", [-0.41045956, 0.18834851, 1.43272264],
              _row(grad_outside, 0)),
        Check('skipgram("b", 3, …), naive softmax: loss', 9.87714910003414, run("b")[0]),
        Check('skipgram("a", 3, …), naive softmax: loss', 10.810758628593335, run("a")[0]),
    ]


def negsamp_window_checks(skipgram: Callable, tokens: dict, center: np.ndarray,
                          outside: np.ndarray, dataset, loss: Callable) -> list[Check]:
    """The course's published skip-gram values with negative sampling; they hold only
    after the draws the course's tests make before them (see word2vec_checks)."""
    loss_c, grad_center, grad_outside = skipgram("c", 1, ["a", "b"], tokens, center,
                                                 outside, dataset, loss)
    checks = [
        Check('skipgram("c", 1, a b), negative sampling: loss', 16.15119285363322, loss_c),
        Check("  dJ/dV, the row of c", [-4.54650789, -1.85942252, 0.76397441],
              _row(grad_center, 2)),
        Check("  dJ/dU, the row of e", [-0.80620296, 0.36994417, 2.81407799],
              _row(grad_outside, 4)),
        Check('skipgram("c", 2, a b c a), negative sampling: loss', 28.653567707668795,
              skipgram("c", 2, ["a", "b", "c", "a"], tokens, center, outside, dataset,
                       loss)[0]),
    ]
    loss_a, grad_center, _ = skipgram("a", 3, ["a", "b", "e", "d", "b", "c"], tokens, center,
                                      outside, dataset, loss)
    return [*checks,
            Check('skipgram("a", 3, a b e d b c), negative sampling: loss', 60.648705494891914,
                  loss_a),
            Check("  dJ/dV, the row of a", [-17.89425315, -7.36940626, -1.23364121],
                  _row(grad_center, 0))]


def _row(matrix, row: int):
    """Row `row` of a gradient, or the value itself when it has no such row (a wrong
    shape is then reported, not raised)."""
    array = np.asarray(matrix, dtype=np.float64)
    return array[row] if array.ndim == 2 and len(array) > row else array


def course_sequence(skipgram: Callable | None = None, naive: Callable | None = None,
                    negative: Callable | None = None, wrapper: Callable | None = None,
                    gradient_checks: bool = True
                    ) -> tuple[list[Check], list[Check], list[tuple[str, float]]]:
    """The course's test of skip-gram, in its order (its negative-sampling values hold
    only after exactly these draws): seeds, a gradient check through the wrapper with
    naive softmax, the naive-softmax windows, one with negative sampling, its windows.
    Any function not given is core's. Without `gradient_checks`, each is replaced by
    one evaluation of the wrapper, which draws what the check would have drawn (the
    checker resets the random state before every evaluation). Returns (the naive-softmax checks, the
    negative-sampling checks, (name, worst relative error) of each gradient check)."""
    skipgram = skipgram or cs224n.skipgram
    naive = naive or cs224n.naiveSoftmaxLossAndGradient
    negative = negative or cs224n.negSamplingLossAndGradient
    wrapper = wrapper or cs224n.word2vec_sgd_wrapper
    dataset, vectors, tokens = dummy_setup()
    center, outside = vectors[:5], vectors[5:]
    gradients = []

    def gradient_check(loss: Callable, name: str) -> None:
        def f(v):
            return wrapper(skipgram, tokens, v, dataset, 5, loss)

        if not gradient_checks:
            f(vectors.copy())
            return
        result = gradcheck.check_gradient(f, vectors)  # quiet: the verdict is ours to say
        gradients.append((f"skip-gram with {name}", result.worst_error))

    gradient_check(naive, "naiveSoftmaxLossAndGradient")
    softmax = softmax_window_checks(skipgram, tokens, center, outside, dataset, naive)
    gradient_check(negative, "negSamplingLossAndGradient")
    sampled = negsamp_window_checks(skipgram, tokens, center, outside, dataset, negative)
    return softmax, sampled, gradients


def word2vec_checks() -> tuple[list[Check], list[tuple[str, float]]]:
    """The published skip-gram values, and the worst error of each gradient check."""
    softmax, sampled, gradients = course_sequence()
    return softmax + sampled, gradients


def shown(value: object, digits: int = 15, precision: int = 8,
          threshold: int = 1000) -> str:
    """A value on one line: a number to `digits` significant digits, an array's entries
    to `precision` decimals (summarised beyond `threshold` entries), anything else as
    written (a string as it is)."""
    if isinstance(value, str):
        return value
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return repr(value)
    if array.ndim == 0:
        return f"{float(array):.{digits}g}"
    text = np.array2string(array, precision=precision, separator=", ",
                           max_line_width=10_000, threshold=threshold)
    return " ".join(text.split())  # a matrix on one line


def main() -> int:
    basic = basic_checks()
    values, gradients = word2vec_checks()
    failures = 0
    print("The course's sanity checks (seeds 31415 and 9265, as its tests set them)\n")
    for title, checks in (("Basic functions", basic), ("Skip-gram on the dummy dataset",
                                                        values)):
        print(title)
        for check in checks:
            verdict = "ok" if check.agrees else "DIFFERENT"
            failures += not check.agrees
            print(f"  {check.name}\n    expected {shown(check.expected)}\n"
                  f"    computed {shown(check.computed)}   {verdict}")
        print()
    print("Gradient checks (central differences, h = 1e-4, through word2vec_sgd_wrapper)")
    for name, error in gradients:
        passed = error <= GRADIENT_TOLERANCE
        failures += not passed
        print(f"  {name}: worst relative error {error:.2e} "
              f"(at most {GRADIENT_TOLERANCE:g}) {'ok' if passed else 'FAILED'}")
    print("\nAll agree." if not failures else f"\n{failures} disagree.")
    return 0 if not failures else 1
