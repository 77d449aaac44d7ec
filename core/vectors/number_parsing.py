"""Decimal numbers parsed in bulk: the numbers of a whole chunk of text in a few NumPy passes.

Bytes are handled eight at a time as little-endian uint64 words ("SWAR"). Each decimal is
right-aligned in one to four uint64 words, its digits are combined eight at a time by
multiply-and-shift, and the value is the integer mantissa divided by a power of ten. For up
to 16 significant digits the result equals ``float32(float(token))`` exactly, as gensim
computes it; decimals with an exponent get a second bulk pass, and tokens the fast path does
not know (``nan``, ``inf``, very long ones) go through Python's ``float``.
"""

from __future__ import annotations

import re

import numpy as np

# These constants repeat one byte value in every byte of a uint64 word.
_BYTES_30 = np.uint64(0x3030303030303030)  # "0" in every byte
_BYTES_7F = np.uint64(0x7F7F7F7F7F7F7F7F)
_BYTES_76 = np.uint64(0x7676767676767676)  # 0x80 - 10: the high bit tells a byte >= 10
_BYTES_80 = np.uint64(0x8080808080808080)
_BYTES_1E = np.uint64(0x1E1E1E1E1E1E1E1E)  # "." XOR "0"
_BYTE_FF = np.uint64(0xFF)
_BYTE_MASKS = np.array([0] + [((1 << 64) - 1) ^ ((1 << (64 - 8 * n)) - 1) for n in range(1, 9)],
                       dtype=np.uint64)  # [n]: the n most significant bytes of a word
_POW10_INT = np.array([10 ** k for k in range(20)], dtype=np.uint64)
_POW10_FLOAT = np.array([float(10 ** k) for k in range(309)] + [np.inf])  # exact below 10^23
_NUMBER = re.compile(rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|inf|infinity)",
                     re.IGNORECASE)


def is_number(token: bytes) -> bool:
    return _NUMBER.fullmatch(token) is not None


def unaligned_words(buffer: bytearray | bytes) -> np.ndarray:
    """A view whose item i is the uint64 made of bytes i..i+7 of `buffer` (little-endian)."""
    return np.ndarray(shape=(max(len(buffer) - 7, 0),), dtype="<u8", buffer=buffer,
                      strides=(1,))


def _eight_digits(values: np.ndarray) -> np.ndarray:
    """uint64 words holding one digit value (0..9) per byte, most significant digit in the
    lowest byte -> the 8-digit integers they spell (two, then four, then eight digits)."""
    values = ((values * np.uint64(10 << 8 | 1)) >> np.uint64(8)) & np.uint64(0x00FF00FF00FF00FF)
    values = ((values * np.uint64(100 << 16 | 1)) >> np.uint64(16)) & np.uint64(
        0x0000FFFF0000FFFF)
    return (values * np.uint64(10000 << 32 | 1)) >> np.uint64(32)


