"""Voice agents against recorded responses: voice notes in, the spoken answer out.

A scripted chat model plays the LLM inside ``create_agent``; the audio API answers come from
cassettes recorded against a real audio server. Sync and async runs of a test replay one
cassette (named after the test, without the mode). Transcripts of two notes sent together
arrive in either order, so they are compared as a set.
"""

from __future__ import annotations

import asyncio
import base64
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.messages.content import create_audio_block
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver

from langchain_onerouter_audio import (
    AudioChunk,
    OneRouterAudioClient,
    OneRouterSpeechSynthesizer,
    OneRouterTextToSpeechTool,
    OneRouterVoiceMiddleware,
)
from langchain_onerouter_audio.models import UPLOAD_MIME_TYPES
from tests._calls import call, collect_stream
from tests.conftest import AUDIO
from tests.integration_tests._audio_checks import audio_seconds

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _offline import ScriptedChatModel, tool_call

pytestmark = pytest.mark.vcr


@pytest.fixture
def client(client_settings: dict[str, str]) -> OneRouterAudioClient:
    return OneRouterAudioClient(**client_settings)


def voice_note(name: str) -> dict[str, Any]:
    data = base64.b64encode((AUDIO / name).read_bytes()).decode("ascii")
    mime_type = UPLOAD_MIME_TYPES[Path(name).suffix.lstrip(".")]
    return dict(create_audio_block(base64=data, mime_type=mime_type))


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"It is sunny and 24 degrees in {city}."


class Recorder:
    """The messages the model was given at each turn."""

    def __init__(self) -> None:
        self.seen: list[Sequence[BaseMessage]] = []

    def answer(self, text: str) -> Any:
        def step(messages: Sequence[BaseMessage]) -> AIMessage:
            self.seen.append(list(messages))
            return AIMessage(text)

        return step


def run(agent: Any, mode: str, message: BaseMessage, thread: str) -> dict[str, Any]:
    config = {"configurable": {"thread_id": thread}}
    result: dict[str, Any] = call(agent, "invoke", mode, {"messages": [message]}, config)
    return result


