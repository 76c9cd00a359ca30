"""Audio from where users keep it: content blocks, Blobs, URLs in tools, messages and the CLI."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents.base import Blob
from langchain_core.messages import HumanMessage
from langchain_core.messages.content import create_audio_block

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterInputError,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
    OneRouterTranslationTool,
    atranscribe_message,
    transcribe_message,
)
from langchain_onerouter_audio.cli import main
from tests._calls import call, collect_stream
from tests.unit_tests.fake_api import AUDIO, TRANSCRIPT, FakeApi
from tests.unit_tests.loopback_server import LocalServer, Seen, respond, respond_json

B64 = base64.b64encode(AUDIO).decode()
MP3 = {"content-type": "audio/mpeg"}


def block(**source: Any) -> dict[str, Any]:
    return dict(create_audio_block(mime_type="audio/mpeg", **source))


@pytest.fixture
def audio_host() -> Any:
    with LocalServer(lambda seen: respond(200, AUDIO, MP3)) as server:
        yield server


# -- the client


@pytest.mark.parametrize(
    "audio",
    [
        block(base64=B64),
        {"type": "audio", "source_type": "base64", "data": B64, "mime_type": "audio/mpeg"},
        Blob.from_data(AUDIO, path="uploads/3f9c2a1b", mime_type="audio/mpeg"),
    ],
    ids=["v1-block", "v0-block", "blob"],
)
def test_the_client_takes_blocks_and_blobs(mode: str, audio: Any) -> None:
    api = FakeApi()
    assert call(api.client(), "transcribe", mode, audio).text == "hello there"
    assert api.uploads[0].filename.endswith(".mp3")


def test_a_file_backed_blob_and_a_path_block_stream_from_disk(mode: str, tmp_path: Path) -> None:
    clip = tmp_path / "note.mp3"
    clip.write_bytes(AUDIO)
    api = FakeApi()
    call(api.client(), "translate", mode, Blob.from_path(clip))
    call(api.client(), "transcribe", mode, {"type": "audio", "path": str(clip)})
    assert api.filenames() == ["note.mp3", "note.mp3"]


def test_a_block_url_is_fetched_by_the_client(mode: str, audio_host: LocalServer) -> None:
    api = FakeApi()
    address = f"http://127.0.0.1:{audio_host.port}/voice.mp3"
    events = collect_stream(
        api.client(allow_private_urls=True), "transcribe_stream", mode, block(url=address)
    )
    assert events
    assert api.uploads[0].filename == "voice.mp3"


def test_a_file_id_block_is_refused(mode: str) -> None:
    with pytest.raises(OneRouterInputError, match="file id"):
        call(FakeApi().client(), "transcribe", mode, {"type": "audio", "file_id": "file-1"})


def test_a_dict_that_is_not_an_audio_block_is_refused(mode: str) -> None:
    with pytest.raises(OneRouterInputError, match="audio content block"):
        call(FakeApi().client(), "transcribe", mode, {"type": "text", "text": "hi"})


def test_a_local_path_that_looks_like_a_scheme_stays_a_path(mode: str, tmp_path: Path) -> None:
    with pytest.raises(OneRouterInputError, match="No file at"):
        call(FakeApi().client(), "transcribe", mode, str(tmp_path / "https:" / "x.mp3"))


# -- the loader and the parser


def test_the_loader_takes_every_input_kind(
    mode: str, tmp_path: Path, audio_host: LocalServer
) -> None:
    clip = tmp_path / "disk.mp3"
    clip.write_bytes(AUDIO)
    address = f"http://127.0.0.1:{audio_host.port}/web.mp3?token=abc"
    api = FakeApi()
    loader = OneRouterTranscriptLoader(
        [
            clip,
            address,
            block(base64=B64),
            Blob.from_data(AUDIO, path="memo.mp3"),
            ("pair.mp3", AUDIO),
        ],
        client=api.client(),
        allow_private_urls=True,
    )

    docs = call(loader, "load", mode)

    assert [doc.metadata["source"] for doc in docs] == [
        str(clip),
        f"http://127.0.0.1:{audio_host.port}/web.mp3",
        "audio.mp3",
        "memo.mp3",
        "pair.mp3",
    ]


def test_one_block_is_one_input(mode: str) -> None:
    loader = OneRouterTranscriptLoader(block(base64=B64), client=FakeApi().client())
    assert len(call(loader, "load", mode)) == 1


def test_the_parser_fetches_a_blob_whose_path_is_a_url(mode: str, audio_host: LocalServer) -> None:
    address = f"http://127.0.0.1:{audio_host.port}/feed/ep1.mp3?sig=s3cr3t"
    api = FakeApi()
    parser = OneRouterAudioParser(client=api.client(), allow_private_urls=True)

    docs = collect_stream(parser, "lazy_parse", mode, Blob(path=address))

    assert docs[0].metadata["source"] == f"http://127.0.0.1:{audio_host.port}/feed/ep1.mp3"
    assert api.uploads[0].filename == "ep1.mp3"


def test_an_in_memory_blob_named_by_a_url_keeps_its_query_out_of_the_upload(mode: str) -> None:
    api = FakeApi()
    blob = Blob.from_data(AUDIO, path="https://cdn.example/a/ep.mp3?sig=s3cr3t")
    docs = collect_stream(OneRouterAudioParser(client=api.client()), "lazy_parse", mode, blob)
    assert api.uploads[0].filename == "ep.mp3"
    assert docs[0].metadata["source"] == "https://cdn.example/a/ep.mp3"


# -- the tools: URLs only when the application opts in; blocks and blobs from application code


@pytest.mark.parametrize("tool_class", [OneRouterTranscriptionTool, OneRouterTranslationTool])
def test_a_model_written_url_is_refused_unless_allowed(
    mode: str, tool_class: type[OneRouterTranscriptionTool], audio_host: LocalServer
) -> None:
    address = f"http://127.0.0.1:{audio_host.port}/a.mp3"
    tool = tool_class(client=FakeApi().client(allow_private_urls=True))
    message = call(tool, "invoke", mode, _tool_call(address))
    assert message.status == "error"
    assert "not URLs" in message.content
    assert audio_host.requests == []


def test_a_tool_fetches_from_allowed_hosts_only(mode: str, audio_host: LocalServer) -> None:
    client = FakeApi().client(allow_private_urls=True)
    allowed = OneRouterTranscriptionTool(client=client, allowed_url_hosts=["127.0.0.1"])
    other = OneRouterTranscriptionTool(client=client, allowed_url_hosts=["cdn.example"])
    address = f"http://127.0.0.1:{audio_host.port}/a.mp3"

    assert call(allowed, "invoke", mode, _tool_call(address)).content == "hello there"
    refused = call(other, "invoke", mode, _tool_call(address))
    assert refused.status == "error"
    assert "cdn.example" in refused.content


def test_allow_urls_still_refuses_private_addresses(mode: str, audio_host: LocalServer) -> None:
    tool = OneRouterTranscriptionTool(client=FakeApi().client(), allow_urls=True)
    message = call(tool, "invoke", mode, _tool_call(f"http://127.0.0.1:{audio_host.port}/a"))
    assert message.status == "error"
    assert "private" in message.content


def test_a_tool_takes_a_block_or_a_blob_from_application_code(mode: str, tmp_path: Path) -> None:
    tool = OneRouterTranscriptionTool(client=FakeApi().client(), root_dir=tmp_path)
    for audio in (block(base64=B64), Blob.from_data(AUDIO, path="note.mp3")):
        assert call(tool, "invoke", mode, {"file_path": audio}) == "hello there"


def test_a_block_path_outside_root_dir_is_refused(mode: str, tmp_path: Path) -> None:
    outside = tmp_path / "outside.mp3"
    outside.write_bytes(AUDIO)
    root = tmp_path / "root"
    root.mkdir()
    tool = OneRouterTranscriptionTool(client=FakeApi().client(), root_dir=root)
    message = call(tool, "invoke", mode, _tool_call({"type": "audio", "path": str(outside)}))
    assert message.status == "error"
    assert "outside the allowed folder" in message.content


def test_the_model_sees_file_path_as_a_string() -> None:
    tool = OneRouterTranscriptionTool(api_key="k")
    schema = tool.tool_call_schema.model_json_schema()  # type: ignore[union-attr]
    assert schema["properties"]["file_path"]["type"] == "string"


def _tool_call(file_path: Any) -> dict[str, Any]:
    return {
        "args": {"file_path": file_path},
        "id": "1",
        "name": "transcribe_audio",
        "type": "tool_call",
    }


# -- a message's audio blocks


def test_transcribe_message_reads_each_audio_block(mode: str) -> None:
    message = HumanMessage(
        content=[{"type": "text", "text": "two notes"}, block(base64=B64), block(base64=B64)]
    )
    helper = transcribe_message if mode == "sync" else atranscribe_message
    result = call_helper(helper, mode, message, FakeApi().client())
    assert [item.text for item in result] == ["hello there", "hello there"]


def test_transcribe_message_fetches_urls_only_when_allowed(
    mode: str, audio_host: LocalServer
) -> None:
    note = block(url=f"http://127.0.0.1:{audio_host.port}/n.mp3")
    client = FakeApi().client(allow_private_urls=True)
    helper = transcribe_message if mode == "sync" else atranscribe_message
    with pytest.raises(OneRouterInputError, match="allow_urls=True"):
        call_helper(helper, mode, HumanMessage(content=[note]), client)
    with pytest.raises(OneRouterInputError, match="path"):
        call_helper(helper, mode, [{"type": "audio", "path": "/etc/passwd"}], client)
    assert call_helper(helper, mode, [note], client, allow_urls=True)[0].text == "hello there"


def call_helper(helper: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
    import asyncio

    return asyncio.run(helper(*args, **kwargs)) if mode == "async" else helper(*args, **kwargs)


# -- the command line


def test_the_cli_transcribes_a_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def handler(seen: Seen) -> Any:
        if seen.path.endswith("/audio/transcriptions"):
            return respond_json(200, TRANSCRIPT)
        return respond(200, AUDIO, MP3)

    with LocalServer(handler) as server:
        monkeypatch.setenv("ONEROUTER_API_KEY", "sk-cli-url-test")
        monkeypatch.setenv("ONEROUTER_BASE_URL", server.base_url)
        address = f"http://127.0.0.1:{server.port}/ep.mp3"
        assert main(["transcribe", address, "--format", "json", "--allow-private-urls"]) == 0
        assert "hello there" in capsys.readouterr().out
        assert main(["transcribe", address]) == 2
        assert "private" in capsys.readouterr().err
