"""Nothing lost, nothing trusted: what a file holds can neither make the window write one
document over another, nor render itself as HTML, nor make the app read another file; no
mode without a person waits for one; autosave problems are told."""

import errno
import gzip
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QMimeData, QPointF, Qt, QUrl
from PyQt6.QtGui import QDropEvent
from PyQt6.QtWidgets import QMessageBox

from core.data.corpus import Corpus
from core.session import Session, save_session
from core.train.config import PRESETS
from core.train.trainer import Trainer
from tests.gui.helpers import close_window, open_window, start
from w2v_gui.controllers import document as document_module
from w2v_gui.controllers.document import describe_recovery

ROOT = Path(__file__).resolve().parents[2]


def small_trainer(steps: int, source: str = "tiny.txt", finish: bool = False) -> Trainer:
    sentences = [["the", "king", "rules", "the", "land"], ["the", "queen", "rules", "too"],
                 ["a", "dog", "runs", "in", "the", "park"]] * 40
    corpus = Corpus.from_sentences(sentences, source=source)
    trainer = Trainer(corpus, PRESETS["quick_demo"].replace(epochs=1, dim=8, min_count=1))
    for _ in range(steps):
        trainer.step()
    while finish and not trainer.finished:
        trainer.step()
    return trainer


@pytest.fixture
def window(qtbot):
    window = open_window(qtbot)
    yield window
    close_window(qtbot, window)


def open_session(qtbot, window, path: Path) -> None:
    with qtbot.waitSignal(window.document.opened, timeout=30_000):
        window.files.open_path(str(path))


def test_a_session_with_damaged_view_settings_opens_and_save_never_writes_over_another(
        qtbot, window, tmp_path, dialogs):
    first, second = tmp_path / "A.w2vsession", tmp_path / "B.w2vsession"
    save_session(first, Session(small_trainer(2), app_state={"map_words": 100}))
    save_session(second, Session(small_trainer(6), app_state={
        "map_words": 10**12, "clusters": -3, "pinned": ["king", 5], "query": "queen"}))
    first_bytes = first.read_bytes()
    open_session(qtbot, window, first)
    open_session(qtbot, window, second)  # raised OverflowError half-way through before
    assert window.document.path == str(second)
    assert window.training.trainer.words_done == small_trainer(6).words_done
    assert window.map.pinned == ["king"]
    assert window.views.search_panel.query.text() == "queen"
    message = window.statusBar().currentMessage()
    assert "map words" in message and "clusters" in message
    assert window.files.save_session()  # Ctrl+S
    assert first.read_bytes() == first_bytes  # A is untouched
    assert not dialogs.errors


def test_a_half_done_switch_leaves_save_asking_where(qtbot, window, tmp_path, monkeypatch,
                                                     dialogs):
    """Should adopting a session still fail (a bug), Save must not reuse the old file."""
    first, second = tmp_path / "A.w2vsession", tmp_path / "B.w2vsession"
    save_session(first, Session(small_trainer(2)))
    save_session(second, Session(small_trainer(6)))
    open_session(qtbot, window, first)
    first_bytes = first.read_bytes()

    def broken(_state):
        raise RuntimeError("a bug while applying the map's settings")

    monkeypatch.setattr(window.map, "apply_state", broken)
    with qtbot.captureExceptions() as raised:
        open_session(qtbot, window, second)
    assert raised and "a bug while applying" in str(raised[0][1])
    assert window.document.path is None
    window.files.save_session()  # asks where (the test's file dialog answers "cancel")
    assert dialogs.file_dialogs == ["getSaveFileName"]
    assert first.read_bytes() == first_bytes


