"""The main window: opens, loads the built-in corpus off the GUI thread, trains live."""

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtWidgets import QApplication, QMessageBox

from core.open_vectors import read_vectors
from tests.gui.helpers import close_window, open_window, search, start, stop, train
from w2v_gui import exports
from w2v_gui.safety import APP_NAME


@pytest.fixture
def window(qtbot):
    window = open_window(qtbot)
    yield window
    close_window(qtbot, window)


def test_window_opens_and_loads_the_toy_world(qtbot, window):
    assert window.windowTitle() == APP_NAME
    assert window.views.bar.train_button.isEnabled()
    assert "toy world" in window.views.corpus_status.text()
    assert "300 words" in window.views.corpus_panel.summary.text()
    assert window.views.corpus_panel.frequent.item(0, 0).text() == window.training.corpus.words[0]


def test_training_feeds_the_loss_curve_and_the_map(qtbot, window):
    layouts = []
    window.map.projection.layout_ready.connect(layouts.append)
    train(qtbot, window, epochs=3)
    history = window.training.history.rows()
    assert len(history) >= 5
    assert history[-1, 2] < history[0, 2]  # the smoothed loss went down
    # the plot draws the model's rows (within one redraw interval)
    qtbot.waitUntil(lambda: len(window.views.loss_view.raw_curve.getData()[0]) == len(history),
                    timeout=2000)
    np.testing.assert_array_equal(window.views.loss_view.raw_curve.getData()[0], history[:, 0])
    qtbot.waitUntil(lambda: len(layouts) > 0, timeout=5000)
    assert layouts[-1].layout.shape == (300, 2)
    assert window.views.bar.train_button.isEnabled()
    # search lists neighbours and highlights them on the map
    search(qtbot, window, "monday")
    assert window.views.search_panel.results.rowCount() == 10
    view = window.views.projection_view
    assert len(view.searched) == 11  # the query and its ten neighbours
    assert window.training.corpus.index["monday"] in view.labelled


def test_pause_resume_and_stop_from_the_window(qtbot, window):
    start(qtbot, window)
    window.training.toggle_pause()
    qtbot.waitUntil(lambda: window.views.bar.pause_button.text() == "Resume", timeout=2000)
    window.training.toggle_pause()
    qtbot.waitUntil(lambda: window.views.bar.pause_button.text() == "Pause", timeout=2000)
    stop(qtbot, window)
    assert not window.training.running
    assert window.views.bar.train_button.text() == "Continue"


def test_closing_mid_training_ends_every_thread_without_blocking(qtbot):
    window = open_window(qtbot)
    start(qtbot, window)
    assert len(window.threads.threads) == 4  # map, search, evaluation, training
    window.discard_on_close = True
    window.close()
    assert not window.isVisible()  # gone at once; the threads end behind it
    qtbot.waitUntil(lambda: window.closed, timeout=10_000)
    assert not window.threads.threads


def test_finished_threads_are_forgotten(qtbot, window):
    for _ in range(3):
        train(qtbot, window, epochs=1)
    # map, search, evaluation
    qtbot.waitUntil(lambda: len(window.threads.threads) == 3, timeout=10_000)


def test_an_invalid_form_disables_train(qtbot, window):
    assert window.views.bar.train_button.isEnabled()
    window.views.hyperparameters.fields["min_alpha"].setValue(5.0)
    assert not window.views.bar.train_button.isEnabled()
    assert not window.views.bar.step_button.isEnabled()  # a step takes the form too
    window.views.hyperparameters.fields["min_alpha"].setValue(0.0001)
    assert window.views.bar.train_button.isEnabled()
    assert window.views.bar.step_button.isEnabled()


def test_a_run_stopped_while_the_form_refuses_a_value_says_what_train_waits_for(qtbot,
                                                                                 window):
    start(qtbot, window)
    window.views.hyperparameters.fields["min_alpha"].setValue(5.0)
    stop(qtbot, window)
    message = window.statusBar().currentMessage()
    assert not window.views.bar.train_button.isEnabled()
    assert "Train continues it once the form accepts" in message
    assert "Final learning rate must be at most Learning rate" in message
    window.views.hyperparameters.fields["min_alpha"].setValue(0.0001)
    assert window.views.bar.train_button.isEnabled()


