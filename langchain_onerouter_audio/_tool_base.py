"""What every audio tool shares: the base class, the errors a model can fix, the output folder.

The tools return ``(content, artifact)``; problems the model can fix come back to it as a
``ToolException`` message, problems it cannot fix raise.
"""

# No ``from __future__ import annotations`` here: BaseTool reads the type hints of ``_run``
# on every call, and string annotations would be compiled and evaluated again each time
# (benchmarks/README.md has the cost).
import contextlib
import getpass
import os
import stat
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from langchain_core.tools import BaseTool, ToolException
from pydantic import Field, ValidationError
from pydantic.v1 import ValidationError as ValidationErrorV1

from langchain_onerouter_audio._settings import SETTINGS_CONFIG, ClientSettingsMixin
from langchain_onerouter_audio.errors import (
    OneRouterBadRequestError,
    OneRouterError,
    OneRouterInputError,
    OneRouterPayloadTooLargeError,
)

__all__ = [
    "DEFAULT_OUTPUT_DIR",
    "AudioToolBase",
    "absolute_folder",
    "is_default_output_dir",
    "model_fixable_errors",
    "new_speech_path",
]

_USER = str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()
DEFAULT_OUTPUT_DIR = Path(tempfile.gettempdir()) / f"langchain-onerouter-audio-{_USER}"


def absolute_folder(path: Path) -> Path:
    """Fix a relative folder against the working directory of now, so a chdir cannot move it.

    ``absolute``, not ``resolve``: links stay as given (the default output folder is
    compared by name, and the root is resolved on each call anyway).
    """
    return path.expanduser().absolute()


def _private_output_dir(path: Path) -> Path:
    """Create the shared-temp default folder for this user only, and refuse a foreign one.

    ``lstat``, not ``stat``: a link planted at the name would otherwise pass the check on
    whatever private folder of this user it points at.
    """
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        problem = "is a symbolic link"
    elif not stat.S_ISDIR(status.st_mode):
        problem = "is not a folder"
    elif hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o077):
        problem = "is not private to this user"
    else:
        return path
    raise OneRouterError(
        f"The default output folder {str(path)!r} {problem}. "
        "Set output_dir= on the speech tool to a folder of your own."
    )


def is_default_output_dir(path: Path) -> bool:
    """The shared-temp default is made private per call; any other folder is checked once."""
    return path == DEFAULT_OUTPUT_DIR


def new_speech_path(output_dir: Path, audio_format: str) -> Path:
    """A fresh file name for speech in ``output_dir`` (the default folder: private, made here)."""
    folder = _private_output_dir(output_dir) if is_default_output_dir(output_dir) else output_dir
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"speech-{stamp}-{uuid.uuid4().hex[:12]}.{audio_format}"


@contextlib.contextmanager
def model_fixable_errors() -> Iterator[None]:
    """Re-raise what the model can correct as ToolException; let the rest propagate."""
    try:
        yield
    except OneRouterInputError as error:
        raise ToolException(str(error)) from error
    except (OneRouterBadRequestError, OneRouterPayloadTooLargeError) as error:
        raise ToolException(f"The audio API refused the request: {error.message}") from error


def _explain_invalid_arguments(error: ValidationError | ValidationErrorV1) -> str:
    """Tell the model which argument was wrong and why, so it can call again correctly."""
    problems = "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'arguments'}: {item['msg']}"
        for item in error.errors()
    )
    return f"Invalid arguments ({problems}). Fix them and call the tool again."


class AudioToolBase(ClientSettingsMixin, BaseTool):
    """Shared settings: one client, content-and-artifact output, readable tool errors."""

    model_config = SETTINGS_CONFIG

    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    handle_tool_error: bool | str | Any = True
    handle_validation_error: bool | str | Any = Field(default=_explain_invalid_arguments)
