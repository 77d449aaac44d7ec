"""File ▸ Compare two embeddings…: two files compared off the GUI thread, the most
changed words first and marked on the map; a pair that cannot be compared says why; a
comparison of the vectors on show is cancelled when they are replaced."""

from __future__ import annotations

import threading

from core.vectors.reading import write_vectors
from tests.core.test_compare import clustered, swapped_pair_files
from tests.gui.helpers import close_window, open_window
from w2v_gui.compare import comparing


def test_two_files_compared_most_changed_first_and_marked_on_the_map(qtbot, tmp_path):
    swapped_pair_files(tmp_path)
    window = open_window(qtbot)
    try:
        controller = window.comparison
        controller.open()
        shown = controller.window
        shown.a.set_file(str(tmp_path / "a.txt"))
        shown.b.set_file(str(tmp_path / "b.txt"))
        with qtbot.waitSignal(controller.comparing.done, timeout=30_000):
            controller.start()
        assert {shown.table.item(0, 0).text(), shown.table.item(1, 0).text()} == {"w5",
                                                                                "w17"}
        assert shown.table.item(0, 1).text() == "0%"
        assert shown.table.item(399, 1).text() == "100%"  # most words kept all ten
        assert "400 shared words; 0 only in A, 0 only in B" in shown.status.text()
        shown.table.setCurrentCell(0, 0)
        change = shown.result.comparison.words[0]
        roles = [change.word, *change.gained, *change.lost]
        assert len(roles) == 21  # the word, its 10 gained and 10 lost neighbours
        on_map = [word for word in roles if word in shown._places]  # the 300 first words
        assert len(shown.marked.data) == len(on_map) > 10
        assert "0% of its neighbours kept" in shown.map_title.text()
        if len(on_map) < 21:
            assert f"({21 - len(on_map)} of them are not among the map's words)" in (
                shown.map_title.text())
        # no word in common: said, and the results shown stay
        (tmp_path / "c.txt").write_text("2 16\nx " + "1 " * 16 + "\ny " + "0 " * 15 + "1\n")
        shown.b.set_file(str(tmp_path / "c.txt"))
        with qtbot.waitSignal(controller.comparing.failed, timeout=30_000):
            controller.start()
        assert "no word in common" in shown.status.text()
        assert shown.compare_button.isEnabled() and shown.table.rowCount() == 400
    finally:
        close_window(qtbot, window)


def test_a_comparison_of_the_vectors_on_show_stops_when_they_are_replaced(
        qtbot, tmp_path, monkeypatch):
    started = threading.Event()

    def slow(a, b, cancelled, **_options):
        started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        raise comparing.Cancelled

    monkeypatch.setattr(comparing, "compare", slow)
    write_vectors(clustered(), tmp_path / "a.txt", "word2vec")
    window = open_window(qtbot)
    try:
        qtbot.waitUntil(lambda: window.workspace.current_embeddings() is not None or
                        window.training.corpus is not None, timeout=30_000)
        window.step_mode.step_once()  # vectors on show
        qtbot.waitUntil(lambda: window.workspace.current_embeddings() is not None,
                        timeout=30_000)
        controller = window.comparison
        controller.open()
        controller.window.b.set_file(str(tmp_path / "a.txt"))
        controller.start()
        assert started.wait(10)
        with qtbot.waitSignal(controller.comparing.cancelled, timeout=30_000):
            window.files.use_toy_world()  # what is on show is replaced
        assert "cancelled" in controller.window.status.text()
        assert controller.window.compare_button.isEnabled()
    finally:
        close_window(qtbot, window)
