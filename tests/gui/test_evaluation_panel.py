"""The live quality curve and the Evaluation panel: measured off the GUI thread while a run
trains, kept in sessions and the CSV export, and a wrong analogy shown on the map."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from core.vectors.reading import write_vectors
from tests.gui.helpers import close_window, open_window, train
from w2v_gui import exports


@pytest.fixture
def window(qtbot):
    window = open_window(qtbot)
    qtbot.waitUntil(lambda: window.evaluation.analogies is not None, timeout=5000)
    yield window
    close_window(qtbot, window)


def finished_evaluation(qtbot, window):
    """Wait for the evaluation of the run's end (the curve's last point)."""
    trainer = window.training.trainer
    qtbot.waitUntil(lambda: len(window.training.quality) and
                    window.training.quality.rows()[-1, 0] == trainer.words_done,
                    timeout=20_000)


def test_the_toy_sets_are_preloaded_and_a_run_draws_its_quality_curve(qtbot, window):
    assert window.views.evaluation_panel.analogies_name.text().startswith("toy_analogies.txt")
    assert "pairs" in window.views.evaluation_panel.pairs_name.text()
    # one worker, and long enough for an evaluation during the run (several workers
    # can finish three epochs of the toy world before the first one)
    train(qtbot, window, epochs=8, workers=1)
    finished_evaluation(qtbot, window)
    rows = window.training.quality.rows()
    assert len(rows) >= 2  # during the run, then at its end
    assert np.all(np.diff(rows[:, 0]) > 0)
    assert np.isfinite(rows[:, 1]).all() and np.isfinite(rows[:, 2]).all()
    # the analogies are learnt (untrained vectors answer next to none); whether the first
    # point comes before they are is a matter of timing with several workers
    assert rows[-1, 1] > 0.5
    assert rows[-1, 0] == window.training.trainer.words_done  # the curve ends with the run
    x, y = window.views.quality_view.accuracy_curve.getData()
    np.testing.assert_array_equal(x, rows[:, 0])
    np.testing.assert_array_equal(y, rows[:, 1])
    panel = window.views.evaluation_panel
    assert panel.sections.rowCount() == len(window.evaluation.analogies.sections)
    assert "Spearman" in panel.summary.text()


def test_the_curve_survives_a_session_and_joins_the_csv_export(qtbot, window, tmp_path):
    train(qtbot, window, epochs=2)
    finished_evaluation(qtbot, window)
    saved = window.training.quality.rows().copy()
    path = str(tmp_path / "run.w2vsession")
    assert window.files.save_to(path)
    csv = tmp_path / "run.csv"  # the export's own function, without its file dialog
    exports.export_loss(window.training.history, str(csv), window.training.quality)
    header, *lines = csv.read_text().splitlines()
    assert header.endswith("analogy_accuracy,pair_spearman")
    assert sum(1 for line in lines if not line.endswith(",,")) == len(saved)

    other = open_window(qtbot)
    with qtbot.waitSignal(other.document.opened, timeout=30_000):
        other.files.open_path(path)
    np.testing.assert_array_equal(other.training.quality.rows(), saved)
    x, _ = other.views.quality_view.accuracy_curve.getData()
    assert len(x) == len(saved)
    close_window(qtbot, other)


def test_a_wrong_analogy_marks_its_four_words_on_the_map(qtbot, window):
    train(qtbot, window, epochs=1)
    finished_evaluation(qtbot, window)
    panel = window.views.evaluation_panel
    answers = panel.wrong_answers
    qtbot.waitUntil(lambda: answers.rowCount() > 0, timeout=5000)
    first = answers.index(0)
    words = answers.data(first, 256)  # Qt.ItemDataRole.UserRole
    panel.wrong.setCurrentIndex(first)
    view = window.views.projection_view
    marked = {view.words[i] for i in view.searched}
    assert marked == set(words) & set(view.words)
    assert len(words) == 4 and words[0] in answers.data(first)
    # each of the four on the map has a label, even where they crowd each other
    assert {view.index[w] for w in words if w in view.shown_words()} <= set(view.labelled)


def test_crowded_marked_words_are_labelled_on_different_sides(qtbot, window):
    train(qtbot, window, epochs=1)
    view = window.views.projection_view
    qtbot.waitUntil(lambda: view.layout is not None, timeout=10_000)
    view.layout[:4] = view.layout[0]  # four words on one spot
    words = [view.words[int(i)] for i in view.ids[:4]]
    view.highlight(words, label_all=True)
    places = {place for _, _, text, _, place in view.label_layer.labels if text in words}
    assert len(places) == 4  # each on its own side of the spot


def test_the_curve_can_be_turned_off_and_evaluate_now_still_works(qtbot, window):
    window.views.evaluation_panel.live.setChecked(False)
    train(qtbot, window, epochs=1)
    qtbot.wait(300)  # an absence (no point for the curve): nothing to await but time
    assert len(window.training.quality) == 0
    with qtbot.waitSignal(window.evaluation.reported, timeout=20_000):
        window.workspace.evaluate_now()
    assert len(window.training.quality) == 1  # the run's vectors: a point of its curve


def test_a_bad_test_file_is_refused_and_the_loaded_set_stays(qtbot, window, dialogs,
                                                           tmp_path):
    before = window.evaluation.analogies
    bad = tmp_path / "not-questions.txt"
    bad.write_bytes(b"\x00\x01\x02 binary \xff\xfe")
    assert not window.evaluation.load_analogies(bad)
    assert window.evaluation.analogies is before
    assert dialogs.warnings and bad.name in dialogs.warnings[-1]


def test_explored_vectors_are_evaluated_without_a_curve(qtbot, window, tmp_path):
    train(qtbot, window, epochs=1)
    path = tmp_path / "toy.txt"
    write_vectors(window.training.embeddings, path, "word2vec")
    with qtbot.waitSignal(window.corpora.vectors_loaded, timeout=30_000):
        window.files.open_path(str(path))
    with qtbot.waitSignal(window.evaluation.reported, timeout=20_000) as signal:
        window.workspace.evaluate_now()
    report = signal.args[0]
    assert report.request.words_done is None and report.analogies.total > 0
    assert "toy.txt" in window.views.evaluation_panel.summary.text()


def test_test_sets_belong_to_their_corpus(qtbot, tmp_path):
    window = open_window(qtbot)
    try:
        evaluation, panel = window.evaluation, window.views.evaluation_panel
        assert evaluation.toy_sets and not panel.no_sets.isVisibleTo(panel)
        story = tmp_path / "story.txt"
        story.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 30)
        with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
            window.files.open_corpus(str(story))
        assert evaluation.analogies is None and evaluation.pairs is None
        assert panel.no_sets.isVisibleTo(panel) and panel.gensim_button.isVisibleTo(panel)
        assert panel.analogies_name.text() == "none"
        qtbot.mouseClick(panel.gensim_button, Qt.MouseButton.LeftButton)
        assert evaluation.analogies.name == "questions-words.txt"
        assert len(evaluation.analogies.questions) == 19544
        assert evaluation.pairs.name == "wordsim353.tsv"
        assert not panel.no_sets.isVisibleTo(panel)
        # the user's sets stay on another corpus; the toy world gets its own back
        with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
            window.files.open_corpus(str(story))
        assert evaluation.analogies.name == "questions-words.txt"
        with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
            window.files.use_toy_world()
        assert evaluation.toy_sets and evaluation.analogies.name != "questions-words.txt"
    finally:
        close_window(qtbot, window)


def test_vectors_without_the_toy_worlds_words_drop_its_sets(qtbot, window, tmp_path):
    from core.vectors.embeddings import Embeddings

    path = tmp_path / "other.txt"
    write_vectors(Embeddings(["alpha", "beta", "gamma"], np.eye(3, dtype=np.float32)),
                  path, "word2vec")
    with qtbot.waitSignal(window.corpora.vectors_loaded, timeout=30_000):
        window.files.open_path(str(path))
    assert window.evaluation.analogies is None and not window.evaluation.toy_sets


def test_a_set_of_ones_own_stays_and_the_toy_worlds_other_set_goes(qtbot, window,
                                                                   tmp_path):
    from w2v_gui.controllers.evaluation import gensim_test_sets

    evaluation = window.evaluation
    assert evaluation.load_analogies(gensim_test_sets()[0])  # the user's analogies
    story = tmp_path / "story.txt"
    story.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 30)
    with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
        window.files.open_corpus(str(story))
    assert evaluation.analogies.name == "questions-words.txt"
    assert evaluation.pairs is None  # the toy world's word pairs did not follow
