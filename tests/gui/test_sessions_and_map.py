"""The window keeps what the user made: sessions, settings, runs that continue; and the
map follows the user's choices: how many words, pinned words, trails, t-SNE, labels."""

import numpy as np
import pytest
from PyQt6.QtWidgets import QMessageBox

from tests.gui.helpers import close_window, open_window, search, start, stop, train


@pytest.fixture
def window(qtbot):
    window = open_window(qtbot)
    yield window
    close_window(qtbot, window)


def test_a_session_saves_and_reopens_with_the_same_vectors_and_history(qtbot, window,
                                                                         tmp_path):
    window.map.set_pinned(["queen", "paris"])
    train(qtbot, window, epochs=2)
    path = str(tmp_path / "demo")  # the suffix is added
    assert window.files.save_to(path)
    saved_vectors = window.training.trainer.center_vectors.copy()
    saved_history = window.training.history.rows()
    assert not window.document.unsaved

    other = open_window(qtbot)
    with qtbot.waitSignal(other.document.opened, timeout=30_000):
        other.files.open_path(path + ".w2vsession")
    np.testing.assert_array_equal(other.training.trainer.center_vectors, saved_vectors)
    np.testing.assert_array_equal(other.training.history.rows(), saved_history)
    np.testing.assert_array_equal(other.training.embeddings.vectors, saved_vectors)
    assert other.map.pinned == ["queen", "paris"]
    assert other.views.hyperparameters.config() == window.training.trainer.config
    assert other.views.bar.train_button.text() == "Train"  # that run had finished
    search(qtbot, other, "queen")
    assert other.views.search_panel.results.rowCount() == 10
    close_window(qtbot, other)


def test_a_stopped_run_continues_and_a_reopened_one_too(qtbot, window, tmp_path):
    window.views.hyperparameters.set_config(window.views.hyperparameters.config().replace(epochs=100))
    window.start_training()
    qtbot.waitUntil(lambda: window.training.trainer.words_done > 50_000, timeout=30_000)
    with qtbot.waitSignal(window.training.finished, timeout=5000):
        window.training.stop()
    assert window.views.bar.train_button.text() == "Continue"
    stopped_at = window.training.trainer.words_done
    history_length = len(window.training.history.rows())
    path = str(tmp_path / "half.w2vsession")
    assert window.files.save_to(path)
    window.start_training()  # continues the same trainer and its curve
    qtbot.waitUntil(lambda: window.training.trainer.words_done > stopped_at + 50_000,
                    timeout=30_000)
    with qtbot.waitSignal(window.training.finished, timeout=5000):
        window.training.stop()
    assert len(window.training.history.rows()) > history_length
    assert window.training.history.rows()[history_length, 0] > stopped_at

    other = open_window(qtbot)
    with qtbot.waitSignal(other.document.opened, timeout=30_000):
        other.files.open_path(path)
    assert other.views.bar.train_button.text() == "Continue"
    assert other.training.trainer.words_done == stopped_at
    other.start_training()
    qtbot.waitUntil(lambda: other.training.trainer.words_done > stopped_at, timeout=30_000)
    with qtbot.waitSignal(other.training.finished, timeout=5000):
        other.training.stop()
    close_window(qtbot, other)


def test_reset_forgets_the_run_after_asking(qtbot, window, dialogs):
    train(qtbot, window, epochs=1)
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.workspace.reset_run()
    assert window.training.trainer is not None  # cancelled: nothing lost
    dialogs.answer = QMessageBox.StandardButton.Discard
    window.workspace.reset_run()
    assert window.training.trainer is None and window.training.embeddings is None
    assert len(window.training.history.rows()) == 0
    bar = window.views.bar
    assert bar.train_button.text() == "Train" and not bar.reset_button.isEnabled()


def test_closing_mid_training_offers_to_save_and_ends_every_thread(qtbot, dialogs, tmp_path):
    window = open_window(qtbot)
    start(qtbot, window)
    window.document.path = str(tmp_path / "closing.w2vsession")  # as if saved there before
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.close()  # the user changes their mind: training goes on
    assert window.isVisible() and window.training.running and not window.training.paused
    dialogs.answer = QMessageBox.StandardButton.Save
    window.close()
    assert "has not been saved" in dialogs.questions[-1]
    assert (tmp_path / "closing.w2vsession").stat().st_size > 0
    qtbot.waitUntil(lambda: window.closed, timeout=10_000)
    assert not window.threads.threads


def test_a_corrupt_session_is_refused_and_the_current_work_kept(qtbot, window, dialogs,
                                                                 tmp_path):
    train(qtbot, window, epochs=1)
    trainer = window.training.trainer
    path = tmp_path / "broken.w2vsession"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    dialogs.answer = QMessageBox.StandardButton.Discard
    window.files.open_path(str(path))
    qtbot.waitUntil(lambda: bool(dialogs.warnings), timeout=10_000)
    assert "not a readable Word2Vec Studio session" in dialogs.warnings[-1]
    assert window.training.trainer is trainer


