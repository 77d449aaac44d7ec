from core.config import PRESETS
from w2v_gui.panels.hyperparameter_panel import HyperparameterPanel


def test_starts_on_quick_demo_and_round_trips_every_preset(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    assert panel.config() == PRESETS["quick_demo"]
    assert panel.preset.currentText() == "Quick demo"
    for label, key in (("CS224n handout", "cs224n"), ("gensim defaults", "gensim")):
        panel.preset.setCurrentText(label)
        assert panel.config() == PRESETS[key]


def test_an_edit_becomes_custom_and_reaches_the_config(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    seen = []
    panel.config_changed.connect(seen.append)
    panel.fields["dim"].setValue(77)
    assert panel.preset.currentText() == "Custom"
    assert seen[-1].dim == 77


def test_values_out_of_range_are_refused_by_the_widget(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    panel.fields["window"].setValue(500)
    assert panel.fields["window"].value() == 20
    panel.fields["dim"].setValue(0)
    assert panel.fields["dim"].value() == 1


def test_a_rule_between_fields_is_refused_with_its_reason(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    seen = []
    panel.config_changed.connect(seen.append)
    panel.fields["alpha"].setValue(0.01)
    panel.fields["min_alpha"].setValue(0.5)
    assert panel.config() is None and seen[-1] is None
    # the reason is shown right under the field it names
    assert "min_alpha must be between" in panel.errors["min_alpha"].text()
    assert panel.errors["min_alpha"].isVisibleTo(panel)
    assert not panel.errors["alpha"].isVisibleTo(panel)
    assert panel.reason_text() == panel.errors["min_alpha"].text()
    panel.fields["min_alpha"].setValue(0.001)
    assert panel.config() is not None and panel.reason_text() == ""
    assert not panel.errors["min_alpha"].isVisibleTo(panel)


def test_the_loss_note_says_what_each_costs(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    assert "O(K)" in panel.loss_note.text()
    panel.fields["loss"].setCurrentText("softmax")
    assert "O(|V|)" in panel.loss_note.text()
