import random

from core.parallel.pool import cores
from core.train.config import LARGEST_SEED, PARAMETERS, PRESETS, TrainConfig
from w2v_gui.panels.hyperparameter_panel import HyperparameterPanel, with_every_core


def test_starts_on_quick_demo_and_round_trips_every_preset(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    # every core by default; the handout's batching keeps one worker
    assert panel.config() == PRESETS["quick_demo"].replace(workers=cores())
    assert panel.preset.currentText() == "Quick demo"
    for label, key in (("CS224n handout", "cs224n"), ("gensim defaults", "gensim")):
        panel.preset.setCurrentText(label)
        assert panel.config() == with_every_core(PRESETS[key])
        if key == "cs224n":
            assert panel.config().workers == 1 and not panel.fields["workers"].isEnabled()


def test_the_handouts_batching_takes_one_worker_and_the_form_says_why(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    panel.fields["workers"].setValue(2)
    panel.fields["batching"].setCurrentText("windows")
    assert panel.config() is not None and panel.config().workers == 1
    assert "sequential SGD" in panel.fields["workers"].toolTip()
    panel.fields["batching"].setCurrentText("corpus")
    assert panel.fields["workers"].isEnabled() and panel.config().workers == cores()


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
    assert panel.fields["window"].value() == PARAMETERS["window"].high
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
    # in the form's words, not the code's
    assert ("Final learning rate must be at most Learning rate"
            in panel.errors["min_alpha"].text())
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


def test_every_value_the_config_accepts_round_trips_through_the_form(qtbot):
    """Limits, halved learning rates, seeds past 2^31: the form gives back what it got."""
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    extremes = [
        TrainConfig(seed=LARGEST_SEED, dim=10_000, alpha=1e-8, min_alpha=0.0),
        TrainConfig(alpha=0.025 / 8, min_alpha=0.025 / 8),  # 0.003125
        TrainConfig(alpha=10.0, min_alpha=10.0, sample=1.0, window=100, negative=100,
                    batch_words=10**7, iterations=10**9, halve_every=10**9, min_count=10**9),
        TrainConfig(sample=0.0, batch_words=16, epochs=10_000, seed=0),
    ]
    rng = random.Random(7)
    for _ in range(40):
        alpha = 10 ** rng.uniform(-8, 1)
        extremes.append(TrainConfig(
            alpha=alpha, min_alpha=alpha * rng.random(), sample=rng.random() * 1e-2,
            seed=rng.randrange(LARGEST_SEED + 1), dim=rng.randrange(1, 10_001),
            model=rng.choice(PARAMETERS["model"].choices), loss=rng.choice(["neg", "softmax"])))
    for config in extremes:
        panel.set_config(config)
        assert panel.config() == config
        assert panel.reason_text() == ""


def test_a_seed_beyond_32_bits_can_be_typed(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    seed = panel.fields["seed"]
    seed.lineEdit().selectAll()
    qtbot.keyClicks(seed.lineEdit(), str(LARGEST_SEED))
    assert panel.config().seed == LARGEST_SEED
    seed.stepBy(1)  # clamped at the limit
    assert panel.config().seed == LARGEST_SEED


def test_a_number_typed_beyond_a_fields_range_is_held_at_its_end_with_a_word(qtbot):
    """A learning rate of 1000 typed becomes 10, the most the field takes: the form says
    so under the field, and forgets it once a number inside is typed."""
    from PyQt6.QtCore import Qt
    from PyQt6.QtTest import QTest

    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    panel.show()
    field = panel.fields["alpha"]
    field.setFocus()
    field.lineEdit().selectAll()
    QTest.keyClicks(field.lineEdit(), "1000")
    QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    assert field.value() == field.maximum() == 10
    note = panel.errors["alpha"].text()
    assert note.startswith("Learning rate: 1000 is above the most") and "holds 10" in note
    assert panel.errors["alpha"].isVisibleTo(panel)
    assert panel.config() is not None and panel.reason_text() == ""  # a note, not a refusal
    field.lineEdit().selectAll()
    QTest.keyClicks(field.lineEdit(), "0.05")
    QTest.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    assert field.value() == 0.05 and panel.errors["alpha"].text() == ""
    assert not panel.errors["alpha"].isVisibleTo(panel)
