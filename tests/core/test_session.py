"""Sessions: the model, loss history and the app's own state in one file."""

import json

import numpy as np
import pytest

from core.session import Session, SessionError, load_session, save_session
from core.storage.files import atomic_write
from core.train.config import PRESETS
from core.train.history import LossHistory
from core.train.trainer import Trainer
from tests.core.test_trainer import planted_corpus


@pytest.fixture
def trainer() -> Trainer:
    corpus, _ = planted_corpus(sentences=600)
    trainer = Trainer(corpus, PRESETS["quick_demo"].replace(epochs=2, dim=12))
    for _ in range(20):
        trainer.step()
    return trainer


def test_a_session_reopens_with_the_same_vectors_history_and_app_state(tmp_path, trainer):
    history = np.array([[256, 4.1, 4.1, 0.025], [512, 3.9, 4.0, 0.024]])
    path = tmp_path / "run.w2vsession"
    state = {"pinned": ["a1", "b1"], "map": {"words": 120}}
    save_session(path, Session(trainer, LossHistory(history), state))
    reopened = load_session(path)
    np.testing.assert_array_equal(reopened.trainer.center_vectors, trainer.center_vectors)
    np.testing.assert_array_equal(reopened.trainer.outside_vectors, trainer.outside_vectors)
    np.testing.assert_array_equal(reopened.history.rows(), history)
    assert reopened.app_state == state  # kept as it was: core does not read it
    assert reopened.trainer.config == trainer.config
    assert reopened.trainer.words_done == trainer.words_done


def test_a_reopened_session_continues_exactly(tmp_path, trainer):
    path = tmp_path / "run.w2vsession"
    save_session(path, Session(trainer))
    reopened = load_session(path).trainer
    for _ in range(15):
        trainer.step()
        reopened.step()
    np.testing.assert_array_equal(reopened.center_vectors, trainer.center_vectors)


def test_damaged_and_foreign_files_say_what_they_are(tmp_path, trainer):
    garbage = tmp_path / "garbage.w2vsession"
    garbage.write_bytes(b"\x00\x01 not a zip at all")
    with pytest.raises(SessionError, match="not a readable Word2Vec Studio session"):
        load_session(garbage)
    model = tmp_path / "model.npz"
    trainer.save(model)  # a model, not a session
    with pytest.raises(SessionError, match="not a Word2Vec Studio session"):
        load_session(model)
    good = tmp_path / "good.w2vsession"
    save_session(good, Session(trainer))
    truncated = tmp_path / "truncated.w2vsession"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(SessionError, match="choose another file"):
        load_session(truncated)


def test_a_failed_save_keeps_the_earlier_file(tmp_path, trainer, monkeypatch):
    path = tmp_path / "run.w2vsession"
    save_session(path, Session(trainer, app_state={"pinned": ["a1"]}))
    before = path.read_bytes()

    def broken_savez(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError):
        save_session(path, Session(trainer, app_state={"pinned": ["b2"]}))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.w2vsession"]


def test_a_first_format_session_still_opens(tmp_path, trainer):
    """Format 1 kept the pins and the view's settings in records of their own."""
    arrays = trainer.state_arrays()
    arrays.update({
        "session_version": np.int64(1),
        "session_history": np.array([[256, 4.1, 4.1, 0.025]]),
        "session_pinned": np.array(["a1"]),
        "session_view": np.array(json.dumps({"map_words": 120, "method": "pca"})),
    })
    path = tmp_path / "old.w2vsession"
    with atomic_write(path) as stream:
        np.savez(stream, **arrays)
    reopened = load_session(path)
    assert reopened.app_state == {"map_words": 120, "method": "pca", "pinned": ["a1"]}
    assert len(reopened.history) == 1
