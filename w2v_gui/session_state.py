"""What a session file may say about the window, checked before anything changes.

A session keeps the app's state as one JSON object that core stores and never reads
(`core.session`). Opening one must succeed whole or change nothing, so every entry is
checked here first, without Qt: what passes is applied, what does not is dropped and named
in a note. Plain Python, tested without a display.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.map.tracker import METHODS

COLOURINGS = ("none", "clusters", "frequency")
FEWEST_MAP_WORDS = 10
MOST_MAP_WORDS = 20_000  # the map's word-count box; more points than this stop being read
FEWEST_CLUSTERS = 2
# sanity bounds for a file's content, far beyond what anyone pins or types
MOST_PINS = 100_000
LONGEST_QUERY = 100_000  # characters in the search box


@dataclass
class CheckedState:
    """The entries of a session's app state that can be applied, each already checked.

    map_words, method, colour, clusters: None when absent or damaged
    axes:   four lists of words (x from, x to, y from, y to), or None
    pinned: words (not yet checked against the vocabulary: the map drops unknown ones)
    query:  the search box's text, or None
    race:   the raw race record, or None (the race controller parses it)
    dropped: the names of damaged entries that were left out
    """

    map_words: int | None = None
    method: str | None = None
    axes: list[list[str]] | None = None
    colour: str | None = None
    clusters: int | None = None
    pinned: list[str] = field(default_factory=list)
    query: str | None = None
    race: Any = None
    dropped: list[str] = field(default_factory=list)

    def note(self) -> str:
        """A sentence naming what was left out, or "" when everything was kept."""
        if not self.dropped:
            return ""
        return ("Some of the session's view settings were damaged and were left out: "
                + ", ".join(self.dropped) + ".")


def _choice(state: dict, key: str, allowed: tuple[str, ...], name: str,
            drop: Callable[[str], None]) -> str | None:
    """state[key] if it is one of `allowed`; None if absent, and None with `name` dropped
    if it is anything else."""
    value = state.get(key)
    if value is None:
        return None
    if value in allowed:
        return value
    drop(name)
    return None


def _whole_number(state: dict, key: str, low: int, high: int, name: str,
                  drop: Callable[[str], None]) -> int | None:
    """state[key] if it is a whole number from low to high; None if absent, and None with
    `name` dropped if it is anything else."""
    value = state.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    drop(f"{name} (not a whole number from {low:,} to {high:,})")
    return None


def check_app_state(state: Any, palette_size: int) -> CheckedState:
    """Check `state` (a session's app state) entry by entry; nothing here touches a widget.

    palette_size: the most clusters the map can colour (its palette's length)
    """
    checked = CheckedState()
    if not isinstance(state, dict):
        checked.dropped.append("the whole view record")
        return checked
    drop = checked.dropped.append

    checked.map_words = _whole_number(state, "map_words", FEWEST_MAP_WORDS, MOST_MAP_WORDS,
                                      "the number of map words", drop)
    checked.method = _choice(state, "method", METHODS, "the map method", drop)
    axes = state.get("axes")
    if axes not in (None, []):  # [] is how a map without axes is saved
        if (isinstance(axes, list) and len(axes) == 4
                and all(isinstance(part, list) and len(part) <= MOST_PINS
                        and all(isinstance(w, str) for w in part) for part in axes)):
            checked.axes = [list(part) for part in axes]
        else:
            drop("the semantic axes")
    checked.colour = _choice(state, "colour", COLOURINGS, "the colouring", drop)
    checked.clusters = _whole_number(state, "clusters", FEWEST_CLUSTERS, palette_size,
                                     "the number of clusters", drop)
    pinned = state.get("pinned")
    if pinned is not None:
        if isinstance(pinned, list) and len(pinned) <= MOST_PINS:
            checked.pinned = [w for w in pinned if isinstance(w, str)]
            if len(checked.pinned) != len(pinned):
                drop("pinned entries that are not words")
        else:
            drop("the pinned words")
    query = state.get("query")
    if query is not None:
        if isinstance(query, str) and len(query) <= LONGEST_QUERY:
            checked.query = query
        else:
            drop("the search text")
    checked.race = state.get("race")
    return checked
