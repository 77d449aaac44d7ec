"""core.vectors.number_parsing on its own: the bulk parser gives float32(float(token)) for
every number a vectors file may hold, and names the first token that is not a number."""

import numpy as np
import pytest

from core.vectors.number_parsing import (
    BadToken,
    is_number,
    parse_number_tokens,
    unaligned_words,
)

PAD = 64  # the parser reads up to 32 bytes before a token: a file's chunk has spare room


def parse(tokens: list[bytes]) -> np.ndarray:
    """The tokens, space-separated in one buffer as a file's chunk holds them, parsed."""
    buffer = bytearray(b" " * PAD)
    starts, ends = [], []
    for token in tokens:
        starts.append(len(buffer))
        buffer += token
        ends.append(len(buffer))
        buffer += b" "
    buffer += b" " * 8
    data = np.frombuffer(buffer, dtype=np.uint8)
    return parse_number_tokens(data, unaligned_words(buffer), np.array(starts, dtype=np.int64),
                               np.array(ends, dtype=np.int64))


def as_python(tokens: list[bytes]) -> np.ndarray:
    with np.errstate(over="ignore"):  # beyond float32: inf, as the reader makes it
        return np.array([np.float32(float(token)) for token in tokens], dtype=np.float32)


def same(parsed: np.ndarray, expected: np.ndarray) -> bool:
    """Equal as float32, bit for bit (NaN equal to NaN, -0.0 not equal to 0.0)."""
    with np.errstate(over="ignore"):
        parsed = parsed.astype(np.float32)
    return np.array_equal(parsed.view(np.uint32), expected.view(np.uint32))


@pytest.mark.parametrize("token", [
    b"0", b"1", b"-1", b"+1", b"0.5", b"-0.5", b".5", b"-.5", b"5.", b"007", b"-0", b"-0.0",
    b"3.14159265", b"0.000001", b"123456789", b"1234567890123456", b"0.1234567890123456",
    b"-98765.4321", b"0.30000000000000004", b"1e3", b"1E3", b"1.5e-7", b"-2.5E+10", b"7e0",
    b"1e-45", b"3.4028235e38", b"1e39", b"-1e39", b"1e-50",
])
def test_each_kind_of_number_equals_float32_of_python_float(token):
    assert same(parse([token]), as_python([token]))


def test_nan_and_infinities_in_any_case():
    tokens = [b"nan", b"NaN", b"-nan", b"inf", b"-Inf", b"INFINITY", b"+infinity"]
    values = parse(tokens)
    assert np.isnan(values[:3]).all()
    assert values[3:].tolist() == [np.inf, -np.inf, np.inf, np.inf]


def test_long_tokens_beyond_the_fast_path_are_still_exact():
    tokens = [b"0." + b"1" * 40, b"-" + b"9" * 30 + b".5", b"1" * 33, b"0.0000000000000000000001"]
    assert same(parse(tokens), as_python(tokens))


def test_thousands_of_random_decimals_equal_pythons():
    rng = np.random.default_rng(0)
    tokens = []
    for _ in range(5000):
        digits = "".join(map(str, rng.integers(0, 10, rng.integers(1, 17))))
        dot = int(rng.integers(0, len(digits) + 1))
        text = digits[:dot] + "." + digits[dot:] if rng.random() < 0.9 else digits
        if text == ".":
            text = "0"
        if rng.random() < 0.5:
            text = "-" + text
        if rng.random() < 0.2:
            text += f"e{int(rng.integers(-40, 40))}"
        tokens.append(text.encode())
    assert same(parse(tokens), as_python(tokens))


def test_what_a_real_file_writes_round_trips():
    values = np.random.default_rng(1).standard_normal(3000).astype(np.float32)
    for spelled in ([f"{v:.6f}" for v in values], [repr(float(v)) for v in values],
                    [f"{v:.8e}" for v in values]):
        tokens = [token.encode() for token in spelled]
        assert same(parse(tokens), as_python(tokens))


@pytest.mark.parametrize("bad", [b"abc", b"1.2.3", b"--1", b"1e", b"e5", b"0x10", b"1,5",
                                 b"1-2", b"+", b".", b"1e5.5", b"nana"])
def test_the_first_token_that_is_not_a_number_is_named(bad):
    with pytest.raises(BadToken) as caught:
        parse([b"1.0", b"2", bad, b"also-bad"])
    assert (caught.value.index, caught.value.token) == (2, bad)


@pytest.mark.parametrize(("token", "number"), [
    (b"1", True), (b"-1.5e3", True), (b".5", True), (b"5.", True), (b"+0", True),
    (b"NaN", True), (b"inf", True), (b"-Infinity", True), (b"1E-7", True),
    (b"", False), (b"1.2.3", False), (b"0x10", False), (b"1e", False), (b"abc", False),
    (b"1,5", False), (b" 1", False), (b"infinit", False), (b"--1", False),
])
def test_is_number(token, number):
    assert is_number(token) is number


def test_unaligned_words_are_the_eight_bytes_from_each_position():
    buffer = bytes(range(1, 21))
    words = unaligned_words(buffer)
    assert len(words) == len(buffer) - 7
    for i in range(len(words)):
        assert int(words[i]) == int.from_bytes(buffer[i:i + 8], "little")
    assert len(unaligned_words(b"short")) == 0
