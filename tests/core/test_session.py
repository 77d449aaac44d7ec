"""Sessions: the model, loss history, pinned words and view settings in one file."""

import numpy as np
import pytest

from core.config import PRESETS
from core.corpus import Corpus
from core.session import Session, SessionError, load_session, save_session
from core.trainer import Trainer
from tests.core.test_trainer import planted_corpus


@pytest.fixture
def trainer() -> Trainer:
    corpus, _ = planted_corpus(sentences=600)
    trainer = Trainer(corpus, PRESETS["quick_demo"].replace(epochs=2, dim=12))
    for _ in range(20):
        trainer.step()
    return trainer


def test_a_session_reopens_with_the_same_vectors_history_and_pins(tmp_path, trainer):
    history = np.array([[256, 4.1, 4.1, 0.025], [512, 3.9, 4.0, 0.024]])
    path = tmp_path / "run.w2vsession"
    save_session(path, Session(trainer, history, ["a1", "b1"], {"map_words": 120}))
    reopened = load_session(path)
    np.testing.assert_array_equal(reopened.trainer.center_vectors, trainer.center_vectors)
    np.testing.assert_array_equal(reopened.trainer.outside_vectors, trainer.outside_vectors)
    np.testing.assert_array_equal(reopened.loss_history, history)
    assert reopened.pinned == ["a1", "b1"]
    assert reopened.view == {"map_words": 120}
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
    save_session(path, Session(trainer, pinned=["a1"]))
    before = path.read_bytes()

    def broken_savez(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError):
        save_session(path, Session(trainer, pinned=["b2"]))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.w2vsession"]


def test_pins_of_words_no_longer_in_the_vocabulary_are_dropped(tmp_path):
    corpus = Corpus.from_sentences([["a", "b", "c"], ["b", "c", "a"]] * 5)
    trainer = Trainer(corpus, PRESETS["quick_demo"].replace(epochs=1, dim=4))
    path = tmp_path / "run.w2vsession"
    save_session(path, Session(trainer, pinned=["a", "zebra"]))
    assert load_session(path).pinned == ["a"]
