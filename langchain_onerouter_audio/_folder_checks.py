"""Folders a face is configured with (output, root, cache), checked when it is built.

A folder that cannot be used fails every call; a model cannot fix it, and a cache that
cannot be written makes every run pay again. So they are refused once, at build time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from langchain_onerouter_audio._files import nearest_existing
from langchain_onerouter_audio.errors import OneRouterInputError

__all__ = ["check_existing_folder", "check_writable_folder"]


def check_existing_folder(folder: Path, setting: str) -> None:
    """Refuse a folder to read from that does not exist (or is a file)."""
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise OneRouterInputError(f"`{setting}` {str(folder)!r} {problem}.")


def check_writable_folder(folder: Path, setting: str) -> None:
    """Refuse a folder to write to that is a file or cannot take a new file.

    A missing folder is made when first written; its nearest existing parent must take one.
    Proven by creating and removing a file there: ``os.access`` says yes to root.
    """
    existing = nearest_existing(folder)
    if not existing.is_dir():
        raise OneRouterInputError(
            f"`{setting}` {str(folder)!r} cannot be used: {str(existing)!r} is not a folder."
        )
    try:
        fd, probe = tempfile.mkstemp(dir=existing, prefix=".write-check-")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise OneRouterInputError(
            f"`{setting}` {str(folder)!r} cannot be written "
            f"({error.strerror or type(error).__name__}); choose another folder."
        ) from None
