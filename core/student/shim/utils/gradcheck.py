"""`from utils.gradcheck import gradcheck_naive, grad_tests_softmax, grad_tests_negsamp`.

gradcheck_naive is core's central-difference checker (it prints its verdict). The two
test functions check a skip-gram against the course's published values on its dummy
dataset, print each expected value beside the one computed, and raise AssertionError
when one differs, as the course's do.
"""

from core.cs224n import gradcheck_naive
from core.cs224n.checks import negsamp_window_checks, shown, softmax_window_checks

__all__ = ["gradcheck_naive", "grad_tests_softmax", "grad_tests_negsamp"]


def _report(title: str, checks) -> None:
    print(f"====== {title} ======")
    failed = [check for check in checks if not check.agrees]
    for check in checks:
        print(f"{check.name}\n    expected {shown(check.expected)}\n"
              f"    yours    {shown(check.computed)}   "
              f"{'ok' if check.agrees else 'DIFFERENT'}")
    if failed:
        raise AssertionError(f"{len(failed)} of {len(checks)} values differ from the "
                             f"expected ones, the first: {failed[0].name.strip()}")
    print(f"All {len(checks)} values agree.")


def grad_tests_softmax(skipgram, dummy_tokens, dummy_vectors, dataset):
    _report("Skip-Gram with naiveSoftmaxLossAndGradient",
            softmax_window_checks(skipgram, dummy_tokens, dummy_vectors[:5, :],
                                  dummy_vectors[5:, :], dataset))


def grad_tests_negsamp(skipgram, dummy_tokens, dummy_vectors, dataset,
                       negSamplingLossAndGradient):
    _report("Skip-Gram with negSamplingLossAndGradient",
            negsamp_window_checks(skipgram, dummy_tokens, dummy_vectors[:5, :],
                                  dummy_vectors[5:, :], dataset,
                                  negSamplingLossAndGradient))
