"""Saved models and sessions (.npz) read without trusting them: each array's dtype and shape
come from its .npy header (core.storage.npz_entries) and are checked against the file's
size, the memory available and the other arrays before any data is read; values are
checked before anything uses them.
"""

from __future__ import annotations

import json
import math
import os
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from core.storage.files import format_bytes
from core.storage.npz_entries import (
    ArrayInfo,
    EntryProblem,
    available_memory,
    dtype_text,
    inspect_member,
    read_member,
    shape_text,
)
from core.train.config import PARAMETERS, ConfigError, TrainConfig

LARGEST_INT64 = 2**63 - 1
ADVICE = {"model": "Choose another file, or train again.",
          "session": "It may be damaged or incomplete; choose another file."}

# What an array may hold, by the name messages use for it.
INTEGERS = "whole numbers"
REALS = "real numbers"
TEXT = "text"
BYTES = "bytes (uint8)"
_ACCEPTS: dict[str, Callable[[np.dtype], bool]] = {
    INTEGERS: lambda dtype: dtype.kind in "iu",
    # float16/32/64 are cast to float32; long double has no portable layout
    REALS: lambda dtype: dtype.kind == "f" and dtype.itemsize in (2, 4, 8),
    TEXT: lambda dtype: dtype.kind == "U",
    BYTES: lambda dtype: dtype == np.uint8,
}
ErrorType = Callable[[str], Exception]






