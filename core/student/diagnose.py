"""Compare a student's output with the expected one and say what is wrong where that is
certain: the same numbers with the sign flipped, transposed, scaled by a constant, or
equal to a known mistake computed here (a `variant`). Where nothing matches, a check says
what differs (shape, worst entries) and nothing more.

Agreement is the course's own: `np.allclose` with its default tolerances.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.math.functions import sigmoid

WORST_SHOWN = 3  # entries listed for a value that differs
RETURNED_NONE = "returned None"


def as_array(value) -> np.ndarray | None:
    """`value` as float64, or None when it is not numbers (None, a string, ragged)."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def plain(value):
    """A JSON-ready copy: numbers and nested lists (nan and inf as strings), or the repr."""
    array = as_array(value)
    if array is None:
        return None if value is None else repr(value)[:200]
    if array.ndim == 0:
        number = float(array)
        return number if np.isfinite(number) else str(number)
    return [plain(row) for row in array]


def agree(theirs: np.ndarray, expected: np.ndarray) -> bool:
    return theirs.shape == expected.shape and bool(np.allclose(theirs, expected))


def compare(name: str, output: str, theirs, expected, ours=None,
            variants: Sequence[tuple[object, str]] = ()) -> dict:
    """One check of one output. `expected`: the course's value where it publishes one,
    else the handout's definition computed by core; `ours`: core's value (expected when
    None); `variants`: (the value a known mistake gives, what the mistake is)."""
    check = {"name": name, "output": output, "passed": False, "expected": plain(expected),
             "theirs": plain(theirs), "ours": plain(expected if ours is None else ours),
             "worst": [], "difference": None, "diagnosis": None, "message": None}
    wanted = np.asarray(expected, dtype=np.float64)
    array = as_array(theirs)
    if array is None:
        check["message"] = (RETURNED_NONE if theirs is None
                            else f"not numbers: {type(theirs).__name__}")
        return check
    if array.shape != wanted.shape:
        if array.T.shape == wanted.shape and agree(array.T, wanted):
            check["diagnosis"] = (f"transposed: the right numbers as {array.shape} where "
                                  f"{wanted.shape} belongs")
        elif array.size == wanted.size and agree(array.reshape(wanted.shape), wanted):
            check["diagnosis"] = (f"the right numbers in the wrong shape: {array.shape} "
                                  f"where {wanted.shape} belongs")
        check["message"] = f"shape {array.shape}, expected {wanted.shape}"
        return check
    if agree(array, wanted):
        check["passed"] = True
        return check
    if not np.all(np.isfinite(array)):
        check["message"] = "contains nan or inf"
    difference = array - wanted
    if array.ndim:
        flat = np.argsort(-np.abs(np.nan_to_num(difference, nan=np.inf)), axis=None)
        check["worst"] = [
            {"index": [int(i) for i in np.unravel_index(k, array.shape)],
             "theirs": plain(array.flat[k]), "expected": plain(wanted.flat[k])}
            for k in flat[:WORST_SHOWN]]
        check["difference"] = plain(difference)
    check["diagnosis"] = diagnosis(array, wanted, variants)
    if check["message"] is None:
        worst = float(np.nanmax(np.abs(difference))) if difference.size else 0.0
        check["message"] = f"differs by up to {worst:.3g}"
    return check


def diagnosis(theirs: np.ndarray, expected: np.ndarray,
              variants: Sequence[tuple[object, str]] = ()) -> str | None:
    """What the mistake is, when the numbers show it beyond doubt; else None."""
    for value, text in variants:
        known = as_array(value)
        if known is not None and agree(theirs, known) and not agree(known, expected):
            return text
    if theirs.size < 2 or not np.all(np.isfinite(theirs)) or not np.any(
            np.abs(expected) > 1e-8):
        return None  # two numbers always differ by some factor: that proves nothing
    if agree(theirs, -expected):
        return "the sign is flipped: yours is −1 × the expected value"
    if theirs.ndim == 2 and agree(theirs, expected.T):
        return "transposed: yours is the transpose of the expected value"
    factor = float(np.vdot(theirs, expected) / np.vdot(expected, expected))
    if abs(factor - 1) > 1e-3 and abs(factor) > 1e-8 and agree(theirs, factor * expected):
        return f"off by a constant factor: yours is {factor:.4g} × the expected value"
    return None


def gradient_check(name: str, output: str, analytic, numeric: np.ndarray,
                   tolerance: float = 1e-5) -> dict:
    """A gradient against the central-difference slope of the same loss, as the course's
    gradcheck_naive judges it (relative error at most `tolerance`)."""
    check = compare(name, output, analytic, numeric)
    array = as_array(analytic)
    if array is not None and array.shape == numeric.shape:
        errors = np.abs(array - numeric) / np.maximum(
            1.0, np.maximum(np.abs(array), np.abs(numeric)))
        worst = float(np.max(errors)) if errors.size else 0.0
        check["passed"] = bool(np.isfinite(worst) and worst <= tolerance)
        check["message"] = (f"worst relative error {worst:.2e} (at most {tolerance:g})"
                            if not check["passed"] or worst > 0 else None)
        if check["passed"]:
            check["diagnosis"] = None
    return check


# ---------------------------------------------------------------------- known mistakes
def naive_softmax_variants(center: np.ndarray, outside_index: int,
                           outside: np.ndarray) -> dict[str, list[tuple[object, str]]]:
    """ŷ used where ŷ − y belongs (the true word's 1 never subtracted)."""
    scores = outside @ center
    probabilities = np.exp(scores - scores.max())
    probabilities /= probabilities.sum()
    text = ("ŷ where ŷ − y belongs: the true outside word's 1 is never subtracted "
            "(the gradient of the score is ŷ − y)")
    return {"gradCenterVec": [(outside.T @ probabilities, text)],
            "gradOutsideVecs": [(np.outer(probabilities, center), text)]}


def negative_sampling_variants(center: np.ndarray, outside_index: int, outside: np.ndarray,
                               negatives: Sequence[int]) -> dict[str, list]:
    """σ(+u_k·v_c) for the noise words; repeated noise words not accumulated."""
    negatives = np.asarray(negatives, dtype=np.int64)
    true_score = float(outside[outside_index] @ center)
    noise_scores = outside[negatives] @ center
    sign = ("σ(+u_k·v_c) for the noise words: the handout's loss has "
            "−Σ log σ(−u_k·v_c), the noise words' scores negated")
    loss = -np.log(sigmoid(true_score)) - np.sum(np.log(sigmoid(noise_scores)))
    center_grad = (sigmoid(true_score) - 1) * outside[outside_index] + (
        (sigmoid(noise_scores) - 1) @ outside[negatives])
    outside_grad = np.zeros_like(outside)
    outside_grad[outside_index] += (sigmoid(true_score) - 1) * center
    np.add.at(outside_grad, negatives, np.outer(sigmoid(noise_scores) - 1, center))
    lost = np.zeros_like(outside)
    lost[outside_index] += (sigmoid(true_score) - 1) * center
    lost[negatives] += np.outer(sigmoid(noise_scores), center)  # a repeat overwrites
    repeats = ("a noise word drawn more than once counts once: `grad[indices] += …` with "
               "repeated indices adds only one of them (use a loop or np.add.at)")
    return {"loss": [(loss, sign)], "gradCenterVec": [(center_grad, sign)],
            "gradOutsideVecs": [(outside_grad, sign), (lost, repeats)]}
