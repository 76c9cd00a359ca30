"""Local files: sandboxed path resolution, audio checks and atomic writes.

Paths may come from a model, so they are untrusted: they are resolved inside a root folder
and anything that escapes it (``..``, absolute paths elsewhere, symlinks out) is refused.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, Union, runtime_checkable

from langchain_onerouter_audio._text_checks import echoed
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import MAX_UPLOAD_BYTES, UPLOAD_FORMATS, UPLOAD_MIME_TYPES

__all__ = [
    "AudioInput",
    "PendingOutput",
    "UploadFile",
    "atomic_output",
    "check_audio_bytes",
    "check_audio_file",
    "checked_output",
    "named_bytes",
    "nearest_existing",
    "resolve_inside",
    "sniff_audio_format",
    "unwritable_target",
    "wire_name",
]

_SNIFF_BYTES = 16


def resolve_inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """Resolve ``path`` (relative to ``root``) and refuse it if it leaves ``root``."""
    raw = os.fspath(path)
    if not raw.strip():
        raise OneRouterInputError("The file path is empty. Give the path of an audio file.")
    if "\x00" in raw:
        raise OneRouterInputError("The file path contains a NUL character; it is not valid.")
    # os.path rather than pathlib: this runs on every tool call (see benchmarks/README.md).
    base = os.path.realpath(os.path.expanduser(os.fspath(root)))
    candidate = os.path.realpath(os.path.join(base, raw))  # follows links: one out is caught
    inside = base if base.endswith(os.sep) else base + os.sep
    if candidate != base and not candidate.startswith(inside):
        raise OneRouterInputError(
            f"The path {echoed(raw)} is outside the allowed folder. Use a path relative to it, "
            "without '..' and without links that lead out of it."
        )
    return Path(candidate)


def _frame_sync(head: bytes) -> str | None:
    """An MPEG audio frame: AAC in ADTS (layer bits 00) or MP3 (any other layer)."""
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    return "aac" if head[1] & 0xF6 == 0xF0 else "mp3"


def sniff_audio_format(head: bytes) -> str | None:
    """Name the container that the first bytes of a file belong to, or None."""
    if head.startswith(b"ID3"):
        return "mp3"
    framed = _frame_sync(head)
    if framed is not None:
        return framed
    if head.startswith(b"ADIF"):
        return "aac"
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":  # and >4 GiB WAVs
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "webm"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x00\x00\x01\xba") or head.startswith(b"\x00\x00\x01\xb3"):
        return "mpeg"
    return None


def _extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


# Content types of the names an upload may go out under: the API's own list, and AAC,
# which the bytes can be but OpenAI does not list (other servers take it).
_WIRE_MIME_TYPES = {**UPLOAD_MIME_TYPES, "aac": "audio/aac"}


def wire_name(name: str, head: bytes) -> str:
    """The name to send: as given when the server knows its extension, else the bytes' own.

    A ``.opus`` or ``.oga`` file is Ogg, so it goes out as ``name.ogg``; bytes without a
    name go out as ``audio.<format>``. Servers pick the decoder by this name.
    """
    base = Path(name).name
    extension = _extension(base)
    found = sniff_audio_format(head)
    if extension in UPLOAD_FORMATS or found is None or extension == found:
        return base
    return f"{Path(base).stem or 'audio'}.{found}"


def check_audio_bytes(
    name: str,
    head: bytes,
    size: int,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    shown: str | None = None,
) -> None:
    """Refuse an upload that is empty, too large or not audio, judged by its bytes.

    The extension alone never refuses audio: a server is sent the name its bytes deserve
    (see :func:`wire_name`). Errors name the file as ``shown`` (already quoted, as the
    caller gave it) when given, else by ``name``.
    """
    extension = _extension(name)
    label = shown or repr(name)
    if extension not in UPLOAD_FORMATS and size and sniff_audio_format(head) is None:
        shown = f".{extension}" if extension else "(none)"
        raise OneRouterInputError(
            f"{label} has an unsupported extension {shown} and its first bytes match no "
            f"audio format. Supported: {', '.join(UPLOAD_FORMATS)} (and ogg, opus or aac audio "
            "under any name)."
        )
    if size == 0:
        raise OneRouterInputError(f"{label} is empty (0 bytes). Give a file that holds audio.")
    if size > max_bytes:
        raise OneRouterInputError(
            f"{label} is {size:,} bytes; the upload limit is {max_bytes:,} bytes. "
            "Send a shorter recording or split it (OneRouterTranscriptLoader splits long audio)."
        )
    if sniff_audio_format(head) is None:
        raise OneRouterInputError(
            f"{label} does not look like audio: its first bytes match no supported format "
            f"({', '.join(UPLOAD_FORMATS)}). The file may be corrupt."
        )


def check_audio_file(
    path: Path, *, max_bytes: int = MAX_UPLOAD_BYTES, shown_as: str | None = None
) -> int:
    """Check a local audio file before upload; return its size in bytes.

    Errors name the file as ``shown_as`` when given (e.g. the path a model gave, relative to
    its folder), else by ``path``.
    """
    shown = echoed(str(path) if shown_as is None else shown_as)  # a model's path may be huge
    try:
        if not path.exists():
            raise OneRouterInputError(f"No file at {shown}. Check the path and try again.")
        if not path.is_file():
            raise OneRouterInputError(f"{shown} is not a regular file. Give an audio file.")
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as error:  # e.g. a name too long, or no permission to read
        raise OneRouterInputError(
            f"{shown} cannot be read ({error.strerror or type(error).__name__}). "
            "Check the path and try again."
        ) from None
    check_audio_bytes(path.name, head, size, max_bytes=max_bytes, shown=shown)
    return size


def _file_wire_name(path: Path) -> str:
    """The name to send a checked file under; its bytes are read only when its name is unknown."""
    if _extension(path.name) in UPLOAD_FORMATS:
        return path.name
    with path.open("rb") as handle:
        return wire_name(path.name, handle.read(_SNIFF_BYTES))


# What ``_temp_beside`` adds to a name (".", "." and 8 hex digits, ".part"), and the
# longest file name most file systems take, in bytes.
_TEMP_EXTRA = 15
_NAME_MAX = 255


@contextlib.contextmanager
def checked_output(target: Path, *, overwrite: bool) -> Iterator[PendingOutput]:
    """Refuse an output path that cannot be written, before a paid request is sent.

    Refused: a folder; a file that exists unless ``overwrite``; anything at the path that is
    not a regular file (a link, a FIFO, a device, a socket), even with ``overwrite``; a name
    too long for the temporary file beside it; a folder path through a file; a folder that
    is not writable, proven by creating the temporary file the result will fill, since
    ``os.access`` says yes to everything for root.

    One file, created before the paid request, is written (again on each retry) and renamed
    into place on success, or removed on any error. Missing folders are created first.
    """
    _checked_folder(target, overwrite=overwrite)
    with _pending_output(target, overwrite=overwrite) as pending:
        yield pending


def _checked_folder(target: Path, *, overwrite: bool) -> None:
    """The checks of :func:`checked_output` short of creating its file."""
    if len(os.fsencode(target.name)) + _TEMP_EXTRA > _NAME_MAX:
        raise OneRouterInputError(
            f"The file name {target.name!r} is too long; use a name of at most "
            f"{_NAME_MAX - _TEMP_EXTRA} bytes."
        )
    try:
        _refuse_existing(target, overwrite=overwrite)
    except OSError as error:  # NotADirectoryError: some folder in the path is a file
        raise unwritable_target(target, error) from None
    _check_folder(target)


def _refuse_existing(target: Path, *, overwrite: bool) -> None:
    """Refuse a folder, anything but a regular file, or a file that exists unless ``overwrite``.

    ``lstat``: a link is refused as such, whatever it points at (``/dev/stdout`` is one).
    """
    try:
        mode = os.lstat(target).st_mode  # one stat: this runs on every speech call
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise OneRouterInputError(f"{str(target)!r} is a folder; give the path of a file.")
    if not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise OneRouterInputError(
            f"{str(target)!r} is {kind} (links, FIFOs and devices are never replaced); "
            "give the path of a regular file, or of the file a link points to."
        )
    if not overwrite:
        raise OneRouterInputError(
            f"{str(target)!r} already exists; pass overwrite=True to replace it."
        )


def nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists: where missing folders would be made."""
    return next((p for p in (path, *path.parents) if os.path.lexists(p)), Path("."))


