"""What the tests of processes share: whether a process has ended, waiting for a
condition, and killing a script mid-run to see that its children and its shared memory
go with it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from core.storage.shared import segments_of, sweep_stale


def gone(pid: int) -> bool:
    """The process has ended (a zombie not yet reaped counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:  # no such file, or the process was reaped while it was read
        return True


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def kill_mid_run(script: Path, children: int) -> None:
    """Run `script`, which prints its child processes' ids once they work; kill it with
    SIGKILL; each child must end by itself (it notices that its parent is gone), and
    after the sweep the next launch makes, no segment of the script may be left."""
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                               text=True)
    try:
        pids = [int(pid) for pid in process.stdout.readline().split()]
        assert len(pids) == children, pids
        assert segments_of(process.pid), "the run should hold its segments while it trains"
        process.kill()
        process.wait(10)
        assert wait_for(lambda: all(gone(pid) for pid in pids), 10)
        # the resource tracker removes what the killed process made; the sweep at the
        # next launch removes whatever it left
        sweep_stale()
        assert segments_of(process.pid) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
