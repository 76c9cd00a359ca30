"""A real ``create_agent`` run with a scripted model that calls one tool, then answers."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from _offline import ScriptedChatModel, tool_call

__all__ = ["ScriptedChatModel", "run_tool_in_agent", "tool_call"]


def _answer(messages: Sequence[BaseMessage]) -> AIMessage:
    return AIMessage(content=f"The tool said: {messages[-1].text}")


def run_tool_in_agent(tool: BaseTool, mode: str, **args: Any) -> ToolMessage:
    """Run an agent whose model calls ``tool`` with ``args``; return the ToolMessage it read."""
    model = ScriptedChatModel(steps=[lambda _: tool_call(tool.name, **args), _answer])
    agent = create_agent(model, tools=[tool])
    state = {"messages": [HumanMessage("go")]}
    result = agent.invoke(state) if mode == "sync" else asyncio.run(agent.ainvoke(state))
    [message] = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert result["messages"][-1].text.startswith("The tool said:")  # the run finished
    return message
