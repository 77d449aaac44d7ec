"""Central-difference gradient checker, as the handout defines it.

numeric_i = (f(x + h e_i) - f(x - h e_i)) / 2h with h = 1e-4, compared to the analytic
gradient by |numeric - analytic| / max(1, |numeric|, |analytic|). Python's `random` (and
NumPy's global generator) are reset to the same state before every evaluation, so a
stochastic loss such as negative sampling draws the same noise words each time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GradientCheck:
    worst_error: float
    worst_index: tuple[int, ...]
    numeric: float
    analytic: float
    tolerance: float

    @property
    def passed(self) -> bool:
        return self.worst_error <= self.tolerance


def check_gradient(
    f: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    *,
    h: float = 1e-4,
    tolerance: float = 1e-5,
    label: str = "",
    verbose: bool = False,
) -> GradientCheck:
    """Check f's gradient at every entry of x (float64, modified and restored in place).

    Returns the worst relative error and where it occurred. With `verbose`, prints a
    pass or fail line in the manner of the handout's checker.
    """
    if x.dtype != np.float64:
        raise TypeError(
            f"gradient checks need float64 parameters, got {x.dtype}; "
            "pass x.astype(np.float64)"
        )
    analytic_gradient, numeric_gradient = gradients(f, x, h)
    errors = np.abs(numeric_gradient - analytic_gradient) / np.maximum(
        1.0, np.maximum(np.abs(numeric_gradient), np.abs(analytic_gradient)))
    errors = np.where(np.isfinite(errors), errors, np.inf)
    index = np.unravel_index(int(np.argmax(errors)), x.shape) if x.size else (0,) * x.ndim
    index = tuple(int(i) for i in index)
    worst = GradientCheck(float(errors[index]) if x.size else 0.0, index,
                          float(numeric_gradient[index]) if x.size else 0.0,
                          float(analytic_gradient[index]) if x.size else 0.0, tolerance)
    if verbose:
        if worst.passed:
            print(f"Gradient check passed{' for ' + label if label else ''}! "
                  f"(worst relative error {worst.worst_error:.2e})")
        else:
            print(f"Gradient check failed{' for ' + label if label else ''}.")
            print(f"Worst gradient error found at index {worst.worst_index}")
            print(f"Your gradient: {worst.analytic:f} \t Numerical gradient: {worst.numeric:f}")
    return worst


def gradients(f: Callable[[np.ndarray], tuple[float, np.ndarray]], x: np.ndarray,
              h: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """(f's analytic gradient at x, the central-difference one), both float64 arrays of
    x's shape; random states reset before every evaluation as check_gradient does."""
    python_state = random.getstate()
    numpy_state = np.random.get_state()

    def evaluate() -> tuple[float, np.ndarray]:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        return f(x)

    _, analytic = evaluate()
    analytic = np.array(analytic, dtype=np.float64)  # f may reuse buffers
    if analytic.shape != x.shape:
        raise ValueError(f"the gradient has shape {analytic.shape}, its parameters "
                         f"{x.shape}")
    numeric = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        loss_plus, _ = evaluate()
        x[index] = original - h
        loss_minus, _ = evaluate()
        x[index] = original
        numeric[index] = (float(loss_plus) - float(loss_minus)) / (2 * h)
    return analytic, numeric
