"""The words to speak in what a chain or an agent streams: assistant text, turn by turn.

Items are strings, messages (``AIMessage``, ``AIMessageChunk``, any other message), or the
``(message_chunk, metadata)`` pairs of ``agent.stream(..., stream_mode="messages")``. Only
assistant text is spoken: tool-call chunks, reasoning blocks, tool results and user or
system messages are not. ``None`` in the output marks the end of a model turn, so text of
two turns is never joined into one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

__all__ = ["AgentTextReader", "SpeechInput", "message_text"]

SpeechInput = str | BaseMessage | tuple[BaseMessage, Mapping[str, Any]]
"""What the synthesizer reads: text, a message, or a ``(message, metadata)`` stream pair."""


def message_text(message: AIMessage) -> str:
    """The text of an assistant message: its string content, or its text blocks joined."""
    if isinstance(message.content, str):
        return message.content
    parts: list[str] = []
    for block in message.content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, Mapping) and block.get("type") == "text":
            text = block.get("text")
            parts.append(text if isinstance(text, str) else "")
    return "".join(parts)


def _message(item: object) -> BaseMessage | str:
    """The message or text in one streamed item; anything else is refused, naming its type."""
    if isinstance(item, (str, BaseMessage)):
        return item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], BaseMessage):
        return item[0]
    raise TypeError(
        f"OneRouterSpeechSynthesizer reads text, messages or (message, metadata) pairs, got "
        f"{type(item).__name__}. Put StrOutputParser() between a chat model and the "
        "synthesizer, or stream an agent with stream_mode='messages'."
    )


class AgentTextReader:
    """Turns streamed items into text pieces, with ``None`` where a model turn ends.

    A turn ends with a whole ``AIMessage``, with any non-assistant message (a tool result
    means the model's turn is over), and when a chunk with a new message id arrives. A whole
    message with the id of the chunks just read is that turn again, and is not spoken twice.
    """

    def __init__(self) -> None:
        self._turn: str | None = None

    def read(self, item: object) -> list[str | None]:
        """The pieces of text (and turn ends) that ``item`` brings."""
        message = _message(item)
        if isinstance(message, str):
            return [message]
        if isinstance(message, AIMessageChunk):
            pieces: list[str | None] = []
            if message.id is not None and message.id != self._turn:
                if self._turn is not None:
                    pieces.append(None)
                self._turn = message.id
            pieces.append(message_text(message))
            return pieces
        streamed_already = message.id is not None and message.id == self._turn
        self._turn = None
        if isinstance(message, AIMessage) and not streamed_already:
            return [message_text(message), None]
        return [None]
