"""Speak an LLM's answer: ``prompt | llm | StrOutputParser() | tts_tool``.

    python examples/speak_answer.py

1. The text-to-speech tool is a Runnable like any other, so it goes at the end of a chain
   and turns the model's answer into one audio file.
2. ``OneRouterSpeechSynthesizer`` in the same place takes the answer as a *stream*: it speaks
   each sentence as soon as the model has written it, so the first audio is ready while the
   rest is still being written. Each chunk is a complete mp3 file.

Audio goes to ``examples/output/``. Offline (no ``ONEROUTER_API_KEY``) a fake chat model
writes a fixed answer and the speech is replayed from ``cassettes/examples/speak_answer.yaml``.
With the key the speech is live; with ``OPENAI_API_KEY`` as well (and ``langchain-openai``
installed) a real model answers.
"""

from __future__ import annotations

import time
from pathlib import Path

from _offline import OUTPUT_DIR, audio_client, mode_line, real_chat_model
from langchain_core.language_models import BaseChatModel, FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterSpeechSynthesizer,
    OneRouterTextToSpeechTool,
)

QUESTION = "Why do people like podcasts?"
FAKE_ANSWER = (
    "People like podcasts because they can listen while doing something else. "
    "A good host feels like a friend. "
    "And there is a show for every interest, from history to cooking."
)

prompt = ChatPromptTemplate.from_template("Answer in three short spoken sentences: {question}")


def chat_model() -> BaseChatModel:
    """A real model when OpenAI-style settings are present, else a fake that types slowly."""
    model = real_chat_model()
    if model is None:
        print("Chat model: fake, writes a fixed answer at about 100 characters a second.")
        return FakeListChatModel(responses=[FAKE_ANSWER], sleep=0.01)
    return model


def speak_answer(
    client: OneRouterAudioClient, llm: BaseChatModel, *, output_dir: Path = OUTPUT_DIR
) -> Path:
    """Answer QUESTION and say the whole answer out loud; return the audio file."""
    tts_tool = OneRouterTextToSpeechTool(client=client, output_dir=output_dir)
    chain = prompt | llm | StrOutputParser() | tts_tool
    return Path(chain.invoke({"question": QUESTION}))


def speak_answer_streaming(
    client: OneRouterAudioClient, llm: BaseChatModel, *, output_dir: Path = OUTPUT_DIR
) -> list[Path]:
    """Say the answer sentence by sentence while it is written; one file per sentence."""
    synthesizer = OneRouterSpeechSynthesizer(client=client)
    chain = prompt | llm | StrOutputParser() | synthesizer
    output_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = []
    for chunk in chain.stream({"question": QUESTION}):
        path = output_dir / f"answer-{chunk.index}.{chunk.format}"
        path.write_bytes(chunk.audio)
        paths.append(path)
        elapsed = time.perf_counter() - started
        print(f"  {elapsed:4.1f} s  {path} ({len(chunk.audio):,} bytes): {chunk.text!r}")
    return paths


def main() -> None:
    print(mode_line("speak_answer"))
    llm = chat_model()
    print(f"Question: {QUESTION}")
    with audio_client("speak_answer") as client:
        path = speak_answer(client, llm)
        print(f"\n1. Whole answer, one file: {path} ({path.stat().st_size:,} bytes)")
        print("\n2. Streamed, one file per sentence as soon as it is written:")
        speak_answer_streaming(client, llm)


if __name__ == "__main__":
    main()
