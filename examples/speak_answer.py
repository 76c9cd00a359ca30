"""Speak an LLM's answer: ``prompt | llm | StrOutputParser() | tts_tool``.

    python examples/speak_answer.py

The text-to-speech tool is a Runnable like any other, so it goes at the end of a chain and
turns the model's answer into an audio file in ``examples/output/``.

Offline (no ``ONEROUTER_API_KEY``) a fake chat model gives a fixed answer and the speech is
replayed from ``cassettes/examples/speak_answer.yaml``. With the key the speech is live; with
``OPENAI_API_KEY`` as well (and ``langchain-openai`` installed) a real model answers.
"""

from __future__ import annotations

from pathlib import Path

from _offline import OUTPUT_DIR, audio_client, mode_line, real_chat_model
from langchain_core.language_models import BaseChatModel, FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTextToSpeechTool

QUESTION = "Why do people like podcasts?"
FAKE_ANSWER = "People like podcasts because they can listen while doing something else."

prompt = ChatPromptTemplate.from_template("Answer in one short spoken sentence: {question}")


def chat_model() -> BaseChatModel:
    """A real model when OpenAI-style settings are present, else a fixed answer."""
    model = real_chat_model()
    if model is None:
        print(f"Chat model: fake, always answers {FAKE_ANSWER!r}.")
        return FakeListChatModel(responses=[FAKE_ANSWER])
    return model


def speak_answer(
    client: OneRouterAudioClient, llm: BaseChatModel, *, output_dir: Path = OUTPUT_DIR
) -> Path:
    """Answer QUESTION and say the answer out loud; return the audio file."""
    tts_tool = OneRouterTextToSpeechTool(client=client, output_dir=output_dir)
    chain = prompt | llm | StrOutputParser() | tts_tool
    return Path(chain.invoke({"question": QUESTION}))


def main() -> None:
    print(mode_line())
    llm = chat_model()
    with audio_client("speak_answer") as client:
        path = speak_answer(client, llm)
    print(f"Question: {QUESTION}")
    print(f"Spoken answer: {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
