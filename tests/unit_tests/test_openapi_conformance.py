"""Every request the client builds validates against the official OpenAPI description.

The audio subset of that description is vendored in ``tests/openapi/audio.json`` (see its
README). Request bodies are checked with ``jsonschema``: the speech JSON as it is, and each
multipart upload as the object its parts stand for (``name[]`` parts are arrays, as in the
spec's own examples; ``name[key]`` parts are objects, as the official SDK sends them). Every
response example the description publishes is parsed with the package's models, without an
error and without losing a field.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pydantic
import pytest

from langchain_onerouter_audio import OneRouterAudioClient
from langchain_onerouter_audio._responses import TranscriptStream, parse_transcript
from langchain_onerouter_audio.models import (
    SPEECH_FORMATS,
    ServerVad,
    SpeechStreamEvent,
    TranscriptionStreamEvent,
)
from tests._calls import call, collect_stream
from tests.unit_tests.fake_api import (
    AUDIO,
    DIARIZED,
    TEXT_BODIES,
    TRANSCRIPT,
    VERBOSE,
    FakeApi,
    form,
    parts,
)

SPEC = json.loads(
    (Path(__file__).resolve().parents[1] / "openapi" / "audio.json").read_text(encoding="utf-8")
)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]


# -- the spec as a validator


def validate(body: object, schema_name: str) -> None:
    """Validate ``body`` against one of the spec's component schemas."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return _resolve(SCHEMAS[ref.rsplit("/", 1)[1]]) if isinstance(ref, str) else schema


