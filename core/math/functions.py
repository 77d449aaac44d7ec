"""Elementwise and row-wise building blocks: sigmoid, log-sigmoid, softmax, log-sum-exp, row
normalisation.

All are numerically stable and silent: no overflow or divide warnings at extreme inputs.
They keep the input's floating dtype (float32 in, float32 out).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _exp_of_negative(magnitude: np.ndarray) -> np.ndarray:
    """e^(-a) for a ≥ 0; results below the smallest float become exactly 0, silently
    (this local setting holds even inside np.errstate(all="raise"))."""
    with np.errstate(under="ignore"):
        return np.exp(-magnitude)


def _as_float(x: ArrayLike) -> np.ndarray:
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def sigmoid(x: ArrayLike) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(-x)), elementwise, without overflow for any finite x.

    Uses z = e^(-|x|), which never exceeds 1: σ(x) = 1/(1+z) for x ≥ 0 and z/(1+z) for x < 0.
    """
    x = _as_float(x)
    z = _exp_of_negative(np.abs(x))
    with np.errstate(under="ignore"):
        inverse = 1.0 / (1.0 + z)
        return np.where(x >= 0, inverse, z * inverse).astype(x.dtype, copy=False)


def log_sigmoid(x: ArrayLike) -> np.ndarray:
    """log σ(x) = -log(1 + e^(-x)) = -(max(0, -x) + log(1 + e^(-|x|))), finite for finite x."""
    x = _as_float(x)
    with np.errstate(under="ignore"):
        return -(np.maximum(-x, 0) + np.log1p(_exp_of_negative(np.abs(x))))


def softmax(x: ArrayLike) -> np.ndarray:
    """Softmax over the last axis (each row of a matrix, or a whole vector).

    Subtracting the row maximum first leaves the result unchanged (softmax(x) =
    softmax(x + c)) and keeps every exponent ≤ 0, so nothing overflows.
    Returns a new array; the input is not modified.
    """
    x = _as_float(x)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1, keepdims=True)


def softmax_with_log_norm(x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """(softmax(x), log Σ_w e^(x_w)) over the last axis, from one exponential pass.

    The log-normaliser gives the naive-softmax loss as log Σ_w e^(s_w) − s_o, exact even
    where ŷ_o itself underflows to 0 (a loss of 1000 stays 1000, not −log(tiny) = 87.3).
    The normaliser has the last axis dropped: shape x.shape[:-1].
    """
    x = _as_float(x)
    peak = np.max(x, axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        exps = np.exp(x - peak)
    total = np.sum(exps, axis=-1, keepdims=True)
    log_norm = (peak + np.log(total))[..., 0]
    return exps / total, log_norm


def normalize_rows(x: ArrayLike) -> np.ndarray:
    """Scale each row of a (N, d) matrix to unit length; all-zero rows stay zero.

    Returns a new floating array; the input is not modified.
    """
    x = _as_float(x)
    norms = np.sqrt(np.einsum("...d,...d->...", x, x))[..., None]
    # zero rows: 0 / tiny = 0, with no division by zero
    return x / np.maximum(norms, np.finfo(x.dtype).tiny)


def rms_radius(layout: np.ndarray) -> float:
    """Root-mean-square distance of the points from their centre."""
    centred = layout - layout.mean(axis=0)
    return float(np.sqrt(np.mean(np.sum(centred * centred, axis=1)))) if len(layout) else 0.0
