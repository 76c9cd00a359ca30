"""A folder this process cannot create files in, for root too (where ``os.access`` says yes)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder this process cannot create files in, though ``os.access`` may say it can."""
    if os.geteuid() != 0:
        (folder := tmp_path / "locked").mkdir(mode=0o500)
        yield folder
        folder.chmod(0o700)
        return
    folder = Path("/sys/kernel")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        pytest.skip("needs sysfs, where root may not create files")
    yield folder