def _branches(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The schema and every alternative it allows, references followed."""
    schema = _resolve(schema)
    yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, ()):
            yield from _branches(branch)


def _types(schema: dict[str, Any]) -> set[str]:
    return {t for branch in _branches(schema) if isinstance(t := branch.get("type"), str)}


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    for branch in _branches(schema):
        if name in branch.get("properties", {}):
            return dict(branch["properties"][name])
    return {}


def _scalar(value: str, schema: dict[str, Any]) -> object:
    """A form value as the JSON value it stands for, by the type the spec gives it."""
    types = _types(schema)
    if "string" in types or not types:
        return value
    if "boolean" in types and value in ("true", "false"):
        return value == "true"
    return json.loads(value)


_FIELD = re.compile(r"^(?P<name>[^\[]+)(?:\[(?P<key>[^\]]*)\])?$")


def form_object(request: httpx.Request, schema_name: str) -> dict[str, Any]:
    """The object a multipart upload stands for, typed by the request schema."""
    schema = SCHEMAS[schema_name]
    body: dict[str, Any] = {}
    for part in parts(request):
        if part.filename is not None:
            body[part.name] = "<binary>"
            continue
        match = _FIELD.match(part.name)
        assert match, part.name
        name, key, value = match["name"], match["key"], part.value.decode()
        field = _property(schema, name)
        if key is None:
            assert name not in body, f"{name} sent twice"
            body[name] = _scalar(value, field)
        elif key == "":
            items = next((b["items"] for b in _branches(field) if "items" in b), {})
            body.setdefault(name, []).append(_scalar(value, items))
        else:
            body.setdefault(name, {})[key] = _scalar(value, _property(field, key))
    return body


# -- a server that answers each request in the shape asked for


def _sse(*events: dict[str, Any]) -> httpx.Response:
    text = "".join(f"data: {json.dumps(event)}\n\n" for event in events)
    return httpx.Response(200, text=text, headers={"content-type": "text/event-stream"})


def respond(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/audio/speech"):
        if json.loads(request.content).get("stream_format") == "sse":
            audio = base64.b64encode(AUDIO).decode()
            usage = {"input_tokens": 3, "output_tokens": 9, "total_tokens": 12}
            return _sse(
                {"type": "speech.audio.delta", "audio": audio},
                {"type": "speech.audio.done", "usage": usage},
            )
        return httpx.Response(200, content=AUDIO, headers={"content-type": "audio/mpeg"})
    fields = dict(form(request))
    fmt = fields.get("response_format", "json")
    if fields.get("stream") == "true":
        return _sse({"type": "transcript.text.done", "text": "hi"})
    bodies = {"json": TRANSCRIPT, "verbose_json": VERBOSE, "diarized_json": DIARIZED}
    if fmt in bodies:
        return httpx.Response(200, json=bodies[fmt])
    return httpx.Response(200, text=TEXT_BODIES.get(fmt, "hi\n"))


@pytest.fixture
def api() -> FakeApi:
    return FakeApi([respond])


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp3"
    path.write_bytes(AUDIO)
    return path


def _run(client: OneRouterAudioClient, method: str, mode: str, *args: Any, **kw: Any) -> Any:
    if method.endswith("_stream"):
        return collect_stream(client, method, mode, *args, **kw)
    return call(client, method, mode, *args, **kw)


# -- the matrix: every option of every method, each value the wire format closes

SPEECH_CASES: list[dict[str, Any]] = [
    {},
    *({"response_format": fmt} for fmt in SPEECH_FORMATS),
    {"model": "tts-1", "voice": "nova"},
    {"model": "some-provider/tts", "voice": "a-voice-of-theirs"},
    {"voice": {"id": "voice_1234"}},
    {"instructions": "warm and calm"},
    {"instructions": "i" * 4096},
    {"speed": 0.25},
    {"speed": 4.0},
    {"stream_format": "audio"},
    {"stream_format": "sse"},
    {
        "model": "gpt-4o-mini-tts",
        "voice": "coral",
        "instructions": "slowly",
        "response_format": "wav",
        "speed": 1.5,
        "stream_format": "sse",
    },
]

VAD = ServerVad(prefix_padding_ms=300, silence_duration_ms=500, threshold=0.5)
DIARIZE = "gpt-4o-transcribe-diarize"
TRANSCRIBE_CASES: list[dict[str, Any]] = [
    {},
    *({"response_format": fmt} for fmt in ("json", "text", "srt", "verbose_json", "vtt")),
    {"response_format": "diarized_json", "model": DIARIZE},
    {"model": "gpt-4o-transcribe", "response_format": "text"},
    {"model": "gpt-4o-mini-transcribe"},
    {"language": "en"},
    {"language": "yue"},
    {"language": "en-US"},
    {"prompt": "Wolfgang, Germany"},
    {"temperature": 0},
    {"temperature": 0.7},
    {"response_format": "verbose_json", "timestamp_granularities": ["word"]},
    {"response_format": "verbose_json", "timestamp_granularities": ["segment"]},
    {"response_format": "verbose_json", "timestamp_granularities": ["word", "segment"]},
    {"model": "gpt-4o-transcribe", "include": ["logprobs"]},
    {"chunking_strategy": "auto"},
    {"chunking_strategy": VAD},
    {"chunking_strategy": ServerVad()},
    {"chunking_strategy": {"type": "server_vad", "threshold": 0.3}},
    {
        "model": DIARIZE,
        "response_format": "diarized_json",
        "chunking_strategy": "auto",
        "known_speaker_names": ["agent", "customer"],
        "known_speaker_references": ["data:audio/wav;base64,AAA", "data:audio/wav;base64,BBB"],
    },
    {"model": "gpt-transcribe", "languages": ["en", "de"]},
    {"model": "gpt-transcribe", "keywords": ["LangChain", "PyAV"]},
]
STREAM_CASES: list[dict[str, Any]] = [
    {"model": "gpt-4o-transcribe"},
    {"model": "gpt-4o-transcribe", "response_format": "json", "include": ["logprobs"]},
    {"model": "gpt-4o-mini-transcribe", "language": "de", "prompt": "names", "temperature": 0.2},
    {"model": DIARIZE, "response_format": "diarized_json", "chunking_strategy": VAD},
    {"model": DIARIZE, "response_format": "diarized_json", "chunking_strategy": "auto"},
]
TRANSLATE_CASES: list[dict[str, Any]] = [
    {},
    *({"response_format": fmt} for fmt in ("json", "text", "srt", "verbose_json", "vtt")),
    {"model": "whisper-1", "prompt": "names", "temperature": 0.4},
    {"model": "some-provider/whisper-large"},
]


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [",".join(f"{k}={str(v)[:24]}" for k, v in case.items()) or "defaults" for case in cases]


@pytest.mark.parametrize("options", SPEECH_CASES, ids=_ids(SPEECH_CASES))
def test_speech_bodies_match_the_spec(api: FakeApi, mode: str, options: dict[str, Any]) -> None:
    _run(api.client(), "speech", mode, "Hello there.", **options)
    validate(api.json(), "CreateSpeechRequest")


FORM_CASES = [
    *(("transcribe", "CreateTranscriptionRequest", case) for case in TRANSCRIBE_CASES),
    *(("transcribe_stream", "CreateTranscriptionRequest", case) for case in STREAM_CASES),
    *(("translate", "CreateTranslationRequest", case) for case in TRANSLATE_CASES),
]


@pytest.mark.parametrize(
    ("method", "schema", "options"),
    FORM_CASES,
    ids=[
        f"{c[0]}:{name}"
        for c, name in zip(FORM_CASES, _ids([c[2] for c in FORM_CASES]), strict=True)
    ],
)
def test_upload_forms_match_the_spec(
    api: FakeApi, clip: Path, mode: str, method: str, schema: str, options: dict[str, Any]
) -> None:
    _run(api.client(), method, mode, clip, **options)
    body = form_object(api.last, schema)
    assert body.get("stream") is (True if method == "transcribe_stream" else None)
    validate(body, schema)


def test_the_vad_settings_go_out_as_the_official_sdk_sends_them(api: FakeApi, clip: Path) -> None:
    api.client().transcribe(clip, chunking_strategy=VAD)
    assert [f for f in api.fields() if f[0].startswith("chunking_strategy")] == [
        ("chunking_strategy[type]", "server_vad"),
        ("chunking_strategy[prefix_padding_ms]", "300"),
        ("chunking_strategy[silence_duration_ms]", "500"),
        ("chunking_strategy[threshold]", "0.5"),
    ]


def test_the_validator_refuses_what_the_spec_refuses() -> None:
    """The check has teeth: the old JSON-string chunking part and an unknown field fail."""
    body = {"file": "<binary>", "model": "whisper-1"}
    with pytest.raises(jsonschema.ValidationError):
        validate(
            {**body, "chunking_strategy": '{"type": "server_vad"}'}, "CreateTranscriptionRequest"
        )
    with pytest.raises(jsonschema.ValidationError):
        validate({**body, "bogus": "1"}, "CreateTranscriptionRequest")
    with pytest.raises(jsonschema.ValidationError):
        validate({"model": "tts-1", "input": "hi", "voice": {"name": "x"}}, "CreateSpeechRequest")


# -- every response example the spec publishes


def _examples() -> Iterator[tuple[str, str, str]]:
    """(where, schema or path, example text) for each published response example."""
    for path, item in SPEC["paths"].items():
        examples = item["post"]["x-oaiMeta"]["examples"]
        for example in [examples] if isinstance(examples, dict) else examples:
            if isinstance(example.get("response"), str):
                yield f"{path} {example.get('title', 'Default')}", path, example["response"]
    for name, schema in SCHEMAS.items():
        example = schema.get("x-oaiMeta", {}).get("example")
        if isinstance(example, str):
            yield name, name, example


EXAMPLES = list(_examples())


def _json_example(text: str) -> Any:
    """An example as JSON: the spec elides repeated items with a ``...`` line."""
    kept = "\n".join(line for line in text.splitlines() if line.strip() != "...")
    return json.loads(re.sub(r",(\s*[\]}])", r"\1", kept))


def _format(kind: str, example: dict[str, Any]) -> str:
    """The transcript format an example is, by its schema or, for a path's, by its shape."""
    named = {
        "CreateTranscriptionResponseJson": "json",
        "CreateTranscriptionResponseVerboseJson": "verbose_json",
        "CreateTranscriptionResponseDiarizedJson": "diarized_json",
        "CreateTranslationResponseJson": "json",
        "CreateTranslationResponseVerboseJson": "verbose_json",
    }
    if kind in named:
        return named[kind]
    segments = example.get("segments") or []
    if segments and "speaker" in segments[0]:
        return "diarized_json"
    return "verbose_json" if {"words", "segments", "language"} & set(example) else "json"


def _dump(model: pydantic.BaseModel) -> Any:
    return model.model_dump(mode="json", exclude_unset=True, by_alias=True)


def test_the_spec_publishes_the_examples_this_suite_reads() -> None:
    kinds = {kind for _, kind, _ in EXAMPLES}
    assert len(EXAMPLES) >= 14
    assert {"/audio/transcriptions", "/audio/translations", "SpeechAudioDoneEvent"} <= kinds


@pytest.mark.parametrize(("kind", "text"), [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES])
def test_every_response_example_parses_without_losing_a_field(kind: str, text: str) -> None:
    if text.startswith("data:"):  # a streamed transcript
        stream = TranscriptStream("text/event-stream", None)
        events = [*stream.feed(text.encode()), *stream.finish()]
        sent = [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:")]
        assert [_dump(event) for event in events] == sent
        return
    example = _json_example(text)
    if kind.startswith("Speech"):
        event = pydantic.TypeAdapter(SpeechStreamEvent).validate_python(example)
        assert _dump(event) == example
    elif kind.startswith("TranscriptText"):
        parsed = pydantic.TypeAdapter(TranscriptionStreamEvent).validate_python(example)
        assert _dump(parsed) == example
    else:
        result = parse_transcript(_format(kind, example), json.dumps(example).encode())
        assert isinstance(result, pydantic.BaseModel)
        assert _dump(result) == example