class SavedArrays:
    """The named arrays of a saved model or session, each read only after its header checks.

    path:  the file, for messages
    kind:  "model" or "session", for messages
    error: the exception type raised (TrainerError or SessionError); every failure is one,
           with a message naming the file and what is wrong

    Open a file with `SavedArrays.open(...)`; wrap arrays already in memory (a state dict)
    with `SavedArrays.from_arrays(...)`.
    """

    def __init__(self, path: str | os.PathLike, kind: str, error: ErrorType,
                 infos: Mapping[str, ArrayInfo],
                 read: Callable[[ArrayInfo], np.ndarray], in_memory: bool) -> None:
        self.path = path
        self.kind = kind
        self.error = error
        self._infos = dict(infos)
        self._read = read
        self._in_memory = in_memory

    # ------------------------------------------------------------------ opening
    @classmethod
    @contextmanager
    def open(cls, path: str | os.PathLike, kind: str,
             error: ErrorType) -> Iterator[SavedArrays]:
        """Open an .npz and read every array's header (no data) and check it against what
        its entry in the file can hold; pickled (object) arrays are refused unread."""
        saved = cls(path, kind, error, {}, _no_data, in_memory=False)
        try:
            file_size = os.stat(path).st_size
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise saved.damaged("it is not a NumPy archive (.npz)") from None
        except (OSError, ValueError, EOFError, NotImplementedError, RuntimeError,
                struct.error) as failure:
            raise saved.damaged(f"it cannot be read ({failure})") from failure
        with archive:
            members: dict[str, zipfile.ZipInfo] = {}
            try:
                for member in archive.infolist():
                    if member.is_dir() or not member.filename.endswith(".npy"):
                        continue  # np.savez writes only .npy entries; others are unused
                    info = inspect_member(archive, member, file_size)
                    if info.name in members:
                        raise EntryProblem(f"it holds two entries named {info.name}")
                    members[info.name] = member
                    saved._infos[info.name] = info
            except EntryProblem as problem:
                raise saved.damaged(str(problem)) from None
            saved._read = lambda info: read_member(archive, members[info.name], info)
            yield saved

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, Any], path: str | os.PathLike, kind: str,
                    error: ErrorType) -> SavedArrays:
        """Arrays already in memory (e.g. `Trainer.state_arrays()`), checked the same way."""
        values = {name: np.asarray(value) for name, value in arrays.items()}
        infos = {name: ArrayInfo(name, value.dtype, value.shape)
                 for name, value in values.items()}
        saved = cls(path, kind, error, infos, lambda info: values[info.name], True)
        for info in infos.values():
            if info.dtype.hasobject:
                raise saved.damaged(f"{info.name} holds Python objects, which are never "
                                    "read")
        return saved

    # ------------------------------------------------------------------ messages
    def damaged(self, problem: str) -> Exception:
        """The error for a file that cannot be used: the file, what is wrong, what to do."""
        return self.error(f"{self.path} is not a readable Word2Vec Studio {self.kind}: "
                          f"{problem.rstrip('.')}. {ADVICE.get(self.kind, ADVICE['model'])}")

    def too_large(self, needed: int, available: int) -> Exception:
        """The error for a file that may be sound but does not fit in memory now; its
        `memory_refusal` attribute is True (such a file must not be set aside as damaged)."""
        error = self.error(
            f"{self.path} needs {format_bytes(needed)} of memory to open, but this computer "
            f"has {format_bytes(available)} available. Close other programs and try again, "
            "or open it on a computer with more memory.")
        error.memory_refusal = True
        return error

    # ------------------------------------------------------------------ headers
    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def info(self, name: str) -> ArrayInfo:
        """The header of array `name`; a missing array is a damaged file."""
        if name not in self._infos:
            raise self.damaged(f"it has no {name} record")
        return self._infos[name]

    def expect(self, name: str, values: str, shape: tuple[int | None, ...],
               meaning: str) -> ArrayInfo:
        """Check array `name`'s header: it holds `values` (INTEGERS, REALS, TEXT, BYTES) in
        `shape` (None: any length). `meaning` says why that shape, for the message."""
        info = self.info(name)
        self._check_kind(info, values)
        if len(info.shape) != len(shape) or any(
                want is not None and got != want
                for got, want in zip(info.shape, shape, strict=False)):
            expected = (shape_text(shape) if any(n is not None for n in shape)
                        else f"{len(shape)} dimension{'s' * (len(shape) != 1)}")
            raise self.damaged(f"{name} has shape {shape_text(info.shape)}, but {meaning} "
                               f"({expected} expected)")
        return info

    def _check_kind(self, info: ArrayInfo, values: str) -> None:
        if not _ACCEPTS[values](info.dtype):
            raise self.damaged(f"{info.name} holds {dtype_text(info.dtype)}; it should hold "
                               f"{values}")

    def check_memory(self, names: Iterable[str], extra: int = 0) -> None:
        """Refuse, before reading, arrays that together (plus `extra` bytes the caller
        will allocate) need more memory than is available."""
        if self._in_memory:
            return
        needed = sum(self.info(name).nbytes for name in set(names)) + extra
        available = available_memory()
        if available is not None and needed > available:
            raise self.too_large(needed, available)

    # ------------------------------------------------------------------ data
    def read(self, name: str) -> np.ndarray:
        """The data of array `name` (its header already checked at open)."""
        info = self.info(name)
        self.check_memory([name])
        try:
            return self._read(info)
        except EntryProblem as problem:
            raise self.damaged(str(problem)) from None
        except MemoryError:
            raise self.too_large(info.nbytes, available_memory() or 0) from None

    def _checked_read(self, name: str, values: str) -> np.ndarray:
        """`read`, refusing data of the wrong kind even where no `expect` came first."""
        self._check_kind(self.info(name), values)
        return self.read(name)

    def integer(self, name: str) -> int:
        """A whole number stored as a 0-d integer array."""
        self.expect(name, INTEGERS, (), "it is a single number")
        return int(self.read(name))

    def text(self, name: str) -> str:
        """A string stored as a 0-d text array."""
        self.expect(name, TEXT, (), "it is a single text")
        return str(self.read(name)[()])

    def json(self, name: str) -> Any:
        """A JSON value stored as a 0-d text array."""
        text = self.text(name)
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as failure:
            raise self.damaged(f"{name} is not valid JSON ({failure})") from None

    def record(self, name: str) -> JsonRecord:
        """A JSON object stored as a 0-d text array, read field by field (see JsonRecord)."""
        value = self.json(name)
        if not isinstance(value, dict):
            raise self.damaged(f"{name} should be a JSON object (names and values) but is "
                               f"{_json_kind(value)}")
        return JsonRecord(self, name, value)

    def integers(self, name: str, low: int, high: int, allowed: str,
                 dtype: type[np.integer] = np.int64) -> np.ndarray:
        """An integer array (header checked by `expect`) whose values all lie in
        [low, high], as `dtype`; `allowed` says what the values are, for the message."""
        values = self._checked_read(name, INTEGERS)
        if values.size:
            smallest, largest = int(values.min()), int(values.max())
            for extreme, bad in ((smallest, smallest < low), (largest, largest > high)):
                if bad:
                    where = int(np.argmax(values.reshape(-1) == extreme))
                    raise self.damaged(f"{name} holds {extreme:,} (at position {where:,}); "
                                       f"it should hold {allowed}")
        return values.astype(dtype, copy=False)

    def reals(self, name: str) -> np.ndarray:
        """A real array (header checked by `expect`) as float32, every value finite."""
        values = self._checked_read(name, REALS)
        with np.errstate(over="ignore"):  # a float64 beyond float32's range becomes inf,
            values = values.astype(np.float32, copy=False)  # which the check names
        finite = np.isfinite(values)
        if not finite.all():
            row = int(np.argmin(finite.all(axis=tuple(range(1, values.ndim)))
                                if values.ndim > 1 else finite))
            raise self.damaged(f"{name} holds a value that is not a finite float32 number "
                               f"(NaN, infinite or too large) in row {row:,}")
        return values

    def offsets(self, name: str, end: int, what: str) -> np.ndarray:
        """(n+1,) int64 offsets that split `end` items into n runs: they start at 0, never
        go down and end at `end`. `what` names the runs for the message ("sentences")."""
        values = self.integers(name, 0, end, f"positions from 0 to {end:,}")
        if values.size == 0 or values[0] != 0 or values[-1] != end:
            raise self.damaged(f"{name} should start at 0 and end at {end:,} (where the "
                               f"{what} start and end)")
        backwards = np.flatnonzero(np.diff(values) < 0)
        if backwards.size:
            raise self.damaged(f"{name} goes backwards at position {int(backwards[0]) + 1:,}; "
                               f"the {what} must follow one another")
        return values

    def config(self, name: str = "config") -> TrainConfig:
        """The run's settings: a JSON object whose fields have the types TrainConfig's
        limits table gives, then TrainConfig's own range checks."""
        record = self.record(name)
        for key, value in record.values.items():
            problem = _config_field_problem(key, value)
            if problem:
                raise self.damaged(f"its settings ({name}) give {key} as "
                                   f"{_short(value)}; {problem}")
        text = self.text(name)
        try:
            return TrainConfig.from_json(text)
        except (ConfigError, ValueError, TypeError) as failure:
            raise self.damaged(f"its settings ({name}) are not valid: {failure}") from None

    def generator_state(self, name: str, optional: bool = False) -> dict | None:
        """The JSON state of NumPy's PCG64 generator (what `default_rng` uses), checked
        field by field, since its setter accepts floats and out-of-range values silently.
        With `optional`, JSON null is allowed (no state saved)."""
        state = self.json(name)
        if state is None and optional:
            return None
        problem = _pcg64_problem(state)
        if problem is None:
            try:  # belt and braces: the setter is the final judge
                np.random.PCG64().state = state
            except (ValueError, TypeError, KeyError, OverflowError) as failure:
                problem = str(failure)
        if problem is not None:
            raise self.damaged(f"{name} is not a valid random generator state ({problem})")
        return state


