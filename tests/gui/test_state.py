"""What is enabled when (w2v_gui.state), from plain facts: no window, no Qt."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from w2v_gui.state import Facts, controls

ROOT = Path(__file__).resolve().parents[2]
# a corpus open, the form's values accepted, no run yet: the app as it starts
READY = Facts(has_corpus=True, config_valid=True)
STOPPED = replace(READY, has_run=True, can_continue=True)
TRAINING = replace(STOPPED, running=True)
PAUSED = replace(TRAINING, paused=True)


def test_the_rules_need_no_qt():
    result = subprocess.run(
        [sys.executable, "-c", "import sys, w2v_gui.state\n"
         "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PyQt6', 'pyqtgraph')))"],
        cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_nothing_open_allows_nothing_but_the_form():
    now = controls(Facts())
    assert not any((now.train, now.step, now.pause, now.stop, now.reset, now.check,
                    now.race, now.invite_to_train))
    assert now.hyperparameters


def test_a_corpus_without_a_run_invites_to_train_step_or_race():
    now = controls(READY)
    assert now.train and now.step and now.race and now.invite_to_train
    assert not (now.continues or now.pause or now.stop or now.reset or now.check)


def test_while_training_only_pause_stop_and_the_check_are_allowed():
    now = controls(TRAINING)
    assert now.pause and now.stop and now.check
    assert not (now.train or now.step or now.reset or now.race or now.invite_to_train)


def test_paused_a_run_steps_unless_it_has_no_step_left():
    assert controls(PAUSED).step
    assert not controls(replace(PAUSED, no_step_left=True)).step
    assert not controls(PAUSED).train and controls(PAUSED).pause


def test_a_stopped_run_continues_resets_and_races():
    now = controls(STOPPED)
    assert now.train and now.continues and now.reset and now.step and now.race
    assert not (now.pause or now.stop or now.invite_to_train)
    assert not controls(replace(STOPPED, can_continue=False)).continues


@pytest.mark.parametrize("busy", ["loading", "race_running"])
def test_reading_a_file_or_a_race_blocks_train_step_and_race(busy):
    now = controls(replace(STOPPED, **{busy: True}))
    assert not (now.train or now.step or now.race)
    assert now.reset and now.check  # the run itself is still there


def test_opening_a_session_blocks_train_and_step():
    now = controls(replace(STOPPED, opening=True))
    assert not (now.train or now.step)


def test_exploring_a_vectors_file_freezes_the_form_and_training():
    exploring = Facts(config_valid=True, exploring=True)  # a vectors file has no corpus
    now = controls(exploring)
    assert not (now.train or now.step or now.race or now.hyperparameters)


def test_one_gradient_check_at_a_time():
    assert controls(STOPPED).check
    assert not controls(replace(STOPPED, checking=True)).check
    assert not controls(replace(READY, checking=False)).check  # no run to check


def test_while_the_form_refuses_a_value_step_and_race_wait_but_a_paused_run_steps():
    """Step and Race take the form's settings: with a value refused they did nothing."""
    refused = replace(READY, config_valid=False)
    now = controls(refused)
    assert not (now.train or now.step or now.race)
    assert not controls(replace(STOPPED, config_valid=False)).step
    assert controls(replace(PAUSED, config_valid=False)).step  # steps the run as it is