def test_settings_and_layout_are_restored_at_the_next_launch(qtbot):
    window = open_window(qtbot)
    form = window.views.hyperparameters
    form.set_config(form.config().replace(dim=24, window=3))
    window.views.map_controls.word_count.setValue(150)
    window.views.map_controls.set_method("tsne")
    window.views.docks['Nearest words'].hide()
    close_window(qtbot, window)
    again = open_window(qtbot)
    restored = again.views.hyperparameters.config()
    assert restored.dim == 24 and restored.window == 3
    assert again.views.map_controls.word_count.value() == 150
    assert again.views.map_controls.method_key == "tsne"
    assert not again.views.docks['Nearest words'].isVisibleTo(again)
    close_window(qtbot, again)


def test_the_map_shows_n_words_plus_pinned_ones_with_trails(qtbot, window):
    frames = []
    window.map.projection.layout_ready.connect(frames.append)
    window.views.map_controls.word_count.setValue(50)
    rare = window.training.corpus.words[-1]
    window.map.set_pinned(["king", rare])
    window.views.hyperparameters.set_config(window.views.hyperparameters.config().replace(epochs=100))
    window.start_training()
    qtbot.waitUntil(lambda: len(frames) >= 8, timeout=30_000)
    ids = frames[-1].ids
    assert len(ids) == 52 and window.training.corpus.index[rare] in ids  # king is beyond 50 too
    view = window.views.projection_view
    king = window.training.corpus.index["king"]
    assert len(view.trails[king]) >= 5  # the path it took, frame by frame
    assert {king, window.training.corpus.index[rare]} <= set(view.labelled)
    window.views.map_controls.word_count.setValue(120)  # applies now, while training
    qtbot.waitUntil(lambda: len(frames[-1].ids) == 121, timeout=10_000)
    with qtbot.waitSignal(window.training.finished, timeout=5000):
        window.training.stop()


def test_tsne_runs_in_the_background_from_the_current_layout(qtbot, window):
    train(qtbot, window, epochs=2)
    frames = []
    window.map.projection.layout_ready.connect(frames.append)
    window.views.map_controls.set_method("tsne")
    # a PCA frame of the run's last snapshot may still be on its way; then t-SNE's
    qtbot.waitUntil(lambda: any(frame.method == "tsne" for frame in frames), timeout=30_000)
    assert frames[-1].method == "tsne" and frames[-1].layout.shape == (300, 2)
    assert np.isfinite(frames[-1].layout).all()


def test_a_method_chosen_as_the_run_ends_is_laid_out(qtbot, window):
    # the training controller's finished signal comes before the map hears the run end:
    # a method chosen then must not wait for a snapshot that never comes
    frames = []
    window.map.projection.layout_ready.connect(frames.append)
    window.training.finished.connect(lambda _stats: window.views.map_controls.set_method("tsne"))
    train(qtbot, window, epochs=1)
    qtbot.waitUntil(lambda: any(frame.method == "tsne" for frame in frames), timeout=30_000)


def test_zooming_in_labels_more_of_the_words_in_view(qtbot, window):
    train(qtbot, window, epochs=2)
    view = window.views.projection_view
    qtbot.waitUntil(lambda: view.layout is not None, timeout=10_000)
    # resizing, following and zooming place the labels within the calls themselves (no
    # event loop runs in between, so no later frame can move the words meanwhile)
    view.resize(700, 500)
    view.follow()
    whole = len(view.labelled)
    box = view.getPlotItem().getViewBox()
    centre = np.median(view.layout, axis=0)
    half = 0.3 * view.layout.std(axis=0).mean()  # a small part of the map, at any scale
    box.setRange(xRange=(centre[0] - half, centre[0] + half),
                 yRange=(centre[1] - half, centre[1] + half), padding=0)
    (x_low, x_high), (y_low, y_high) = box.viewRange()
    inside = ((view.layout[:, 0] >= x_low) & (view.layout[:, 0] <= x_high)
              & (view.layout[:, 1] >= y_low) & (view.layout[:, 1] <= y_high))
    # labels now go to words inside the zoomed area, and a larger share of them is labelled
    assert len(view.labelled) > 0
    assert len(view.labelled) / inside.sum() > whole / len(view.layout)