def test_exports_write_vectors_history_and_map(qtbot, window, tmp_path):
    with pytest.raises(ValueError, match="train first"):
        exports.export_vectors(window.training.embeddings, str(tmp_path / "early.txt"))
    train(qtbot, window, epochs=2)
    for name in ("v.txt", "v.bin"):
        exports.export_vectors(window.training.embeddings, str(tmp_path / name))
        loaded = read_vectors(tmp_path / name).embeddings
        assert loaded.words[:3] == window.training.corpus.words[:3]
    exports.export_vectors(window.training.embeddings, str(tmp_path / "v.tsv"))
    assert (tmp_path / "v_metadata.tsv").read_text().startswith("word\tcount\n")
    exports.export_loss(window.training.history, str(tmp_path / "loss.csv"))
    rows = (tmp_path / "loss.csv").read_text().splitlines()
    assert rows[0] == "words_processed,loss,smoothed_loss,learning_rate"
    assert len(rows) == len(window.training.history) + 1
    exports.export_map(window.views.projection_view, str(tmp_path / "map.png"))
    exports.export_map(window.views.projection_view, str(tmp_path / "map.svg"))
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "map.svg").read_bytes()[:400]


def test_a_diverging_run_keeps_its_vectors_and_can_go_on_gently(qtbot, window, dialogs):
    # go on gently the first time only
    dialogs.answer = lambda text: (QMessageBox.StandardButton.Yes if len(dialogs.questions) == 1
                                   else QMessageBox.StandardButton.No)
    train(qtbot, window, alpha=8.0, epochs=30)
    qtbot.waitUntil(lambda: bool(dialogs.questions), timeout=5000)
    assert "diverged" in dialogs.questions[0] and "half the learning rate (4)" in \
        dialogs.questions[0]
    # the second run goes on from the kept state with alpha halved, in the form too
    assert window.views.hyperparameters.fields["alpha"].value() == 4.0
    if window.training.running:
        stop(qtbot, window)
    assert np.isfinite(window.training.embeddings.vectors).all()
    assert not dialogs.warnings


def test_a_failure_other_than_divergence_says_so_and_keeps_the_run(qtbot, window, dialogs,
                                                                    monkeypatch):
    from core.train.trainer import Trainer

    start(qtbot, window, words=20_000, workers=1)  # the failure in this process's trainer
    trainer = window.training.trainer

    def broken_step(*_args):
        raise RuntimeError("something no one expected")

    monkeypatch.setattr(Trainer, "step", broken_step)
    qtbot.waitUntil(lambda: not window.training.running, timeout=10_000)
    assert not dialogs.questions  # no offer to halve the learning rate
    assert "unexpected error" in dialogs.warnings[-1] and "kept" in dialogs.warnings[-1]
    assert window.training.trainer is trainer and trainer.words_done >= 20_000
    assert window.views.bar.train_button.text() == "Continue"


def test_open_a_corpus_file_and_train_on_it(qtbot, window, tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 200)
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_path(str(path))
    assert window.training.corpus.source == str(path)
    assert "mine.txt" in window.views.corpus_panel.summary.text()
    assert "plain text" in window.views.corpus_panel.summary.text()
    assert window.views.corpus_panel.frequent.item(0, 0).text() == "the"
    assert window.views.bar.train_button.isEnabled()


def test_a_bad_file_is_refused_and_the_corpus_kept(qtbot, window, tmp_path, dialogs):
    before = window.training.corpus
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    window.files.open_path(str(path))
    qtbot.waitUntil(lambda: not window.corpora.busy, timeout=10_000)
    assert dialogs.warnings and "binary" in dialogs.warnings[0]
    assert window.training.corpus is before


def test_a_corpus_that_fails_while_read_leaves_the_bar_as_it_was(qtbot, window, tmp_path,
                                                                  dialogs):
    start(qtbot, window, words=2_000)
    stop(qtbot, window)  # the bar shows the stopped run's progress
    said = window.views.bar.label.text()
    path = tmp_path / "latin1.txt"
    path.write_bytes("le café est très bon\n".encode("latin-1") * 200)
    window.files.open_path(str(path))  # offered lenient reading: declined
    qtbot.waitUntil(lambda: bool(dialogs.questions), timeout=10_000)
    qtbot.waitUntil(lambda: not window.corpora.busy, timeout=10_000)
    assert window.views.bar.label.text() == said  # not "Reading latin1.txt…" for ever
    path.write_bytes(b"text, then a NUL byte \x00 and more" * 100)
    window.files.open_path(str(path))  # refused
    qtbot.waitUntil(lambda: bool(dialogs.warnings), timeout=10_000)
    qtbot.waitUntil(lambda: not window.corpora.busy, timeout=10_000)
    assert window.views.bar.label.text() == said


