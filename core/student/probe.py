"""Checks a student's word2vec.py (and sgd.py) function by function. This module runs in
a process of its own, started by core.student.runner, never in the app's.

Each function is checked with core's versions of everything else, so that one mistake
is reported where it is: skip-gram with the handout's losses, the losses inside the
handout's skip-gram, negative sampling with the handout's noise draws. Each check keeps
the expected value (the course's published one where it publishes one), theirs and
ours. Events go out as JSON lines on a file descriptor: "imported", then "start" and
"result" for each function, then "done" (or "unusable" when the file cannot be imported).
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import json
import os
import random
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

SHIM = Path(__file__).resolve().parent / "shim"  # the course's `utils` package
WORD2VEC_FUNCTIONS = ("sigmoid", "naiveSoftmaxLossAndGradient", "getNegativeSamples",
                      "negSamplingLossAndGradient", "skipgram", "word2vec_sgd_wrapper")
SGD_FUNCTIONS = ("sgd",)
PARENT_CHECK_SECONDS = 0.5


class TheirError(Exception):
    """Their code raised: the traceback, shown from their files."""

    def __init__(self, text: str, exited: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.exited = exited  # it called exit(): the text says so, no traceback


def their_traceback(error: BaseException, files: list[str]) -> str:
    """The traceback of `error` from the first frame in their files on (the frames of
    this checker left out), ending with the exception itself."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = {str(Path(f).resolve()) for f in files}
    first = next((i for i, frame in enumerate(frames)
                  if str(Path(frame.filename).resolve()) in mine), 0)
    lines = ["Traceback (most recent call last):\n",
             *traceback.format_list(frames[first:]),
             *traceback.format_exception_only(type(error), error)]
    return "".join(lines).rstrip()


def not_written(function: Callable) -> bool:
    """Every `### YOUR CODE HERE` block of the function still empty (comments only)."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    blocks = re.findall(r"###\s*YOUR CODE HERE[^\n]*\n(.*?)###\s*END YOUR CODE", source,
                        re.S)
    return bool(blocks) and all(
        all(not line.strip() or line.strip().startswith("#") or line.strip() == "pass"
            for line in block.splitlines()) for block in blocks)


class Probe:
    """Runs the checks of one function at a time with its files' tracebacks."""

    def __init__(self, modules: dict[str, object], files: list[str]) -> None:
        self.modules = modules  # function name -> the student's module that defines it
        self.files = files

    def call(self, function: Callable, *args, **kwargs):
        """Call their function; their exception (also SystemExit) becomes TheirError."""
        try:
            return function(*args, **kwargs)
        except Exception as error:
            raise TheirError(their_traceback(error, self.files)) from None
        except SystemExit as error:
            raise TheirError(f"it called exit({error.code!r}): a function must return "
                             "its result, not end the program", exited=True) from None

    def result(self, name: str) -> dict:
        module = self.modules.get(name)
        function = getattr(module, name, None) if module is not None else None
        if not callable(function):
            return {"passed": False, "status": "not written", "checks": [],
                    "diagnosis": "not in the file: not written yet", "error": None}
        if not_written(function):
            return {"passed": False, "status": "not written", "checks": [],
                    "diagnosis": "still a stub (### YOUR CODE HERE is empty): not written yet",
                    "error": None}
        # the other functions of the assignment are core's while this one is checked
        import core.cs224n as ours
        from core.student import checks_of  # the checks need core: imported late
        from core.student.diagnose import RETURNED_NONE

        theirs = {other: getattr(module, other) for other in WORD2VEC_FUNCTIONS
                  if other != name and hasattr(module, other)}
        for other in theirs:
            setattr(module, other, getattr(ours, other))
        try:
            with np.errstate(all="ignore"):
                checks, note = getattr(checks_of, name)(self, function, module)
        except TheirError as error:
            if error.exited:
                return {"passed": False, "status": "raised", "checks": [], "error": None,
                        "diagnosis": error.text}
            return {"passed": False, "status": "raised", "checks": [], "error": error.text,
                    "diagnosis": "it raised an exception: see the traceback"}
        except Exception:  # noqa: BLE001 (a fault of this checker: said so, not blamed)
            return {"passed": False, "status": "checker failed", "checks": [],
                    "error": traceback.format_exc(),
                    "diagnosis": "this check itself failed: a fault in Word2Vec Studio, "
                                 "not in your code"}
        finally:
            for other, value in theirs.items():
                setattr(module, other, value)
            if name == "negSamplingLossAndGradient" and "getNegativeSamples" not in theirs:
                vars(module).pop("getNegativeSamples", None)  # the recorder, not theirs
        if checks and all(check.get("message") == RETURNED_NONE
                          for check in checks):
            # its code is written (not_written said no): the return line is what is missing
            return {"passed": False, "status": "failed", "checks": checks,
                    "diagnosis": "it returns None: is its `return` line missing?",
                    "error": None}
        failed = [check for check in checks if not check["passed"]]
        diagnoses = list(dict.fromkeys(check["diagnosis"] for check in failed
                                       if check["diagnosis"]))
        return {"passed": not failed, "status": "failed" if failed else "passed",
                "checks": checks, "diagnosis": "; ".join(diagnoses) or None,
                "error": None, "note": note}


def import_file(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def watch_parent(parent: int) -> None:
    """End this process when its parent is gone (run on a daemon thread)."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(3)  # the app is gone: so is this check


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    events = os.fdopen(spec["fd"], "w", encoding="utf-8", buffering=1)

    def send(**event) -> None:
        events.write(json.dumps(event) + "\n")

    threading.Thread(target=watch_parent, args=(spec["parent"],), daemon=True).start()
    with contextlib.suppress(OSError):
        os.nice(5)
    files = [spec["file"]] + ([spec["sgd"]] if spec.get("sgd") else [])
    sys.path[:0] = [str(SHIM), *dict.fromkeys(str(Path(f).resolve().parent) for f in files)]
    modules: dict[str, object] = {}
    try:
        for path, names in ((spec["file"], WORD2VEC_FUNCTIONS),
                            (spec.get("sgd"), SGD_FUNCTIONS)):
            if path:
                module = import_file(Path(path), Path(path).stem)
                modules.update({name: module for name in names})
    except BaseException as error:  # SyntaxError, ImportError, SystemExit, their raise
        send(event="unusable", error=their_traceback(error, files))
        return 2
    names = [n for n in (*WORD2VEC_FUNCTIONS, *(SGD_FUNCTIONS if spec.get("sgd") else ()))
             if n not in spec.get("skip", ())]
    send(event="imported", functions=names)
    probe = Probe(modules, files)
    for name in names:
        send(event="start", function=name)
        random.seed(31415)
        np.random.seed(9265)  # noqa: NPY002 (the course seeds the legacy generator)
        send(event="result", function=name, result=probe.result(name))
    send(event="done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
