"""``onerouter-audio``: speech, transcription, translation and transcript loading from a shell.

Expected failures end with one line on stderr and an exit code a script can act on (see
``EXIT_CODES``); only a bug shows a traceback. The API key is read from the environment
and never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_onerouter_audio import _cli_parser
from langchain_onerouter_audio._cli_parser import (
    API_ERROR,
    AUTH,
    BAD_INPUT,
    EXIT_CODES,
    INTERRUPTED,
    OK,
    PROG,
    CommandHandlers,
)
from langchain_onerouter_audio._error_factories import redact
from langchain_onerouter_audio._files import (
    AudioInput,
    checked_output,
    sniff_audio_format,
)
from langchain_onerouter_audio._params import speech_payload
from langchain_onerouter_audio._speech_sinks import output_file
from langchain_onerouter_audio.client import OneRouterAudioClient
from langchain_onerouter_audio.errors import (
    OneRouterAuthenticationError,
    OneRouterBadRequestError,
    OneRouterError,
    OneRouterInputError,
    OneRouterPayloadTooLargeError,
    OneRouterPermissionError,
)
from langchain_onerouter_audio.models import MAX_SPEECH_INPUT_CHARS, SPEECH_FORMATS

__all__ = ["EXIT_CODES", "main"]

# Output file extensions and the format each names; opus comes in an Ogg container.
_EXTENSION_FORMATS: dict[str, str] = {
    **{name: name for name in SPEECH_FORMATS},
    "ogg": "opus",
    "oga": "opus",
}


class CliError(Exception):
    """A problem found by the command line itself, with its exit code."""

    def __init__(self, message: str, code: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def _exit_code(error: Exception) -> int:
    if isinstance(error, CliError):
        return error.code
    if isinstance(error, (OneRouterAuthenticationError, OneRouterPermissionError)):
        return AUTH
    bad_input = (OneRouterInputError, OneRouterBadRequestError, OneRouterPayloadTooLargeError)
    if isinstance(error, (*bad_input, OSError)):
        return BAD_INPUT
    return API_ERROR


# -- shared pieces


def _client(args: argparse.Namespace) -> OneRouterAudioClient:
    if not os.environ.get("ONEROUTER_API_KEY", "").strip():
        raise CliError("no API key: set ONEROUTER_API_KEY", AUTH)
    try:
        return OneRouterAudioClient(
            base_url=args.base_url,
            timeout=args.timeout,
            max_retries=args.max_retries,
            allow_private_urls=args.allow_private_urls,
        )
    except OneRouterInputError:  # a bad --base-url, --timeout or --max-retries
        raise
    except OneRouterError as error:  # the one other setting checked here is the key
        raise CliError(str(error), AUTH) from error


def _refuse_output(output: str, overwrite: bool) -> None:
    """Refuse, in the command line's words, a target that is not a file or is kept."""
    target = Path(output).expanduser()
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.lstat(target).st_mode) and not target.is_dir():
            raise CliError(f"{output} is not a regular file; to write to standard output use -o -")
    if not overwrite and os.path.lexists(target):
        raise CliError(f"{output} already exists; add --overwrite to replace it")


@contextlib.contextmanager
def _text_output(output: str | None, overwrite: bool) -> Iterator[Callable[[str], None]]:
    """Where text results go: stdout as they come, or a file written atomically.

    The file's temporary file is created on entry, so entering before the request proves the
    output writable before anything is paid for. A failed command leaves no partial file;
    on success the file's name is printed.
    """
    if output is None or output == "-":

        def show(text: str) -> None:
            sys.stdout.write(text)
            sys.stdout.flush()

        yield show
        return
    _refuse_output(output, overwrite)
    written = 0
    with checked_output(Path(output).expanduser(), overwrite=overwrite) as pending:

        def save(text: str) -> None:
            nonlocal written
            written += pending.handle.write(text.encode("utf-8"))

        yield save
    sys.stdout.write(f"{output} ({written:,} bytes)\n")


@contextlib.contextmanager
def _package_log(verbose: bool) -> Iterator[None]:
    """Show the package's warnings (e.g. skipped files), and with --verbose its requests."""
    logger = logging.getLogger("langchain_onerouter_audio")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


# -- speak


def _speech_format(args: argparse.Namespace) -> str:
    """--format, else the format the output file's extension names, else (none) mp3.

    An extension that names no format the API writes is refused unless --format says what
    to write, so audio never lands in a file whose name promises another format.
    """
    extension = Path(args.output).suffix.lower().lstrip(".")
    named = _EXTENSION_FORMATS.get(extension)
    if args.format is None:
        if extension and named is None:
            known = ", ".join(f".{name}" for name in _EXTENSION_FORMATS)
            raise CliError(f"-o {args.output}: not one of {known}; add --format to write it anyway")
        return named or "mp3"
    if named is not None and named != args.format:
        raise CliError(
            f"-o {args.output} is {named} audio; it does not match --format {args.format}"
        )
    return str(args.format)


def _stdin_text() -> str:
    """The text on stdin; bytes that are not UTF-8 are refused, never a traceback.

    Read with surrogateescape (a C locale), they are refused by the request's text check.
    """
    try:
        return sys.stdin.read()
    except UnicodeDecodeError as error:
        raise CliError(f"standard input is not UTF-8 text (byte {error.start})") from None