def _check_folder(target: Path) -> None:
    """Refuse when the nearest existing folder that would hold ``target`` is unusable."""
    folder = nearest_existing(target.parent)
    if not folder.is_dir():
        raise OneRouterInputError(
            f"{str(target)!r} cannot be written: {str(folder)!r} is not a folder."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OneRouterInputError(
            f"{str(target)!r} cannot be written: the folder {str(folder)!r} is not writable. "
            "Choose another folder."
        )


def unwritable_target(target: Path, error: OSError) -> OneRouterInputError:
    """The error for an output file the operating system would not let us create."""
    reason = (
        "a folder in its path is not a folder"
        if isinstance(error, NotADirectoryError)
        else (error.strerror or type(error).__name__)
    )
    return OneRouterInputError(
        f"{str(target)!r} cannot be written ({reason}). Choose another folder or file name."
    )


def _rename_no_clobber(temp_name: str, target: Path) -> None:
    try:
        os.link(temp_name, target)  # atomic, and fails if target appeared meanwhile
    except FileExistsError:
        raise OneRouterInputError(
            f"{str(target)!r} already exists; pass overwrite=True to replace it."
        ) from None
    except OSError:  # file systems without hard links
        if target.exists():
            raise
        os.replace(temp_name, target)
        return
    os.unlink(temp_name)


def _temp_beside(target: Path) -> tuple[int, str]:
    """Create a new temporary file beside ``target``; return its descriptor and name.

    Not ``mkstemp``, whose files are 0600 whatever the umask: created with 0666, the kernel
    applies the umask (and any default ACL) as for every file the user writes, so the audio
    looks like any other. Reading the umask instead would mean setting it, which is not
    safe while other threads create files.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(tempfile.TMP_MAX):
        name = os.path.join(target.parent, f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"No free temporary name beside {str(target)!r}.")


class PendingOutput:
    """A temporary file beside ``target``: filled, maybe refilled, then renamed into place."""

    def __init__(self, target: Path, *, overwrite: bool) -> None:
        self.target = target
        self.overwrite = overwrite
        # Folders made for the file, deepest first: a call that fails leaves none behind.
        self._made = [folder for folder in target.parents if not os.path.lexists(folder)]
        try:
            try:
                fd, self._temp_name = _temp_beside(target)
            except FileNotFoundError:  # the folder is missing: create it only then
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, self._temp_name = _temp_beside(target)
        except OSError as error:  # named by the target, never by the hidden temporary file
            self._remove_made_folders()
            raise unwritable_target(target, error) from None
        self.handle: BinaryIO = os.fdopen(fd, "wb")

    def restart(self) -> BinaryIO:
        """The file, emptied for an attempt: a retry rewrites it from the start."""
        self.handle.seek(0)
        self.handle.truncate()
        return self.handle

    def commit(self) -> None:
        """Rename the whole (closed) file to ``target``."""
        if self.overwrite:
            os.replace(self._temp_name, self.target)
        else:
            _rename_no_clobber(self._temp_name, self.target)

    def discard(self) -> None:
        """Close and remove the temporary file (and folders made for it); ``target`` stays."""
        self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._temp_name)
        self._remove_made_folders()

    def _remove_made_folders(self) -> None:
        """Remove the folders made for the file, each only while it is still empty."""
        for folder in self._made:
            try:
                os.rmdir(folder)
            except OSError:  # something else was put there meanwhile: keep it, and above
                return


@contextlib.contextmanager
def _pending_output(target: Path, *, overwrite: bool) -> Iterator[PendingOutput]:
    pending = PendingOutput(target, overwrite=overwrite)
    try:
        with pending.handle:  # closed, so flushed, before the rename
            yield pending
        pending.commit()
    except BaseException:
        pending.discard()
        raise


@contextlib.contextmanager
def atomic_output(target: Path, *, overwrite: bool = False) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``target`` and rename it into place on success.

    On any error the temporary file is removed, so ``target`` is either complete or absent.
    There is no fsync: it would block an event loop and cost more per file than a local
    round trip (benchmarks/README.md), while the rename already keeps readers from seeing
    a partial file.
    """
    with contextlib.suppress(NotADirectoryError):  # creating the file says so, as OSError
        _refuse_existing(target, overwrite=overwrite)
    with _pending_output(target, overwrite=overwrite) as pending:
        yield pending.handle


AudioInput = Union[str, "os.PathLike[str]", bytes, tuple[str, bytes], BinaryIO]
"""Audio as a path, bytes, a ``(filename, bytes)`` pair or a binary file object."""


@runtime_checkable
class _Readable(Protocol):
    """Anything with ``read``: io.BytesIO, open(path, "rb"), an upload from a web framework."""

    def read(self, size: int = -1, /) -> bytes | str: ...


def named_bytes(file: object, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[str, bytes]:
    """In-memory audio as ``(name, bytes)``; a file object is read from where it stands.

    Bytes without a name are named by what they are (see :func:`wire_name`). A file object
    is read up to one byte past the limit, so an oversized one is refused without reading it all.
    """
    if isinstance(file, (bytes, bytearray, memoryview)):
        return "audio", bytes(file)
    if isinstance(file, tuple) and len(file) == 2:
        name, content = file
        if isinstance(name, str) and isinstance(content, (bytes, bytearray, memoryview)):
            return name, bytes(content)
        raise OneRouterInputError(
            f"A pair of ({type(name).__name__}, {type(content).__name__}) is not understood; "
            "a (filename, bytes) pair holds a str and bytes."
        )
    elif isinstance(file, _Readable):
        content = file.read(max_bytes + 1 if max_bytes < sys.maxsize else -1)
        if isinstance(content, (bytes, bytearray)):
            name = getattr(file, "name", None)
            return (Path(name).name if isinstance(name, str) else "audio"), bytes(content)
        raise OneRouterInputError(
            "The file object gives text, not bytes; open it in binary mode: open(path, 'rb')."
        )
    raise OneRouterInputError(
        f"Audio of type {type(file).__name__} is not understood; give a path, bytes, a "
        "(filename, bytes) pair or a binary file object such as io.BytesIO or open(path, 'rb')."
    )


@dataclass(frozen=True)
class UploadFile:
    """A checked upload: a file on disk (streamed) or named bytes in memory.

    ``name`` is the one sent, which tells the server the container (see :func:`wire_name`).
    """

    name: str
    size: int
    path: Path | None = None
    content: bytes | None = None

    @property
    def mime_type(self) -> str:
        """Content type sent with the file part."""
        return _WIRE_MIME_TYPES.get(_extension(self.name), "application/octet-stream")

    @classmethod
    def from_input(
        cls, file: AudioInput, *, max_bytes: int = MAX_UPLOAD_BYTES, shown_as: str | None = None
    ) -> UploadFile:
        """Check ``file`` (see :data:`AudioInput`) before anything is sent.

        Errors about a path name it as ``shown_as`` when given (see :func:`check_audio_file`).
        """
        if isinstance(file, (str, os.PathLike)):
            path = Path(file).expanduser()
            size = check_audio_file(path, max_bytes=max_bytes, shown_as=shown_as)
            return cls(name=_file_wire_name(path), size=size, path=path)
        name, content = named_bytes(file, max_bytes)
        head = content[:_SNIFF_BYTES]
        check_audio_bytes(name, head, len(content), max_bytes=max_bytes)
        return cls(name=wire_name(name, head), size=len(content), content=content)

    def open(self) -> BinaryIO:
        """A fresh stream over the content, for one attempt."""
        if self.path is not None:
            return self.path.open("rb")
        return io.BytesIO(self.content or b"")
