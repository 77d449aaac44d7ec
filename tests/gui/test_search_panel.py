"""Search: the panel asks, a worker thread answers on the newest vectors, normalised once
per copy, and only the answer to the latest question is shown."""

import threading

import numpy as np
import pytest
from PyQt6.QtWidgets import QApplication

from core.vectors import embeddings as embeddings_module
from core.vectors.embeddings import Embeddings
from w2v_gui import workers
from w2v_gui.controllers.search import SearchController
from w2v_gui.panels.search_panel import SearchPanel, digits_to_tell_apart
from w2v_gui.threads import WorkerThreads


def toy_embeddings() -> Embeddings:
    words = ["king", "queen", "man", "woman", "apple"]
    vectors = np.array([[1, 1, 0], [1, -1, 0], [0.1, 1, 0], [0.1, -1, 0], [0, 0, 1]],
                       dtype=np.float32)
    return Embeddings(words, vectors, np.arange(5, 0, -1))


@pytest.fixture
def search(qtbot):
    threads = WorkerThreads()
    panel = SearchPanel()
    qtbot.addWidget(panel)
    controller = SearchController(threads, panel)
    yield controller
    threads.quit_all()
    qtbot.waitUntil(lambda: not threads.threads, timeout=5000)


def give(qtbot, search, embeddings) -> None:
    with qtbot.waitSignal(search.worker.ready, timeout=5000):
        search.set_embeddings(embeddings)


def ask(qtbot, search, action) -> None:
    with qtbot.waitSignal(search.answered, timeout=5000):
        action()


def test_neighbours_are_listed_and_highlighted(qtbot, search):
    panel = search.panel
    highlighted = []
    panel.highlight.connect(highlighted.append)
    give(qtbot, search, toy_embeddings())
    panel.count.setValue(2)
    ask(qtbot, search, lambda: panel.search("king"))
    assert panel.results.rowCount() == 2
    assert panel.results.item(0, 0).text() == "man"
    assert highlighted[-1][0] == "king" and len(highlighted[-1]) == 3


def test_analogy_box(qtbot, search):
    panel = search.panel
    give(qtbot, search, toy_embeddings())
    for field, word in zip(panel.analogy_words, ["king", "man", "woman"], strict=True):
        field.setText(word)
    ask(qtbot, search, panel.run_analogy)
    assert panel.results.item(0, 0).text() == "queen"


def test_unknown_word_gets_a_message_with_suggestions(qtbot, search):
    panel = search.panel
    give(qtbot, search, toy_embeddings())
    ask(qtbot, search, lambda: panel.search("quen"))
    assert "not in the vocabulary" in panel.message.text()
    assert "queen" in panel.message.text()
    assert panel.results.rowCount() == 0


def test_results_refresh_when_new_vectors_arrive(qtbot, search):
    panel = search.panel
    first = toy_embeddings()
    give(qtbot, search, first)
    ask(qtbot, search, lambda: panel.search("king"))
    vectors = first.vectors.copy()
    vectors[0] = [0.0, 0.05, 1.0]  # king has moved next to apple
    ask(qtbot, search, lambda: search.set_embeddings(Embeddings(first.words, vectors,
                                                                first.counts)))
    assert panel.results.item(0, 0).text() == "apple"


def test_searching_and_normalising_happen_off_the_gui_thread_once_per_copy(qtbot, search,
                                                                           monkeypatch):
    normalised_on, searched_on = [], []
    normalize = embeddings_module.normalize_rows
    monkeypatch.setattr(embeddings_module, "normalize_rows", lambda rows: (
        normalised_on.append(threading.get_ident()), normalize(rows))[1])
    most_similar = Embeddings.most_similar
    monkeypatch.setattr(Embeddings, "most_similar", lambda self, *a: (
        searched_on.append(threading.get_ident()), most_similar(self, *a))[1])
    give(qtbot, search, toy_embeddings())
    for word in ("king", "queen", "man"):
        ask(qtbot, search, lambda w=word: search.panel.search(w))
    gui = threading.get_ident()
    assert len(normalised_on) == 1 and gui not in normalised_on
    assert len(searched_on) == 3 and gui not in searched_on


def test_copies_that_arrive_while_one_is_normalised_replace_each_other(qtbot, search):
    copies = [toy_embeddings() for _ in range(20)]
    received = []
    search.worker.ready.connect(lambda embeddings, _completion: received.append(embeddings))
    for copy in copies:
        search.set_embeddings(copy)
    qtbot.waitUntil(lambda: bool(received) and received[-1] is copies[-1], timeout=5000)
    assert len(received) <= 2  # the first, then only the newest


def test_only_the_latest_question_is_answered_on_screen(qtbot, search):
    panel = search.panel
    give(qtbot, search, toy_embeddings())
    shown, worked_out = [], []
    search.answered.connect(shown.append)
    search.worker.answered.connect(worked_out.append)  # after the controller heard each
    panel.search("king")
    panel.search("apple")  # asked before king's answer could arrive
    # the worker answers both, in order; the controller showed only the latest
    qtbot.waitUntil(lambda: len(worked_out) == 2, timeout=5000)
    assert [result.request.words for result in worked_out] == [("king",), ("apple",)]
    assert [result.request.words for result in shown] == [("apple",)]


def test_a_new_vocabulary_is_made_ready_for_completion_off_the_gui_thread(qtbot, search,
                                                                           monkeypatch):
    """At 400,000 words filling the completer's model and the set of known words on the
    GUI thread stalled the window; the worker makes them, the panel only sets them."""
    made_on = []
    make = workers.completion_for

    def recorded(words):
        made_on.append(threading.get_ident())
        return make(words)

    monkeypatch.setattr("w2v_gui.workers.completion_for", recorded)
    embeddings = toy_embeddings()
    give(qtbot, search, embeddings)
    qtbot.waitUntil(lambda: bool(search.panel.vocabulary), timeout=5000)
    assert made_on and threading.get_ident() not in made_on
    model = search.panel.completer.model()
    assert model.rowCount() == len(embeddings.words)
    assert model.thread() is QApplication.instance().thread()
    assert search.panel.vocabulary == set(embeddings.words)
    give(qtbot, search, toy_embeddings())  # the same words: nothing made again
    assert len(made_on) == 1


def test_cosines_show_enough_digits_to_tell_them_apart(qtbot):
    """At dimension 10 the nearest words' cosines can all read 0.999 with three digits."""
    assert digits_to_tell_apart([0.91234, 0.5, 0.25]) == 3
    assert digits_to_tell_apart([0.99912, 0.99934, 0.99951]) == 4
    assert digits_to_tell_apart([0.9999912, 0.9999934]) == 6
    assert digits_to_tell_apart([0.5, 0.5]) == 3  # equal scores cannot differ
    assert digits_to_tell_apart([0.123456789, 0.123456781]) == 7  # no more than seven
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.show_ranked([("a", 0.99912), ("b", 0.99934), ("c", 0.9)], ["q"])
    shown = [panel.results.item(row, 1).text() for row in range(3)]
    assert shown == ["0.9991", "0.9993", "0.9000"]