def test_loading_can_be_cancelled(qtbot, window, tmp_path):
    before = window.training.corpus
    path = tmp_path / "big.txt"
    path.write_text(("word " * 200 + "\n") * 40_000)  # about 40 MB
    window.files.open_path(str(path))
    assert window.views.corpus_panel.cancel_button.isVisibleTo(window)
    window.views.corpus_panel.cancel_button.click()
    qtbot.waitUntil(lambda: not window.corpora.busy, timeout=30_000)
    assert window.training.corpus is before
    assert "cancelled" in window.statusBar().currentMessage()
    assert not window.views.corpus_panel.cancel_button.isVisibleTo(window)


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_slot_is_shown_and_the_window_keeps_training(qtbot, window, dialogs,
                                                                monkeypatch):
    from w2v_gui import safety

    safety.setup_logging()  # as the app does at launch
    safety.install_excepthook()
    broken = {"left": 1}
    show_stats = window.views.bar.show_stats

    def fails_once(*args):
        if broken["left"]:
            broken["left"] -= 1
            raise RuntimeError("a bug in a slot")
        show_stats(*args)

    monkeypatch.setattr(window.views.bar, "show_stats", fails_once)
    start(qtbot, window, words=50_000)  # it went on training after the bug
    qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=5000)
    assert "a bug in a slot" in dialogs.errors[0].text
    assert "RuntimeError" in dialogs.errors[0].details
    assert "a bug in a slot" in safety.log_file().read_text()
    stop(qtbot, window)
    assert window.training.trainer.words_done >= 50_000


def test_the_cs224n_preset_counts_iterations_and_windows_and_the_axis_names_the_unit(qtbot):
    from core.data.corpus import Corpus
    from core.train.config import PRESETS
    from core.train.history import LossHistory
    from core.train.trainer import Trainer
    from resources.toy_world import generate_sentences
    from w2v_gui.panels.training_bar import progress_text
    from w2v_gui.views.loss_view import LossView

    corpus = Corpus.from_sentences(generate_sentences(500))
    windows = Trainer(corpus, PRESETS["cs224n"].replace(iterations=40_000))
    stats = windows.step()
    text = progress_text(stats, epochs=1)
    assert text.startswith("iteration 1 / 40,000") and "windows/s" in text
    assert "epoch" not in text
    view = LossView()
    qtbot.addWidget(view)
    history = LossHistory()
    history.add(stats)
    view.show_history(history)
    assert view.getPlotItem().getAxis("left").labelText == "loss per window"
    skipgram = Trainer(corpus, PRESETS["quick_demo"]).step()
    assert progress_text(skipgram, epochs=10).startswith("epoch 1/10")
    history = LossHistory()
    history.add(skipgram)
    view.show_history(history)
    assert view.getPlotItem().getAxis("left").labelText == "loss per pair"


def test_space_pauses_wherever_the_focus_is_not_a_text_field(qtbot):
    window = open_window(qtbot)
    try:
        start(qtbot, window, words=1)
        window.show_race()  # a window of its own, its button focused
        race = window.race.window
        race.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is race, timeout=5000)
        race.stop_button.setFocus()
        qtbot.keyClick(race.stop_button, Qt.Key.Key_Space)
        assert window.training.paused
        field = window.views.search_panel.query
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Space)
        assert window.training.paused and field.text() == " "  # the field took it
        checkbox = window.views.map_controls.trails
        checkbox.setFocus()
        qtbot.keyClick(checkbox, Qt.Key.Key_Space)
        assert not window.training.paused and checkbox.isChecked()
    finally:
        close_window(qtbot, window)


def test_the_cs224n_preset_ends_with_the_handouts_line_on_an_iterations_axis(qtbot):
    from core.train.config import PRESETS

    window = open_window(qtbot)
    try:
        window.views.hyperparameters.set_config(PRESETS["cs224n"].replace(iterations=300))
        with qtbot.waitSignal(window.training.finished, timeout=120_000):
            window.start_training()
        qtbot.waitUntil(lambda: "iteration 300: cost" in window.views.bar.label.text(),
                        timeout=5000)
        assert "the handout's 10 or below is for 40,000 iterations" in (
            window.views.bar.label.text())
        view = window.views.loss_view
        axis = view.getPlotItem().getAxis("bottom")
        assert axis.labelText == "iteration" and axis.scale == 1 / 50
        # the readout at the top right corner: left of the pointer and below it
        box = view.getPlotItem().vb.sceneBoundingRect()
        view._mouse_moved(box.topRight() + QPointF(-5, 5))
        assert view.readout.isVisible() and view.readout.anchor == QPointF(1, 0)
        assert view.readout.textItem.toPlainText().startswith("iteration ")
        view._mouse_moved(box.bottomLeft() + QPointF(5, -5))
        assert view.readout.anchor == QPointF(0, 1)
    finally:
        close_window(qtbot, window)
