"""The ``onerouter-audio`` command line: outputs, exit codes and one-line error messages.

Successful calls replay cassettes recorded against a local OpenAI-compatible audio server;
failures are played by a loopback server (statuses) or need no server at all.
"""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest

from langchain_onerouter_audio._documents import Mode, Task
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    DEFAULT_TTS_MODEL,
    DEFAULT_VOICE,
)
from langchain_onerouter_audio._sentences import split_sentences
from langchain_onerouter_audio.cli import EXIT_CODES, build_parser, main
from langchain_onerouter_audio.models import AudioFormat, TranscriptFormat, TranslationFormat
from tests.unit_tests.loopback_server import (
    Action,
    LocalServer,
    Seen,
    respond,
    respond_json,
    unused_port,
)

from ..integration_tests._audio_checks import audio_seconds

KEY = "sk-cli-test-5ecret-0123456789abcdef"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, client_settings: dict[str, str]) -> dict[str, str]:
    """The key and base URL the cassettes were recorded with (stand-ins on replay)."""
    monkeypatch.setenv("ONEROUTER_API_KEY", client_settings["api_key"])
    monkeypatch.setenv("ONEROUTER_BASE_URL", client_settings["base_url"])
    return client_settings


@pytest.fixture
def server_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[LocalServer], None]:
    """Point the command line at a loopback server with a secret-looking key."""

    def use(server: LocalServer) -> None:
        monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
        monkeypatch.setenv("ONEROUTER_BASE_URL", server.base_url)

    return use


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("onerouter-audio: error: ")
    assert "Traceback" not in err
    return err


