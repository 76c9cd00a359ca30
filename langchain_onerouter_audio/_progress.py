"""Progress of a long load on stderr: files done and seconds of audio transcribed.

The bar is tqdm's (the optional extra ``progress``), as LangChain's ``DirectoryLoader``
uses; without ``show_progress`` nothing is imported or drawn.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from langchain_onerouter_audio.errors import OneRouterInputError

__all__ = ["NO_PROGRESS", "Progress", "one_file", "progress_bar", "require_tqdm"]

INSTALL_HINT = 'pip install "langchain-onerouter-audio[progress]"'


class Progress:
    """Told what is done; this base draws nothing (``show_progress=False``)."""

    def audio(self, seconds: float) -> None:
        """``seconds`` more of audio were transcribed (a chunk or a whole file)."""

    def file_done(self) -> None:
        """One more file is finished (loaded, skipped or failed)."""

    def close(self) -> None:
        """The load is over."""


NO_PROGRESS = Progress()


def require_tqdm() -> None:
    """Fail at construction, with the install command, when tqdm is missing."""
    try:
        import tqdm  # noqa: F401
    except ImportError:
        raise OneRouterInputError(
            "show_progress=True needs tqdm, the optional extra "
            f"langchain-onerouter-audio[progress]. Install it: {INSTALL_HINT}"
        ) from None


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


class _Bar(Progress):
    """A tqdm bar over files, with the audio transcribed so far after it."""

    def __init__(self, total: int, description: str) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, desc=description, unit="file")
        self._seconds = 0.0
        self._lock = threading.Lock()  # chunks finish in several threads

    def audio(self, seconds: float) -> None:
        with self._lock:
            self._seconds += seconds
            self._bar.set_postfix_str(f"{_clock(self._seconds)} of audio", refresh=False)
            self._bar.refresh()

    def file_done(self) -> None:
        with self._lock:
            self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


def progress_bar(enabled: bool, *, total: int, description: str) -> Progress:
    """A bar on stderr when ``enabled``, else :data:`NO_PROGRESS`."""
    if not enabled:
        return NO_PROGRESS
    require_tqdm()
    return _Bar(total, description)


@contextlib.contextmanager
def one_file(progress: Progress) -> Iterator[None]:
    """Count the file done and close the bar when its work ends, however it ends."""
    try:
        yield
    finally:
        progress.file_done()
        progress.close()
