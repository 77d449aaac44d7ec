"""The corpus panel says what was loaded: source, format (SST detected), size, top words."""

from core.data.corpus import load_corpus
from w2v_gui.panels.corpus_panel import CorpusPanel


def test_an_sst_file_is_named_as_such_with_its_most_frequent_words(qtbot, tmp_path):
    path = tmp_path / "datasetSentences.txt"
    path.write_text("sentence_index\tsentence\n1\tThe film is good .\n2\tThe plot is thin .\n")
    panel = CorpusPanel()
    qtbot.addWidget(panel)
    panel.show_corpus(load_corpus(path))
    text = panel.summary.text()
    assert "Stanford Sentiment Treebank" in text and "datasetSentences.txt" in text
    assert "10 tokens" in text and "7 words" in text
    top = [panel.frequent.item(row, 0).text() for row in range(3)]
    assert top[0] in ("the", "is", ".") and panel.frequent.item(0, 1).text() == "2"


def test_plain_text_and_folders_are_told_apart(qtbot, tmp_path):
    (tmp_path / "a.txt").write_text("one two three\nthree two one\n")
    panel = CorpusPanel()
    qtbot.addWidget(panel)
    panel.show_corpus(load_corpus(tmp_path / "a.txt"))
    assert "plain text" in panel.summary.text()
    panel.show_corpus(load_corpus(tmp_path))
    assert "folder" in panel.summary.text()
