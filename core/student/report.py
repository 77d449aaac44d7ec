"""A check's report as text, for the terminal: each function's verdict, and for a failure
each differing check with expected, yours and ours, its worst entries and the diagnosis."""

from __future__ import annotations

import numpy as np

from core.cs224n import checks
from core.student.runner import CheckReport

VERDICTS = {"passed": "passed", "failed": "FAILED", "not written": "not written yet",
            "raised": "RAISED", "timed out": "NEVER RETURNED",
            "checker failed": "could not be checked"}
SHOWN = 3  # failed checks shown per function; the JSON report has every one


def value(shown) -> str:
    """A value of a report as one short line."""
    return checks.shown(shown, digits=10, precision=6, threshold=40)


def checks_counted(checks: list[dict]) -> str:
    """" (10 checks)" when all pass, " (3 of 10 checks differ)" when some do, "" for none."""
    failed = sum(not check["passed"] for check in checks)
    if not checks:
        return ""
    return f" ({failed} of {len(checks)} checks differ)" if failed else (
        f" ({len(checks)} checks)")


def describe(report: CheckReport) -> str:
    lines = [f"Checking {report.file}" + (f" and {report.sgd}" if report.sgd else ""), ""]
    if report.error is not None:
        return "\n".join([*lines, report.error])
    width = max(len(name) for name in report.functions) + 2
    for name, result in report.functions.items():
        checks = result.get("checks", [])
        counted = checks_counted(checks)
        lines.append(f"{name.ljust(width, '.')} {VERDICTS[result['status']]}{counted}")
        if result["passed"]:
            continue
        if result.get("diagnosis"):
            lines.append(f"  {result['diagnosis']}")
        if result.get("error"):
            lines += ["  " + line for line in result["error"].splitlines()]
        failed = [check for check in checks if not check["passed"]]
        for check in failed[:SHOWN]:
            lines += _failed_check(check)
        if len(failed) > SHOWN:
            lines.append(f"  … and {len(failed) - SHOWN} more checks that differ "
                         "(--report writes them all)")
        if result.get("note"):
            lines.append(f"  note: {result['note']}")
        lines.append("")
    total = len(report.functions)
    good = sum(result["passed"] for result in report.functions.values())
    lines.append(f"{good} of {total} functions pass." if good < total else
                 f"All {total} functions pass.")
    return "\n".join(lines)


def _failed_check(check: dict) -> list[str]:
    lines = [f"  ✗ {check['name']}" + (f": {check['message']}" if check["message"] else "")]
    if check["diagnosis"]:
        lines.append(f"      → {check['diagnosis']}")
    if check["expected"] is not None:
        lines += [f"      expected {value(check['expected'])}",
                  f"      yours    {value(check['theirs'])}",
                  f"      ours     {value(check['ours'])}"]
    if check["worst"] and np.size(check["expected"]) > 6:
        entries = ", ".join(f"[{', '.join(map(str, w['index']))}] yours {value(w['theirs'])}"
                            f" expected {value(w['expected'])}" for w in check["worst"])
        lines.append(f"      worst entries: {entries}")
    return lines
