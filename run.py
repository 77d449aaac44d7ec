#!/usr/bin/env python3
"""Set up a local virtual environment, then run Word2Vec Studio or its tests.

    python3 run.py                 launch the app on the built-in corpus
    python3 run.py FILE            launch the app on FILE (a session, model or corpus)
    python3 run.py --help          the app's options and the commands (no display needed)
    python3 run.py test [ARGS]     run the whole test suite (ARGS go to pytest)
    python3 run.py bench           run the benchmarks (installs gensim, the peer)
    python3 run.py train ...       any `main.py` subcommand, inside the environment

The environment lives in `.venv/` beside this file. It is created on first use and
reused afterwards; dependencies are read from pyproject.toml and installed again only
when that list changes. Only the standard library is used here, so this file runs on a
bare Python 3.11+.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
COMMAND_LINE = ("train", "neighbors", "analogy", "evaluate", "gradcheck", "check",
                "compare")  # core/cli.py
HELP = {"-h", "--help"}
ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("W2V_STUDIO_VENV", ROOT / ".venv"))
STAMP = VENV / ".word2vec-studio-installed.json"

# Shared libraries that Qt's wheels expect from the system, and the Debian packages
# that provide them. Used to turn a loader error into an install command.
DEBIAN_PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
QT_WINDOW_PACKAGES = (
    "libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 "
    "libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
    "libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1"
)


def fail(message: str) -> None:
    print(f"run.py: {message}", file=sys.stderr)
    sys.exit(1)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def requirements(extras: list[str]) -> list[str]:
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return wanted


def ensure_environment(extras: list[str]) -> Path:
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        import venv

        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as error:
            fail(
                f"could not create a virtual environment ({error}). On Debian or Ubuntu, "
                f"install the venv module with: sudo apt-get install python3-venv"
            )
    wanted = requirements(extras)
    installed: list[str] = []
    if STAMP.exists():
        try:
            installed = json.loads(STAMP.read_text())
        except (OSError, ValueError):
            installed = []
    missing = [spec for spec in wanted if spec not in installed]
    if missing:
        print("Installing dependencies: " + ", ".join(missing), flush=True)
        command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", *wanted]
        if subprocess.call(command) != 0:
            fail(
                "installing the dependencies failed (see pip's message above). Check the "
                "network connection to PyPI, then run the same command again."
            )
        STAMP.write_text(json.dumps(sorted(set(installed) | set(wanted)), indent=1))
    return python


def check_qt(python: Path, need_window: bool) -> None:
    """Say which system packages are missing when Qt cannot load, instead of a trace."""
    probe = "import PyQt6.QtWidgets"
    if need_window:
        probe += "; from PyQt6.QtWidgets import QApplication; QApplication([])"
    result = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, timeout=120
    )
    if result.returncode == 0:
        return
    output = result.stderr
    libraries = sorted(set(re.findall(r"(lib[\w.+-]+\.so(?:\.\d+)*)", output)))
    packages = sorted({DEBIAN_PACKAGES[lib] for lib in libraries if lib in DEBIAN_PACKAGES})
    if 'platform plugin "xcb"' in output and "could not connect" not in output:
        # Qt names only the first library its X11 plugin lacks; ask for the whole set.
        packages = sorted(set(packages) | set(QT_WINDOW_PACKAGES.split()))
    lines = ["Qt could not start."]
    if packages:
        missing = f" ({', '.join(libraries)})" if libraries else ""
        lines.append(
            f"System libraries that Qt needs are missing{missing}.\n"
            "On Debian or Ubuntu install them with:\n"
            f"    sudo apt-get install {' '.join(packages)}"
        )
    elif need_window and ("could not connect to display" in output or "xcb" in output):
        lines.append(
            "No usable display. Run the app inside a desktop session, or install Qt's X11 "
            f"libraries (Debian: sudo apt-get install {QT_WINDOW_PACKAGES}), or run it "
            "under a virtual display: xvfb-run python3 run.py"
        )
    said = output.strip().splitlines()[-8:]
    lines.append("Qt said:\n" + "\n".join("    " + line for line in said))
    fail("\n".join(lines))


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        fail(
            f"Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer is needed; this is "
            f"{sys.version.split()[0]}. Run this file with a newer python3."
        )
    if argv and argv[0] == "bench":
        python = ensure_environment(["bench"])
        return subprocess.call([str(python), "-m", "bench", *argv[1:]], cwd=ROOT)
    if argv and argv[0] == "test":
        python = ensure_environment(["test"])
        check_qt(python, need_window=False)
        return subprocess.call([str(python), "-m", "pytest", *argv[1:]], cwd=ROOT)
    python = ensure_environment([])
    # The app needs a display; the commands and --help do not.
    launches_app = not argv or (argv[0] not in COMMAND_LINE and not set(argv) & HELP)
    if launches_app:
        headless = os.environ.get("QT_QPA_PLATFORM") in {"offscreen", "minimal"}
        if (
            sys.platform.startswith("linux")
            and not headless
            and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")
        ):
            fail(
                "no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run the app "
                "from a desktop session, or under a virtual display: xvfb-run python3 run.py"
            )
        check_qt(python, need_window=True)
    return subprocess.call([str(python), str(ROOT / "main.py"), *argv], cwd=os.getcwd())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
