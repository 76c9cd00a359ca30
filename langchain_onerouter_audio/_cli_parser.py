"""The ``onerouter-audio`` argument parser: commands, options and the types that check them.

Option types refuse bad values as usage errors (exit code 2), before anything runs.
"""

from __future__ import annotations

import argparse
import contextlib
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, get_args

from langchain_onerouter_audio._documents import Mode, Task
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    DEFAULT_TTS_MODEL,
    DEFAULT_VOICE,
)
from langchain_onerouter_audio._version import package_version
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import SPEECH_FORMATS, TranscriptFormat, TranslationFormat

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

__all__ = [
    "API_ERROR",
    "AUTH",
    "BAD_INPUT",
    "EXIT_CODES",
    "INTERRUPTED",
    "OK",
    "PROG",
    "CommandHandlers",
    "build_parser",
]

Handler = Callable[[argparse.Namespace], int]
_FORMATTER = argparse.RawDescriptionHelpFormatter

PROG = "onerouter-audio"
OK, BAD_INPUT, AUTH, API_ERROR, INTERRUPTED = 0, 2, 3, 4, 130
EXIT_CODES = {
    OK: "success",
    BAD_INPUT: "bad usage or input: refused before sending, or by the API (400, 413, 422)",
    AUTH: "no usable API key, or the key was refused (401, 403)",
    API_ERROR: "the API or the network failed (after retries)",
    INTERRUPTED: "interrupted (Ctrl-C)",
}
_EPILOG = (
    "environment:\n"
    "  ONEROUTER_API_KEY   API key (required)\n"
    "  ONEROUTER_BASE_URL  API base URL (default https://audio.onerouter.pro/v1)\n\n"
    "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())
)
_SKIPPED = (
    "\n\nWith --skip-errors the other files still load, but the exit code is that of\n"
    "the worst skipped failure (0 only when no file was skipped)."
)


def _seconds(value: str) -> float:
    """A finite number of seconds above zero."""
    with contextlib.suppress(ValueError):
        seconds = float(value)
        if math.isfinite(seconds) and seconds > 0:
            return seconds
    raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {value!r}")


def _retries(value: str) -> int:
    """A whole number, 0 or more."""
    with contextlib.suppress(ValueError):
        count = int(value)
        if count >= 0:
            return count
    raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, got {value!r}")


def _glob(value: str) -> str:
    """A pattern each folder can match (the loader's own check, as a usage error)."""
    from langchain_onerouter_audio.document_loaders import check_glob

    try:
        return check_glob(value)
    except OneRouterInputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument("--base-url", help="API base URL (default: $ONEROUTER_BASE_URL)")
    group.add_argument("--timeout", type=_seconds, default=120.0, help="seconds (default 120)")
    group.add_argument("--max-retries", type=_retries, default=2, help="for transient failures")
    group.add_argument("-v", "--verbose", action="store_true", help="log each request")
    group.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="fetch audio URLs on loopback or private addresses too (a local server)",
    )
    return common


def _output_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("-o", "--output", help=f"write the {what} to this file ('-': stdout)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")


def _stt_options(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument(
        "file",
        help="audio file (flac, mp3, mp4, m4a, ogg, wav, webm, ...), an http(s) URL, '-': stdin",
    )
    parser.add_argument("--format", choices=formats, default="text", help="default: text")
    parser.add_argument(
        "--model",
        default=DEFAULT_TRANSCRIPTION_MODEL,
        help=f"default: {DEFAULT_TRANSCRIPTION_MODEL}",
    )
    parser.add_argument("--prompt", help="hint: names, jargon or preceding text")
    parser.add_argument("--temperature", type=float, help="sampling temperature, 0 to 1")
    _output_options(parser, "transcript")


class CommandHandlers(NamedTuple):
    """What each command runs; the parser stores it as ``args.run``."""

    speak: Handler
    speech_to_text: Handler
    load: Handler


def build_parser(handlers: CommandHandlers) -> argparse.ArgumentParser:
    """The ``onerouter-audio`` argument parser, each command bound to its handler."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="OneRouter's audio API from the shell: speak, transcribe, translate, load.",
        epilog=_EPILOG,
        formatter_class=_FORMATTER,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_speak(commands, common).set_defaults(run=handlers.speak)
    for command in _add_speech_to_text(commands, common):
        command.set_defaults(run=handlers.speech_to_text)
    _add_load(commands, common).set_defaults(run=handlers.load)
    return parser


def _add_speak(commands: Subparsers, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    speak = commands.add_parser(
        "speak", parents=[common], help="text to an audio file", epilog=_EPILOG,
        formatter_class=_FORMATTER,
    )  # fmt: skip
    speak.add_argument("text", help="the text to speak ('-': read from stdin)")
    speak.add_argument("-o", "--output", required=True, help="audio file to write ('-': stdout)")
    speak.add_argument(
        "--format", choices=SPEECH_FORMATS, help="default: from -o (.ogg: opus), else mp3"
    )
    speak.add_argument(
        "--voice", default=DEFAULT_VOICE, help=f"e.g. alloy, coral, nova (default {DEFAULT_VOICE})"
    )
    speak.add_argument("--model", default=DEFAULT_TTS_MODEL, help=f"default: {DEFAULT_TTS_MODEL}")
    speak.add_argument("--speed", type=float, help="0.25 to 4.0 (1.0 is normal)")
    speak.add_argument("--instructions", help="how to speak: tone, pace, accent")
    speak.add_argument("--overwrite", action="store_true", help="replace an existing file")
    return speak


def _add_speech_to_text(
    commands: Subparsers, common: argparse.ArgumentParser
) -> list[argparse.ArgumentParser]:
    added = []
    for name, text, formats in (
        ("transcribe", "audio to text in its own language", get_args(TranscriptFormat)),
        ("translate", "audio in any language to English text", get_args(TranslationFormat)),
    ):
        command = commands.add_parser(
            name, parents=[common], help=text, epilog=_EPILOG, formatter_class=_FORMATTER
        )
        _stt_options(command, formats)
        if name == "transcribe":
            command.add_argument("--language", help="language code, e.g. en, yue or en-US")
        added.append(command)
    return added


def _add_load(commands: Subparsers, common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    load = commands.add_parser(
        "load", parents=[common], help="audio files or folders to transcript documents",
        epilog=_EPILOG + _SKIPPED, formatter_class=_FORMATTER,
    )  # fmt: skip
    load.add_argument("paths", nargs="+", help="audio files and/or folders")
    load.add_argument("--glob", type=_glob, help="in folders, only files matching this pattern")
    load.add_argument("--mode", choices=get_args(Mode), default="single")
    load.add_argument("--task", choices=get_args(Task), default="transcribe")
    load.add_argument(
        "--model",
        default=DEFAULT_TRANSCRIPTION_MODEL,
        help=f"default: {DEFAULT_TRANSCRIPTION_MODEL}",
    )
    load.add_argument("--language", help="language code, e.g. en or yue (transcribe only)")
    load.add_argument("--prompt", help="hint: names, jargon or preceding text")
    load.add_argument("--jsonl", action="store_true", help="one JSON document per line")
    load.add_argument(
        "--max-concurrency", type=int, default=4,
        help="requests at once, files and chunks of long files alike (default 4)",
    )  # fmt: skip
    load.add_argument("--cache-dir", help="cache transcripts in this folder")
    load.add_argument("--skip-errors", action="store_true", help="skip files that fail")
    load.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="a progress bar on stderr (default: when stderr is a terminal; needs tqdm)",
    )  # fmt: skip
    _output_options(load, "documents")
    return load
