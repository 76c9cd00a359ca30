"""Time to first audio of the voice agent: spoken as it streams, after it is complete, the floor.

    python benchmarks/voice_first_audio.py [--tokens-per-second 20] [--latency 0.3]

The agent of ``examples/voice_agent.py`` (``create_agent``, ``OneRouterVoiceMiddleware``, one
tool call) hears a voice note and streams its answer at ``--tokens-per-second`` words a
second; the local fake audio server (``fake_server.py``, in a child process) answers each
speech and transcription request after ``--latency`` seconds. Measured from the question:

- voice path: ``synthesizer.transform(agent.stream(..., stream_mode="messages"))`` with
  ``progressive=True``, to the first audio bytes in hand;
- speak after complete: ``agent.invoke``, then ``synthesizer.invoke`` on the final answer;
- floor: the moment the first sentence's last word is written (the agent streamed alone)
  plus one speech round trip for that sentence.

Target: the voice path within 1.15x the floor. Sync and async, median of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import KEY, REFERENCE, Row, against_ideal, render
from fake_server import FakeAudioServer
from langchain_core.messages import AIMessageChunk, HumanMessage

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterSpeechSynthesizer
from langchain_onerouter_audio._sentences import split_sentences

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
import voice_agent

TARGET = 1.15
VOICE = "voice path (streamed)"
AFTER = "speak after complete"
FIGURE = "6 voice first audio"
SENTENCE = "Hi! If you are heading to Hamburg today, take the river boat at sunset."


def _question() -> dict[str, Any]:
    note = voice_agent.voice_note(voice_agent.AUDIO_DIR / "hello.mp3")
    return {"messages": [HumanMessage(content=[note])]}


def _median(run: Callable[[], float], repeats: int) -> float:
    run()  # warm-up: connections, lazy imports
    return statistics.median(run() for _ in range(repeats))


class Voice:
    """The example's agent and a synthesizer on one client; each method times one run."""

    def __init__(self, client: OneRouterAudioClient, tokens_per_second: float) -> None:
        model = voice_agent.scripted_model()
        model.tokens_per_second = tokens_per_second
        self.agent = voice_agent.voice_agent(client, model)
        self.client = client
        self.synthesizer = OneRouterSpeechSynthesizer(client=client, progressive=True)

    def streamed(self) -> float:
        start = time.perf_counter()
        stream = self.agent.stream(_question(), stream_mode="messages")
        chunks = self.synthesizer.transform(stream)
        next(chunks)
        first = time.perf_counter() - start
        chunks.close()
        return first

    async def astreamed(self) -> float:
        start = time.perf_counter()
        stream = self.agent.astream(_question(), stream_mode="messages")
        chunks = self.synthesizer.atransform(stream)
        await anext(chunks)
        first = time.perf_counter() - start
        await chunks.aclose()
        return first

    # The model writes as fast whether or not it streams: the answer is read as a stream.
    _MODES = ["messages", "values"]

    def after_complete(self) -> float:
        start = time.perf_counter()
        *_, (_, final) = self.agent.stream(_question(), stream_mode=self._MODES)
        self.synthesizer.invoke(final["messages"][-1])
        return time.perf_counter() - start

    async def aafter_complete(self) -> float:
        start = time.perf_counter()
        final = None
        async for mode, data in self.agent.astream(_question(), stream_mode=self._MODES):
            final = data if mode == "values" else final
        assert final is not None
        await self.synthesizer.ainvoke(final["messages"][-1])
        return time.perf_counter() - start

    def first_sentence_written(self) -> float:
        """When the first sentence's last word arrives, the agent streamed without speech."""
        start, text = time.perf_counter(), ""
        for message, _ in self.agent.stream(_question(), stream_mode="messages"):
            text += message.text if isinstance(message, AIMessageChunk) else ""
            if _has_whole_sentence(text):
                return time.perf_counter() - start
        raise AssertionError("the answer has no sentence")

    async def afirst_sentence_written(self) -> float:
        start, text = time.perf_counter(), ""
        async for message, _ in self.agent.astream(_question(), stream_mode="messages"):
            text += message.text if isinstance(message, AIMessageChunk) else ""
            if _has_whole_sentence(text):
                return time.perf_counter() - start
        raise AssertionError("the answer has no sentence")

    def round_trip(self, sentence: str) -> float:
        start = time.perf_counter()
        for _ in self.client.iter_speech(sentence):
            break  # the first bytes, as the voice path counts them
        return time.perf_counter() - start


def _has_whole_sentence(text: str) -> bool:
    """True once ``text`` ends a first sentence as the synthesizer splits it."""
    return len(split_sentences(text + " X", min_chars=20)) > 1


def run(base_url: str, tokens_per_second: float, latency: float, repeats: int) -> list[Row]:
    """The two rows (sync, async); the server must already add ``latency`` per call."""
    with OneRouterAudioClient(api_key=KEY, base_url=base_url) as client:
        voice = Voice(client, tokens_per_second)
        speech = statistics.median(voice.round_trip(SENTENCE) for _ in range(5))
        written = {
            "sync": _median(voice.first_sentence_written, repeats),
            "async": _median(lambda: asyncio.run(voice.afirst_sentence_written()), repeats),
        }
        walls = {
            "sync": {
                VOICE: _median(voice.streamed, repeats),
                AFTER: _median(voice.after_complete, repeats),
            },
            "async": {
                VOICE: _median(lambda: asyncio.run(voice.astreamed()), repeats),
                AFTER: _median(lambda: asyncio.run(voice.aafter_complete()), repeats),
            },
        }
    rows = []
    for mode, measured in walls.items():
        case = f"{mode}, {tokens_per_second:g} tokens/s, {latency * 1000:.0f} ms per call"
        floor = written[mode] + speech
        row = against_ideal(FIGURE, case, measured, [VOICE], floor, TARGET)
        row.reference_label = "floor"
        row.ratio_label = "voice path vs floor"
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens-per-second", type=float, default=20.0)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per API call")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    with FakeAudioServer(
        subprocess=True, speech_latency=args.latency, transcription_latency=args.latency
    ) as server:
        rows = run(server.base_url, args.tokens_per_second, args.latency, args.repeats)
    print(render(rows, contenders=(VOICE, AFTER, REFERENCE)))
    return 0 if all(row.holds for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
