"""Files from the command line, as desktop apps take them: `run.py FILE` opens a session, a
saved model or a corpus, and a run saved with every setting at its limit continues."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.session import Session, save_session
from core.train.config import LARGEST_SEED, PARAMETERS, PRESETS
from core.train.history import LossHistory
from core.train.trainer import Trainer
from tests.gui.helpers import close_window, open_window, stop
from w2v_gui.controllers.corpus import load_toy_world

ROOT = Path(__file__).resolve().parents[2]
# every setting the form shows at the end of its range that the toy world can train with
AT_THE_LIMITS = PRESETS["quick_demo"].replace(
    seed=LARGEST_SEED, alpha=PARAMETERS["alpha"].low, min_alpha=0.0,
    dim=int(PARAMETERS["dim"].high), epochs=int(PARAMETERS["epochs"].high),
    sample=PARAMETERS["sample"].high, window=int(PARAMETERS["window"].high))


@pytest.fixture(scope="module")
def limit_trainer() -> Trainer:
    trainer = Trainer(load_toy_world(), AT_THE_LIMITS)
    for _ in range(3):
        trainer.step()
    return trainer


@pytest.fixture
def saved_session(limit_trainer, tmp_path) -> Path:
    path = tmp_path / "limits.w2vsession"
    history = LossHistory()
    history.add(limit_trainer.stats())
    save_session(path, Session(limit_trainer, history, {"pinned": ["king"], "map_words": 120}))
    return path


def opens_and_continues(qtbot, path: Path, words_done: int) -> None:
    window = open_window(qtbot, open_path=str(path))
    qtbot.waitUntil(lambda: window.training.trainer is not None, timeout=30_000)
    trainer = window.training.trainer
    assert trainer.words_done == words_done
    assert window.views.hyperparameters.config() == AT_THE_LIMITS  # nothing rounded or clamped
    assert window.views.bar.train_button.text() == "Continue"
    window.start_training()
    qtbot.waitUntil(lambda: trainer.words_done > words_done, timeout=60_000)
    assert window.training.trainer is trainer  # the same run went on
    stop(qtbot, window)
    close_window(qtbot, window)


def test_a_session_at_the_limits_opens_and_continues(qtbot, saved_session, limit_trainer):
    opens_and_continues(qtbot, saved_session, limit_trainer.words_done)


def test_a_saved_model_at_the_limits_opens_and_continues(qtbot, limit_trainer, tmp_path):
    path = tmp_path / "limits.npz"
    limit_trainer.save(path)
    opens_and_continues(qtbot, path, limit_trainer.words_done)


def test_a_corpus_file_opens_in_place_of_the_toy_world(qtbot, tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 200)
    window = open_window(qtbot, open_path=str(path))
    assert window.training.corpus.source == str(path)
    close_window(qtbot, window)


def test_run_py_file_with_screenshot_opens_continues_and_saves_the_window(saved_session,
                                                                         tmp_path):
    picture = tmp_path / "shot.png"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "main.py", str(saved_session), "--screenshot", str(picture),
         "--train-seconds", "1"], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0, result.stderr
    assert picture.read_bytes()[:4] == b"\x89PNG"


def test_a_damaged_file_from_the_command_line_is_refused_and_the_toy_world_loads(
        qtbot, tmp_path, dialogs):
    path = tmp_path / "broken.w2vsession"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    window = open_window(qtbot, open_path=str(path))
    assert "not a readable Word2Vec Studio session" in dialogs.warnings[0]
    assert "toy world" in window.training.corpus.source
    close_window(qtbot, window)


def test_file_dialogs_open_in_the_folder_last_used(qtbot, tmp_path, monkeypatch):
    """Not in the app's own folder: the home folder at first, then wherever the last
    file was chosen, for opening and saving alike, and in the next launch's settings."""
    from PyQt6.QtCore import QSettings
    from PyQt6.QtWidgets import QFileDialog

    from w2v_gui.settings import restore_settings, save_settings

    opened_in = []

    def chosen(_parent, _caption, folder, _filters):
        opened_in.append(folder)
        return "", ""  # cancelled

    monkeypatch.setattr(QFileDialog, "getOpenFileName", chosen)
    window = open_window(qtbot)
    try:
        window.files.load_pairs_dialog()
        assert opened_in == [str(Path.home())]
        corpus = tmp_path / "texts" / "mine.txt"
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            lambda *_args: (str(corpus), ""))
        monkeypatch.setattr(window.evaluation, "load_pairs", lambda _path: True)
        window.files.load_pairs_dialog()
        monkeypatch.setattr(QFileDialog, "getOpenFileName", chosen)
        window.files.load_analogies_dialog()
        assert opened_in[-1] == str(corpus.parent)
        saved_in = []
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _parent, _caption, name,
                            _filters: (saved_in.append(name), ("", ""))[1])
        window.files.export_vectors_dialog()
        assert saved_in and Path(saved_in[0]) == corpus.parent
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        save_settings(settings, window, window.views, window.actions["log_y"], window.files)
        window.files.folder = str(tmp_path)
        restore_settings(settings, window, window.views, window.map, window.actions["log_y"],
                         window.files)
        assert window.files.folder == str(corpus.parent)
    finally:
        close_window(qtbot, window)
