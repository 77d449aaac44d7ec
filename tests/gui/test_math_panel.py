"""Step mode and the Math panel: one step is exactly Trainer.step's, the numbers shown are
core.math.losses' for the example, the map gets arrows, and the gradients can be checked."""

import copy

import numpy as np
import pytest

from core.math import losses
from tests.gui.helpers import close_window, open_window, start, stop


@pytest.fixture
def window(qtbot):
    window = open_window(qtbot)
    yield window
    close_window(qtbot, window)


def test_step_before_training_takes_one_step_and_shows_its_math(qtbot, window):
    assert window.views.bar.step_button.isEnabled() and window.actions["step"].isEnabled()
    window.step_mode.step_once()
    trainer, panel = window.training.trainer, window.views.math_panel
    assert trainer.steps == 1 and not window.training.running
    math, record = panel.math, panel.record
    assert math is not None and panel.example.value() == 1
    example = math.example
    v = record.center_before[example.inputs[0]].astype(np.float64)
    loss, grad_v, grad_u = losses.neg_sampling_loss_and_gradient(
        v, example.target, record.outside_before.astype(np.float64), list(math.noise_drawn))
    assert math.loss == pytest.approx(loss)
    np.testing.assert_allclose(math.grad_input, grad_v)
    assert f"{math.loss:.6g}" in panel.text.toPlainText()
    assert window.views.docks["Math"].isVisible()
    # the step reaches the map: a frame of the stepped vectors, with the update's arrows
    qtbot.waitUntil(lambda: bool(window.views.projection_view.arrow_items), timeout=10_000)
    window.step_mode.step_once()
    assert trainer.steps == 2 and len(window.training.history) >= 1


def test_step_while_paused_is_exactly_one_trainer_step(qtbot, window):
    start(qtbot, window, words=20_000, workers=1)
    assert not window.views.bar.step_button.isEnabled()  # not while it trains
    with qtbot.waitSignal(window.training.paused_changed, timeout=5000):
        window.training.toggle_pause()
    qtbot.waitUntil(lambda: window.views.bar.step_button.isEnabled(), timeout=5000)
    with window.training.held_still() as trainer:
        twin = copy.deepcopy(trainer)
    steps = twin.steps
    window.step_mode.step_once()
    twin.step()
    with window.training.held_still() as trainer:
        assert trainer.steps == steps + 1
        np.testing.assert_array_equal(trainer.center_vectors, twin.center_vectors)
        np.testing.assert_array_equal(trainer.outside_vectors, twin.outside_vectors)
    assert window.training.paused  # still paused: Space goes on
    stop(qtbot, window)


def test_a_step_of_a_paused_run_of_two_workers_is_one_step_and_the_run_goes_on(qtbot,
                                                                                window):
    start(qtbot, window, words=20_000, workers=2)
    with qtbot.waitSignal(window.training.paused_changed, timeout=5000):
        window.training.toggle_pause()
    qtbot.waitUntil(lambda: window.views.bar.step_button.isEnabled(), timeout=5000)
    window.step_mode.step_once()  # the workers stop; the trainer itself takes the step
    with window.training.held_still() as trainer:
        stepped = trainer.stats()
    assert window.views.math_panel.record is not None
    assert window.training.paused
    window.training.toggle_pause()  # the workers start again from there
    qtbot.waitUntil(lambda: window.training.trainer.stats().words_done
                    > stepped.words_done, timeout=30_000)
    assert window.training.trainer.stats().steps > stepped.steps
    stop(qtbot, window)
    assert window.pool.pids() and all(
        each.process.is_alive() for each in window.pool.workers)  # kept for the next run


def test_a_clicked_word_picks_its_example_and_the_gradients_check(qtbot, window):
    window.views.hyperparameters.set_config(window.views.hyperparameters.config().replace(loss="softmax"))
    for _ in range(3):
        window.step_mode.step_once()
    panel = window.views.math_panel
    record = panel.record
    centre = record.words[record.examples[-1].inputs[0]]
    window.views.projection_view.word_clicked.emit(centre)
    assert record.words[panel.math.example.inputs[0]] == centre
    assert panel.math.top_words and panel.math.target_rank >= 1
    window.step_mode.check_gradients()
    qtbot.waitUntil(lambda: panel.check_button.isEnabled(), timeout=60_000)
    assert "worst relative error" in panel.check_result.text()
    assert "≤ 1e-07" in panel.check_result.text()


def test_the_handouts_picture_shows_its_words_and_refuses_a_corpus_without_them(
        qtbot, window, tmp_path):
    from core.map.pca import HANDOUT_WORDS

    frames = []
    window.map.projection.layout_ready.connect(frames.append)
    window.step_mode.step_once()  # vectors to draw
    window.views.map_controls.set_method("handout")
    present = {w for w in HANDOUT_WORDS if w in window.training.corpus.index}
    assert len(present) >= 3  # the toy world has king, queen, man, woman
    qtbot.waitUntil(lambda: bool(frames) and frames[-1].method == "handout", timeout=10_000)
    shown = {window.training.corpus.words[int(i)] for i in frames[-1].ids}
    assert shown == present

    corpus = tmp_path / "plain.txt"
    corpus.write_text("the cat sat on the mat\n" * 50)
    window.views.map_controls.set_method("pca")
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_path(str(corpus))
    messages = []
    window.map.failed.connect(messages.append)
    window.views.map_controls.set_method("handout")
    assert window.views.map_controls.method_key == "pca"
    assert messages and "SST" in messages[0]


def test_the_handouts_picture_goes_back_to_pca_when_the_corpus_lacks_its_words(
        qtbot, window, tmp_path):
    window.views.map_controls.set_method("handout")
    messages = []
    window.map.failed.connect(messages.append)
    corpus = tmp_path / "plain.txt"
    corpus.write_text("the cat sat on the mat\n" * 50)
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_path(str(corpus))
    assert window.views.map_controls.method_key == "pca"
    assert any("SST" in message for message in messages)


def test_a_paused_run_stepped_to_its_end_has_no_step_left(qtbot, window):
    start(qtbot, window, words=100, batching="windows", batch_size=10,
          iterations=1_000_000, workers=1)
    with qtbot.waitSignal(window.training.paused_changed, timeout=5000):
        window.training.toggle_pause()
    with window.training.held_still() as trainer:
        trainer.words_done = trainer.total_words - 10  # one step before the end
    window.step_mode.step_once()
    assert window.training.trainer.finished and window.training.paused
    assert not window.training.can_step() and not window.views.bar.step_button.isEnabled()
    window.step_mode.step_once()  # F10 again: nothing happens, no error
    stop(qtbot, window)


def test_another_corpus_leaves_nothing_of_the_last_step_on_show(qtbot, window, tmp_path):
    for _ in range(3):
        window.step_mode.step_once()
    panel = window.views.math_panel
    panel.show_example(min(49, len(panel.record.examples) - 1))
    panel.word.setText("king")
    story = tmp_path / "story.txt"
    story.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 30)
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_corpus(str(story))
    assert panel.record is None and panel.count.text() == "of 0"
    assert panel.example.value() == 1 and panel.example.maximum() == 1
    assert panel.word.text() == ""