def test_two_voice_notes_are_heard_once_each_over_a_three_turn_thread(
    client: OneRouterAudioClient, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    for name in ("transcribe", "atranscribe"):
        real = getattr(client, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(client, name, counted)

    recorder = Recorder()
    model = ScriptedChatModel(steps=[recorder.answer(f"Answer {n}.") for n in (1, 2, 3)])
    voice = OneRouterVoiceMiddleware(client=client, language="en")
    agent = create_agent(model, [], middleware=[voice], checkpointer=InMemorySaver())

    notes = [voice_note("hello.mp3"), voice_note("hello.flac")]
    first = HumanMessage(content=[{"type": "text", "text": "Two notes:"}, *notes])
    run(agent, mode, first, "thread-1")
    run(agent, mode, HumanMessage("And now?"), "thread-1")
    result = run(agent, mode, HumanMessage("Once more."), "thread-1")

    assert len(calls) == 2  # two notes, three turns: each heard once
    for seen in recorder.seen:  # every turn, the model reads the notes as text
        heard = seen[0].content
        assert isinstance(heard, list)
        assert [block["type"] for block in heard] == ["text", "text", "text"]
        assert all("wolfgang" in block["text"].lower() for block in heard[1:])
    # The state keeps the audio itself.
    assert result["messages"][0].content[1:] == notes
    assert [type(m).__name__ for m in result["messages"]].count("AIMessage") == 3


def test_an_unreadable_note_becomes_a_note_the_model_reads(
    client: OneRouterAudioClient, mode: str
) -> None:
    recorder = Recorder()
    agent = create_agent(
        ScriptedChatModel(steps=[recorder.answer("Sorry, I could not hear that.")]),
        [],
        middleware=[OneRouterVoiceMiddleware(client=client)],
        checkpointer=InMemorySaver(),
    )
    corrupt = base64.b64encode((AUDIO / "corrupt.mp3").read_bytes()).decode()
    message = HumanMessage(
        content=[
            dict(create_audio_block(base64=corrupt, mime_type="audio/mpeg")),
            dict(create_audio_block(url="https://example.com/note.mp3")),
        ]
    )
    run(agent, mode, message, "thread-2")

    texts = [block["text"] for block in recorder.seen[0][0].content]
    assert all(text.startswith("[The user's audio could not be transcribed:") for text in texts)
    assert "not fetched" in texts[1]


# Both ways of attaching the answer send the same requests: they replay one recording.
@pytest.mark.default_cassette("test_the_final_answer_is_spoken_and_attached")
@pytest.mark.parametrize("answer_audio", ["content_block", "path"])
def test_the_final_answer_is_spoken_and_attached(
    client: OneRouterAudioClient, mode: str, answer_audio: str, tmp_path: Path
) -> None:
    recorder = Recorder()
    model = ScriptedChatModel(
        steps=[
            lambda _: tool_call("get_weather", city="Paris"),
            recorder.answer("It is sunny in Paris. Enjoy your day!"),
            recorder.answer("You are welcome."),
        ]
    )
    voice = OneRouterVoiceMiddleware(
        client=client, speak_answer=True, answer_audio=answer_audio, output_dir=tmp_path
    )
    agent = create_agent(model, [get_weather], middleware=[voice], checkpointer=InMemorySaver())
    result = run(agent, mode, HumanMessage("Weather in Paris?"), "thread-3")

    answer = result["messages"][-1]
    assert isinstance(answer, AIMessage)
    assert isinstance(result["messages"][-2], ToolMessage)
    if answer_audio == "content_block":
        text, spoken = answer.content
        assert text == {"type": "text", "text": "It is sunny in Paris. Enjoy your day!"}
        assert isinstance(spoken, dict)
        assert spoken["mime_type"] == "audio/mpeg"
        audio = base64.b64decode(spoken["base64"])
    else:
        assert answer.content == "It is sunny in Paris. Enjoy your day!"
        artifact = answer.response_metadata["speech"]
        path = Path(artifact["path"])
        assert path.parent == tmp_path
        assert list(tmp_path.iterdir()) == [path]  # no temporary file left beside it
        audio = path.read_bytes()
        assert artifact["bytes"] == len(audio)
    assert audio_seconds(audio, "mp3") > 1.0

    # The next turn: the model reads the answer's text, not its audio.
    run(agent, mode, HumanMessage("Thanks!"), "thread-3")
    earlier = recorder.seen[-1][-2]
    assert isinstance(earlier, AIMessage)
    assert "audio" not in str(earlier.content)


def test_the_synthesizer_speaks_only_the_final_answer_of_an_agent_stream(
    client: OneRouterAudioClient, mode: str
) -> None:
    model = ScriptedChatModel(
        steps=[
            lambda _: tool_call("get_weather", city="Paris"),
            lambda _: AIMessage("It is sunny in Paris today. Take a hat with you, and enjoy it!"),
        ],
        tokens_per_second=500,
    )
    agent = create_agent(model, [get_weather])
    synthesizer = OneRouterSpeechSynthesizer(client=client)
    question = {"messages": [HumanMessage("Weather in Paris?")]}
    if mode == "sync":
        chunks = list(synthesizer.transform(agent.stream(question, stream_mode="messages")))
    else:

        async def speak() -> list[AudioChunk]:
            stream = agent.astream(question, stream_mode="messages")
            return [chunk async for chunk in synthesizer.atransform(stream)]

        chunks = asyncio.run(speak())

    assert [chunk.text for chunk in chunks] == [
        "It is sunny in Paris today.",
        "Take a hat with you, and enjoy it!",
    ]
    assert [chunk.index for chunk in chunks] == [0, 1]
    assert all(audio_seconds(chunk.audio, "mp3") > 0.5 for chunk in chunks)


def test_progressive_speech_streams_each_sentence_in_pieces(
    client: OneRouterAudioClient, mode: str
) -> None:
    synthesizer = OneRouterSpeechSynthesizer(client=client, audio_format="pcm", progressive=True)
    text = "The first sentence is spoken at once. The second follows it right away."
    chunks = collect_stream(synthesizer, "stream", mode, text)

    # A cassette replays a body in one piece; tests/unit_tests/test_voice_unit.py
    # shows the pieces arriving one by one.
    by_sentence: dict[int, bytes] = {}
    for chunk in chunks:
        by_sentence[chunk.index] = by_sentence.get(chunk.index, b"") + chunk.audio
    assert sorted(by_sentence) == [0, 1]
    assert all(audio_seconds(audio, "pcm") > 1.0 for audio in by_sentence.values())


def test_iter_speech_yields_audio_as_it_arrives(client: OneRouterAudioClient, mode: str) -> None:
    text = "Streamed speech arrives in pieces. This is the second sentence of it."
    pieces = collect_stream(client, "iter_speech", mode, text, response_format="wav")
    assert pieces
    assert audio_seconds(b"".join(pieces), "wav") > 2.0


def test_the_speech_tool_returns_an_audio_block(
    client: OneRouterAudioClient, mode: str, tmp_path: Path
) -> None:
    speech = OneRouterTextToSpeechTool(
        client=client, return_audio="content_block", output_dir=tmp_path
    )
    request = {
        "type": "tool_call",
        "id": "call_1",
        "name": "text_to_speech",
        "args": {"text": "Hi!"},
    }
    message = call(speech, "invoke", mode, request)

    assert isinstance(message, ToolMessage)
    (block,) = message.content
    assert isinstance(block, dict)
    assert block == message.artifact
    assert (block["type"], block["mime_type"]) == ("audio", "audio/mpeg")
    assert audio_seconds(base64.b64decode(block["base64"]), "mp3") > 0.3
    assert list(tmp_path.iterdir()) == []  # no file written
