"""The main window: opens, loads the built-in corpus off the GUI thread, trains live."""

import pytest
from PyQt6.QtCore import QThread

from w2v_gui.main_window import APP_NAME, MainWindow


@pytest.fixture
def window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    assert all(not thread.isRunning() for thread in window.threads)


def test_window_opens_and_loads_the_toy_world(qtbot, window):
    assert window.windowTitle() == APP_NAME
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    assert window.train_button.isEnabled()
    assert "toy world" in window.corpus_status.text()
    assert "300 words" in window.corpus_panel.summary.text()
    assert window.corpus_panel.frequent.item(0, 0).text() == window.corpus.words[0]


def test_training_feeds_the_loss_curve_and_the_map(qtbot, window):
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    window.hyperparameters.set_config(window.config.replace(epochs=3))
    layouts = []
    window.projection.layout_ready.connect(layouts.append)
    with qtbot.waitSignal(window.training_finished, timeout=120_000):
        window.start_training()
    history = window.loss_view.history()
    assert len(history) >= 5
    assert history[-1, 2] < history[0, 2]  # the smoothed loss went down
    qtbot.waitUntil(lambda: len(layouts) > 0, timeout=5000)
    assert layouts[-1].layout.shape == (300, 2)
    assert window.train_button.isEnabled()
    # search lists neighbours and highlights them on the map
    window.search_panel.search("monday")
    assert window.search_panel.results.rowCount() == 10
    view = window.projection_view
    assert len(view.searched) == 11  # the query and its ten neighbours
    assert window.corpus.index["monday"] in view.labelled


def test_pause_resume_and_stop_from_the_window(qtbot, window):
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    window.hyperparameters.set_config(window.config.replace(epochs=200))
    window.start_training()
    qtbot.waitUntil(lambda: window.training.trainer.words_done > 0, timeout=10_000)
    window.toggle_pause()
    qtbot.waitUntil(lambda: window.pause_button.text() == "Resume", timeout=2000)
    window.toggle_pause()
    assert window.pause_button.text() == "Pause"
    with qtbot.waitSignal(window.training_finished, timeout=5000):
        window.stop_training()
    assert window.training is None


def test_closing_mid_training_leaves_no_running_thread(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    window.hyperparameters.set_config(window.config.replace(epochs=200))
    window.start_training()
    qtbot.waitUntil(lambda: window.training.trainer.words_done > 0, timeout=10_000)
    thread: QThread = window.training_thread
    window.close()
    assert not thread.isRunning()
    assert all(not t.isRunning() for t in window.threads)


def test_an_invalid_form_disables_train(qtbot, window):
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    assert window.train_button.isEnabled()
    window.hyperparameters.fields["min_alpha"].setValue(5.0)
    assert not window.train_button.isEnabled()
    window.hyperparameters.fields["min_alpha"].setValue(0.0001)
    assert window.train_button.isEnabled()


def test_exports_write_vectors_history_and_map(qtbot, window, tmp_path):
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    import pytest

    with pytest.raises(ValueError, match="train first"):
        window.export_vectors(str(tmp_path / "early.txt"))
    window.hyperparameters.set_config(window.config.replace(epochs=2))
    with qtbot.waitSignal(window.training_finished, timeout=120_000):
        window.start_training()
    from core.embeddings import Embeddings

    for name in ("v.txt", "v.bin"):
        window.export_vectors(str(tmp_path / name))
        assert Embeddings.load_word2vec(tmp_path / name).words[:3] == window.corpus.words[:3]
    window.export_vectors(str(tmp_path / "v.tsv"))
    assert (tmp_path / "v_metadata.tsv").read_text().startswith("word\tcount\n")
    window.export_loss(str(tmp_path / "loss.csv"))
    rows = (tmp_path / "loss.csv").read_text().splitlines()
    assert rows[0] == "words_processed,loss,smoothed_loss,learning_rate" and len(rows) > 3
    window.export_map(str(tmp_path / "map.png"))
    window.export_map(str(tmp_path / "map.svg"))
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "map.svg").read_bytes()[:400]


def test_a_diverging_run_keeps_its_vectors_and_can_go_on_gently(qtbot, window, dialogs):
    import numpy as np
    from PyQt6.QtWidgets import QMessageBox

    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    # go on gently the first time only; then discard the run when the window closes
    dialogs.answer = lambda text: (QMessageBox.StandardButton.Yes if len(dialogs.questions) == 1
                                   else QMessageBox.StandardButton.No if "diverged" in text
                                   else QMessageBox.StandardButton.Discard)
    window.hyperparameters.set_config(window.config.replace(alpha=8.0, epochs=30))
    with qtbot.waitSignal(window.training_finished, timeout=60_000):
        window.start_training()
    qtbot.waitUntil(lambda: bool(dialogs.questions), timeout=5000)
    asked = dialogs.questions
    assert "diverged" in asked[0] and "half the learning rate (4)" in asked[0]
    # the second run goes on from the kept state with alpha halved, in the form too
    assert window.hyperparameters.fields["alpha"].value() == 4.0
    if window.training is not None:
        with qtbot.waitSignal(window.training_finished, timeout=60_000):
            window.stop_training()
    assert np.isfinite(window.latest_embeddings.vectors).all()


def test_open_a_corpus_file_and_train_on_it(qtbot, window, tmp_path):
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    path = tmp_path / "mine.txt"
    path.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 200)
    with qtbot.waitSignal(window.corpus_ready, timeout=30_000):
        window.open_corpus(str(path))
    assert window.corpus.source == str(path)
    assert "mine.txt" in window.corpus_panel.summary.text()
    assert "plain text" in window.corpus_panel.summary.text()
    assert window.corpus_panel.frequent.item(0, 0).text() == "the"
    assert window.train_button.isEnabled()


def test_a_bad_file_is_refused_and_the_corpus_kept(qtbot, window, tmp_path, dialogs):
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    before = window.corpus
    warnings = dialogs.warnings
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    window.open_corpus(str(path))
    qtbot.waitUntil(lambda: window.corpus_loader is None, timeout=10_000)
    assert warnings and "binary" in warnings[0]
    assert window.corpus is before


def test_loading_can_be_cancelled(qtbot, window, tmp_path):
    qtbot.waitUntil(lambda: window.corpus is not None, timeout=30_000)
    before = window.corpus
    path = tmp_path / "big.txt"
    path.write_text(("word " * 200 + "\n") * 40_000)  # about 40 MB
    window.open_corpus(str(path))
    assert window.corpus_panel.cancel_button.isVisibleTo(window)
    window.corpus_panel.cancel_button.click()
    qtbot.waitUntil(lambda: window.corpus_loader is None, timeout=30_000)
    assert window.corpus is before
    assert "cancelled" in window.statusBar().currentMessage()
    assert not window.corpus_panel.cancel_button.isVisibleTo(window)