# -- successful calls (replayed)


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_speak_writes_the_audio_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "hello.mp3"
    code = main(["speak", "Hello from the command line.", "-o", str(target), "--voice", "nova"])
    assert code == 0
    assert target.read_bytes()[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")
    assert capsys.readouterr().out == f"{target} ({target.stat().st_size:,} bytes, mp3)\n"


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_speak_reads_stdin_and_writes_wav_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Piped text is spoken too."))
    assert main(["speak", "-", "-o", "-", "--format", "wav"]) == 0
    with wave.open(io.BytesIO(capsysbinary.readouterr().out)) as audio:
        assert audio.getnframes() > 0


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_transcribe_prints_subtitles(audio_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcribe", str(audio_dir / "hello.m4a"), "--format", "srt"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1\n00:00:")
    assert " --> " in out


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_transcribe_json_is_machine_readable(
    audio_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["transcribe", str(audio_dir / "hello.wav"), "--format", "verbose_json"])
    assert code == 0
    transcript = json.loads(capsys.readouterr().out)
    assert transcript["text"]
    assert transcript["segments"][0]["end"] > transcript["segments"][0]["start"]


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_transcribe_to_a_file(audio_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = audio_dir / "hello.txt"
    assert main(["transcribe", str(audio_dir / "hello.mp3"), "-o", str(target)]) == 0
    text = target.read_text()
    assert text.strip()
    assert text.endswith("\n")
    assert capsys.readouterr().out == f"{target} ({len(text.encode()):,} bytes)\n"


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_translate_prints_english_text(audio_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", str(audio_dir / "german.mp3")]) == 0
    assert capsys.readouterr().out.strip()


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_load_segments_as_jsonl(audio_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["load", str(audio_dir), "--glob", "hello.[mw]*", "--mode", "segments", "--jsonl"]
    assert main([*argv, "--max-concurrency", "1"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    sources = {Path(record["metadata"]["source"]).name for record in records}
    assert sources == {"hello.m4a", "hello.mp3", "hello.wav", "hello.webm"}
    for record in records:
        assert record["page_content"]
        assert record["metadata"]["end"] >= record["metadata"]["start"]


@pytest.mark.vcr
@pytest.mark.usefixtures("env")
def test_load_skips_bad_files_and_says_so(
    audio_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = audio_dir / "mixed"
    folder.mkdir()
    for name in ("corrupt.mp3", "hello.mp3"):
        (folder / name).write_bytes((audio_dir / name).read_bytes())
    assert main(["load", str(folder), "--skip-errors"]) == 2  # the worst failure decides
    captured = capsys.readouterr()
    assert captured.out.startswith(f"# {folder / 'hello.mp3'}\n")
    assert "Skipping" in captured.err
    assert "corrupt.mp3" in captured.err


# -- bad input: refused before any request (no server at all)


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key, and a base URL nothing listens on: any request would fail with exit code 4."""
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    monkeypatch.setenv("ONEROUTER_BASE_URL", f"http://127.0.0.1:{unused_port()}/v1")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["transcribe", "{audio}/missing.mp3"], "No file at"),
        (["transcribe", "{audio}/corrupt.mp3"], "does not look like audio"),
        (["transcribe", "{audio}/README.md"], "unsupported extension"),
        (["transcribe", "{audio}/hello.mp3", "--language", "english"], "ISO-639-1"),
        (["speak", "Hi there", "-o", "{audio}/x.wav", "--format", "mp3"], "does not match"),
        (["speak", "Hi there", "-o", "{audio}/x.ogg", "--format", "mp3"], "does not match"),
        (["speak", "Hi there", "-o", "{audio}/x.txt"], "add --format"),
        (["speak", "Hi there", "-o", "{audio}/x.m4a"], "add --format"),
        (["speak", "Hi there", "-o", "{audio}/x.mp3", "--speed", "9"], "between 0.25 and 4.0"),
        (["speak", "  ", "-o", "{audio}/x.mp3"], "empty"),
        (["speak", "Hi there", "-o", "{audio}/hello.mp3"], "add --overwrite"),
        (["transcribe", "{audio}/hello.mp3", "-o", "{audio}/hello.wav"], "add --overwrite"),
        (["load", "{audio}/nowhere"], "no such file or folder"),
        (["speak", "Hi there", "-o", "{audio}/x.mp3", "--speed", "nan"], "between 0.25 and 4.0"),
        (["speak", "Hi there", "-o", "{audio}/x.mp3", "--speed", "0"], "between 0.25 and 4.0"),
        (["translate", "{audio}/hello.mp3", "--temperature", "2"], "between 0.0 and 1.0"),
        (["load", "{audio}/hello.mp3", "--max-concurrency", "0"], "use 1 or more"),
    ],
)
@pytest.mark.usefixtures("no_server")
def test_bad_input_exits_2_with_one_line(
    argv: list[str], message: str, audio_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(audio_dir.iterdir())
    assert main([arg.format(audio=audio_dir) for arg in argv]) == 2
    assert message in one_error_line(capsys)
    assert sorted(audio_dir.iterdir()) == before  # nothing written, nothing replaced


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["transcribe"])
    assert exit_info.value.code == 2
    assert "required: file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--timeout", "-1", "above 0"),
        ("--timeout", "0", "above 0"),
        ("--timeout", "nan", "above 0"),
        ("--timeout", "inf", "above 0"),
        ("--timeout", "soon", "above 0"),
        ("--max-retries", "-1", "0 or more"),
        ("--max-retries", "1.5", "0 or more"),
        ("--glob", "", "relative"),
        ("--glob", "/talks/*.mp3", "relative"),
        ("--glob", "talks**.mp3", "whole"),
    ],
)
@pytest.mark.usefixtures("no_server")
def test_bad_option_values_are_usage_errors(
    option: str, value: str, message: str, audio_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["load", str(audio_dir), f"{option}={value}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith(f"onerouter-audio load: error: argument {option}: ")
    assert message in err.splitlines()[-1]


@pytest.mark.parametrize(
    ("command", "choices"),
    [
        ("speak", {"--format": AudioFormat}),
        ("transcribe", {"--format": TranscriptFormat}),
        ("translate", {"--format": TranslationFormat}),
        ("load", {"--mode": Mode, "--task": Task}),
    ],
)
def test_choices_are_the_package_types_values(
    command: str, choices: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    for option, literal in choices.items():
        assert f"{option} {{{','.join(get_args(literal))}}}" in out


def test_defaults_are_the_package_defaults() -> None:
    parse = build_parser().parse_args
    speak = parse(["speak", "Hi.", "-o", "hi.mp3"])
    assert (speak.model, speak.voice) == (DEFAULT_TTS_MODEL, DEFAULT_VOICE)
    for argv in (["transcribe", "a.mp3"], ["translate", "a.mp3"], ["load", "talks"]):
        assert parse(argv).model == DEFAULT_TRANSCRIPTION_MODEL


def test_help_documents_exit_codes_and_settings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for code, meaning in EXIT_CODES.items():
        assert f"{code}  {meaning}" in out
    assert "ONEROUTER_API_KEY" in out
    assert "ONEROUTER_BASE_URL" in out


def test_missing_key_exits_3(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ONEROUTER_API_KEY", raising=False)
    assert main(["transcribe", str(audio_dir / "hello.mp3")]) == 3
    assert "set ONEROUTER_API_KEY" in one_error_line(capsys)


@pytest.mark.parametrize("key", ["bad key", "key\twith-tab", "kéy"])
@pytest.mark.parametrize("command", ["transcribe", "load"])
@pytest.mark.usefixtures("no_server")
def test_a_key_that_cannot_be_sent_exits_3(
    key: str,
    command: str,
    audio_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", key)
    assert main([command, str(audio_dir / "hello.mp3")]) == 3
    assert "ONEROUTER_API_KEY" in one_error_line(capsys)


@pytest.mark.usefixtures("no_server")
def test_a_bad_base_url_is_still_bad_input(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    monkeypatch.setenv("ONEROUTER_BASE_URL", "ftp://audio.test")
    assert main(["transcribe", str(audio_dir / "hello.mp3")]) == 2
    assert "not an http(s) URL" in one_error_line(capsys)


def test_load_help_says_skipped_files_still_fail_the_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["load", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--skip-errors" in out
    assert "the exit code is that of the worst skipped failure" in out


# -- failures reported by the server or the network


def error_server(status: int, message: str) -> LocalServer:
    body = {"error": {"message": message, "type": "test", "param": None, "code": None}}
    return LocalServer(lambda seen: respond_json(status, body))


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, 3), (403, 3), (400, 2), (413, 2), (404, 4), (500, 4), (429, 4)],
)
def test_api_errors_map_to_exit_codes(
    status: int,
    code: int,
    audio_dir: Path,
    server_env: Callable[[LocalServer], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The server echoes the key, as some do; it must not reach the terminal.
    with error_server(status, f"refused key {KEY}") as server:
        server_env(server)
        argv = ["transcribe", str(audio_dir / "hello.mp3"), "--max-retries", "0"]
        assert main(argv) == code
    line = one_error_line(capsys)
    assert f"HTTP {status}" in line
    assert KEY not in line


def test_unreachable_server_exits_4(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    base_url = f"http://127.0.0.1:{unused_port()}/v1"
    argv = ["speak", "Hello there.", "-o", str(audio_dir / "new.mp3"), "--base-url", base_url]
    assert main([*argv, "--max-retries", "0"]) == 4
    assert "Connection to the audio API failed" in one_error_line(capsys)
    assert not (audio_dir / "new.mp3").exists()


def wav_of(samples: bytes) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(24_000)
        out.writeframes(samples)
    return buffer.getvalue()


LONG_TEXT = "This sentence is said over and over again. " * 150  # 6,450 characters


def test_speak_text_over_the_limit_in_several_calls_joined(
    tmp_path: Path, server_env: Callable[[LocalServer], None]
) -> None:
    def answer(seen: Seen) -> Action:
        length = len(json.loads(seen.body)["input"])
        return respond(200, wav_of(length.to_bytes(2, "little")), {"content-type": "audio/wav"})

    target = tmp_path / "long.wav"
    with LocalServer(answer) as server:
        server_env(server)
        assert main(["speak", LONG_TEXT, "-o", str(target)]) == 0
    lengths = [len(json.loads(seen.body)["input"]) for seen in server.requests]
    assert len(lengths) == 2
    assert max(lengths) <= 4096
    # The pieces are spoken concurrently, so they may arrive in any order; the audio is
    # joined in the order of the text.
    pieces = split_sentences(LONG_TEXT, min_chars=4096, max_chars=4096)
    in_text_order = [len(piece) for piece in pieces]
    assert sorted(lengths) == sorted(in_text_order)
    with wave.open(str(target)) as audio:
        frames = audio.readframes(10)
    assert frames == b"".join(n.to_bytes(2, "little") for n in in_text_order)


def test_speak_mp3_over_the_limit_plays_to_the_end(
    audio_dir: Path, server_env: Callable[[LocalServer], None]
) -> None:
    clip = (audio_dir / "hello.mp3").read_bytes()  # a real encoder's file: tags, Info frame
    target = audio_dir / "long.mp3"
    with LocalServer(lambda seen: respond(200, clip, {"content-type": "audio/mpeg"})) as server:
        server_env(server)
        assert main(["speak", LONG_TEXT, "-o", str(target)]) == 0
    assert len(server.requests) == 2
    once = audio_seconds(clip, "mp3")
    assert 2 * once <= audio_seconds(target.read_bytes(), "mp3") <= 2 * once + 0.16


def test_speak_opus_over_the_limit_is_refused_before_any_request(
    audio_dir: Path, server_env: Callable[[LocalServer], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with LocalServer(lambda seen: respond(200, b"OggS", {"content-type": "audio/ogg"})) as server:
        server_env(server)
        assert main(["speak", LONG_TEXT, "-o", str(audio_dir / "long.opus")]) == 2
    assert "opus files cannot be joined" in one_error_line(capsys)
    assert server.requests == []
    assert not (audio_dir / "long.opus").exists()


@pytest.mark.parametrize(
    ("name", "extra", "asked"),
    [
        ("x.ogg", [], "opus"),  # opus comes in an Ogg container
        ("x.OGA", [], "opus"),
        ("x.opus", ["--format", "opus"], "opus"),
        ("speech", [], "mp3"),  # no extension: the default
        ("x.bin", ["--format", "flac"], "flac"),  # any name, once the format is named
    ],
)
def test_speak_asks_for_the_format_the_file_name_says(
    name: str,
    extra: list[str],
    asked: str,
    tmp_path: Path,
    server_env: Callable[[LocalServer], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / name
    with LocalServer(lambda seen: respond(200, b"audio", {"content-type": "audio/x"})) as server:
        server_env(server)
        assert main(["speak", "Hi there.", "-o", str(target), *extra]) == 0
    (seen,) = server.requests
    assert json.loads(seen.body)["response_format"] == asked
    assert capsys.readouterr().out == f"{target} (5 bytes, {asked})\n"


def test_load_skipping_errors_exits_with_the_worst_failure(
    audio_dir: Path, server_env: Callable[[LocalServer], None], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = audio_dir / "mixed"
    folder.mkdir()
    for name in ("corrupt.mp3", "hello.mp3"):  # in this order: refused here (2), then 500 (4)
        (folder / name).write_bytes((audio_dir / name).read_bytes())
    with error_server(500, "the server broke") as server:
        server_env(server)
        argv = ["load", str(folder), "--skip-errors", "--max-retries", "0"]
        assert main([*argv, "--max-concurrency", "1"]) == 4
    assert len(server.requests) == 1
    err = capsys.readouterr().err
    assert "corrupt.mp3" in err
    assert "hello.mp3" in err


def test_load_segments_of_a_transcript_without_segments_or_duration(
    audio_dir: Path, server_env: Callable[[LocalServer], None], capsys: pytest.CaptureFixture[str]
) -> None:
    body = {"task": "transcribe", "language": "english", "text": "Hello there."}
    with LocalServer(lambda seen: respond_json(200, body)) as server:
        server_env(server)
        assert main(["load", str(audio_dir / "hello.mp3"), "--mode", "segments"]) == 0
    assert capsys.readouterr().out == f"# {audio_dir / 'hello.mp3'} [0.00-]\nHello there.\n"


def test_transcribe_reads_audio_from_stdin(
    audio_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    server_env: Callable[[LocalServer], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    clip = (audio_dir / "hello.mp3").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(clip)))
    with LocalServer(lambda seen: respond(200, b"hello from stdin\n")) as server:
        server_env(server)
        assert main(["transcribe", "-"]) == 0
    assert capsys.readouterr().out == "hello from stdin\n"
    (seen,) = server.requests
    assert b'filename="stdin.mp3"' in seen.body
    assert clip in seen.body