def _speak(args: argparse.Namespace) -> int:
    text = _stdin_text() if args.text == "-" else args.text
    audio_format = _speech_format(args)
    options: dict[str, Any] = {
        "model": args.model,
        "voice": args.voice,
        "response_format": audio_format,
        "instructions": args.instructions,
        "speed": args.speed,
    }
    if args.output == "-":
        if sys.stdout.isatty():
            raise CliError("refusing to write audio to a terminal; pipe it or give -o FILE")
        with _client(args) as client:
            sys.stdout.buffer.write(_speak_to_memory(client, text, options))
            sys.stdout.buffer.flush()
        return OK
    _refuse_output(args.output, args.overwrite)
    # The temporary file that proves the folder writable, made before any request is paid
    # for, is the one the audio goes to.
    with output_file(args.output, args.overwrite) as file, _client(args) as client:
        if len(text) > MAX_SPEECH_INPUT_CHARS:
            file.handle.write(_speak_to_memory(client, text, options))
        else:
            client._speech_into(file, speech_payload(text, **options))
    size = file.target.stat().st_size
    sys.stdout.write(f"{args.output} ({size:,} bytes, {audio_format})\n")
    return OK


def _speak_to_memory(client: OneRouterAudioClient, text: str, options: dict[str, Any]) -> bytes:
    """Audio in memory; text over the API's limit is spoken sentence-group by group, joined."""
    if len(text) <= MAX_SPEECH_INPUT_CHARS:
        return client.speech(text, **options)
    from langchain_onerouter_audio.synthesizer import OneRouterSpeechSynthesizer

    synthesizer = OneRouterSpeechSynthesizer(
        client=client,
        model=options["model"],
        voice=options["voice"],
        audio_format=options["response_format"],
        instructions=options["instructions"],
        speed=options["speed"],
    )
    return synthesizer.invoke(text).audio


# -- transcribe / translate


def _render(result: Any) -> str:
    if isinstance(result, str):
        return result
    return str(result.model_dump_json(indent=2, exclude_none=True))


def _audio_input(file: str) -> AudioInput:
    """A path or an http(s) URL; for ``-`` the bytes on stdin, named by what they are."""
    if file != "-":
        return file
    data = sys.stdin.buffer.read()
    if not data:
        raise CliError("standard input is empty; pipe an audio file into '-'")
    found = sniff_audio_format(data[:16])
    if found is None:
        raise CliError("standard input is not audio (its first bytes match no audio format)")
    return (f"stdin.{found}", data)


def _speech_to_text(args: argparse.Namespace) -> int:
    options: dict[str, Any] = {
        "model": args.model,
        "prompt": args.prompt,
        "temperature": args.temperature,
    }
    audio = _audio_input(args.file)
    # The output (its temporary file) exists before the request is paid for.
    with _text_output(args.output, args.overwrite) as emit, _client(args) as client:
        if args.command == "transcribe":
            options["language"] = args.language
            result = client.transcribe(audio, response_format=args.format, **options)
        else:
            result = client.translate(audio, response_format=args.format, **options)
        emit(_render(result).rstrip("\n") + "\n")
    return OK


# -- load


def _document_line(document: Any) -> str:
    record = {"page_content": document.page_content, "metadata": document.metadata}
    return json.dumps(record, ensure_ascii=False, default=str) + "\n"


def _document_text(document: Any) -> str:
    metadata = document.metadata
    where = str(metadata.get("source", ""))
    if "start" in metadata:
        end = f"{metadata['end']:.2f}" if "end" in metadata else ""  # unknown: no duration
        where += f" [{metadata['start']:.2f}-{end}]"
    return f"# {where}\n{document.page_content}\n"


def _show_progress(asked: bool | None) -> bool:
    """``--progress`` / ``--no-progress``; by default, a bar only when stderr is a terminal.

    The bar goes to stderr, never to stdout, where the documents go.
    """
    if asked is not None:
        return asked
    return sys.stderr.isatty() and importlib.util.find_spec("tqdm") is not None


def _load(args: argparse.Namespace) -> int:
    from langchain_onerouter_audio.document_loaders import OneRouterTranscriptLoader

    missing = [path for path in args.paths if not Path(path).expanduser().exists()]
    if missing:
        raise CliError(f"no such file or folder: {missing[0]}")
    options: dict[str, Any] = {"mode": args.mode, "task": args.task, "model": args.model}
    for name in ("language", "prompt", "cache_dir"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    # The output (its temporary file) exists before any request is paid for.
    with _text_output(args.output, args.overwrite) as emit, _client(args) as client:
        loader = OneRouterTranscriptLoader(
            args.paths,
            glob=args.glob,
            max_concurrency=args.max_concurrency,
            on_error="skip" if args.skip_errors else "raise",
            show_progress=_show_progress(args.progress),
            client=client,
            **options,
        )
        render = _document_line if args.jsonl else _document_text
        for index, document in enumerate(loader.lazy_load()):
            emit(render(document) if args.jsonl or not index else "\n" + render(document))
    # The worst failure decides: a script must not read "bad input" when the API also failed.
    return max((_exit_code(failure.error) for failure in loader.failures), default=OK)


def build_parser() -> argparse.ArgumentParser:
    """The ``onerouter-audio`` argument parser."""
    return _cli_parser.build_parser(CommandHandlers(_speak, _speech_to_text, _load))


def _silence_stdout() -> None:
    """The reader went away: send what is left to /dev/null so exiting does not fail."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see ``EXIT_CODES``)."""
    args = build_parser().parse_args(argv)  # exits with 2 on bad usage
    try:
        with _package_log(args.verbose):
            code: int = args.run(args)
            return code
    except BrokenPipeError:  # e.g. `onerouter-audio load talks/ --jsonl | head`
        _silence_stdout()
        return OK
    except (OneRouterError, CliError, OSError) as error:
        message = redact(" ".join(str(error).split()), os.environ.get("ONEROUTER_API_KEY"))
        sys.stderr.write(f"{PROG}: error: {message}\n")
        return _exit_code(error)
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