class JsonRecord:
    """A JSON object from a saved file, read one field at a time with its type and range.

    values: the object as parsed; every reader raises `saved.damaged(...)` naming the
    record, the field and what it should be."""

    def __init__(self, saved: SavedArrays, name: str, values: dict) -> None:
        self.saved = saved
        self.name = name
        self.values = values

    def _get(self, key: str) -> Any:
        if key not in self.values:
            raise self.saved.damaged(f"its {self.name} record has no {key!r}")
        return self.values[key]

    def _refuse(self, key: str, value: Any, should: str) -> Exception:
        return self.saved.damaged(f"its {self.name} record gives {key} as {_short(value)}; "
                                  f"it should be {should}")

    def whole(self, key: str, low: int = 0, high: int = LARGEST_INT64) -> int:
        """An int (not a bool, not 3.0) in [low, high]."""
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self._refuse(key, value, f"a whole number from {low:,} to {high:,}")
        return value

    def number(self, key: str, low: float = -math.inf, nan: bool = False,
               none: bool = False) -> float | None:
        """A finite float (an int is taken as one) of at least `low`; `nan`: NaN is allowed
        (a loss not measured yet); `none`: null is allowed."""
        value = self._get(key)
        if value is None and none:
            return None
        allowed = "a number" + (f" of at least {low:g}" if low > -math.inf else "")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._refuse(key, value, allowed)
        try:
            number = float(value)
        except OverflowError:
            raise self._refuse(key, value, allowed) from None
        if math.isnan(number) and nan:
            return number
        if not math.isfinite(number) or number < low:
            raise self._refuse(key, value, allowed)
        return number

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._refuse(key, value, "true or false")
        return value


# ---------------------------------------------------------------------- internals
def _no_data(info: ArrayInfo) -> np.ndarray:
    raise AssertionError(f"no data to read for {info.name}")



def _json_kind(value: Any) -> str:
    return {list: "a list", str: "a text", bool: "true or false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…"


def _config_field_problem(key: str, value: Any) -> str | None:
    """What is wrong with the type of config field `key` (None: nothing; TrainConfig
    checks the ranges). Unknown keys are ignored, as TrainConfig.from_json does."""
    if key == "cbow_mean":
        return None if isinstance(value, bool) else "it should be true or false"
    parameter = PARAMETERS.get(key)
    if parameter is None or (value is None and parameter.optional):
        return None
    if parameter.kind == "choice":
        return None if isinstance(value, str) else (
            f"it should be one of {', '.join(parameter.choices)}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "it should be a number"
    if parameter.kind == "int" and not isinstance(value, int):
        return "it should be a whole number"
    try:
        if not math.isfinite(float(value)):
            return "it should be a finite number"
    except OverflowError:
        return "it is far out of range"
    return None


def _pcg64_problem(state: Any) -> str | None:
    """What is wrong with a PCG64 state dict as `bit_generator.state` gives it, or None."""
    if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
        return "not a PCG64 state"
    inner = state.get("state")
    if not isinstance(inner, dict):
        return "no inner state"
    for key in ("state", "inc"):
        value = inner.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**128:
            return f"{key} should be a whole number from 0 to 2**128 - 1"
    if inner["inc"] % 2 == 0:
        return "inc should be odd"
    if state.get("has_uint32") not in (0, 1) or isinstance(state.get("has_uint32"), bool):
        return "has_uint32 should be 0 or 1"
    buffered = state.get("uinteger")
    if isinstance(buffered, bool) or not isinstance(buffered, int) or not 0 <= buffered < 2**32:
        return "uinteger should be a whole number from 0 to 2**32 - 1"
    return None
