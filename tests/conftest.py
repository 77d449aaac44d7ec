"""Test configuration: Qt runs headless, and data under ../shared is optional."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SST_FILE = SHARED_DATA / "sst" / "datasetSentences.txt"


@pytest.fixture
def sst_file() -> Path:
    """The real SST sentences file, or a clean skip when the shared data is absent."""
    if not SST_FILE.exists():
        pytest.skip(f"shared data not present ({SST_FILE})")
    return SST_FILE
