import random

import numpy as np
import pytest

from core.cs224n.sgd import (
    CheckpointError,
    DivergenceError,
    checkpoint_path,
    latest_checkpoint,
    load_checkpoint,
    sgd,
)


def noisy_quadratic(x):
    """A loss that draws from both Python's and NumPy's generators, as training does."""
    target = np.array([random.random(), np.random.rand()])
    residual = x - target
    return float(residual @ residual), 2 * residual


def run(iterations, **kwargs):
    return sgd(noisy_quadratic, np.array([5.0, -3.0]), 0.3, iterations,
               anneal_every=7, print_every=2, save_every=5, log=None, **kwargs)


def test_resumed_run_equals_uninterrupted_run_bit_for_bit(tmp_path):
    random.seed(11)
    np.random.seed(12)
    uninterrupted = run(23)
    after_uninterrupted = (random.random(), np.random.rand())

    random.seed(11)
    np.random.seed(12)
    run(12, checkpoint_dir=tmp_path)  # stops after iteration 12; checkpoints at 5 and 10
    assert latest_checkpoint(tmp_path) == checkpoint_path(tmp_path, 10)
    random.seed(999)  # a fresh process would not share the generators' state
    np.random.seed(999)
    resumed = run(23, checkpoint_dir=tmp_path, resume=True)
    assert resumed.tobytes() == uninterrupted.tobytes()
    assert (random.random(), np.random.rand()) == after_uninterrupted


def test_step_halves_every_anneal_period():
    seen = []

    def constant_gradient(x):
        return 1.0, np.ones_like(x)

    x = sgd(constant_gradient, np.zeros(1), 1.0, 6, anneal_every=2, log=seen.append,
            print_every=100)
    # steps: 1, 1, 0.5, 0.5, 0.25, 0.25
    assert x[0] == pytest.approx(-3.5)


def test_postprocessing_applies_every_iteration():
    x = sgd(lambda v: (0.0, -np.ones_like(v)), np.zeros(2), 1.0, 3,
            postprocessing=lambda v: np.clip(v, 0, 2), log=None)
    np.testing.assert_allclose(x, [2.0, 2.0])


def test_moving_average_is_printed_like_the_handout():
    lines = []
    sgd(lambda v: (2.0, np.zeros_like(v)), np.zeros(1), 0.1, 20, print_every=10, log=lines.append)
    assert lines == ["iter 10: 2.000000", "iter 20: 2.000000"]


def test_divergence_raises_with_advice():
    def explode(x):
        return float(np.exp(x[0])) if x[0] < 700 else float("inf"), -np.ones_like(x) * 100

    with pytest.raises(DivergenceError, match="Lower the step size"):
        sgd(explode, np.zeros(1), 10.0, 100, log=None)


def test_corrupt_checkpoint_is_reported(tmp_path):
    checkpoint_path(tmp_path, 5).write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_checkpoint(checkpoint_path(tmp_path, 5))
    with pytest.raises(CheckpointError, match="Delete it"):
        run(10, checkpoint_dir=tmp_path, resume=True)


def test_checkpoint_of_other_shape_is_refused(tmp_path):
    sgd(lambda v: (0.0, np.zeros_like(v)), np.zeros(3), 0.1, 5, save_every=5,
        checkpoint_dir=tmp_path, log=None)
    with pytest.raises(CheckpointError, match="shape"):
        run(10, checkpoint_dir=tmp_path, resume=True)
