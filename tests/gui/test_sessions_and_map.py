"""The window keeps what the user made: sessions, settings, runs that continue; and the
map follows the user's choices: how many words, pinned words, trails, t-SNE, labels."""

import numpy as np
import pytest
from PyQt6.QtWidgets import QMessageBox

from w2v_gui.main_window import MainWindow


def open_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    return window


def close(window: MainWindow) -> None:
    window.close()
    assert all(not thread.isRunning() for thread in window.threads)


@pytest.fixture
def window(qtbot):
    window = open_window(qtbot)
    yield window
    close(window)


def train(qtbot, window, **changes) -> None:
    window.hyperparameters.set_config(window.config.replace(**changes))
    with qtbot.waitSignal(window.training_finished, timeout=120_000):
        window.start_training()


def test_a_session_saves_and_reopens_with_the_same_vectors_and_history(qtbot, window,
                                                                         tmp_path):
    window.set_pinned(["queen", "paris"])
    train(qtbot, window, epochs=2)
    path = str(tmp_path / "demo")  # the suffix is added
    assert window.save_session_to(path)
    saved_vectors = window.trainer.center_vectors.copy()
    saved_history = window.loss_view.history()
    assert not window.unsaved

    other = open_window(qtbot)
    with qtbot.waitSignal(other.session_opened, timeout=30_000):
        other.open_session(path + ".w2vsession")
    np.testing.assert_array_equal(other.trainer.center_vectors, saved_vectors)
    np.testing.assert_array_equal(other.loss_view.history(), saved_history)
    np.testing.assert_array_equal(other.latest_embeddings.vectors, saved_vectors)
    assert other.pinned == ["queen", "paris"]
    assert other.config == window.trainer.config
    assert other.train_button.text() == "Train"  # that run had finished
    other.search_panel.search("queen")
    assert other.search_panel.results.rowCount() == 10
    close(other)


def test_a_stopped_run_continues_and_a_reopened_one_too(qtbot, window, tmp_path):
    window.hyperparameters.set_config(window.config.replace(epochs=100))
    window.start_training()
    qtbot.waitUntil(lambda: window.trainer.words_done > 50_000, timeout=30_000)
    with qtbot.waitSignal(window.training_finished, timeout=5000):
        window.stop_training()
    assert window.train_button.text() == "Continue"
    stopped_at = window.trainer.words_done
    history_length = len(window.loss_view.history())
    path = str(tmp_path / "half.w2vsession")
    assert window.save_session_to(path)
    window.start_training()  # continues the same trainer and its curve
    qtbot.waitUntil(lambda: window.trainer.words_done > stopped_at + 50_000, timeout=30_000)
    with qtbot.waitSignal(window.training_finished, timeout=5000):
        window.stop_training()
    assert len(window.loss_view.history()) > history_length
    assert window.loss_view.history()[history_length, 0] > stopped_at

    other = open_window(qtbot)
    with qtbot.waitSignal(other.session_opened, timeout=30_000):
        other.open_session(path)
    assert other.train_button.text() == "Continue"
    assert other.trainer.words_done == stopped_at
    other.start_training()
    qtbot.waitUntil(lambda: other.trainer.words_done > stopped_at, timeout=30_000)
    with qtbot.waitSignal(other.training_finished, timeout=5000):
        other.stop_training()
    close(other)


def test_reset_forgets_the_run_after_asking(qtbot, window, dialogs):
    train(qtbot, window, epochs=1)
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.reset_run()
    assert window.trainer is not None  # cancelled: nothing lost
    dialogs.answer = QMessageBox.StandardButton.Discard
    window.reset_run()
    assert window.trainer is None and window.latest_embeddings is None
    assert len(window.loss_view.history()) == 0
    assert window.train_button.text() == "Train" and not window.reset_button.isEnabled()


def test_closing_mid_training_offers_to_save_and_ends_every_thread(qtbot, dialogs, tmp_path):
    window = open_window(qtbot)
    window.session_path = str(tmp_path / "closing.w2vsession")
    window.hyperparameters.set_config(window.config.replace(epochs=200))
    window.start_training()
    qtbot.waitUntil(lambda: window.trainer.words_done > 0, timeout=10_000)
    dialogs.answer = QMessageBox.StandardButton.Cancel
    window.close()  # the user changes their mind: training goes on
    assert window.training is not None and not window.training.paused
    dialogs.answer = QMessageBox.StandardButton.Save
    thread = window.training_thread
    window.close()
    assert "has not been saved" in dialogs.questions[-1]
    assert not thread.isRunning()
    assert all(not t.isRunning() for t in window.threads)
    assert (tmp_path / "closing.w2vsession").stat().st_size > 0


def test_a_corrupt_session_is_refused_and_the_current_work_kept(qtbot, window, dialogs,
                                                                 tmp_path):
    train(qtbot, window, epochs=1)
    trainer = window.trainer
    path = tmp_path / "broken.w2vsession"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    dialogs.answer = QMessageBox.StandardButton.Discard
    window.open_session(str(path))
    qtbot.waitUntil(lambda: bool(dialogs.warnings), timeout=10_000)
    assert "not a readable Word2Vec Studio session" in dialogs.warnings[-1]
    assert window.trainer is trainer


def test_settings_and_layout_are_restored_at_the_next_launch(qtbot):
    window = open_window(qtbot)
    window.hyperparameters.set_config(window.config.replace(dim=24, window=3))
    window.map_controls.word_count.setValue(150)
    window.map_controls.set_method("tsne")
    window.search_dock.hide()
    close(window)
    again = open_window(qtbot)
    assert again.config.dim == 24 and again.config.window == 3
    assert again.map_controls.word_count.value() == 150
    assert again.map_controls.method_key == "tsne"
    assert not again.search_dock.isVisibleTo(again)
    close(again)


