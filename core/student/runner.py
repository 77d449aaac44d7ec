"""Check a student's word2vec.py in a process of its own, with a time limit.

`check_file` looks at the file first (there, readable, UTF-8, valid Python, defining at
least one of the assignment's functions), then runs core.student.probe in a new
Python process: their code never runs in the caller's. Each function gets `timeout`
seconds; one that never returns is stopped there, named, and the functions after it are
checked in a fresh process. The process also ends by itself when its parent does.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.student.probe import SGD_FUNCTIONS, WORD2VEC_FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]  # the project, for `-m core...` in the child
DEFAULT_TIMEOUT = 60.0
IMPORT_LIMIT_NOTE = ("code at the top level of a file runs when it is imported: put it "
                     "under `if __name__ == \"__main__\":`")
OUTPUT_KEPT = 20_000  # characters of what their code printed, the last ones


@dataclass
class CheckReport:
    """What `check_file` found. `functions`: name -> {"passed", "status" ("passed",
    "failed", "not written", "raised", "timed out"), "checks", "diagnosis", "error"}."""

    file: str
    sgd: str | None = None
    error: str | None = None  # the file cannot be used (exit status 2)
    functions: dict[str, dict] = field(default_factory=dict)
    output: str = ""  # what their code printed
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.functions) and all(
            result["passed"] for result in self.functions.values())

    @property
    def exit_status(self) -> int:
        return 2 if self.error is not None else 0 if self.passed else 1

    def to_json(self) -> dict:
        return {"passed": self.passed, "error": self.error, "functions": self.functions,
                "file": self.file, "sgd": self.sgd, "seconds": round(self.seconds, 3)}


def child_environment() -> dict[str, str]:
    """The environment of a process that runs a student's code: this project importable,
    one thread per numerical library, no bytecode left beside their files, output
    unbuffered (what it printed before a kill is kept)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}


