"""NumPy arrays in named shared memory, which every worker process maps instead of copying.

Each segment is named `w2vs_<pid>_<random>` after the process that made it. That process
unlinks it when the run ends; if it is killed first, multiprocessing's resource tracker
unlinks what it registered, and `sweep_stale()` (called when the app or a run starts)
removes any segment whose maker is no longer alive, so nothing is left in /dev/shm.

`one_thread_per_library()`: what a process that works beside others on the same cores
(a training worker, the map's layouts) runs its work in.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

PREFIX = "w2vs"
SHM_FOLDER = Path("/dev/shm")


def one_thread_per_library() -> threadpool_limits:
    """One thread for every numerical library of this process, as a context to work in:
    the processes are as many as the cores already, and an extra pool's threads spin on
    the others' cores while they wait. The libraries loaded now are limited at once;
    those loaded later (scikit-learn's OpenMP, SciPy's BLAS) read the environment set
    here when they load."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    return threadpool_limits(limits=1)


@dataclass(frozen=True)
class ArraySpec:
    """How another process finds a shared array: the segment's name, the shape, the dtype."""

    name: str
    shape: tuple[int, ...]
    dtype: str


class SharedArray:
    """One array in one shared-memory segment. `array` is the view; `close()` drops it
    (and, for the maker, `unlink()` removes the segment)."""

    def __init__(self, memory: shared_memory.SharedMemory, shape: tuple[int, ...],
                 dtype: np.dtype, owner: bool) -> None:
        self.memory, self.owner = memory, owner
        self.spec = ArraySpec(memory.name, tuple(shape), np.dtype(dtype).str)
        self.array: np.ndarray | None = np.ndarray(shape, dtype=dtype, buffer=memory.buf)

    @classmethod
    def copy_of(cls, values: np.ndarray) -> SharedArray:
        """A new segment holding a copy of `values`."""
        values = np.ascontiguousarray(values)
        shared = cls.zeros(values.shape, values.dtype)
        shared.array[...] = values
        return shared

    @classmethod
    def zeros(cls, shape: tuple[int, ...], dtype) -> SharedArray:
        size = max(1, int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize)
        name = f"{PREFIX}_{os.getpid()}_{secrets.token_hex(6)}"
        memory = shared_memory.SharedMemory(name=name, create=True, size=size)
        shared = cls(memory, shape, dtype, owner=True)
        shared.array[...] = 0
        return shared

    @classmethod
    def attach(cls, spec: ArraySpec) -> SharedArray:
        """Map a segment another process made (it stays that process's to unlink)."""
        memory = shared_memory.SharedMemory(name=spec.name)
        return cls(memory, spec.shape, np.dtype(spec.dtype), owner=False)

    def close(self) -> None:
        """Drop this process's view; the maker also removes the segment."""
        self.array = None  # no view may outlive the mapping
        try:
            self.memory.close()
        except BufferError:  # a copy of the view is still held somewhere: leave it mapped
            pass
        if self.owner:
            try:
                self.memory.unlink()
            except FileNotFoundError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_stale(folder: Path = SHM_FOLDER) -> list[str]:
    """Remove the segments of makers that are no longer alive (a killed app's); returns
    their names. Quiet where the system has no such folder."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        parts = entry.name.split("_")
        if len(parts) != 3 or parts[0] != PREFIX or not parts[1].isdigit():
            continue
        if not _alive(int(parts[1])):
            try:
                entry.unlink()
                removed.append(entry.name)
            except OSError:
                pass
    return removed


def segments_of(pid: int, folder: Path = SHM_FOLDER) -> list[str]:
    """The segments process `pid` made that still exist (tests check that none are left)."""
    try:
        return sorted(entry.name for entry in folder.iterdir()
                      if entry.name.startswith(f"{PREFIX}_{pid}_"))
    except OSError:
        return []
