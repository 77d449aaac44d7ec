"""The toy world: Word2Vec Studio's built-in corpus, generated from a small grammar.

Sentences describe a world with planted groups (royalty and gender pairs, countries and
capitals, days, months, numbers, colours, animals, foods, verbs), so that a short run
shows the groups cluster and king - man + woman ranks queen first. The same seed gives
the same text; tests use it as a corpus with known answers.

    from resources.toy_world import generate_sentences, write_corpus
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

# (male, female, kind, mark): kind decides the setting a person appears in; the mark is a
# word only that pair shares, which makes the pair counterparts (king : queen).
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
