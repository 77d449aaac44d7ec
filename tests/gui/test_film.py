"""The film of a run on the map: recorded while it trains, any moment shown again from
the timeline (live frames wait meanwhile), played, exported, and forgotten with its run."""

from __future__ import annotations

import numpy as np
from PIL import Image

from tests.gui.helpers import close_window, open_window, start, stop, train


def test_a_run_is_recorded_and_any_moment_shown_again(qtbot, tmp_path):
    window = open_window(qtbot)
    try:
        window.map.set_pinned(["king"])
        train(qtbot, window, epochs=2)
        film = window.film.film
        qtbot.waitUntil(lambda: len(film.frames) >= 3, timeout=10_000)
        # the run's last point is in the film (its frame comes after the run ended)
        qtbot.waitUntil(lambda: film.frames[-1].words_done == window.training.trainer
                        .words_done, timeout=10_000)
        done = [frame.words_done for frame in film.frames]
        assert done == sorted(done) and done[-1] > done[0] >= 0
        assert film.words == list(window.training.corpus.words)
        timeline = window.views.timeline
        assert timeline.isEnabled() and timeline.slider.maximum() == len(film.frames) - 1
        timeline.slider.setValue(0)  # scrub back to the first moment
        view = window.views.projection_view
        np.testing.assert_allclose(view.layout, film.frames[0].layout, rtol=1e-6)
        assert window.map.still and f"{film.frames[0].words_done:,} words" in (
            timeline.where.text())
        window.map.redraw()  # a live layout arrives meanwhile: the moment stays on show
        qtbot.wait(300)
        np.testing.assert_allclose(view.layout, film.frames[0].layout, rtol=1e-6)
        middle = len(film.frames) // 2  # the pinned word's trail: its path up to then
        timeline.slider.setValue(middle)
        king = window.training.corpus.index["king"]
        path = [f.layout[list(f.ids).index(king)] for f in film.frames[:middle + 1]
                if king in f.ids][-30:]
        np.testing.assert_allclose(np.array(view.trails[king]), np.array(path), rtol=1e-6)
        timeline.toggle_play()
        qtbot.waitUntil(lambda: timeline.slider.value() == timeline.slider.maximum(),
                        timeout=10_000)
        qtbot.waitUntil(lambda: not timeline.player.isActive(), timeout=2000)  # it stops
        timeline.go_live()
        assert not window.map.still
        with qtbot.waitSignal(window.film.exported, timeout=30_000) as exported:
            window.film.export_gif(str(tmp_path / "run.gif"))  # on a thread of its own
        assert exported.args == [str(tmp_path / "run.gif"), ""]
        with Image.open(tmp_path / "run.gif") as gif:
            assert gif.n_frames == len(film.frames)
        window.film.export_csv(str(tmp_path / "run.csv"))
        assert (tmp_path / "run.csv").read_text().count("\n") == 1 + sum(
            len(frame.ids) for frame in film.frames)
        # the session keeps the film, and the window that opens it shows it again
        path = str(tmp_path / "filmed")
        assert window.files.save_to(path)
        other = open_window(qtbot)
        try:
            with qtbot.waitSignal(other.document.opened, timeout=30_000):
                other.files.open_path(path + ".w2vsession")
            kept = other.film.film
            assert [f.words_done for f in kept.frames] == [f.words_done for f in
                                                            film.frames]
            assert other.views.timeline.slider.maximum() == len(film.frames) - 1
        finally:
            close_window(qtbot, other)
    finally:
        close_window(qtbot, window)


