"""A run of the handout's recipe in a process of its own (core.student.run_process),
with a student's functions or with the fast trainer: started, paused, stopped, and its
messages handed to a callback from a thread of the caller's process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from core.student.runner import child_environment

STOP_SECONDS = 3.0  # after which a run that does not stop is ended


@dataclass(frozen=True)
class RunSpec:
    """The handout's recipe (run.py): dimension 10, window 5, K = 10, step 0.3 halved
    every 20,000 iterations."""

    which: str  # "theirs" or "ours"
    corpus: str  # a plain-text corpus file
    file: str | None = None  # their word2vec.py ("theirs")
    sgd: str | None = None  # their sgd.py, if any
    iterations: int = 40_000
    dim: int = 10
    window: int = 5
    step: float = 0.3


class StudentRun:
    """`on_message(dict)` gets each message of the run (see run_process), then
    {"kind": "ended", ...} exactly once, also when the process dies."""

    def __init__(self, spec: RunSpec, on_message: Callable[[dict], None]) -> None:
        self.spec, self.on_message = spec, on_message
        mine, theirs = socket.socketpair()
        arguments = {**spec.__dict__, "fd": theirs.fileno(), "parent": os.getpid()}
        environment = child_environment()
        self._folder = tempfile.TemporaryDirectory(prefix="w2v-run-")
        self._output = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "core.student.run_process",
                 json.dumps(arguments)], cwd=self._folder.name, env=environment,
                stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.STDOUT,
                pass_fds=(theirs.fileno(),))
        finally:
            theirs.close()
        self.connection = Connection(mine.detach())
        self._lock = threading.Lock()
        self._ended = False
        self._stopping = False  # stop() was asked
        self._reader = threading.Thread(target=self._read, name=f"{spec.which} run",
                                        daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _read(self) -> None:
        while True:
            try:
                message = self.connection.recv()
            except (EOFError, OSError):
                break
            if message.get("kind") == "ended":
                self._end(message)
                break
            self._deliver(message)
        self.process.wait()
        self._output.seek(0, os.SEEK_END)
        self._output.seek(max(0, self._output.tell() - 12_000))  # its last words only
        printed = self._output.read().decode("utf-8", "replace")[-3000:]
        if self._stopping:  # ended at the user's request (killed when it did not stop)
            self._end({"kind": "ended", "how": "stopped", "iteration": None, "error": None})
        self._end({"kind": "ended", "how": "failed", "iteration": None,
                   "error": f"the run's process ended (exit status "
                            f"{self.process.returncode}){': ' + printed if printed else ''}"})
        self.connection.close()
        self._output.close()
        self._folder.cleanup()

    def _end(self, message: dict) -> None:
        with self._lock:
            if self._ended:
                return
            self._ended = True
        self._deliver(message)

    def _deliver(self, message: dict) -> None:
        try:
            self.on_message(message)
        except RuntimeError:  # whoever listened is gone (the window closed)
            pass

    def _tell(self, message: str) -> None:
        try:
            self.connection.send(message)
        except (OSError, ValueError):
            pass  # it has ended

    def pause(self) -> None:
        self._tell("pause")

    def resume(self) -> None:
        self._tell("resume")

    def stop(self) -> None:
        """Ask the run to stop where it is (it sends its vectors, then "ended"); a run
        that does not answer within STOP_SECONDS is ended."""
        self._stopping = True
        self._tell("stop")
        timer = threading.Timer(STOP_SECONDS, self.kill)
        timer.daemon = True
        timer.start()

    def kill(self) -> None:
        if self.alive:
            self.process.kill()

    def wait(self, seconds: float) -> bool:
        self._reader.join(seconds)
        return not self._reader.is_alive()
