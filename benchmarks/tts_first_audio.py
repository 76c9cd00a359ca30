"""Time to first audio: speaking an LLM's answer as it streams vs after it is complete.

    python benchmarks/tts_first_audio.py [--tokens-per-second 20] [--latency 0.3]

A fake chat model streams a ten-sentence answer word by word at ``--tokens-per-second``;
the local fake audio server (``fake_server.py``, in a child process) answers each speech
request after ``--latency`` seconds. Two ways to speak the answer, each sync and async:

- whole text: ``(prompt | llm | StrOutputParser() | synthesizer).invoke(...)`` waits for
  the complete answer, then synthesises it in one call;
- streamed: ``.stream(...)`` / ``.astream(...)`` on the same chain synthesises each sentence
  as soon as it is written.

Reported: time from the question to the first audio in hand, time to the last audio, and
the ratio of the first-audio times (target: streamed at least 5 x sooner).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fake_server import FakeAudioServer
from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models.chat_models import (
    BaseChatModel,
    agenerate_from_stream,
    generate_from_stream,
)
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterSpeechSynthesizer

TARGET = 5.0
QUESTION = {"question": "Why is the sky blue?"}
ANSWER = (
    "The sky looks blue because sunlight is scattered by the molecules in the air. "
    "Sunlight contains every colour of the rainbow mixed together into white light. "
    "Blue light has a shorter wavelength than red light, so it is scattered far more. "
    "This effect is called Rayleigh scattering, after the physicist who described it. "
    "When you look up, you see blue light arriving from every part of the sky. "
    "Violet light is scattered even more, but our eyes are less sensitive to it. "
    "Some violet light is also absorbed high up in the atmosphere before it reaches us. "
    "At sunset the light travels through much more air to reach your eyes. "
    "Most of the blue is scattered away on the long path, leaving reds and oranges. "
    "That is why the sky is blue at noon and glows red in the evening."
)


class PacedFakeChatModel(BaseChatModel):
    """A fake chat model that writes ``answer`` one word per token at a fixed rate.

    ``invoke`` takes as long as streaming, as with a real model: it waits for the last token.
    """

    answer: str
    tokens_per_second: float = 20.0

    @property
    def _llm_type(self) -> str:
        return "paced-fake"

    def _tokens(self) -> list[ChatGenerationChunk]:
        words = re.findall(r"\S+\s*", self.answer)
        return [ChatGenerationChunk(message=AIMessageChunk(content=word)) for word in words]

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for token in self._tokens():
            time.sleep(1 / self.tokens_per_second)
            yield token

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for token in self._tokens():
            await asyncio.sleep(1 / self.tokens_per_second)
            yield token

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return generate_from_stream(self._stream(messages))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return await agenerate_from_stream(self._astream(messages))


@dataclass
class Timing:
    """Seconds from the question to the first and to the last audio."""

    first: float
    last: float
    chunks: int


def build_chain(client: OneRouterAudioClient, tokens_per_second: float) -> Runnable[Any, Any]:
    llm = PacedFakeChatModel(answer=ANSWER, tokens_per_second=tokens_per_second)
    prompt = ChatPromptTemplate.from_messages([("human", "{question}")])
    synthesizer = OneRouterSpeechSynthesizer(client=client, audio_format="wav")
    return prompt | llm | StrOutputParser() | synthesizer


def whole_text(chain: Runnable[Any, Any]) -> Timing:
    start = time.perf_counter()
    chain.invoke(QUESTION)
    elapsed = time.perf_counter() - start
    return Timing(elapsed, elapsed, 1)


def streamed(chain: Runnable[Any, Any]) -> Timing:
    start = time.perf_counter()
    stamps = [time.perf_counter() - start for _ in chain.stream(QUESTION)]
    return Timing(stamps[0], stamps[-1], len(stamps))


async def awhole_text(chain: Runnable[Any, Any]) -> Timing:
    start = time.perf_counter()
    await chain.ainvoke(QUESTION)
    elapsed = time.perf_counter() - start
    return Timing(elapsed, elapsed, 1)


async def astreamed(chain: Runnable[Any, Any]) -> Timing:
    start = time.perf_counter()
    stamps = [time.perf_counter() - start async for _ in chain.astream(QUESTION)]
    return Timing(stamps[0], stamps[-1], len(stamps))


def median(runs: list[Timing]) -> Timing:
    return Timing(
        statistics.median(r.first for r in runs),
        statistics.median(r.last for r in runs),
        runs[0].chunks,
    )


def measure(chain: Runnable[Any, Any], repeats: int) -> dict[str, tuple[Timing, Timing]]:
    """Median timings per mode: (whole text, streamed)."""

    def sync(run: Callable[[Runnable[Any, Any]], Timing]) -> Timing:
        return median([run(chain) for _ in range(repeats)])

    async def both_async() -> tuple[Timing, Timing]:
        whole = [await awhole_text(chain) for _ in range(repeats)]
        stream = [await astreamed(chain) for _ in range(repeats)]
        return median(whole), median(stream)

    return {"sync": (sync(whole_text), sync(streamed)), "async": asyncio.run(both_async())}


def report(results: dict[str, tuple[Timing, Timing]], args: argparse.Namespace) -> bool:
    words = len(ANSWER.split())
    print(
        f"Ten-sentence answer, {words} words streamed at {args.tokens_per_second:g} tokens/s "
        f"(~{words / args.tokens_per_second:.1f} s of writing); speech latency "
        f"{args.latency * 1000:.0f} ms per call; median of {args.repeats} run(s).\n"
    )
    print("| mode | way | chunks | first audio | last audio | first-audio ratio | target | holds |")
    print("|---|---|---|---|---|---|---|---|")
    ok = True
    for mode, (whole, stream) in results.items():
        ratio = whole.first / stream.first
        ok = ok and ratio >= TARGET
        print(f"| {mode} | whole text | 1 | {whole.first:.2f} s | {whole.last:.2f} s | | | |")
        print(
            f"| {mode} | streamed | {stream.chunks} | {stream.first:.2f} s | {stream.last:.2f} s "
            f"| {ratio:.1f} x sooner | >= {TARGET:g} x | {'yes' if ratio >= TARGET else 'NO'} |"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens-per-second", type=float, default=20.0)
    parser.add_argument("--latency", type=float, default=0.3, help="seconds per speech call")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    with (
        FakeAudioServer(subprocess=True, speech_latency=args.latency) as server,
        OneRouterAudioClient(api_key="bench-key", base_url=server.base_url) as client,
    ):
        results = measure(build_chain(client, args.tokens_per_second), args.repeats)
    return 0 if report(results, args) else 1


if __name__ == "__main__":
    raise SystemExit(main())
