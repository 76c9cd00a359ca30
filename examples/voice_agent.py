"""A voice agent: a voice note in, the answer spoken sentence by sentence as it is written.

    python examples/voice_agent.py

1. The user's message is a voice note: ``examples/audio/hello.mp3`` as an audio content block.
2. ``create_agent`` runs with ``OneRouterVoiceMiddleware``: the model reads the note as text
   (transcribed once; the state keeps the audio) and calls a tool before it answers.
3. The agent's ``stream_mode="messages"`` output goes straight into
   ``OneRouterSpeechSynthesizer``, which speaks only the final answer, one file per sentence,
   each sentence's audio written as it arrives (``progressive=True``).

Audio goes to ``examples/output/``. Offline (no ``ONEROUTER_API_KEY``) a scripted chat model
streams its answer at 20 words a second and the audio API's answers are replayed from
``cassettes/examples/voice_agent.yaml``. With the key the audio calls are live; with
``OPENAI_API_KEY`` as well (and ``langchain-openai`` installed) a real model answers.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _offline import (
    AUDIO_DIR,
    OUTPUT_DIR,
    ScriptedChatModel,
    audio_client,
    mode_line,
    real_chat_model,
    tool_call,
)
from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.messages.content import create_audio_block
from langchain_core.tools import tool

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterSpeechSynthesizer,
    OneRouterVoiceMiddleware,
)

SYSTEM_PROMPT = (
    "You are a friendly travel assistant. The user speaks to you in voice notes. "
    "Look up a tip with travel_tip, then answer in two or three short spoken sentences."
)


@tool
def travel_tip(city: str) -> str:
    """A travel tip for a city."""
    return f"In {city}, take the river boat at sunset and try the local bakery by the station."


def scripted_model() -> ScriptedChatModel:
    """The turns a real model would take: look up a tip, then answer what the note asked."""

    def answer(messages: Sequence[BaseMessage]) -> AIMessage:
        heard = next(m for m in messages if isinstance(m, HumanMessage)).text
        greeting = "Hello Wolfgang, nice to meet you!" if "wolfgang" in heard.lower() else "Hi!"
        return AIMessage(
            f"{greeting} If you are heading to Hamburg today, take the river boat at sunset. "
            "And do not miss the little bakery by the station, it is the best in town."
        )

    return ScriptedChatModel(
        steps=[lambda _: tool_call("travel_tip", city="Hamburg"), answer], tokens_per_second=20
    )


def voice_note(path: Path) -> dict[str, Any]:
    """An audio file as a LangChain v1 audio content block."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return dict(create_audio_block(base64=data, mime_type="audio/mpeg"))


def voice_agent(client: OneRouterAudioClient, model: BaseChatModel) -> Any:
    """``create_agent`` with the travel tool; the middleware hears the user's voice notes."""
    return create_agent(
        model,
        [travel_tip],
        system_prompt=SYSTEM_PROMPT,
        middleware=[OneRouterVoiceMiddleware(client=client, language="en")],
    )


def speak_agent_answer(
    client: OneRouterAudioClient,
    model: BaseChatModel,
    *,
    note: Path = AUDIO_DIR / "hello.mp3",
    output_dir: Path = OUTPUT_DIR,
) -> list[Path]:
    """Send the voice note to the agent; speak its answer into one file per sentence."""
    agent = voice_agent(client, model)
    synthesizer = OneRouterSpeechSynthesizer(client=client, progressive=True)
    output_dir.mkdir(parents=True, exist_ok=True)
    question = {"messages": [HumanMessage(content=[voice_note(note)])]}

    started = time.perf_counter()
    paths: list[Path] = []
    stream = agent.stream(question, stream_mode="messages")
    for chunk in synthesizer.transform(stream):
        if chunk.index == len(paths):  # the first audio of a new sentence
            paths.append(output_dir / f"voice-answer-{chunk.index}.{chunk.format}")
            paths[-1].write_bytes(b"")
            print(f"  {time.perf_counter() - started:4.1f} s  {paths[-1].name}: {chunk.text!r}")
        with paths[-1].open("ab") as out:
            out.write(chunk.audio)
    print(f"  {time.perf_counter() - started:4.1f} s  done, {len(paths)} file(s) in {output_dir}")
    return paths


def pick_model() -> BaseChatModel:
    """A real chat model when OpenAI-style settings are present, else the script."""
    model = real_chat_model()
    if model is None:
        print("Chat model: scripted, streams its answer at 20 words a second.")
        return scripted_model()
    return model


def main() -> None:
    print(mode_line())
    model = pick_model()
    print("Voice note: examples/audio/hello.mp3; the answer, spoken as it is written:")
    with audio_client("voice_agent") as client:
        speak_agent_answer(client, model)


if __name__ == "__main__":
    main()
