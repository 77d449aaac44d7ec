"""What is enabled when: the app's rules as plain Python, from plain facts to the controls
that may be used. No Qt here, so the rules are tested without a window (tests/gui/test_state.py);
the window gathers the facts and applies the answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    """The app as the rules see it; every field False when nothing is open."""

    has_corpus: bool = False  # a corpus to train on is open (not a vectors file)
    config_valid: bool = False  # the form accepts every value (else it says which is wrong)
    has_run: bool = False  # a run exists: trained, stepped or opened, also once stopped
    can_continue: bool = False  # Train with the form's settings continues the current run
    running: bool = False  # a thread trains the run (also while paused)
    paused: bool = False
    no_step_left: bool = False  # the paused run is at its end (asked only while paused)
    loading: bool = False  # a corpus or vectors file is being read
    opening: bool = False  # a session or model is being opened
    exploring: bool = False  # a vectors file is open to explore: nothing trains
    race_running: bool = False
    checking: bool = False  # a gradient check is running


@dataclass(frozen=True)
class Controls:
    """What may be used now, and the two things the controls say."""

    train: bool
    continues: bool  # the Train button reads "Continue"
    pause: bool
    stop: bool
    reset: bool
    step: bool
    check: bool  # check the gradients
    race: bool
    hyperparameters: bool  # the form can be edited
    invite_to_train: bool  # the bar says "Press Train to watch word2vec learn."


def run_can_step(facts: Facts) -> bool:
    """Step mode, as far as the run is concerned: a corpus, and no run training now
    (paused is fine, unless it has no step left)."""
    if not facts.has_corpus:
        return False
    if facts.running:
        return facts.paused and not facts.no_step_left
    return True


def controls(facts: Facts) -> Controls:
    """The rules: nothing trains, steps or races while a file is read or a session opens
    (a race runs alone), and nothing trains at all while a vectors file is explored."""
    busy = facts.loading or facts.race_running
    return Controls(
        train=(facts.config_valid and facts.has_corpus and not facts.running and not busy
               and not facts.opening),
        continues=facts.can_continue,
        pause=facts.running,
        stop=facts.running,
        reset=facts.has_run and not facts.running,
        # a step starts or continues a run with the form's settings, unless it steps the
        # paused run as it is; a race takes the form's settings
        step=(run_can_step(facts) and not busy and not facts.opening
              and not facts.exploring and (facts.config_valid or facts.running)),
        check=facts.has_run and not facts.checking,
        race=(facts.has_corpus and facts.config_valid and not facts.running and not busy
              and not facts.exploring),
        hyperparameters=not facts.exploring,
        invite_to_train=facts.has_corpus and not facts.has_run and not facts.running,
    )