def test_text_from_a_session_is_shown_as_text_and_names_no_file_to_read(
        qtbot, window, tmp_path, monkeypatch):
    html = "<h1 style='color:red'>BIG"  # (no slash: the name shown is the whole source)
    path = tmp_path / "html.w2vsession"
    save_session(path, Session(small_trainer(2, source=html)))
    read: list = []
    monkeypatch.setattr("w2v_gui.panels.corpus_panel.is_sst_file",
                        lambda p: read.append(p) or False)
    open_session(qtbot, window, path)
    assert window.views.corpus_status.textFormat() == Qt.TextFormat.PlainText
    assert html in window.views.corpus_status.text()
    summary = window.views.corpus_panel.summary.text()
    assert "&lt;h1 style=" in summary and "<h1" not in summary
    assert window.views.bar.label.textFormat() == Qt.TextFormat.PlainText

    passwd = tmp_path / "passwd.w2vsession"
    save_session(passwd, Session(small_trainer(2, source="../../../../etc/passwd")))
    open_session(qtbot, window, passwd)
    assert read == []  # the corpus's source was never opened
    assert "root:" not in window.views.corpus_panel.summary.text()
    assert "as kept in the saved run" in window.views.corpus_panel.summary.text()


def test_autosave_problems_are_told_once(qtbot, window, monkeypatch, dialogs):
    start(qtbot, window, words=5_000)
    window.training.toggle_pause()

    def full_disk(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(document_module, "write_session", full_disk)
    for _ in range(3):
        window.document.autosave()
        qtbot.waitUntil(lambda: not window.document._autosaving, timeout=10_000)
    told = [text for text in dialogs.warnings if "recovery copy" in text]
    assert len(told) == 1 and "No space left" in told[0] and "Ctrl+S" in told[0]
    window.training.stop()


def test_the_recovery_question_names_the_run_and_a_taken_copy_is_explained(
        qtbot, window, tmp_path):
    copy = tmp_path / "session-1-2.w2vsession"
    trainer = small_trainer(5, source="/data/sst/sentences.txt")
    save_session(copy, Session(trainer))
    text = describe_recovery(copy)
    assert "sentences.txt" in text and f"{trainer.words_done:,} words" in text
    assert "epoch 1 of 1" in text and "copied at" in text
    (tmp_path / "junk.w2vsession").write_bytes(b"not a session")
    assert "cannot be read" in describe_recovery(tmp_path / "junk.w2vsession")

    copy.unlink()  # another launch took it a moment ago
    with qtbot.waitSignal(window.document.failed, timeout=10_000) as failed:
        window.document.recover(copy)
    assert "taken by another window" in failed.args[1]
    assert "Errno" not in failed.args[1]


def test_screenshot_mode_on_a_finished_model_ends_by_itself(tmp_path):
    model = tmp_path / "finished.npz"
    small_trainer(0, finish=True).save(model)
    shot = tmp_path / "shot.png"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
                   "WORD2VEC_STUDIO_DATA": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "main.py", str(model), "--screenshot", str(shot),
         "--train-seconds", "1"], cwd=ROOT, env=environment, capture_output=True,
        text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 10_000


def unreadable_vectors(folder: Path) -> dict[str, Path]:
    """Files that look like vectors but cannot be read as them, and what their message
    must say."""
    three = folder / "three.txt"
    three.write_text("3 4 1\n" + "".join(f"{word} 0.1 0.2 0.3 0.4\n"
                                         for word in ("king", "queen", "man")))
    packed = folder / "vectors.txt.gz"
    packed.write_bytes(gzip.compress(b"2 3\nking 1 2 3\nqueen 4 5 6\n"))
    fasttext = folder / "model.bin"
    fasttext.write_bytes(struct.pack("<ii", 793712314, 12) + bytes(range(256)) * 8)
    return {"line 1": three, "gzip -dc": packed, "fastText": fasttext}


