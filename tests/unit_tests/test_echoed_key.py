"""A key echoed by the server, in any string of its answer, never reaches an error or a log."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterTranscriptionTool
from langchain_onerouter_audio.errors import OneRouterError
from tests._calls import call, collect_stream
from tests.unit_tests._agents import run_tool_in_agent
from tests.unit_tests.fake_api import AUDIO, KEY, FakeApi


def _error(status: int, **fields: Any) -> httpx.Response:
    body = {"message": "no", "type": "t", "param": None, "code": None, **fields}
    return httpx.Response(
        status, json={"error": body}, headers={"x-request-id": f"req-{KEY}", "x-echo": KEY}
    )


ECHOES = {
    "message": _error(400, message=f"bad key {KEY}"),
    "code": _error(400, code=f"invalid_key:{KEY}"),
    "param": _error(400, param=KEY),
    "type": _error(401, type=f"auth {KEY}"),
    "numeric code with key": _error(400, code={"key": KEY}),
    "request id only": _error(500),
    "2xx error object": httpx.Response(
        200, json={"error": {"message": KEY}}, headers={"x-request-id": KEY}
    ),
    "2xx wrong content type": httpx.Response(
        200, text="x", headers={"content-type": f"text/{KEY}", "x-request-id": KEY}
    ),
    "unreadable json": httpx.Response(200, json={"nope": 1}, headers={"x-request-id": KEY}),
}


def _texts(error: BaseException) -> str:
    return repr(error) + str(error) + repr(vars(error))


@pytest.mark.parametrize("case", list(ECHOES))
def test_no_echoed_key_in_errors_or_logs(
    mode: str, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    api = FakeApi([ECHOES[case]])
    caplog.set_level(logging.DEBUG, logger="langchain_onerouter_audio")
    method = "speech" if "content type" in case else "transcribe"
    args: tuple[Any, ...] = ("hi",) if method == "speech" else (("clip.mp3", AUDIO),)
    with pytest.raises(OneRouterError) as caught:
        call(api.client(), method, mode, *args)
    assert KEY not in _texts(caught.value)
    assert "[redacted]" in _texts(caught.value)
    assert KEY not in caplog.text


def test_no_echoed_key_in_a_stream_error_event(mode: str) -> None:
    event = {"type": "error", "error": {"message": f"key {KEY}", "code": KEY}}
    body = f"data: {json.dumps(event)}\n\n".encode()
    api = FakeApi(
        [httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})]
    )
    with pytest.raises(OneRouterError) as caught:
        collect_stream(api.client(), "transcribe_stream", mode, ("clip.mp3", AUDIO))
    assert KEY not in _texts(caught.value)


def test_no_echoed_key_in_the_message_a_model_reads(mode: str, tmp_path: Path) -> None:
    (tmp_path / "clip.mp3").write_bytes(AUDIO)
    api = FakeApi([ECHOES["code"]])
    tool = OneRouterTranscriptionTool(client=api.client(), root_dir=tmp_path)
    message = run_tool_in_agent(tool, mode, file_path="clip.mp3")
    assert message.status == "error"
    assert KEY not in message.text