def unusable(path: Path, names: tuple[str, ...]) -> str | None:
    """Why the file cannot be checked, or None."""
    if not path.exists():
        return f"{path}: no such file."
    if not path.is_file():
        return f"{path} is a folder: give the path of your .py file."
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"{path} cannot be read: {error.strerror}."
    if not data.strip():
        return f"{path} is empty: there is nothing to check."
    if b"\0" in data[:8192]:
        return f"{path} is not a Python file (it holds binary data)."
    try:  # UTF-8, or what a coding line (PEP 263) declares, as Python reads it
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)
    except (SyntaxError, LookupError) as error:  # an unknown coding line
        return f"{path.name}: {error}. Save it as UTF-8 and check again."
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return (f"{path} is not UTF-8 text (line {line}, byte {error.start}): save it as "
                "UTF-8 in your editor and check again.")
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as error:
        where = f"line {error.lineno}" + (f", column {error.offset}" if error.offset else "")
        text = f"\n    {error.text.rstrip()}" if error.text else ""
        return (f"{path.name} is not valid Python ({where}): {error.msg}{text}\n"
                "Fix it and check again.")
    defined = {node.name for node in tree.body
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not defined & set(names):
        return (f"{path.name} defines none of the assignment's functions "
                f"({', '.join(names)}): is it the assignment's file?")
    return None


def check_file(path: str | Path, sgd: str | Path | None = None,
               timeout: float = DEFAULT_TIMEOUT,
               progress: Callable[[str, dict | None], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> CheckReport:
    """Check `path` (and `sgd`). `progress(name, result)`: a function started (result
    None) or was checked; `cancelled()` is asked often, and stops the check when true."""
    started = time.monotonic()
    path = Path(path).expanduser().resolve()
    sgd = Path(sgd).expanduser().resolve() if sgd else None
    report = CheckReport(str(path), str(sgd) if sgd else None)
    report.error = unusable(path, WORD2VEC_FUNCTIONS) or (
        unusable(sgd, SGD_FUNCTIONS) if sgd else None)
    skip: list[str] = []
    while report.error is None:
        stopped = _run(report, skip, timeout, progress, cancelled or (lambda: False))
        if stopped is None:
            break
        skip = [*report.functions]
    report.seconds = time.monotonic() - started
    return report


def _run(report: CheckReport, skip: list[str], timeout: float, progress, cancelled
         ) -> str | None:
    """One checking process. Returns the function it was stopped in (its remaining ones
    are checked by the next process), or None when it is over."""
    read, write = os.pipe()
    spec = {"file": report.file, "sgd": report.sgd, "skip": skip, "fd": write,
            "parent": os.getpid()}
    environment = child_environment()
    with tempfile.TemporaryDirectory(prefix="w2v-check-") as folder, \
            tempfile.TemporaryFile() as printed:
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "core.student.probe", json.dumps(spec)],
                cwd=folder, env=environment, stdin=subprocess.DEVNULL, stdout=printed,
                stderr=subprocess.STDOUT, pass_fds=(write,))
        finally:
            os.close(write)
        try:
            return _follow(report, process, read, timeout, progress, cancelled)
        finally:
            os.close(read)
            if process.poll() is None:
                process.kill()
            process.wait()
            printed.seek(0, os.SEEK_END)  # only the end is kept: read no more than that
            printed.seek(max(0, printed.tell() - 4 * OUTPUT_KEPT))
            report.output = (report.output + printed.read().decode("utf-8", "replace")
                             )[-OUTPUT_KEPT:]


def _follow(report: CheckReport, process: subprocess.Popen, read: int, timeout: float,
            progress, cancelled) -> str | None:
    current: str | None = None  # the function being checked
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(read, selectors.EVENT_READ)
        while True:
            if cancelled():
                report.error = "The check was cancelled."
                return None
            if time.monotonic() > deadline:
                return _timed_out(report, current, timeout, progress)
            if not selector.select(0.1):
                continue
            chunk = os.read(read, 65536)
            if not chunk:  # the process ended
                return _ended(report, process, current, progress)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                event = json.loads(line)
                kind = event["event"]
                if kind == "unusable":
                    report.error = (f"{Path(report.file).name} cannot be imported:\n"
                                    f"{event['error']}")
                    return None
                if kind == "done":
                    return None
                if kind == "start":
                    current = event["function"]
                    deadline = time.monotonic() + timeout
                    if progress:
                        progress(current, None)
                elif kind == "result":
                    report.functions[event["function"]] = event["result"]
                    if progress:
                        progress(event["function"], event["result"])
                    current = None
                elif kind == "imported":
                    deadline = time.monotonic() + timeout


def _timed_out(report: CheckReport, current: str | None, timeout: float, progress
               ) -> str | None:
    if current is None:
        report.error = (f"{Path(report.file).name} did not finish importing within "
                        f"{timeout:g} s: {IMPORT_LIMIT_NOTE}.")
        return None
    return _stopped_in(report, current, "timed out", progress,
                       f"{current} never returned: stopped after {timeout:g} s. Look for "
                       "a loop whose condition never changes.")


def _ended(report: CheckReport, process: subprocess.Popen, current: str | None, progress
           ) -> str | None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)
    code = process.returncode
    if current is None:
        report.error = (f"the check ended before it began (exit status {code}); what it "
                        "printed is in the report's output")
        return None
    return _stopped_in(report, current, "raised", progress,
                       f"{current} ended the whole process (exit status {code}): "
                       "os._exit, or a crash inside a library")


def _stopped_in(report: CheckReport, current: str, status: str, progress,
                diagnosis: str) -> str:
    """The function the process was stopped in, reported so; the next process checks
    the functions after it."""
    report.functions[current] = {"passed": False, "status": status, "checks": [],
                                 "error": None, "diagnosis": diagnosis}
    if progress:
        progress(current, report.functions[current])
    return current