def drop(window, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


@pytest.mark.parametrize("how", ["open", "open vectors", "drop"])
def test_vectors_that_cannot_be_read_never_become_a_corpus(qtbot, window, tmp_path, dialogs,
                                                           how):
    corpus = window.training.corpus
    for said, path in unreadable_vectors(tmp_path).items():
        dialogs.warnings.clear()
        {"open": window.files.open_path, "open vectors": window.files.open_vectors,
         "drop": lambda p: drop(window, Path(p))}[how](str(path))
        assert len(dialogs.warnings) == 1 and said in dialogs.warnings[0], dialogs.warnings
        assert str(path) in dialogs.warnings[0]
        assert not window.corpora.busy  # nothing is being read as a corpus
        assert window.training.corpus is corpus and window.workspace.explored is None


def test_open_vectors_on_a_corpus_says_it_is_not_vectors(qtbot, window, tmp_path, dialogs):
    text = tmp_path / "story.txt"
    text.write_text("the king rules the land and the queen rules too\n" * 50)
    corpus = window.training.corpus
    window.files.open_vectors(str(text))
    assert len(dialogs.warnings) == 1 and "Open a corpus file" in dialogs.warnings[0]
    assert window.training.corpus is corpus and not window.corpora.busy


@pytest.mark.parametrize("damage, said", [
    (lambda a: a.update(center_vectors=a["center_vectors"].astype(np.int32)), "center_vectors"),
    (lambda a: a.update(position=np.array(json.dumps(
        {**json.loads(str(a["position"])), "steps": "12"}))), "steps"),
    (lambda a: a.update(token_ids=-a["token_ids"] - 1), "token_ids"),
])
def test_a_damaged_model_is_refused_by_the_app_and_the_work_kept(qtbot, window, tmp_path,
                                                                 dialogs, damage, said):
    arrays = small_trainer(3).state_arrays()
    damage(arrays)
    path = tmp_path / "damaged.npz"
    np.savez(path, **arrays)
    corpus = window.training.corpus
    with qtbot.waitSignal(window.document.failed, timeout=10_000):
        window.files.open_path(str(path))
    assert len(dialogs.warnings) == 1 and str(path) in dialogs.warnings[0]
    assert said in dialogs.warnings[0] and "a bug" not in dialogs.warnings[0]
    assert not dialogs.errors
    assert window.training.corpus is corpus


def test_the_largest_steps_the_form_allows_still_pause_for_a_save(qtbot, window, tmp_path,
                                                                   dialogs):
    """10,000,000 words per step at dimension 1,000: one step takes many bounded calls, and
    the run pauses between two of them for the copy."""
    # one worker: the step's chunks are this process's (tests/core/test_parallel.py has
    # the workers' own test of a large step)
    window.views.hyperparameters.set_config(window.views.hyperparameters.config().replace(
        batch_words=10_000_000, dim=1000, epochs=1, workers=1))
    seen = []
    window.training.stats.connect(seen.append)
    window.start_training()
    qtbot.waitUntil(lambda: window.training.running, timeout=10_000)
    # inside a step of many chunks, some done, not all (a run's first steps are small:
    # they grow to batch_words over its first 15%)
    qtbot.waitUntil(lambda: any(0 < stats.partial_step < 1 for stats in seen),
                    timeout=60_000)
    path = tmp_path / "big.w2vsession"
    assert window.files.save_to(str(path)), dialogs.warnings
    assert path.stat().st_size > 0 and not dialogs.warnings
    window.training.stop()
    qtbot.waitUntil(lambda: not window.training.running, timeout=30_000)


def test_reset_after_opening_a_session_still_reads_no_file_it_names(qtbot, window, tmp_path,
                                                                     monkeypatch):
    read: list = []
    monkeypatch.setattr("w2v_gui.panels.corpus_panel.is_sst_file",
                        lambda p: read.append(p) or False)
    path = tmp_path / "passwd.w2vsession"
    save_session(path, Session(small_trainer(2, source="/etc/passwd")))
    open_session(qtbot, window, path)
    window.workspace.reset_run()
    assert read == [] and "as kept in the saved run" in window.views.corpus_panel.summary.text()


def test_a_text_corpus_with_a_vectors_like_name_opens_as_a_corpus(qtbot, window, tmp_path,
                                                                  dialogs):
    story = tmp_path / "story.tsv"
    story.write_text("the king rules the land\tand the queen rules too\n" * 50)
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_corpus(str(story))  # File ▸ Open a corpus file
    assert window.training.corpus.source == str(story) and not dialogs.warnings


def test_a_race_record_with_an_absurd_number_is_left_out(qtbot, window, tmp_path, dialogs):
    trainer = small_trainer(3)
    point = {"seconds": 10**400, "words_done": 5, "words_per_second": 1.0, "log_loss": 2.0,
             "accuracy": None}
    race = {"kind": "losses", "held_out_pairs": 10, "runs": [
        {"name": "neg", "config": json.loads(trainer.config.to_json()), "points": [point]}]}
    path = tmp_path / "race.w2vsession"
    save_session(path, Session(trainer, app_state={"race": race}))
    open_session(qtbot, window, path)
    assert "loss race" in window.statusBar().currentMessage()
    assert window.document.path == str(path) and not dialogs.errors


def test_a_recovery_copy_too_big_for_memory_now_is_kept_for_later(qtbot, window, tmp_path,
                                                                   monkeypatch):
    from core.train import saved_arrays

    copy = tmp_path / "session-1-2.w2vsession"
    save_session(copy, Session(small_trainer(3)))
    monkeypatch.setattr(saved_arrays, "available_memory", lambda: 1_000)
    with qtbot.waitSignal(window.document.failed, timeout=10_000) as failed:
        window.document.recover(copy)
    assert copy.exists() and not copy.with_suffix(".damaged").exists()
    assert str(copy) in failed.args[1] and "offered again" in failed.args[1]
    assert str(window.document.recovery_path) not in failed.args[1]


def test_a_file_that_fails_to_open_never_asks_to_save_first(qtbot, window, tmp_path,
                                                            dialogs):
    """The question comes once the file has been read: a file that cannot open leaves
    the unsaved run alone without a question; one that opens asks, and Cancel keeps the
    current corpus."""
    start(qtbot, window, words=1)
    window.training.stop()
    qtbot.waitUntil(lambda: not window.training.running, timeout=10_000)
    assert window.document.unsaved
    binary = tmp_path / "data.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    failed_before = len(dialogs.errors) + len(dialogs.warnings)
    window.files.open_corpus(str(binary))
    qtbot.waitUntil(lambda: not window.corpora.busy, timeout=30_000)
    assert dialogs.questions == []
    assert len(dialogs.errors) + len(dialogs.warnings) > failed_before
    session = tmp_path / "broken.w2vsession"
    session.write_bytes(b"not a session at all")
    window.files.open_path(str(session))
    qtbot.waitUntil(lambda: not window.document.opening, timeout=30_000)
    assert dialogs.questions == []
    corpus = window.training.corpus
    good = tmp_path / "story.txt"
    good.write_text("the cat sat on the mat\n" * 40, encoding="utf-8")
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.files.open_corpus(str(good))
    qtbot.waitUntil(lambda: not window.corpora.busy and bool(dialogs.questions),
                    timeout=30_000)
    assert "Save it before you open another corpus" in dialogs.questions[0]
    assert window.training.corpus is corpus and window.document.unsaved


def test_a_latin_1_corpus_is_offered_lenient_reading(qtbot, window, tmp_path, dialogs):
    latin = tmp_path / "café.txt"
    latin.write_bytes("le café est très bon et le thé aussi\n".encode("latin-1") * 20)
    dialogs.answer = QMessageBox.StandardButton.Open
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_corpus(str(latin))
    assert "not valid UTF-8 at byte 6" in dialogs.questions[0]
    assert "Read it leniently now?" in dialogs.questions[0]
    words = window.training.corpus.words
    assert "le" in words and "bon" in words and window.training.corpus.source == str(latin)
    # Cancel: nothing read, the corpus open stays
    corpus = window.training.corpus
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.files.open_corpus(str(latin))
    qtbot.waitUntil(lambda: len(dialogs.questions) == 2 and not window.corpora.busy,
                    timeout=30_000)
    assert window.training.corpus is corpus and not dialogs.errors