def test_a_continued_run_goes_on_with_its_film_and_another_corpus_forgets_it(qtbot,
                                                                             tmp_path):
    window = open_window(qtbot)
    try:
        start(qtbot, window, words=20_000)
        qtbot.waitUntil(lambda: len(window.film.film.frames) >= 2, timeout=20_000)
        stop(qtbot, window)
        film, frames = window.film.film, len(window.film.film.frames)
        window.start_training()  # Continue
        qtbot.waitUntil(lambda: len(film.frames) > frames, timeout=20_000)
        assert window.film.film is film
        stop(qtbot, window)
        story = tmp_path / "story.txt"
        story.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 30)
        with qtbot.waitSignal(window.corpora.loaded, timeout=30_000):
            window.files.open_corpus(str(story))
        assert window.film.film.frames == [] and not window.views.timeline.isEnabled()
    finally:
        close_window(qtbot, window)


def test_the_nearest_words_and_a_words_settling_follow_the_moment_shown(qtbot,
                                                                       monkeypatch):
    from w2v_gui.controllers import film as film_controller

    monkeypatch.setattr(film_controller, "SNAPSHOT_SECONDS", 0.2)
    window = open_window(qtbot)
    try:
        train(qtbot, window, epochs=3)
        film = window.film.film
        qtbot.waitUntil(lambda: len(film.snapshots) >= 4, timeout=10_000)
        # the run's last snapshot is kept, however soon after the one before it came
        assert film.snapshots[-1].words_done == window.training.trainer.words_done
        panel = window.views.search_panel
        panel.query.setText("king")
        panel.search("king")
        qtbot.waitUntil(lambda: panel.settling is not None and panel.settling.isVisible(),
                        timeout=10_000)
        done, changed = panel.settling_curve.getData()
        assert len(done) == len(film.snapshots) - 1 and 0 <= changed.min() <= 1
        assert "How much of king's 10 nearest neighbours" in panel.settling_title.text()
        window.views.timeline.slider.setValue(0)  # the first moment
        first = window.film.film.snapshot_at(film.frames[0].words_done)
        assert f"nearest words as at {first.words_done:,}" in (
            window.views.timeline.where.text())
        qtbot.waitUntil(lambda: window.search._sent is not None and len(
            window.search._sent.words) == len(first.ids), timeout=10_000)
        assert panel.settling_now.isVisible()
        # a comparison of that moment with the vectors on show now
        window.views.timeline.go_live()
        window.views.timeline.slider.setValue(0)
        comparison = window.comparison
        comparison.open()
        comparison.window.a.kind.setCurrentIndex(2)  # the film's moment on show
        with qtbot.waitSignal(comparison.comparing.done, timeout=30_000) as done_signal:
            comparison.start()
        result = done_signal.args[0].comparison
        assert result.shared == len(first.ids)  # the map's words at that moment
        window.views.timeline.go_live()
        qtbot.waitUntil(lambda: len(window.search._sent.words) == len(
            window.training.corpus.words), timeout=10_000)
    finally:
        close_window(qtbot, window)


def test_a_moment_on_show_stays_when_the_film_is_thinned_under_it(qtbot, monkeypatch):
    from core.map import film as film_module
    from core.map.film import Film
    from tests.core.test_film import frame
    from w2v_gui.controllers.film import FilmController
    from w2v_gui.panels.timeline import Timeline

    monkeypatch.setattr(film_module, "MAX_FRAMES", 8)
    timeline = Timeline()
    qtbot.addWidget(timeline)
    shown = []
    controller = FilmController(timeline, lambda f, _trails: shown.append(f), lambda: None,
                                lambda _vectors: None, lambda: None)
    controller.film = Film([f"w{i}" for i in range(5)])
    for i in range(8):
        controller.film.add_frame(frame(i * 100))
        controller.changed.emit()
    timeline.slider.setValue(5)  # the moment at 500 words
    assert controller._moment.words_done == 500
    controller.film.add_frame(frame(800))  # a ninth frame: the film is halved
    controller.changed.emit()
    held = controller.film.frames[timeline.slider.value()]
    assert held.words_done <= 500 and len(controller.film.frames) == 5
    assert timeline.slider.value() == [f.words_done for f in controller.film.frames].index(
        held.words_done)
