import numpy as np

from core.embeddings import Embeddings
from w2v_gui.panels.search_panel import SearchPanel


def toy_embeddings() -> Embeddings:
    words = ["king", "queen", "man", "woman", "apple"]
    vectors = np.array([[1, 1, 0], [1, -1, 0], [0.1, 1, 0], [0.1, -1, 0], [0, 0, 1]],
                       dtype=np.float32)
    return Embeddings(words, vectors, np.arange(5, 0, -1))


def test_neighbours_are_listed_and_highlighted(qtbot):
    panel = SearchPanel()
    qtbot.addWidget(panel)
    highlighted = []
    panel.highlight.connect(highlighted.append)
    panel.set_embeddings(toy_embeddings())
    panel.count.setValue(2)
    panel.search("king")
    assert panel.results.rowCount() == 2
    assert panel.results.item(0, 0).text() == "man"
    assert highlighted[-1][0] == "king" and len(highlighted[-1]) == 3


def test_analogy_box(qtbot):
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.set_embeddings(toy_embeddings())
    for field, word in zip(panel.analogy_words, ["king", "man", "woman"], strict=True):
        field.setText(word)
    panel.run_analogy()
    assert panel.results.item(0, 0).text() == "queen"


def test_unknown_word_gets_a_message_with_suggestions(qtbot):
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.set_embeddings(toy_embeddings())
    panel.search("quen")
    assert "not in the vocabulary" in panel.message.text()
    assert "queen" in panel.message.text()
    assert panel.results.rowCount() == 0


def test_results_refresh_when_new_vectors_arrive(qtbot):
    panel = SearchPanel()
    qtbot.addWidget(panel)
    first = toy_embeddings()
    panel.set_embeddings(first)
    panel.search("king")
    vectors = first.vectors.copy()
    vectors[0] = [0.0, 0.05, 1.0]  # king has moved next to apple
    moved = Embeddings(first.words, vectors, first.counts)
    panel.set_embeddings(moved)
    assert panel.results.item(0, 0).text() == "apple"