def test_hover_labels_a_word_click_searches_it_and_ctrl_click_pins_it(qtbot, window):
    from PyQt6.QtCore import Qt

    train(qtbot, window, epochs=1)
    view = window.views.projection_view
    qtbot.waitUntil(lambda: view.layout is not None, timeout=10_000)
    qtbot.waitUntil(lambda: bool(window.views.search_panel.vocabulary), timeout=10_000)
    point = view.scatter.points()[250]  # a rare word: no label of its own at this zoom
    word = window.training.corpus.words[int(point.data())]
    view._hovered(view.scatter, [point])
    assert int(point.data()) in view.labelled
    assert word in view._tip(0, 0, point.data()) and "count" in view._tip(0, 0, point.data())
    with qtbot.waitSignal(window.search.answered, timeout=10_000):
        view._clicked(view.scatter, [point])
    assert window.views.search_panel.query.text() == word
    assert window.views.search_panel.results.rowCount() == 10

    class ControlClick:
        def modifiers(self):
            return Qt.KeyboardModifier.ControlModifier

    view._clicked(view.scatter, [point], ControlClick())
    assert window.map.pinned == [word]
    view._clicked(view.scatter, [point], ControlClick())
    assert window.map.pinned == []


def test_saving_during_training_pauses_only_for_the_copy(qtbot, window, tmp_path,
                                                         monkeypatch):
    from core.session import load_session
    from w2v_gui.controllers import document

    start(qtbot, window, words=20_000)
    worker, events = window.training.worker, []
    for name in ("pause", "resume"):
        method = getattr(worker, name)
        monkeypatch.setattr(worker, name, lambda *a, _m=method, _n=name, **k: (
            events.append(_n), _m(*a, **k))[1])
    copy, write = document.session_arrays, document.write_session
    monkeypatch.setattr(document, "session_arrays", lambda s: (events.append("copy"),
                                                               copy(s))[1])
    monkeypatch.setattr(document, "write_session", lambda p, a: (events.append("write"),
                                                                 write(p, a))[1])
    path = str(tmp_path / "live.w2vsession")
    assert window.files.save_to(path)  # waits for the file
    assert events == ["pause", "copy", "resume", "write"]  # the write ran after the resume
    assert not window.training.paused  # it goes on by itself
    saved = load_session(path)
    qtbot.waitUntil(lambda: window.training.trainer.words_done > saved.trainer.words_done,
                    timeout=10_000)
    assert saved.trainer.words_done >= 20_000
    stop(qtbot, window)


def test_a_run_that_will_not_pause_is_not_saved_and_goes_on(qtbot, window, tmp_path, dialogs,
                                                           monkeypatch):
    start(qtbot, window)
    monkeypatch.setattr(window.training.worker, "wait_until_idle", lambda timeout: False)
    path = tmp_path / "never.w2vsession"
    assert not window.files.save_to(str(path))
    assert "did not pause" in dialogs.warnings[-1] and not path.exists()
    assert not window.training.paused
    stop(qtbot, window)


def test_ctrl_s_writes_in_the_background_and_later_training_is_unsaved_again(qtbot, window,
                                                                              tmp_path):
    from core.session import load_session

    start(qtbot, window, words=20_000)
    window.document.path = str(tmp_path / "background.w2vsession")
    with qtbot.waitSignal(window.document.saved, timeout=30_000):
        window.files.save_session(wait=False)
    saved_at = load_session(window.document.path).trainer.words_done
    qtbot.waitUntil(lambda: window.training.trainer.words_done > saved_at, timeout=10_000)
    stop(qtbot, window)
    assert window.document.unsaved  # stopped, and it trained on after the copy
    assert window.files.save_to(window.document.path)
    assert not window.document.unsaved
    window.map.set_pinned(["king"])
    assert window.document.unsaved  # pins are part of the work too


def test_train_with_new_settings_asks_before_it_replaces_a_stopped_run(qtbot, window, dialogs):
    start(qtbot, window)
    stop(qtbot, window)
    trainer = window.training.trainer
    window.views.hyperparameters.fields["dim"].setValue(12)  # Train now starts a new run
    assert window.views.bar.train_button.text() == "Train"
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.start_training()
    assert "has not been saved" in dialogs.questions[-1]
    assert window.training.trainer is trainer and not window.training.running
    dialogs.answer = QMessageBox.StandardButton.Discard
    window.start_training()
    assert window.training.trainer is not trainer and window.training.running
    stop(qtbot, window)


def test_train_waits_while_a_session_opens(qtbot, window, tmp_path, monkeypatch, dialogs):
    import threading

    from w2v_gui.controllers import document

    train(qtbot, window, epochs=1)
    path = str(tmp_path / "slow.w2vsession")
    assert window.files.save_to(path)
    release, load = threading.Event(), document.load_session
    monkeypatch.setattr(document, "load_session", lambda p: (release.wait(10), load(p))[1])
    window.files.open_path(path)
    qtbot.waitUntil(lambda: window.document.opening, timeout=5000)
    assert not window.views.bar.train_button.isEnabled()
    window.start_training()  # Ctrl+T does nothing either
    assert not window.training.running
    window.files.use_toy_world()  # nor can another file replace it meanwhile
    assert "Stop training (or wait for the file being opened)" in dialogs.warnings[-1]
    with qtbot.waitSignal(window.document.opened, timeout=10_000):
        release.set()
    assert window.views.bar.train_button.isEnabled()