def _parse_decimals(data: np.ndarray, words: np.ndarray, starts: np.ndarray,
                    ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Plain decimals `[+-]digits[.digits]` at data[starts[i]:ends[i]] -> (mantissa float64,
    power of ten int64, negative bool, ok bool): value = ±mantissa · 10^power where ok.

    The token is right-aligned in `count` uint64 words read from `words` (an unaligned view
    of `data`); bytes before the token are masked to zero digits. The dot is read as a zero
    digit at its place and taken out afterwards: mantissa = (A // 10^(f+1)) · 10^f + A % 10^f
    for f digits after the dot. At least 32 bytes must precede the first token in `data`.
    """
    lengths = ends - starts
    longest = int(lengths.max()) if len(lengths) else 1
    count = min(max((longest + 7) // 8, 1), 4)
    width = 8 * count
    ok = (lengths > 0) & (lengths <= width)
    lengths = np.minimum(lengths, width)
    first_byte = data[starts]
    negative = first_byte == 45  # "-"
    signed = negative | (first_byte == 43)  # "+"
    non_digits = np.zeros(len(starts), dtype=np.int64)
    dots = np.zeros(len(starts), dtype=np.int64)
    dot_column = np.full(len(starts), -1, dtype=np.int64)
    parts = []
    for k in range(count):
        inside = np.minimum(np.maximum(lengths - (width - 8 - 8 * k), 0), 8)  # bytes in word k
        mask = _BYTE_MASKS[inside]
        values = (words[ends - width + 8 * k] ^ _BYTES_30) & mask  # digits are now 0..9
        flags = (((values & _BYTES_7F) + _BYTES_76) | values) & _BYTES_80  # bytes >= 10
        offset = values ^ _BYTES_1E
        dot_flags = ~(((offset & _BYTES_7F) + _BYTES_7F) | offset) & _BYTES_80 & mask
        non_digits += np.bitwise_count(flags)
        dots += np.bitwise_count(dot_flags)
        column = 8 * k + (np.bitwise_count(dot_flags - np.uint64(1)) >> 3).astype(np.int64)
        dot_column = np.where(dot_flags != 0, column, dot_column)
        parts.append(_eight_digits(values & ~((flags >> np.uint64(7)) * _BYTE_FF)))
    ok &= (non_digits == dots + signed) & (dots <= 1) & (lengths > non_digits)
    fraction = np.where(dots > 0, width - 1 - dot_column, 0)
    if count <= 2:  # exact in uint64: A < 10^16
        spelled = parts[0] if count == 1 else parts[0] * np.uint64(10 ** 8) + parts[1]
        high, low = np.divmod(spelled, _POW10_INT[np.minimum(fraction + 1, 19)])
        mantissa = np.where(dots > 0, high * _POW10_INT[fraction] + low, spelled)
        mantissa = mantissa.astype(np.float64)
    else:  # 17 to 32 characters: float64 arithmetic, well within float32 precision
        spelled = np.zeros(len(starts))
        for part in parts:
            spelled = spelled * 1e8 + part
        unit = _POW10_FLOAT[fraction + 1]
        high = np.floor(spelled / unit)
        mantissa = np.where(dots > 0, high * _POW10_FLOAT[fraction] + (spelled - high * unit),
                            spelled)
    return mantissa, -fraction, negative, ok


def _scaled(mantissa: np.ndarray, power: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """±mantissa · 10^power, dividing by an exact power of ten when power < 0."""
    scale = _POW10_FLOAT[np.minimum(np.abs(power), len(_POW10_FLOAT) - 1)]
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.where(power < 0, mantissa / scale, mantissa * scale)
    return np.where(negative, -values, values)


class BadToken(Exception):
    """A token at `index` (among those parsed) is not a number."""

    def __init__(self, index: int, token: bytes) -> None:
        super().__init__(index, token)
        self.index = index
        self.token = token


def parse_number_tokens(data: np.ndarray, words: np.ndarray, starts: np.ndarray,
                         ends: np.ndarray) -> np.ndarray:
    """The numbers at data[starts[i]:ends[i]] as float64; raises BadToken on the first that
    is not a number. Plain decimals are parsed in bulk, then decimals with an exponent (the
    two parts in bulk again), then whatever is left (nan, inf, long tokens) one by one."""
    mantissa, power, negative, ok = _parse_decimals(data, words, starts, ends)
    values = _scaled(mantissa, power, negative)
    if ok.all():
        return values
    bad = np.flatnonzero(~ok)
    exponent_at = _exponent_positions(data, starts[bad], ends[bad])
    has_exponent = exponent_at >= 0
    if has_exponent.any():
        chosen = bad[has_exponent]
        marks = exponent_at[has_exponent]
        base, base_power, base_negative, base_ok = _parse_decimals(data, words, starts[chosen],
                                                                   marks)
        exponent, exponent_power, exponent_negative, exponent_ok = _parse_decimals(
            data, words, marks + 1, ends[chosen])
        exponent = np.where(exponent_negative, -exponent, exponent)
        good = base_ok & exponent_ok & (exponent_power == 0) & (np.abs(exponent) < 100000)
        total_power = base_power + exponent.astype(np.int64)
        values[chosen] = _scaled(base, total_power, base_negative)
        ok[chosen[good]] = True
    for index in np.flatnonzero(~ok).tolist():
        token = data[starts[index]:ends[index]].tobytes()
        if not is_number(token):
            raise BadToken(index, token)
        values[index] = float(token)
    return values


def _exponent_positions(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per token, the index in `data` of its one "e" or "E" (-1 if none or several)."""
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(starts.min()), int(ends.max())
    marks = np.flatnonzero((data[low:high] | 0x20) == ord("e")) + low
    first = np.searchsorted(marks, starts)
    after = np.searchsorted(marks, ends)
    return np.where(after - first == 1, marks[np.minimum(first, len(marks) - 1)], -1) \
        if len(marks) else np.full(len(starts), -1, dtype=np.int64)
