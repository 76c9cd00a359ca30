"""The package's version, read from the installed distribution: pyproject is its one source."""

from __future__ import annotations

import importlib.metadata

__all__ = ["package_version"]


def package_version() -> str:
    """The installed version, or ``unknown`` when imported from a source tree."""
    try:
        return importlib.metadata.version("langchain-onerouter-audio")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
