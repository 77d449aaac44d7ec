"""Worker processes started once and kept for many runs, so that Train starts at once.

They are started with "spawn" (a fresh interpreter, never a fork of a process that may
run threads, Qt's included) and as daemons, so they end with the process that started
them; each also ends by itself when that process is gone (core.parallel.worker).
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection

from core.parallel import worker

JOIN_SECONDS = 2.0  # how long closing waits for a worker before it is killed


def cores() -> int:
    """The cores this process may use (its CPU affinity where the system says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection

    def alive(self) -> bool:
        return self.process.is_alive()

    def describe_death(self) -> str:
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"it was stopped by signal {-code}"
        return f"it exited with code {code}"


class WorkerPool:
    """Worker processes, as many as `ensure` asks for, started when first needed and kept
    for later runs; a dead one is replaced."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self.workers: list[Worker] = []

    def ensure(self, count: int) -> list[Worker]:
        """`count` live workers (dead ones are replaced), started if need be."""
        for dead in [w for w in self.workers if not w.alive()]:
            dead.connection.close()
            dead.process.join(0)
            self.workers.remove(dead)
        while len(self.workers) < count:
            mine, theirs = self._context.Pipe()
            process = self._context.Process(
                target=worker.main, args=(theirs, os.getpid()), daemon=True,
                name=f"word2vec worker {len(self.workers) + 1}")
            process.start()
            theirs.close()
            self.workers.append(Worker(process, mine))
        return self.workers[:count]

    def warm(self, count: int) -> None:
        """Start `count` workers now (they import NumPy while the app does other work)."""
        self.ensure(count)

    def close(self) -> None:
        """End every worker: asked first, killed if it does not end within JOIN_SECONDS."""
        for each in self.workers:
            try:
                each.connection.send(None)
            except (BrokenPipeError, OSError):
                pass
        for each in self.workers:
            each.process.join(JOIN_SECONDS)
            if each.process.is_alive():
                each.process.kill()
                each.process.join(JOIN_SECONDS)
            each.connection.close()
        self.workers = []

    def pids(self) -> list[int]:
        return [each.process.pid for each in self.workers if each.process.pid is not None]
