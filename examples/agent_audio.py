"""A tool-calling agent that listens to a recording and answers by voice.

    python examples/agent_audio.py

The agent gets the audio tools from ``OneRouterAudioToolkit``, is asked to transcribe
``examples/audio/hello.mp3`` and reply by voice, and calls ``transcribe_audio``, then
``text_to_speech``. The spoken reply lands in ``examples/output/``.

Offline (no ``ONEROUTER_API_KEY``) a scripted chat model plays the LLM and the audio API's
answers are replayed from ``cassettes/examples/agent_audio.yaml``. With the key the audio
calls are live; with ``OPENAI_API_KEY`` as well (and ``langchain-openai`` installed) a real
chat model decides which tools to call.
"""

from __future__ import annotations

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
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterAudioToolkit,
    TranscriptionVerbose,
)

QUESTION = "Transcribe hello.mp3 and reply by voice."
SYSTEM_PROMPT = (
    "You help with audio files. Use transcribe_audio to hear a recording and "
    "text_to_speech to answer by voice. Keep spoken replies short."
)


def scripted_model() -> ScriptedChatModel:
    """The turns a real model would take for QUESTION: transcribe, speak, report."""
    return ScriptedChatModel(
        steps=[
            lambda _: tool_call("transcribe_audio", file_path="hello.mp3"),
            lambda messages: tool_call(
                "text_to_speech", text=f"Here is what I heard: {messages[-1].content}"
            ),
            lambda messages: AIMessage(f"I replied by voice: {messages[-1].content}"),
        ]
    )


def create_audio_agent(model: BaseChatModel, tools: Sequence[BaseTool]) -> Any:
    """LangChain's ``create_agent``, or LangGraph's prebuilt agent where only langgraph is."""
    try:
        from langchain.agents import create_agent
    except ImportError:
        from langgraph.prebuilt import create_react_agent

        return create_react_agent(model, tools, prompt=SYSTEM_PROMPT)
    return create_agent(model, tools, system_prompt=SYSTEM_PROMPT)


def run_agent(
    client: OneRouterAudioClient,
    model: BaseChatModel,
    *,
    audio_dir: Path = AUDIO_DIR,
    output_dir: Path = OUTPUT_DIR,
) -> list[BaseMessage]:
    """Ask the agent QUESTION and return the whole conversation."""
    toolkit = OneRouterAudioToolkit(client=client, root_dir=audio_dir, output_dir=output_dir)
    agent = create_audio_agent(model, toolkit.get_tools())
    result = agent.invoke({"messages": [HumanMessage(QUESTION)]})
    messages: list[BaseMessage] = result["messages"]
    return messages


def describe(messages: Sequence[BaseMessage]) -> None:
    """Print each turn: the request, the tool calls, what the tools returned, the answer."""
    for message in messages:
        if isinstance(message, HumanMessage):
            print(f"      user  : {message.content}")
        elif isinstance(message, ToolMessage):
            print(f"      tool  : {message.name} -> {message.content!r}")
            print(f"              artifact: {summarize(message.artifact)}")
        elif isinstance(message, AIMessage):
            for call in message.tool_calls:
                print(f"      agent : calls {call['name']}({call['args']})")
            if message.content:
                print(f"      agent : {message.content}")


def summarize(artifact: Any) -> str:
    """One line for an artifact: the typed transcript, or the spoken file's details."""
    if isinstance(artifact, TranscriptionVerbose):
        return (
            f"TranscriptionVerbose(language={artifact.language}, duration={artifact.duration}s, "
            f"{len(artifact.segments or [])} segment(s))"
        )
    return ", ".join(f"{key}={value}" for key, value in artifact.items())


def pick_model() -> BaseChatModel:
    """A real chat model when OpenAI-style settings are present, else the script."""
    model = real_chat_model()
    if model is None:
        print("Chat model: scripted (a real one needs OPENAI_API_KEY and langchain-openai).")
        return scripted_model()
    return model


def main() -> None:
    print(mode_line("agent_audio"))
    model = pick_model()
    with audio_client("agent_audio") as client:
        messages = run_agent(client, model)
    describe(messages)


if __name__ == "__main__":
    main()
