"""core.train.state on its own: the saved trainer state round-trips array for array at every
point of a run (fresh, mid-epoch, between epochs, finished, the handout's batching), and a
trainer rebuilt from it continues exactly as the one that was not interrupted.

Damaged and crafted files are tests/core/test_saved_files.py's."""

import errno
import json
import os

import numpy as np
import pytest

from core.data.corpus import Corpus
from core.train.config import PRESETS, TrainConfig
from core.train.state import FORMAT_VERSION
from core.train.trainer import Trainer, TrainerError

WORDS = [f"w{i}" for i in range(25)] + ["naïve", "日本", "a\u00a0b"]


def corpus() -> Corpus:
    rng = np.random.default_rng(4)
    return Corpus.from_sentences([[WORDS[j] for j in rng.integers(0, len(WORDS), 7)]
                                  for _ in range(50)])


CONFIGS = {
    "skipgram": TrainConfig(dim=10, epochs=3, min_count=1, batch_words=60, seed=2),
    "cbow": TrainConfig(dim=10, epochs=3, min_count=1, batch_words=60, seed=2, model="cbow"),
    "softmax": TrainConfig(dim=10, epochs=2, min_count=1, batch_words=60, seed=2,
                           loss="softmax"),
    "cs224n": PRESETS["cs224n"].replace(dim=6, iterations=30),
}


def trained(config: TrainConfig, steps: int | None) -> Trainer:
    """A trainer after `steps` steps (None: to the end)."""
    trainer = Trainer(corpus(), config)
    if steps is None:
        trainer.train()
    for _ in range(steps or 0):
        trainer.step()
    return trainer


def assert_same_arrays(first: dict, second: dict) -> None:
    assert first.keys() == second.keys()
    for name in first:
        a, b = np.asarray(first[name]), np.asarray(second[name])
        assert a.dtype == b.dtype and a.shape == b.shape, name
        if a.dtype.kind == "f":  # NaN equal to NaN
            np.testing.assert_array_equal(a, b, err_msg=name)
        else:
            assert np.array_equal(a, b), name


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("steps", [0, 1, 4, None], ids=["fresh", "one", "four", "finished"])
def test_the_state_round_trips_array_for_array(name, steps):
    trainer = trained(CONFIGS[name], steps)
    arrays = trainer.state_arrays()
    assert int(arrays["format_version"]) == FORMAT_VERSION
    rebuilt = Trainer.from_state(arrays)
    again = rebuilt.state_arrays()
    if not json.loads(str(arrays["position"]))["epoch_started"]:
        # between epochs the generator state of the last epoch's sub-sampling is not used
        # (the next epoch draws afresh): it is not restored, and saved again as null
        assert str(again["epoch_rng_state"]) == "null"
        again["epoch_rng_state"] = arrays["epoch_rng_state"]
    assert_same_arrays(again, arrays)
    assert rebuilt.config == trainer.config
    assert rebuilt.corpus.words == trainer.corpus.words
    assert (rebuilt.steps, rebuilt.words_done, rebuilt.epoch, rebuilt.finished) == (
        trainer.steps, trainer.words_done, trainer.epoch, trainer.finished)
    assert rebuilt.center_vectors.dtype == np.float32


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("steps", [0, 3], ids=["fresh", "mid-run"])
def test_a_saved_and_loaded_trainer_continues_as_if_never_stopped(tmp_path, name, steps):
    config = CONFIGS[name]
    uninterrupted = trained(config, None)
    interrupted = trained(config, steps)
    path = tmp_path / "model.npz"
    interrupted.save(path)
    resumed = Trainer.load(path)
    assert np.isnan(resumed.smoothed_loss) == np.isnan(interrupted.smoothed_loss)
    resumed.train()
    np.testing.assert_array_equal(resumed.center_vectors, uninterrupted.center_vectors)
    np.testing.assert_array_equal(resumed.outside_vectors, uninterrupted.outside_vectors)
    assert (resumed.steps, resumed.words_done) == (uninterrupted.steps,
                                                   uninterrupted.words_done)
    assert resumed.finished


def test_the_generator_goes_on_where_it_was():
    trainer = trained(CONFIGS["skipgram"], 2)
    rebuilt = Trainer.from_state(trainer.state_arrays())
    assert rebuilt.rng.bit_generator.state == trainer.rng.bit_generator.state
    assert rebuilt.rng.random() == trainer.rng.random()


def test_the_saved_vectors_are_a_copy_of_no_one_elses_memory(tmp_path):
    trainer = trained(CONFIGS["skipgram"], 1)
    path = tmp_path / "model.npz"
    trainer.save(path)
    loaded = Trainer.load(path)
    before = loaded.center_vectors.copy()
    trainer.step()  # the original trains on: the loaded one does not change
    np.testing.assert_array_equal(loaded.center_vectors, before)
    assert not np.shares_memory(loaded.center_vectors, trainer.center_vectors)


def test_a_state_from_a_newer_app_says_to_update():
    arrays = trained(CONFIGS["skipgram"], 1).state_arrays()
    arrays["format_version"] = np.int64(FORMAT_VERSION + 1)
    with pytest.raises(TrainerError, match="saved by a newer Word2Vec Studio"):
        Trainer.from_state(arrays, "future.npz")


def test_a_save_that_fails_keeps_the_previous_file(tmp_path, monkeypatch):
    trainer = trained(CONFIGS["skipgram"], 1)
    path = tmp_path / "model.npz"
    trainer.save(path)
    kept = path.read_bytes()

    def broken(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(np, "savez", broken)
    trainer.step()
    with pytest.raises(OSError) as caught:
        trainer.save(path)
    assert caught.value.errno == errno.ENOSPC and "model.npz" in str(caught.value)
    assert path.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]  # no leftover
