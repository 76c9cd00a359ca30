"""Figure 1: per-call overhead, with the server adding no latency.

Every contender does the same work per call: upload the small clip and parse a verbose_json
transcript (the tools' default), or fetch a short speech clip and save it to a new file (what
the speech tool does), or fetch it into memory.
"""

# No ``from __future__ import annotations``: the no-op tools below must cost BaseTool what
# the real tools cost it, and BaseTool re-evaluates string annotations on every call.
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openai
from common import (
    CLIENT,
    FLOOR,
    HTTPX,
    KEY,
    MODEL,
    OPENAI,
    REFERENCE,
    SMALL_CLIP,
    TEXT,
    TOOLS,
    TTS_MODEL,
    Row,
    time_calls,
)
from langchain_core.callbacks import CallbackManagerForToolRun

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
)

Calls = dict[str, Callable[[], object]]


class _NoopTranscriptionTool(OneRouterTranscriptionTool):
    """The same tool with no work inside: what BaseTool.invoke alone costs."""

    def _run(
        self,
        file_path: str,
        prompt: str | None = None,
        language: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, Any]:
        return "", None


class _NoopSpeechTool(OneRouterTextToSpeechTool):
    """The same tool with no work inside: what BaseTool.invoke alone costs."""

    def _run(
        self,
        text: str,
        voice: str | None = None,
        instructions: str | None = None,
        speed: float | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, Any]:
        return "", None


class _Contenders:
    """One connection pool per contender, all pointed at the same server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.client = OneRouterAudioClient(api_key=KEY, base_url=base_url)
        self.httpx = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120
        )
        self.openai = openai.OpenAI(api_key=KEY, base_url=base_url)

    def close(self) -> None:
        self.client.close()
        self.httpx.close()
        self.openai.close()


def transcription_calls(c: _Contenders, clip: Path = SMALL_CLIP) -> Calls:
    tool = OneRouterTranscriptionTool(
        client=OneRouterAudioClient(api_key=KEY, base_url=c.base_url), root_dir=clip.parent
    )
    floor = _NoopTranscriptionTool(client=tool.client, root_dir=clip.parent)
    form = {"model": MODEL, "response_format": "verbose_json"}

    def raw() -> Any:
        with clip.open("rb") as handle:
            files = {"file": (clip.name, handle, "audio/mpeg")}
            response = c.httpx.post("/audio/transcriptions", data=form, files=files)
        response.raise_for_status()
        return response.json()

    def sdk() -> Any:
        with clip.open("rb") as handle:
            return c.openai.audio.transcriptions.create(
                file=handle, model=MODEL, response_format="verbose_json"
            )

    return {
        CLIENT: lambda: c.client.transcribe(clip, response_format="verbose_json"),
        TOOLS: lambda: tool.invoke({"file_path": clip.name}),
        FLOOR: lambda: floor.invoke({"file_path": clip.name}),
        HTTPX: raw,
        OPENAI: sdk,
    }


def speech_file_calls(c: _Contenders, out: Path) -> Calls:
    tool = OneRouterTextToSpeechTool(
        client=OneRouterAudioClient(api_key=KEY, base_url=c.base_url),
        output_dir=out / "tool",
        audio_format="wav",
    )
    floor = _NoopSpeechTool(client=tool.client, output_dir=out / "tool")
    numbers = itertools.count()
    body = {"model": TTS_MODEL, "input": TEXT, "voice": "alloy", "response_format": "wav"}
    for name in ("client", "httpx", "openai"):
        (out / name).mkdir(parents=True, exist_ok=True)

    def raw() -> None:
        with (
            c.httpx.stream("POST", "/audio/speech", json=body) as response,
            (out / "httpx" / f"{next(numbers)}.wav").open("xb") as handle,
        ):
            response.raise_for_status()
            for chunk in response.iter_bytes():
                handle.write(chunk)

    def sdk() -> None:
        with c.openai.audio.speech.with_streaming_response.create(
            model=TTS_MODEL, input=TEXT, voice="alloy", response_format="wav"
        ) as response:
            response.stream_to_file(out / "openai" / f"{next(numbers)}.wav")

    return {
        CLIENT: lambda: c.client.speech_to_file(
            out / "client" / f"{next(numbers)}.wav", TEXT, response_format="wav"
        ),
        TOOLS: lambda: tool.invoke({"text": TEXT}),
        FLOOR: lambda: floor.invoke({"text": TEXT}),
        HTTPX: raw,
        OPENAI: sdk,
    }


def speech_memory_calls(c: _Contenders) -> Calls:
    body = {"model": TTS_MODEL, "input": TEXT, "voice": "alloy", "response_format": "wav"}

    def raw() -> bytes:
        response = c.httpx.post("/audio/speech", json=body)
        response.raise_for_status()
        return response.content

    def sdk() -> bytes:
        return c.openai.audio.speech.create(
            model=TTS_MODEL, input=TEXT, voice="alloy", response_format="wav"
        ).content

    return {
        CLIENT: lambda: c.client.speech(TEXT, response_format="wav"),
        HTTPX: raw,
        OPENAI: sdk,
    }


def _row(case: str, medians: dict[str, float]) -> Row:
    """Compare the tools (or the client, where there is no tool) with raw httpx and the SDK."""
    ours = TOOLS if TOOLS in medians else CLIENT
    ratio = medians[ours] / medians[HTTPX]
    notes = [f"{ours}/openai = {medians[ours] / medians[OPENAI]:.2f}x"]
    values = dict(medians)
    if FLOOR in values:
        values[REFERENCE] = values.pop(FLOOR)
        own = (medians[TOOLS] - medians[FLOOR]) / medians[HTTPX]
        notes.append(f"(tools - no-op BaseTool)/httpx = {own:.2f}x")
    return Row(
        figure="1 per-call overhead",
        case=case,
        unit="ms",
        values=values,
        reference_label=FLOOR if FLOOR in medians else "",
        ratio_label="tools/httpx" if ours == TOOLS else "client/httpx",
        ratio=ratio,
        target="<= 1.10x httpx, <= openai",
        holds=ratio <= 1.10 and medians[ours] <= medians[OPENAI],
        notes=notes,
    )


def run(base_url: str, tmp: Path, n: int = 300) -> list[Row]:
    """Median wall time per call, ``n`` sequential calls per contender and case."""
    contenders = _Contenders(base_url)
    try:
        return [
            _row("transcribe small clip", time_calls(transcription_calls(contenders), n)),
            _row("speech 32 KB -> new file", time_calls(speech_file_calls(contenders, tmp), n)),
            _row("speech 32 KB -> bytes", time_calls(speech_memory_calls(contenders), n)),
        ]
    finally:
        contenders.close()
