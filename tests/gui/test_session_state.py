"""A session's view settings are checked entry by entry before anything changes (no Qt)."""

from w2v_gui.session_state import MOST_MAP_WORDS, check_app_state


def test_good_entries_pass_and_nothing_is_dropped():
    state = {"map_words": 300, "method": "tsne", "axes": [["man"], ["woman"], [], []],
             "colour": "clusters", "clusters": 6, "pinned": ["king", "paris"],
             "query": "queen", "race": {"kind": "losses"}}
    checked = check_app_state(state, palette_size=10)
    assert (checked.map_words, checked.method, checked.colour, checked.clusters) == (
        300, "tsne", "clusters", 6)
    assert checked.axes == [["man"], ["woman"], [], []]
    assert checked.pinned == ["king", "paris"] and checked.query == "queen"
    assert checked.race == {"kind": "losses"}
    assert checked.dropped == [] and checked.note() == ""


def test_damaged_entries_are_dropped_and_named():
    state = {"map_words": 10**12, "method": "<b>pca</b>", "axes": [["a"], 5],
             "colour": "rainbow", "clusters": True, "pinned": ["king", 7],
             "query": ["not", "text"]}
    checked = check_app_state(state, palette_size=10)
    assert checked.map_words is None and checked.method is None and checked.axes is None
    assert checked.colour is None and checked.clusters is None and checked.query is None
    assert checked.pinned == ["king"]
    note = checked.note()
    for named in ("map words", "map method", "semantic axes", "colouring", "clusters",
                  "pinned entries", "search text"):
        assert named in note
    assert f"{MOST_MAP_WORDS:,}" in note


def test_a_state_that_is_not_an_object_keeps_nothing():
    checked = check_app_state(["pinned"], palette_size=10)
    assert checked.dropped == ["the whole view record"]
    assert checked.pinned == [] and checked.map_words is None


def test_the_bounds_are_inclusive():
    assert check_app_state({"map_words": 10}, 10).map_words == 10
    assert check_app_state({"map_words": MOST_MAP_WORDS}, 10).map_words == MOST_MAP_WORDS
    assert check_app_state({"map_words": 9}, 10).map_words is None
    assert check_app_state({"clusters": 10}, 10).clusters == 10
    assert check_app_state({"clusters": 11}, 10).clusters is None


def test_a_map_without_semantic_axes_is_not_damage():
    """A map with no axes saves them as []: reopening that session says nothing."""
    checked = check_app_state({"axes": []}, palette_size=10)
    assert checked.axes is None and checked.dropped == []
