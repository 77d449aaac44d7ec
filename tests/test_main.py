"""The entry point: --help and bad files need no display, and never load Qt."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def no_display() -> dict:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return environment


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), cwd=ROOT, env=no_display(), capture_output=True,
                          text=True, timeout=300)


def test_help_lists_the_app_s_options_and_the_commands_without_a_display():
    result = run(sys.executable, "-c", "import sys, main\n"
                 "try:\n    main.main(['--help'])\nexcept SystemExit as end:\n"
                 "    print('qt loaded' if 'PyQt6' in sys.modules else 'no qt', end.code)")
    assert result.returncode == 0, result.stderr
    assert "FILE" in result.stdout and "--screenshot" in result.stdout
    assert "train CORPUS" in result.stdout and "neighbors" in result.stdout
    assert result.stdout.strip().endswith("no qt 0")


def test_run_py_help_needs_no_display():
    result = run(sys.executable, "run.py", "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: main.py" in result.stdout
    assert "no display" not in result.stderr


def test_a_missing_file_is_one_line_and_status_2():
    result = run(sys.executable, "main.py", "no-such-session.w2vsession")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
