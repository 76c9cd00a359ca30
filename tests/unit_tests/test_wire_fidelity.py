"""Wire fidelity: the client sends everything the API takes, reads everything it answers, and
refuses nothing a server accepts (checked against the OpenAPI description's own shapes)."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.rate_limiters import InMemoryRateLimiter

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterAudioToolkit,
    OneRouterInputError,
    OneRouterRateLimitError,
    OneRouterSpeechSynthesizer,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
    OneRouterTranslationTool,
)
from langchain_onerouter_audio.cli import main
from langchain_onerouter_audio.client import OneRouterAudioClient
from langchain_onerouter_audio.models import (
    DiarizedSegment,
    Segment,
    SpeechUsage,
    Transcription,
    TranscriptionLanguage,
    TranscriptTextDelta,
    TranscriptTextDone,
    UsageDuration,
    UsageOther,
    UsageTokens,
)
from tests._calls import call, collect_stream
from tests.unit_tests.fake_api import (
    AUDIO,
    KEY,
    FakeApi,
    Waits,
    answer,
    error_response,
    parts,
    transcript_of_upload,
)

SSE = {"content-type": "text/event-stream"}


def run(client: OneRouterAudioClient, method: str, mode: str, *args: Any, **kw: Any) -> Any:
    """Call ``method`` the ``mode`` way; streams are collected into a list."""
    if method.endswith("_stream"):
        return collect_stream(client, method, mode, *args, **kw)
    return call(client, method, mode, *args, **kw)


def sse(*events: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events)


def replying(body: bytes, headers: dict[str, str] | None = None) -> FakeApi:
    return FakeApi([httpx.Response(200, content=body, headers=headers or {})])


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp3"
    path.write_bytes(AUDIO)
    return path


def file_part(api: FakeApi) -> tuple[str | None, str | None]:
    part = next(p for p in api.parts() if p.filename is not None)
    return part.filename, part.content_type


# -- 1: a usage without its type never costs the transcript

TOKENS = {"input_tokens": 14, "output_tokens": 45, "total_tokens": 59}


def test_stream_done_event_whose_usage_has_no_type_keeps_text_and_usage(
    clip: Path, mode: str
) -> None:
    body = sse(
        {"type": "transcript.text.delta", "delta": "I see"},
        {"type": "transcript.text.done", "text": "I see", "usage": TOKENS},
    )
    events = run(replying(body, SSE).client(), "transcribe_stream", mode, clip)
    assert events[-1] == TranscriptTextDone(text="I see", usage=UsageTokens(**TOKENS))


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (TOKENS, UsageTokens(**TOKENS)),
        ({"seconds": 9}, UsageDuration(seconds=9)),
        ({"type": "credits", "n": 1}, UsageOther(type="credits", n=1)),
        ({"type": "tokens"}, UsageOther(type="tokens")),
    ],
)
def test_json_transcript_usage_is_inferred_or_kept_raw(
    clip: Path, usage: dict[str, Any], expected: object
) -> None:
    body = json.dumps({"text": "hello", "usage": usage}).encode()
    result = replying(body).client().transcribe(clip)
    assert (result.text, result.usage) == ("hello", expected)


# -- 2: VAD settings as bracketed fields, from the client, the tools and the loader


@pytest.mark.parametrize(
    "strategy",
    [{"type": "server_vad", "threshold": 0.5, "silence_duration_ms": 200}],
)
def test_chunking_strategy_dict_goes_out_as_bracketed_fields(
    clip: Path, strategy: dict[str, Any]
) -> None:
    api = FakeApi()
    api.client().transcribe(clip, chunking_strategy=strategy)
    chunking = [f for f in api.fields() if f[0].startswith("chunking_strategy")]
    assert chunking == [
        ("chunking_strategy[type]", "server_vad"),
        ("chunking_strategy[silence_duration_ms]", "200"),
        ("chunking_strategy[threshold]", "0.5"),
    ]


def test_a_malformed_chunking_dict_is_a_typed_input_error(clip: Path) -> None:
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match="chunking_strategy"):
        api.client().transcribe(clip, chunking_strategy={"type": "manual"})
    assert api.requests == []


def test_tool_toolkit_and_loader_send_chunking_strategy(audio_dir: Path) -> None:
    api = FakeApi()
    client = api.client()
    tool = OneRouterTranscriptionTool(client=client, root_dir=audio_dir, chunking_strategy="auto")
    tool.invoke({"file_path": "hello.mp3"})
    assert ("chunking_strategy", "auto") in api.fields()
    toolkit = OneRouterAudioToolkit(
        client=client, root_dir=audio_dir, chunking_strategy={"type": "server_vad"}
    )
    toolkit.get_tools()[1].invoke({"file_path": "hello.mp3"})
    assert ("chunking_strategy[type]", "server_vad") in api.fields()
    loader = OneRouterTranscriptLoader(
        audio_dir / "hello.mp3", client=client, chunking_strategy="auto"
    )
    loader.load()
    assert ("chunking_strategy", "auto") in api.fields()


# -- 3: streamed diarization, and wrong keywords as typed errors

TURN = {"type": "transcript.text.segment", "id": "seg_1", "start": 0.0, "end": 1.5,
        "text": "Hi.", "speaker": "A"}  # fmt: skip


def test_stream_can_ask_for_diarized_json_and_gets_typed_turns(clip: Path, mode: str) -> None:
    api = replying(sse(TURN, {"type": "transcript.text.done", "text": "Hi."}), SSE)
    model = "gpt-4o-transcribe-diarize"
    events = run(
        api.client(), "transcribe_stream", mode, clip, model=model, response_format="diarized_json"
    )
    assert ("response_format", "diarized_json") in api.fields()
    assert ("stream", "true") in api.fields()
    assert events == [DiarizedSegment(**TURN), TranscriptTextDone(text="Hi.")]


def test_a_diarized_answer_that_does_not_stream_gives_its_turns_then_done(
    clip: Path, mode: str
) -> None:
    body = {"text": "Hi.", "duration": 1.5, "segments": [TURN], "usage": {"seconds": 2}}
    api = replying(json.dumps(body).encode(), {"content-type": "application/json"})
    events = run(api.client(), "transcribe_stream", mode, clip, response_format="diarized_json")
    assert events[0] == DiarizedSegment(**TURN)
    assert events[1].text == "Hi."
    assert events[1].usage == UsageDuration(seconds=2)


@pytest.mark.parametrize(
    ("method", "args", "options"),
    [
        ("transcribe_stream", "clip", {"response_format": "verbose_json"}),
        ("transcribe_stream", "clip", {"bogus": 1}),
        ("transcribe", "clip", {"temprature": 0.2}),
        ("translate", "clip", {"language": "de"}),
        ("speech", "text", {"format": "mp3"}),
    ],
)
def test_every_wrong_keyword_is_a_typed_input_error(
    clip: Path, mode: str, method: str, args: str, options: dict[str, Any]
) -> None:
    api = FakeApi()
    first = clip if args == "clip" else "Hello."
    with pytest.raises(OneRouterInputError):
        run(api.client(), method, mode, first, **options)
    assert api.requests == []


# -- 4: custom voices


def test_a_custom_voice_object_is_sent_as_is(mode: str) -> None:
    api = FakeApi()
    run(api.client(), "speech", mode, "Hello.", voice={"id": "voice_1234"})
    assert api.json()["voice"] == {"id": "voice_1234"}


def test_a_custom_voice_works_on_the_tool_and_the_synthesizer(tmp_path: Path) -> None:
    api = FakeApi()
    tool = OneRouterTextToSpeechTool(
        client=api.client(), output_dir=tmp_path, voice={"id": "voice_1234"}
    )
    tool.invoke({"text": "Hello."})
    assert api.json()["voice"] == {"id": "voice_1234"}
    OneRouterSpeechSynthesizer(client=api.client(), voice={"id": "voice_9"}).invoke("Hello.")
    assert api.json()["voice"] == {"id": "voice_9"}


@pytest.mark.parametrize("voice", [{"id": ""}, {"name": "x"}, {"id": "v", "x": 1}, 5])
def test_a_malformed_voice_is_refused(voice: object) -> None:
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match="custom voice"):
        api.client().speech("Hello.", voice=voice)  # type: ignore[arg-type]
    assert api.requests == []


# -- 5: speech usage from the event stream

SPEECH_SSE = sse(
    {"type": "speech.audio.delta", "audio": base64.b64encode(AUDIO).decode()},
    {
        "type": "speech.audio.done",
        "usage": {"input_tokens": 4, "output_tokens": 9, "total_tokens": 13},
    },
)
USAGE = SpeechUsage(input_tokens=4, output_tokens=9, total_tokens=13)


def test_speech_event_stream_usage_reaches_on_usage(mode: str, tmp_path: Path) -> None:
    seen: list[SpeechUsage] = []
    client = replying(SPEECH_SSE, SSE).client()
    audio = run(client, "speech", mode, "Hi.", stream_format="sse", on_usage=seen.append)
    run(client, "speech_to_file", mode, tmp_path / "a.mp3", "Hi.", stream_format="sse",
        on_usage=seen.append)  # fmt: skip
    assert audio == AUDIO
    assert (tmp_path / "a.mp3").read_bytes() == AUDIO
    assert seen == [USAGE, USAGE]


def test_the_speech_tool_artifact_holds_the_usage(mode: str, tmp_path: Path) -> None:
    api = replying(SPEECH_SSE, SSE)
    tool = OneRouterTextToSpeechTool(client=api.client(), output_dir=tmp_path, stream_format="sse")
    call = {"type": "tool_call", "id": "1", "name": "text_to_speech", "args": {"text": "Hi."}}
    message = tool.invoke(call) if mode == "sync" else asyncio.run(tool.ainvoke(call))
    assert api.json()["stream_format"] == "sse"
    assert message.artifact["usage"] == USAGE


# -- 6: fields the typed models used to drop or invent


def test_languages_segment_id_and_integer_logprob_bytes_are_read(clip: Path) -> None:
    delta = {"type": "transcript.text.delta", "delta": "I", "segment_id": "seg_1",
             "logprobs": [{"token": "I", "logprob": -0.1, "bytes": [73]}]}  # fmt: skip
    done = {"type": "transcript.text.done", "text": "I", "languages": [{"code": "en"}]}
    events = replying(sse(delta, done), SSE).client().transcribe_stream(clip)
    first, last = list(events)
    assert isinstance(first, TranscriptTextDelta)
    assert first.segment_id == "seg_1"
    assert first.logprobs is not None
    assert first.logprobs[0].bytes == [73]
    assert isinstance(first.logprobs[0].bytes[0], int)
    assert last.languages == [TranscriptionLanguage(code="en")]
    body = json.dumps({"text": "I", "languages": [{"code": "yue"}]}).encode()
    assert replying(body).client().transcribe(clip).languages == [TranscriptionLanguage(code="yue")]


def test_a_stream_answered_at_once_keeps_every_field(clip: Path, mode: str) -> None:
    body = {"text": "I", "languages": [{"code": "en"}], "usage": {"seconds": 1}, "extra": 1}
    api = replying(json.dumps(body).encode(), {"content-type": "application/json"})
    (done,) = run(api.client(), "transcribe_stream", mode, clip)
    assert done.model_dump(exclude_unset=True) == body


def test_segment_details_a_server_leaves_out_are_none() -> None:
    segment = Segment.model_validate({"id": 0, "start": 0, "end": 1, "text": "hi"})
    assert (segment.seek, segment.tokens, segment.no_speech_prob) == (None, None, None)
    assert segment.model_dump(exclude_unset=True) == {"id": 0, "start": 0, "end": 1, "text": "hi"}


# -- 7: one table of model limits, applied by client, loader and command line


@pytest.mark.parametrize("method", ["transcribe", "translate"])
def test_the_client_refuses_a_format_the_model_cannot_give(
    clip: Path, mode: str, method: str
) -> None:
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match="gpt-4o-transcribe gives only json, text"):
        run(api.client(), method, mode, clip, model="gpt-4o-transcribe", response_format="srt")
    assert api.requests == []
    run(api.client(), method, mode, clip, model="router/new-model", response_format="srt")
    assert len(api.requests) == 1  # unknown models pass untouched


@pytest.mark.parametrize("cls", [OneRouterTranscriptLoader, OneRouterAudioParser])
def test_the_loader_and_parser_refuse_segments_with_gpt4o_when_built(
    audio_dir: Path, cls: Callable[..., object]
) -> None:
    api = FakeApi([transcript_of_upload])
    args = (audio_dir,) if cls is OneRouterTranscriptLoader else ()
    with pytest.raises(OneRouterInputError, match="mode='segments' needs verbose_json"):
        cls(*args, client=api.client(), mode="segments", model="gpt-4o-transcribe")
    cls(*args, client=api.client(), mode="single", model="gpt-4o-transcribe")
    assert api.uploads == []


def test_the_cli_refuses_a_format_the_model_cannot_give(
    audio_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    monkeypatch.setenv("ONEROUTER_BASE_URL", "http://127.0.0.1:9/v1")  # never reached
    argv = ["transcribe", str(audio_dir / "hello.mp3"), "--model", "gpt-4o-transcribe"]
    assert main([*argv, "--format", "verbose_json"]) == 2
    assert "gives only json, text" in capsys.readouterr().err
    load = ["load", str(audio_dir / "hello.mp3"), "--model", "gpt-4o-transcribe"]
    assert main([*load, "--mode", "segments"]) == 2
    assert "needs verbose_json" in capsys.readouterr().err


# -- 8: a long Retry-After is not hammered


def test_retry_after_over_the_cap_raises_at_once_with_retry_after(mode: str) -> None:
    api, waits = FakeApi([error_response(429, headers={"retry-after": "600"})]), Waits()
    with pytest.raises(OneRouterRateLimitError) as caught:
        run(api.client(waits.policy()), "speech", mode, "Hi.")
    assert caught.value.retry_after == 600.0
    assert (len(api.requests), waits.seconds) == (1, [])


def test_retry_after_within_the_cap_is_still_waited_for() -> None:
    api, waits = FakeApi([error_response(429, headers={"retry-after": "60"}), answer]), Waits()
    assert api.client(waits.policy()).speech("Hi.") == answer(api.requests[0]).content
    assert waits.seconds == [60.0]


# -- 9: instructions within the limit


def test_instructions_over_4096_characters_are_refused_before_sending() -> None:
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match="instructions text is 4,097 characters"):
        api.client().speech("Hello.", instructions="i" * 4097)
    assert api.requests == []


# -- 10: judged by the bytes, named for the server; language tags pass

ADTS = b"\xff\xf1\x50\x80\x02\x1f\xfc" + bytes(64)


@pytest.mark.parametrize(
    ("name", "source", "sent", "content_type"),
    [
        ("voice.opus", "hello.ogg", "voice.ogg", "audio/ogg"),
        ("voice.oga", "hello.ogg", "voice.ogg", "audio/ogg"),
        ("note.txt", "hello.mp3", "note.mp3", "audio/mpeg"),
        ("clip.aac", None, "clip.aac", "audio/aac"),
        ("clip.m4a", "hello.m4a", "clip.m4a", "audio/mp4"),
    ],
)
def test_uploads_go_out_under_the_name_their_bytes_deserve(
    audio_dir: Path, name: str, source: str | None, sent: str, content_type: str
) -> None:
    path = audio_dir / name
    path.write_bytes(ADTS if source is None else (audio_dir / source).read_bytes())
    api = FakeApi()
    api.client().transcribe(path)
    assert file_part(api) == (sent, content_type)


@pytest.mark.parametrize("language", ["yue", "en-US", "zh-Hant-TW", "de"])
def test_well_formed_language_tags_pass(clip: Path, language: str) -> None:
    api = FakeApi()
    api.client().transcribe(clip, language=language, languages=[language])
    assert ("language", language) in api.fields()
    assert ("languages[]", language) in api.fields()


def test_the_tool_takes_a_language_tag(audio_dir: Path) -> None:
    api = FakeApi()
    tool = OneRouterTranscriptionTool(client=api.client(), root_dir=audio_dir)
    tool.invoke({"file_path": "hello.mp3", "language": "en-GB"})
    assert ("language", "en-GB") in api.fields()


def test_a_folder_load_takes_opus_oga_and_aac_and_lists_what_it_skips(audio_dir: Path) -> None:
    folder = audio_dir / "voice-notes"
    folder.mkdir()
    ogg = (audio_dir / "hello.ogg").read_bytes()
    (folder / "a.opus").write_bytes(ogg)
    (folder / "b.oga").write_bytes(ogg)
    (folder / "c.aac").write_bytes(ADTS)
    shutil.copy(audio_dir / "corrupt.mp3", folder / "d.mp3")
    api = FakeApi([transcript_of_upload])
    loader = OneRouterTranscriptLoader(folder, client=api.client(), on_error="skip")
    docs = loader.load()
    assert api.filenames() == ["a.ogg", "b.ogg", "c.aac"]
    assert [Path(d.metadata["source"]).name for d in docs] == ["a.opus", "b.oga", "c.aac"]
    assert [Path(f.source).name for f in loader.failures] == ["d.mp3"]


# -- 11: audio in memory, everywhere audio is taken


def _inputs(audio_dir: Path) -> dict[str, Callable[[], Any]]:
    clip = audio_dir / "hello.mp3"
    data = clip.read_bytes()
    return {
        "bytes": lambda: data,
        "named-bytes": lambda: ("talk.mp3", data),
        "bytesio": lambda: io.BytesIO(data),
        "open-rb": lambda: clip.open("rb"),
        "path": lambda: clip,
        "str": lambda: str(clip),
    }


INPUTS = ["bytes", "named-bytes", "bytesio", "open-rb", "path", "str"]


@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("method", ["transcribe", "translate", "transcribe_stream"])
def test_the_client_takes_audio_in_memory_and_on_disk(
    audio_dir: Path, mode: str, kind: str, method: str
) -> None:
    api = FakeApi()
    audio = _inputs(audio_dir)[kind]()
    try:
        run(api.client(), method, mode, audio)
    finally:
        if hasattr(audio, "close"):
            audio.close()
    filename, content_type = file_part(api)
    assert content_type == "audio/mpeg"
    assert filename == {
        "bytes": "audio.mp3",
        "bytesio": "audio.mp3",
        "named-bytes": "talk.mp3",
    }.get(kind, "hello.mp3")
    upload = next(p for p in parts(api.last) if p.filename is not None)
    assert upload.value == (audio_dir / "hello.mp3").read_bytes()


@pytest.mark.parametrize(
    ("audio", "message"),
    [
        (io.StringIO("text"), "binary mode"),
        (b"plain text, not audio", "match no audio format"),
        (12, "not understood"),
        (("a.mp3", "not bytes"), "not understood"),
    ],
)
def test_what_is_not_audio_is_a_typed_input_error(audio: object, message: str) -> None:
    api = FakeApi()
    with pytest.raises(OneRouterInputError, match=message):
        api.client().transcribe(audio)  # type: ignore[arg-type]
    assert api.requests == []


def test_the_loader_takes_recordings_in_memory(audio_dir: Path) -> None:
    data = (audio_dir / "hello.mp3").read_bytes()
    api = FakeApi([transcript_of_upload])
    loader = OneRouterTranscriptLoader(
        [("talk.mp3", data), io.BytesIO(data), audio_dir / "german.mp3"], client=api.client()
    )
    docs = loader.load()
    assert [d.metadata["source"] for d in docs] == [
        "talk.mp3",
        "audio",
        str(audio_dir / "german.mp3"),
    ]
    assert loader.load() == docs  # the file object was read once, when given
    assert len(OneRouterTranscriptLoader(data, client=api.client()).load()) == 1


# -- 12: a LangChain rate limiter, per attempt


class CountingLimiter(InMemoryRateLimiter):
    """Never waits; counts how often it is asked."""

    def __init__(self) -> None:
        super().__init__(requests_per_second=1000)
        self.asked = 0

    def acquire(self, *, blocking: bool = True) -> bool:
        self.asked += 1
        return True

    async def aacquire(self, *, blocking: bool = True) -> bool:
        self.asked += 1
        return True


@pytest.mark.parametrize("method", ["speech", "transcribe", "transcribe_stream"])
def test_the_rate_limiter_is_asked_before_every_attempt(clip: Path, mode: str, method: str) -> None:
    limiter = CountingLimiter()
    api = FakeApi([error_response(503), error_response(503), answer])
    client = api.client(Waits().policy())
    client.rate_limiter = limiter
    run(client, method, mode, "Hi." if method == "speech" else clip)
    assert limiter.asked == len(api.requests) == 3


def test_the_client_takes_rate_limiter_and_refuses_anything_else() -> None:
    limiter = InMemoryRateLimiter(requests_per_second=5)
    assert OneRouterAudioClient(api_key=KEY, rate_limiter=limiter).rate_limiter is limiter
    with pytest.raises(OneRouterInputError, match="BaseRateLimiter"):
        OneRouterAudioClient(api_key=KEY, rate_limiter=object())  # type: ignore[arg-type]


def test_every_face_builds_its_client_with_the_rate_limiter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEROUTER_API_KEY", KEY)
    limiter = InMemoryRateLimiter(requests_per_second=5)
    faces: list[Any] = [
        OneRouterTextToSpeechTool(rate_limiter=limiter, output_dir=tmp_path),
        OneRouterTranscriptionTool(rate_limiter=limiter),
        OneRouterTranslationTool(rate_limiter=limiter),
        OneRouterAudioToolkit(rate_limiter=limiter),
        OneRouterSpeechSynthesizer(rate_limiter=limiter),
        OneRouterTranscriptLoader(tmp_path, rate_limiter=limiter).transcriber,
        OneRouterAudioParser(rate_limiter=limiter).transcriber,
    ]
    assert all(face.client.rate_limiter is limiter for face in faces)
    assert all(tool.client.rate_limiter is limiter for tool in faces[3].get_tools())
    with pytest.raises(Exception, match="either client= or client settings"):
        OneRouterTranscriptionTool(client=faces[0].client, rate_limiter=limiter)


def test_a_real_in_memory_limiter_paces_requests(clip: Path) -> None:
    limiter = InMemoryRateLimiter(requests_per_second=50, check_every_n_seconds=0.005)
    api = FakeApi()
    client = api.client(rate_limiter=limiter)
    for _ in range(3):
        client.transcribe(clip)
    assert len(api.requests) == 3


def test_the_over_the_cap_refusal_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    api = FakeApi([error_response(429, headers={"retry-after": "3600"})])
    with (
        caplog.at_level(logging.INFO, "langchain_onerouter_audio"),
        pytest.raises(OneRouterRateLimitError),
    ):
        api.client(Waits().policy()).speech("Hi.")
    assert "over max_retry_after" in caplog.text


def test_transcription_result_keeps_unknown_usage_when_parsed_directly() -> None:
    result = Transcription.model_validate({"text": "x", "usage": {"type": "minutes", "m": 2}})
    assert isinstance(result.usage, UsageOther)
    assert result.model_dump(exclude_unset=True)["usage"] == {"type": "minutes", "m": 2}
