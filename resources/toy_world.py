"""The toy world: Word2Vec Studio's built-in corpus, generated from a small grammar.

Sentences describe a world with planted groups (royalty and gender pairs, countries and
capitals, days, months, numbers, colours, animals, foods, verbs), so that a short run
shows the groups cluster and king - man + woman ranks queen first. The same seed gives
the same text; tests use it as a corpus with known answers.

Its own test sets are derived from the same constants and shipped beside this file:
analogies in the questions-words.txt format (TOY_ANALOGIES) and graded word pairs in the
WordSim353 layout (TOY_PAIRS). `python -m resources.toy_world` writes them again.

    from resources.toy_world import generate_sentences, write_corpus
    from resources.toy_world import TOY_ANALOGIES, TOY_PAIRS, toy_analogies, toy_pairs
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# (male, female, kind, mark): kind decides the setting a person appears in; the mark is a
# word only that pair shares, which makes the pair counterparts (king : queen).
# what a corpus built from these sentences names as its source
TOY_WORLD_SOURCE = "the toy world (built in)"

PEOPLE = [
    ("king", "queen", "royal", "crown"), ("prince", "princess", "royal", "heir"),
    ("lord", "lady", "royal", "manor"), ("emperor", "empress", "royal", "empire"),
    ("duke", "duchess", "royal", "duchy"), ("man", "woman", "common", "adult"),
    ("boy", "girl", "common", "school"), ("father", "mother", "family", "children"),
    ("son", "daughter", "family", "parents"), ("brother", "sister", "family", "sibling"),
    ("husband", "wife", "family", "marriage"), ("uncle", "aunt", "family", "nephew"),
]
SETTINGS = {
    "royal": ["palace", "throne", "crown", "kingdom", "court", "castle"],
    "common": ["village", "street", "market", "field", "town", "road"],
    "family": ["home", "house", "garden", "kitchen", "table", "family"],
}
ROYAL_VERBS = ["rules", "reigns", "governs", "commands"]
COMMON_VERBS = ["works", "walks", "waits", "rests"]
FAMILY_VERBS = ["cooks", "reads", "sings", "sleeps"]
PRONOUN = {"male": ("he", "his", "him"), "female": ("she", "her", "her")}

COUNTRIES = [
    ("france", "paris", "french"), ("germany", "berlin", "german"), ("italy", "rome", "italian"),
    ("spain", "madrid", "spanish"), ("japan", "tokyo", "japanese"),
    ("china", "beijing", "chinese"), ("russia", "moscow", "russian"),
    ("egypt", "cairo", "egyptian"), ("greece", "athens", "greek"),
    ("portugal", "lisbon", "portuguese"), ("poland", "warsaw", "polish"),
    ("sweden", "stockholm", "swedish"),
]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black"]
THINGS = ["car", "door", "dress", "ball", "flower", "house", "book", "cup"]
ANIMALS = {
    "farm": ["cow", "sheep", "pig", "horse", "goat", "chicken"],
    "wild": ["lion", "tiger", "wolf", "bear", "fox", "eagle"],
    "water": ["fish", "whale", "dolphin", "shark", "crab", "seal"],
}
ANIMAL_PLACES = {"farm": ["farm", "barn", "meadow"], "wild": ["forest", "jungle", "mountain"],
                 "water": ["sea", "ocean", "river"]}
FOODS = {
    "fruit": ["apple", "banana", "orange", "grape", "pear", "cherry"],
    "vegetable": ["carrot", "potato", "onion", "cabbage", "pea", "bean"],
    "dish": ["soup", "bread", "cheese", "pasta", "rice", "cake"],
}
MEALS = ["breakfast", "lunch", "dinner", "supper"]
VERBS = [("walk", "walked", "walking"), ("talk", "talked", "talking"),
         ("play", "played", "playing"), ("jump", "jumped", "jumping"),
         ("cook", "cooked", "cooking"), ("paint", "painted", "painting"),
         ("climb", "climbed", "climbing"), ("dance", "danced", "dancing")]


def _person(rng: random.Random) -> list[str]:
    male, female, kind, mark = rng.choice(PEOPLE)
    gender = rng.choice(("male", "female"))
    word = male if gender == "male" else female
    subject, possessive, _ = PRONOUN[gender]
    place = rng.choice(SETTINGS[kind])
    verb = rng.choice({"royal": ROYAL_VERBS, "common": COMMON_VERBS,
                       "family": FAMILY_VERBS}[kind])
    partner = female if gender == "male" else male
    templates = [
        ["the", word, verb, "in", "the", place, "and", subject, "smiles"],
        [subject, "is", "the", word, "of", "the", place],
        ["the", word, "and", possessive, "friend", "stay", "in", "the", place],
        ["the", word, "sees", "the", partner, "near", "the", place],
        ["every", "day", "the", word, verb, "and", subject, "rests", "at", "the", place],
        ["the", word, "and", "the", mark, "belong", "together"],
        [subject, "is", "a", word, "with", "a", mark],
        ["the", mark, "of", "the", word, "is", "known", "to", possessive, "people"],
    ]
    return rng.choice(templates)


def _country(rng: random.Random) -> list[str]:
    country, capital, language = rng.choice(COUNTRIES)
    templates = [
        [capital, "is", "the", "capital", "of", country],
        ["the", "capital", "city", "of", country, "is", capital],
        ["people", "in", capital, "speak", language],
        ["most", "people", "of", country, "speak", language],
        [country, "has", "its", "government", "in", capital],
        ["the", "streets", "of", capital, "are", "busy", "with", "traffic"],
        ["the", "mayor", "of", capital, "opened", "a", "new", "bridge"],
        ["the", "nation", "of", country, "has", "a", "long", "border"],
        [country, "is", "a", "country", "with", "many", "regions"],
    ]
    return rng.choice(templates)


def _calendar(rng: random.Random) -> list[str]:
    if rng.random() < 0.5:
        i = rng.randrange(len(DAYS))
        return rng.choice([
            ["on", DAYS[i], "we", "go", "to", "work"],
            [DAYS[(i + 1) % 7], "comes", "after", DAYS[i]],
            ["the", "meeting", "is", "on", DAYS[i], "morning"],
        ])
    i = rng.randrange(len(MONTHS))
    return rng.choice([
        ["in", MONTHS[i], "the", "weather", "changes"],
        [MONTHS[(i + 1) % 12], "follows", MONTHS[i]],
        ["her", "birthday", "is", "in", MONTHS[i]],
    ])


def _numbers(rng: random.Random) -> list[str]:
    i = rng.randrange(len(NUMBERS) - 1)
    return rng.choice([
        [NUMBERS[i], "plus", "one", "is", NUMBERS[i + 1]],
        ["we", "counted", NUMBERS[i], "birds", "and", NUMBERS[i + 1], "trees"],
        ["there", "are", NUMBERS[i], "apples", "in", "the", "basket"],
    ])


def _colours(rng: random.Random) -> list[str]:
    colour, thing = rng.choice(COLOURS), rng.choice(THINGS)
    return rng.choice([
        ["the", colour, thing, "is", "new"],
        ["she", "painted", "the", thing, colour],
        ["my", "favourite", "colour", "is", colour],
    ])


def _animals(rng: random.Random) -> list[str]:
    kind = rng.choice(list(ANIMALS))
    animal, place = rng.choice(ANIMALS[kind]), rng.choice(ANIMAL_PLACES[kind])
    return rng.choice([
        ["the", animal, "lives", "in", "the", place],
        ["we", "saw", "a", animal, "near", "the", place],
        ["a", animal, "is", "an", "animal", "of", "the", place],
    ])


def _foods(rng: random.Random) -> list[str]:
    kind = rng.choice(list(FOODS))
    food, meal = rng.choice(FOODS[kind]), rng.choice(MEALS)
    return rng.choice([
        ["we", "eat", food, "for", meal],
        ["the", food, "is", "a", "tasty", kind],
        ["she", "bought", "fresh", food, "at", "the", "market"],
    ])


def _verbs(rng: random.Random) -> list[str]:
    base, past, progressive = rng.choice(VERBS)
    return rng.choice([
        ["yesterday", "they", past, "together"],
        ["today", "they", base, "together"],
        ["now", "they", "are", progressive, "together"],
    ])


TOPICS = [(_person, 4), (_country, 2), (_calendar, 1), (_numbers, 1), (_colours, 1),
          (_animals, 1), (_foods, 1), (_verbs, 1)]


def generate_sentences(count: int = 40_000, seed: int = 7) -> Iterator[list[str]]:
    """`count` tokenized sentences of the toy world; the same seed gives the same text."""
    rng = random.Random(seed)
    makers = [maker for maker, weight in TOPICS for _ in range(weight)]
    for _ in range(count):
        yield rng.choice(makers)(rng)


def write_corpus(path: str | os.PathLike, count: int = 40_000, seed: int = 7) -> Path:
    """Write the toy world as plain text, one sentence per line."""
    target = Path(path)
    with open(target, "w", encoding="utf-8", newline="\n") as stream:
        for sentence in generate_sentences(count, seed):
            stream.write(" ".join(sentence) + "\n")
    return target


# ---------------------------------------------------------------------------- test sets
# Both sets are built from the constants above, so they follow the grammar; the shipped
# files are their output (a test checks it).
TOY_ANALOGIES = Path(__file__).with_name("toy_analogies.txt")
TOY_PAIRS = Path(__file__).with_name("toy_pairs.tsv")

_Question = tuple[str, str, str, str]  # a b c d: a is to b as c is to d


def _across(pairs: list[tuple[str, str]]) -> list[_Question]:
    """a b c d for every ordered choice of two distinct pairs (a, b) and (c, d)."""
    return [(a, b, c, d) for (a, b), (c, d) in itertools.permutations(pairs, 2)]


def _analogy_sections() -> dict[str, list[_Question]]:
    people = [(male, female) for male, female, _, _ in PEOPLE]
    # subject and possessive only: no template uses the object form ("him")
    pronouns = [(he, she) for he, she in zip(PRONOUN["male"][:2], PRONOUN["female"][:2],
                                                strict=True)]
    by_mark = [(male, female, mark) for male, female, _, mark in PEOPLE]
    return {
        # nouns with nouns and pronouns with pronouns: a noun and a pronoun do not share
        # their contexts, so king : queen :: he : she has no offset in the text
        "gender": _across(people) + _across(pronouns),
        "capital-country": _across([(capital, country) for country, capital, _ in COUNTRIES]),
        "country-language": _across([(country, lang) for country, _, lang in COUNTRIES]),
        "capital-language": _across([(capital, lang) for _, capital, lang in COUNTRIES]),
        # a person and the mark of its pair (king : crown :: prince : heir), a and c of
        # one gender
        "person-mark": [
            (first[side], first[2], second[side], second[2])
            for first, second in itertools.permutations(by_mark, 2) for side in (0, 1)
        ],
        # a food and the word for its kind ("the apple is a tasty fruit"); only this way
        # round, since fruit : apple has six right answers
        "food-kind": [
            (food, kind, other_food, other_kind)
            for kind, other_kind in itertools.permutations(FOODS, 2)
            for food in FOODS[kind] for other_food in FOODS[other_kind]
        ],
    }


def toy_analogies() -> str:
    """The toy world's analogy questions, as the text of a questions-words.txt file.

    `: section` lines, then one question `a b c d` (a : b :: c : d) per line, for the
    relations the grammar plants: gender (the 12 people pairs, and he/she, his/her),
    capital-country, country-language, capital-language (the 12 countries),
    person-mark (the word each people pair shares) and food-kind (fruit, vegetable,
    dish). Every question uses two different pairs, so a, b and c are distinct.

    Left out because the text does not encode them: verb tenses (each sentence uses one
    form of one verb, so nothing ties walk to walked rather than to talked), successors
    of days, months and numbers (a context window has no order, so monday : tuesday is
    no offset), and habitats or settings (a cow lives in three places, none its own).
    """
    lines: list[str] = []
    for section, questions in _analogy_sections().items():
        lines.append(f": {section}")
        lines += [" ".join(question) for question in questions]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Role:
    """How the grammar uses a word: the topic (sentence maker) and the slot (group) it
    fills there; the kind decides its neighbours in that slot (royals' settings, a
    habitat, a tense); the entity ties slots together (a people pair, a country)."""

    topic: str
    group: str
    kind: str
    entity: str = ""
    gender: str = ""


# Words the templates also write literally, so they keep company outside their list:
# "she painted the car red", "bought fresh bread at the market", "and he rests at the
# palace" (said of every kind of person).
_TEMPLATE_WORDS = {"painted", "market", "rests"}

# Slots that one template fills together, and what two words need to meet there.
_LINKS = {
    frozenset({"person", "setting"}): "kind",  # the king rules in the palace
    frozenset({"person", "person-verb"}): "kind",
    frozenset({"setting", "person-verb"}): "kind",
    frozenset({"person", "mark"}): "entity",  # the crown of the king
    frozenset({"country", "capital"}): "entity",  # paris is the capital of france
    frozenset({"country", "language"}): "entity",
    frozenset({"capital", "language"}): "entity",
    frozenset({"animal", "animal-place"}): "kind",  # the cow lives in the barn
    frozenset({"food", "food-kind"}): "kind",  # the apple is a tasty fruit
    frozenset({"food", "meal"}): "any",  # we eat bread for lunch
    frozenset({"colour", "thing"}): "any",  # the red car is new
}


def _roles() -> dict[str, _Role]:
    """The role of each word the grammar uses in one way only (not orange, a colour and a
    fruit; not crown, a setting and a mark; nor the words in _TEMPLATE_WORDS)."""
    roles: dict[str, list[_Role]] = {}

    def add(word: str, *role: str) -> None:
        roles.setdefault(word, []).append(_Role(*role))

    for male, female, kind, mark in PEOPLE:
        add(male, "people", "person", kind, male, "male")
        add(female, "people", "person", kind, male, "female")
        add(mark, "people", "mark", mark, male)  # each mark has its own company: its pair
    for kind, places in SETTINGS.items():
        for place in places:
            add(place, "people", "setting", kind)
    for kind, verbs in (("royal", ROYAL_VERBS), ("common", COMMON_VERBS),
                        ("family", FAMILY_VERBS)):
        for verb in verbs:
            add(verb, "people", "person-verb", kind)
    for country, capital, language in COUNTRIES:
        add(country, "countries", "country", "country", country)
        add(capital, "countries", "capital", "capital", country)
        add(language, "countries", "language", "language", country)
    for group, words in (("day", DAYS), ("month", MONTHS)):
        for word in words:
            add(word, "calendar", group, group)
    for topic, group, words in (("numbers", "number", NUMBERS), ("colours", "colour", COLOURS),
                                ("colours", "thing", THINGS), ("foods", "meal", MEALS)):
        for word in words:
            add(word, topic, group, group)
    for kind, animals in ANIMALS.items():
        for animal in animals:
            add(animal, "animals", "animal", kind)
        for place in ANIMAL_PLACES[kind]:
            add(place, "animals", "animal-place", kind)
    for kind, foods in FOODS.items():
        for food in foods:
            add(food, "foods", "food", kind)
        add(kind, "foods", "food-kind", kind)
    # the three forms share "they ... together" and differ by yesterday / today / now, as
    # animals differ by habitat: one group, the tense its kind (no lemma: see toy_analogies)
    for forms in VERBS:
        for tense, form in zip(("base", "past", "progressive"), forms, strict=True):
            add(form, "verbs", "verb", tense)
    return {word: found[0] for word, found in roles.items()
            if len(found) == 1 and word not in _TEMPLATE_WORDS}


def _grade(first: _Role, second: _Role) -> int:
    """0-10: how much of the grammar two words share (the rule in toy_pairs)."""
    if first.group == second.group:
        if first.group == "person":
            if first.entity == second.entity:
                return 9  # counterparts: king / queen
            same_gender = first.gender == second.gender
            if first.kind == second.kind:
                return 8 if same_gender else 7
            return 6 if same_gender else 5
        return 8 if first.kind == second.kind else 6
    if first.topic == second.topic:
        link = _LINKS.get(frozenset({first.group, second.group}))
        meet = link == "any" or (link is not None
                                 and getattr(first, link) == getattr(second, link))
        return 4 if meet else 2
    return 0


# How many pairs to take from each (grade, group pair); grade 0 counts per topic pair.
_PAIRS_PER_CATEGORY = {9: 12, 8: 6, 7: 12, 6: 6, 5: 12, 4: 6, 2: 4, 0: 2}

_PAIRS_HEADER = """\
# The toy world's word pairs (resources/toy_world.py), graded 0-10 by how its grammar
# uses the two words. Each word fills one slot (its group) of one topic's templates; its
# kind decides its neighbours there (royal settings, a habitat, a tense); an entity ties
# slots together (a people pair, a country).
#   9  counterparts: the two people of one pair (king / queen)
#   8  same group and kind: the same slots beside the same words (king / prince,
#      paris / berlin, monday / tuesday, walk / talk)
#   7  people of the same kind and the other gender (king / princess)
#   6  same group, other kind (cow / lion, walk / walked, king / man)
#   5  people of another kind and the other gender (king / mother)
#   4  other groups that one template puts together (paris / france, king / palace,
#      cow / barn, apple / fruit, red / car)
#   2  other groups of the same topic, never in one sentence (paris / germany, cow / forest)
#   0  different topics (monday / banana)
# Words the grammar uses in two ways (orange, crown, house, painted, market, rests) are
# left out. Written by `python -m resources.toy_world`; do not edit by hand.
word1\tword2\tsimilarity
"""


def _graded_pairs() -> list[tuple[str, str, int]]:
    roles = _roles()
    categories: dict[tuple, list[tuple[str, str, int]]] = {}
    for first, second in itertools.combinations(roles, 2):
        a, b = roles[first], roles[second]
        grade = _grade(a, b)
        spread = (a.topic, b.topic) if grade == 0 else (a.group, b.group)
        categories.setdefault((grade, *sorted(spread)), []).append((first, second, grade))
    chosen: list[tuple[str, str, int]] = []
    for key in sorted(categories, key=lambda key: -key[0]):  # stable: first-seen order
        found = categories[key]
        wanted = min(_PAIRS_PER_CATEGORY[key[0]], len(found))
        chosen += [found[i * len(found) // wanted] for i in range(wanted)]  # evenly spaced
    return chosen


def toy_pairs() -> str:
    """The toy world's graded word pairs, as the text of a WordSim353-style file.

    `#` comment lines, a `word1<TAB>word2<TAB>similarity` header, then one pair a line.
    The grade (0-10) says how much of the grammar the two words share:

    - 9: counterparts, the two people of one pair (king / queen): same settings, verbs
      and mark, each the other's partner; only the pronouns differ.
    - 8: the same group and kind (king / prince, paris / berlin, monday / tuesday).
    - 7: people of the same kind, other gender (king / princess).
    - 6: the same group, another kind (cow / lion, walk / walked, king / man).
    - 5: people of another kind and gender (king / mother).
    - 4: different groups that one template puts together (paris / france,
      king / palace, cow / barn, apple / fruit, red / car).
    - 2: different groups of one topic that never meet (paris / germany, cow / forest).
    - 0: different topics (monday / banana).

    A few pairs are taken, evenly spaced, from each grade and pair of groups (of topics
    for grade 0), so that every grade and group is present. Words the grammar uses in
    two ways (orange is a colour and a fruit) are left out.
    """
    rows = [f"{first}\t{second}\t{grade:.1f}" for first, second, grade in _graded_pairs()]
    return _PAIRS_HEADER + "\n".join(rows) + "\n"


def write_test_sets(folder: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write toy_analogies.txt and toy_pairs.tsv into `folder` (default: beside this
    file, the shipped copies); returns their paths."""
    target = Path(folder) if folder is not None else TOY_ANALOGIES.parent
    written = []
    for name, text in ((TOY_ANALOGIES.name, toy_analogies()), (TOY_PAIRS.name, toy_pairs())):
        path = target / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written[0], written[1]


if __name__ == "__main__":
    for path in write_test_sets():
        print(f"wrote {path}")
