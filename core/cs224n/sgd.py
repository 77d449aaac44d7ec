"""The handout's stochastic gradient descent loop, with exact, resumable checkpoints.

Semantics follow the CS224n `sgd`: `x -= step * grad`, optional post-processing, an
exponential moving average of the loss updated every `print_every` iterations
(exploss = 0.95 exploss + 0.05 loss), and the step halved every `anneal_every`
iterations. Unlike the handout, a checkpoint also stores the step, the moving average
and NumPy's global random state, so a resumed run repeats an uninterrupted one bit for bit.
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.errors import DivergenceError
from core.storage.files import atomic_write

CHECKPOINT_PATTERN = re.compile(r"^sgd_checkpoint_(\d+)\.npz$")


class CheckpointError(ValueError):
    """A checkpoint file could not be read."""


def checkpoint_path(directory: str | os.PathLike, iteration: int) -> Path:
    return Path(directory) / f"sgd_checkpoint_{iteration}.npz"


def latest_checkpoint(directory: str | os.PathLike) -> Path | None:
    """The checkpoint with the highest iteration number in `directory`, or None."""
    folder = Path(directory)
    if not folder.is_dir():
        return None
    found = [
        (int(match.group(1)), entry)
        for entry in folder.iterdir()
        if (match := CHECKPOINT_PATTERN.match(entry.name))
    ]
    return max(found)[1] if found else None


def save_checkpoint(
    path: str | os.PathLike, iteration: int, x: np.ndarray, step: float, exploss: float | None
) -> None:
    """Write parameters and both random states atomically (a crash never leaves half a file)."""
    version, python_state, gauss_next = random.getstate()
    np_kind, np_keys, np_pos, np_has_gauss, np_cached = np.random.get_state()
    arrays = {
        "iteration": np.int64(iteration),
        "x": x,
        "step": np.float64(step),
        "exploss": np.float64(np.nan if exploss is None else exploss),
        "python_version": np.int64(version),
        "python_state": np.array(python_state, dtype=np.uint64),
        "python_gauss": np.float64(np.nan if gauss_next is None else gauss_next),
        "numpy_keys": np_keys,
        "numpy_pos": np.int64(np_pos),
        "numpy_has_gauss": np.int64(np_has_gauss),
        "numpy_cached": np.float64(np_cached),
    }
    with atomic_write(path) as stream:
        np.savez(stream, **arrays)


def load_checkpoint(path: str | os.PathLike) -> tuple[int, np.ndarray, float, float | None]:
    """Read a checkpoint, restore both random states, return (iteration, x, step, exploss)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            iteration = int(data["iteration"])
            x = np.array(data["x"])
            step = float(data["step"])
            exploss = float(data["exploss"])
            python_state = tuple(int(v) for v in data["python_state"])
            python_gauss = float(data["python_gauss"])
            random.setstate(
                (
                    int(data["python_version"]),
                    python_state,
                    None if math.isnan(python_gauss) else python_gauss,
                )
            )
            np.random.set_state(
                (
                    "MT19937",
                    np.array(data["numpy_keys"], dtype=np.uint32),
                    int(data["numpy_pos"]),
                    int(data["numpy_has_gauss"]),
                    float(data["numpy_cached"]),
                )
            )
    except (OSError, ValueError, KeyError, TypeError, EOFError) as error:
        raise CheckpointError(
            f"checkpoint {path} is unreadable ({error}). Delete it to resume from the "
            f"previous checkpoint, or start without resuming."
        ) from error
    return iteration, x, step, None if math.isnan(exploss) else exploss


def sgd(
    f: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: np.ndarray,
    step: float,
    iterations: int,
    postprocessing: Callable[[np.ndarray], np.ndarray] | None = None,
    *,
    anneal_every: int = 20000,
    print_every: int = 10,
    checkpoint_dir: str | os.PathLike | None = None,
    save_every: int = 5000,
    resume: bool = False,
    log: Callable[[str], None] | None = print,
) -> np.ndarray:
    """Minimise f by SGD. f(x) returns (loss, gradient of the same shape as x).

    x0 is updated in place and returned, as in the handout. With `checkpoint_dir`, a
    checkpoint is written every `save_every` iterations; with `resume=True` the newest
    one there is loaded first and the run continues from it.
    Raises DivergenceError (with advice) when the loss becomes NaN or infinite.
    """
    if iterations < 0 or anneal_every <= 0 or print_every <= 0 or save_every <= 0:
        raise ValueError(
            "iterations must be >= 0 and anneal_every, print_every, save_every must be > 0"
        )
    start = 0
    x = x0
    exploss: float | None = None
    if resume and checkpoint_dir is not None:
        found = latest_checkpoint(checkpoint_dir)
        if found is not None:
            start, saved_x, step, exploss = load_checkpoint(found)
            if saved_x.shape != x.shape:
                raise CheckpointError(
                    f"checkpoint {found} holds parameters of shape {saved_x.shape}, but this "
                    f"run has {x.shape}. Use another checkpoint folder for a different model."
                )
            x[...] = saved_x
            if log:
                log(f"resumed from {found} at iteration {start}")
    if postprocessing is None:

        def postprocessing(values: np.ndarray) -> np.ndarray:
            return values

    for iteration in range(start + 1, iterations + 1):
        loss, grad = f(x)
        if not math.isfinite(loss):
            raise DivergenceError(
                f"the loss became {loss} at iteration {iteration} (step size {step:g}). "
                f"Lower the step size and run again"
                + (f"; checkpoints in {checkpoint_dir} are intact." if checkpoint_dir else ".")
            )
        x -= step * grad
        x = postprocessing(x)
        if iteration % print_every == 0:
            # The handout's display smoothing, updated only when it prints.
            exploss = loss if not exploss else 0.95 * exploss + 0.05 * loss
            if log:
                log(f"iter {iteration}: {exploss:f}")
        if iteration % anneal_every == 0:
            step *= 0.5
        # Saved after annealing, so the stored step is the one iteration+1 will use.
        if checkpoint_dir is not None and iteration % save_every == 0:
            save_checkpoint(checkpoint_path(checkpoint_dir, iteration), iteration, x, step, exploss)
    return x