def test_the_map_shows_n_words_plus_pinned_ones_with_trails(qtbot, window):
    frames = []
    window.projection.layout_ready.connect(frames.append)
    window.map_controls.word_count.setValue(50)
    rare = window.corpus.words[-1]
    window.set_pinned(["king", rare])
    window.hyperparameters.set_config(window.config.replace(epochs=100))
    window.start_training()
    qtbot.waitUntil(lambda: len(frames) >= 8, timeout=30_000)
    ids = frames[-1].ids
    assert len(ids) == 52 and window.corpus.index[rare] in ids  # king is beyond 50 too
    view = window.projection_view
    king = window.corpus.index["king"]
    assert len(view.trails[king]) >= 5  # the path it took, frame by frame
    assert {king, window.corpus.index[rare]} <= set(view.labelled)
    window.map_controls.word_count.setValue(120)  # applies now, while training
    qtbot.waitUntil(lambda: len(frames[-1].ids) == 121, timeout=10_000)
    with qtbot.waitSignal(window.training_finished, timeout=5000):
        window.stop_training()


def test_tsne_runs_in_the_background_from_the_current_layout(qtbot, window):
    train(qtbot, window, epochs=2)
    frames = []
    window.projection.layout_ready.connect(frames.append)
    window.map_controls.set_method("tsne")
    # a PCA frame of the run's last snapshot may still be on its way; then t-SNE's
    qtbot.waitUntil(lambda: any(frame.method == "tsne" for frame in frames), timeout=30_000)
    assert frames[-1].method == "tsne" and frames[-1].layout.shape == (300, 2)
    assert np.isfinite(frames[-1].layout).all()


def test_zooming_in_labels_more_of_the_words_in_view(qtbot, window):
    train(qtbot, window, epochs=2)
    view = window.projection_view
    qtbot.waitUntil(lambda: view.layout is not None, timeout=10_000)
    view.resize(700, 500)
    view.follow()
    qtbot.wait(50)
    whole = len(view.labelled)
    box = view.getPlotItem().getViewBox()
    centre = np.median(view.layout, axis=0)
    box.setRange(xRange=(centre[0] - 0.3, centre[0] + 0.3),
                 yRange=(centre[1] - 0.3, centre[1] + 0.3), padding=0)
    qtbot.wait(50)
    (x_low, x_high), (y_low, y_high) = box.viewRange()
    inside = ((view.layout[:, 0] >= x_low) & (view.layout[:, 0] <= x_high)
              & (view.layout[:, 1] >= y_low) & (view.layout[:, 1] <= y_high))
    # labels now go to words inside the zoomed area, and a larger share of them is labelled
    assert len(view.labelled) > 0
    assert len(view.labelled) / inside.sum() > whole / len(view.layout)


def test_hover_labels_a_word_click_searches_it_and_ctrl_click_pins_it(qtbot, window):
    from PyQt6.QtCore import Qt

    train(qtbot, window, epochs=1)
    view = window.projection_view
    qtbot.waitUntil(lambda: view.layout is not None, timeout=10_000)
    point = view.scatter.points()[250]  # a rare word: no label of its own at this zoom
    word = window.corpus.words[int(point.data())]
    view._hovered(view.scatter, [point])
    assert int(point.data()) in view.labelled
    assert word in view._tip(0, 0, point.data()) and "count" in view._tip(0, 0, point.data())
    view._clicked(view.scatter, [point])
    assert window.search_panel.query.text() == word
    assert window.search_panel.results.rowCount() == 10

    class ControlClick:
        def modifiers(self):
            return Qt.KeyboardModifier.ControlModifier

    view._clicked(view.scatter, [point], ControlClick())
    assert window.pinned == [word]
    view._clicked(view.scatter, [point], ControlClick())
    assert window.pinned == []


def test_saving_during_training_pauses_only_for_the_copy(qtbot, window, tmp_path):
    from core.session import load_session

    window.hyperparameters.set_config(window.config.replace(epochs=100))
    window.start_training()
    qtbot.waitUntil(lambda: window.trainer.words_done > 20_000, timeout=30_000)
    path = str(tmp_path / "live.w2vsession")
    assert window.save_session_to(path)
    assert not window.training.paused  # it goes on by itself
    saved = load_session(path)
    qtbot.waitUntil(lambda: window.trainer.words_done > saved.trainer.words_done, timeout=10_000)
    assert saved.trainer.words_done > 20_000
    assert np.isfinite(saved.trainer.center_vectors).all()
    with qtbot.waitSignal(window.training_finished, timeout=5000):
        window.stop_training()


def test_ctrl_s_writes_in_the_background_and_later_training_is_unsaved_again(qtbot, window,
                                                                              tmp_path):
    window.hyperparameters.set_config(window.config.replace(epochs=100))
    window.start_training()
    qtbot.waitUntil(lambda: window.trainer.words_done > 20_000, timeout=30_000)
    window.session_path = str(tmp_path / "background.w2vsession")
    with qtbot.waitSignal(window.session_saved, timeout=30_000):
        window.save_session(wait=False)
    assert window.unsaved  # training went on after the copy
    with qtbot.waitSignal(window.training_finished, timeout=5000):
        window.stop_training()
    assert window.unsaved
    assert window.save_session_to(window.session_path)
    assert not window.unsaved
    window.set_pinned(["king"])
    assert window.unsaved  # pins are part of the work too
