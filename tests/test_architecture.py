"""House rules: core never imports Qt; core's packages import one way, without circles (the
contracts in pyproject.toml); no module grows past about 450 lines; the tree is ruff-clean."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_core_imports_no_qt():
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts)
                     for p in (ROOT / "core").rglob("*.py")
                     if p.stem not in ("__init__", "__main__"))
    script = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PyQt6', 'pyqtgraph', 'PySide6', 'PyQt5')))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_ruff_check_is_clean():
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed")
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_contracts_hold():
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if linter is None:
        pytest.skip("import-linter is not installed")
    result = subprocess.run([linter, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_has_at_most_a_dozen_modules_of_its_own():
    top = [p.name for p in (ROOT / "core").glob("*.py") if p.stem != "__init__"]
    assert len(top) <= 12, top


def test_no_module_of_the_app_or_core_outgrows_about_450_lines():
    long = {str(p.relative_to(ROOT)): n for folder in ("core", "w2v_gui")
            for p in (ROOT / folder).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 460}
    assert not long, f"split these by job: {long}"


def test_the_main_window_only_composes():
    lines = (ROOT / "w2v_gui" / "main_window.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300
