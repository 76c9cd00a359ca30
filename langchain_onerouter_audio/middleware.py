"""OneRouterVoiceMiddleware: voice notes in, spoken answer out, for LangChain v1 agents.

Add it to ``create_agent(..., middleware=[OneRouterVoiceMiddleware()])``. Before the model
runs, every audio block in a user message is transcribed (once per thread: transcripts are
kept in the agent state by a hash of the audio, so a checkpointer keeps them across turns)
and the model sees the transcript in its place; the state keeps the audio. With
``speak_answer=True`` the final answer is spoken and the audio attached to that message.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langchain_core.tools import ToolException
from typing_extensions import NotRequired, Unpack

try:
    from langchain.agents.middleware import (
        AgentMiddleware,
        AgentState,
        ModelRequest,
        ModelResponse,
    )
    from langchain.agents.middleware.types import PrivateStateAttr
    from langgraph.runtime import Runtime
except ImportError as error:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "OneRouterVoiceMiddleware needs LangChain v1 agents (langchain>=1.0): "
        "pip install 'langchain-onerouter-audio[agents]'"
    ) from error

from langchain_onerouter_audio._agent_text import message_text
from langchain_onerouter_audio._audio_blocks import (
    audio_block,
    audio_block_key,
    audio_block_location,
    audio_block_upload,
    is_audio_block,
)
from langchain_onerouter_audio._concurrency import aordered_map, ordered_map
from langchain_onerouter_audio._files import UploadFile, atomic_output
from langchain_onerouter_audio._params import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TranscriptionOptions,
    TranslationOptions,
)
from langchain_onerouter_audio._responses import TranscriptResult
from langchain_onerouter_audio._settings import (
    CLIENT_SETTINGS,
    ClientSettings,
    client_from_settings,
    refuse_client_with_settings,
)
from langchain_onerouter_audio._sources import Remote, alocal_audio, local_audio
from langchain_onerouter_audio._url_access import downloaded_upload, url_policy, urls_allowed
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.synthesizer import OneRouterSpeechSynthesizer
from langchain_onerouter_audio.tools import (
    DEFAULT_OUTPUT_DIR,
    SpeechArtifact,
    absolute_folder,
    model_fixable_errors,
    new_speech_path,
)

__all__ = ["OneRouterVoiceMiddleware", "VoiceState"]

_SPOKEN = "spoken_answer"  # marks the audio block this middleware attached to an answer
_NO_SPEECH = "[The user's audio holds no recognisable speech.]"
_NOT_HEARD = "[The user's audio was not transcribed.]"


class VoiceState(AgentState[Any]):
    """The agent state, plus the transcripts of the audio heard in this thread."""

    voice_transcripts: NotRequired[Annotated[dict[str, str], PrivateStateAttr]]
    """What the model reads for each audio block, by a hash of its audio."""


def _unheard_note(problem: object) -> str:
    return f"[The user's audio could not be transcribed: {problem}]"


def _is_spoken_answer(block: object) -> bool:
    extras = block.get("extras") if isinstance(block, Mapping) else None
    return isinstance(extras, Mapping) and bool(extras.get(_SPOKEN))


class OneRouterVoiceMiddleware(AgentMiddleware[VoiceState, Any, Any]):
    """Agent middleware: the model reads voice notes as text; the final answer can be spoken.

    Audio blocks (``create_audio_block(base64=..., mime_type=...)``, v0 audio blocks, OpenAI
    ``input_audio``) in user messages are transcribed (``task="translate"``: into English),
    several at once, each once per thread. An audio block that cannot be read (not audio,
    too large, a URL or file id, refused by the API) becomes a short note the model sees; a
    bad key or exhausted retries raise. A block pointing at a URL is fetched only with
    ``allow_urls=True`` or ``allowed_url_hosts`` (the client's download rules apply: private
    addresses refused unless it allows them, a size cap, the temporary file removed); a
    local path in a block is never read.

    With ``speak_answer=True`` the final answer (an ``AIMessage`` without tool calls) is
    spoken by ``synthesizer`` (default: one on this client) and attached to that message:
    ``answer_audio="content_block"`` appends an ``AudioContentBlock`` to its content (kept
    from the model on later turns); ``"path"`` writes a file in ``output_dir`` and puts a
    :class:`~langchain_onerouter_audio.tools.SpeechArtifact` in its
    ``response_metadata["speech"]``.

    Transcripts live in the state: give the agent a checkpointer so a thread keeps them
    between turns.

    Setup:
        .. code-block:: bash

            pip install -U "langchain-onerouter-audio[agents]"
            export ONEROUTER_API_KEY="your-api-key"

    Key init args — hearing params:
        task: Literal["transcribe", "translate"]
            Transcribe in the language spoken (default) or translate into English.
        model: str
            Speech-to-text model (default ``whisper-1``).
        language: str | None
            Tag of the language spoken; transcription only.
        prompt: str | None
            Hint text (names, jargon).
        max_concurrency: int
            How many notes of one message are transcribed at once (default 4).
        allow_urls: bool
            Fetch audio blocks that point at a public http(s) URL (default False: such a
            block becomes a note, since a message carries what a user wrote).
        allowed_url_hosts: list[str] | None
            Fetch URL blocks only from these hosts (every redirect too); giving it allows
            URLs from them without ``allow_urls``.

    Key init args — speaking params:
        speak_answer: bool
            Speak the final answer (default False).
        synthesizer: OneRouterSpeechSynthesizer | None
            What speaks it; one on this client unless given.
        answer_audio: Literal["content_block", "path"]
            How the audio is attached (default ``"content_block"``).
        output_dir: str | PathLike
            Folder of the answer files with ``answer_audio="path"``.

    Key init args — client params:
        api_key, base_url, timeout, max_retries, rate_limiter
            As for :class:`OneRouterAudioClient`; or ``client=`` to share one (not both).

    Instantiate:
        .. code-block:: python

            from langchain.agents import create_agent
            from langgraph.checkpoint.memory import InMemorySaver
            from langchain_onerouter_audio import OneRouterVoiceMiddleware

            voice = OneRouterVoiceMiddleware(language="en", speak_answer=True)
            agent = create_agent(model, tools, middleware=[voice], checkpointer=InMemorySaver())

    Invoke:
        .. code-block:: python

            from langchain_core.messages import HumanMessage
            from langchain_core.messages.content import create_audio_block

            note = create_audio_block(base64=b64, mime_type="audio/mpeg")
            config = {"configurable": {"thread_id": "1"}}
            agent.invoke({"messages": [HumanMessage(content_blocks=[note])]}, config)

    """

    state_schema = VoiceState

    def __init__(
        self,
        *,
        task: Literal["transcribe", "translate"] = "transcribe",
        model: str = DEFAULT_TRANSCRIPTION_MODEL,
        language: str | None = None,
        prompt: str | None = None,
        speak_answer: bool = False,
        synthesizer: OneRouterSpeechSynthesizer | None = None,
        answer_audio: Literal["content_block", "path"] = "content_block",
        output_dir: str | os.PathLike[str] = DEFAULT_OUTPUT_DIR,
        max_concurrency: int = 4,
        allow_urls: bool = False,
        allowed_url_hosts: list[str] | None = None,
        **settings: Unpack[ClientSettings],
    ) -> None:
        super().__init__()
        refuse_client_with_settings(
            settings.get("client"), [name for name in CLIENT_SETTINGS if name in settings]
        )
        if task == "translate" and language:
            raise OneRouterInputError("`language` applies to task='transcribe' only.")
        if max_concurrency < 1:
            raise OneRouterInputError("`max_concurrency` must be at least 1.")
        self.client = settings.get("client") or client_from_settings(settings)
        self.task = task
        self.translation = TranslationOptions(model=model, prompt=prompt)
        self.transcription = TranscriptionOptions(model=model, prompt=prompt, language=language)
        self.speak_answer = speak_answer
        self.synthesizer = synthesizer or OneRouterSpeechSynthesizer(client=self.client)
        self.answer_audio = answer_audio
        self.output_dir = absolute_folder(Path(output_dir))
        self.max_concurrency = max_concurrency
        self.allow_urls = allow_urls
        self.allowed_url_hosts = allowed_url_hosts

    # -- hearing: transcribe new audio blocks before the model runs

    def _unheard(self, state: VoiceState) -> tuple[dict[str, str], dict[str, Mapping[str, Any]]]:
        """The transcripts so far, and the audio blocks (by key) that have none yet."""
        known = state.get("voice_transcripts") or {}
        unheard: dict[str, Mapping[str, Any]] = {}
        for message in state["messages"]:
            if isinstance(message, HumanMessage) and isinstance(message.content, list):
                for block in message.content:
                    if is_audio_block(block):
                        assert isinstance(block, Mapping)
                        key = audio_block_key(block)
                        if key not in known:
                            unheard.setdefault(key, block)
        return known, unheard

    def _transcript(self, result: TranscriptResult) -> str:
        text = (result if isinstance(result, str) else result.text).strip()
        return text or _NO_SPEECH

    def _url_of(self, block: Mapping[str, Any]) -> str | None:
        """The URL to fetch a block's audio from, when it points at one this may fetch."""
        if not urls_allowed(self.allow_urls, self.allowed_url_hosts):
            return None
        location = audio_block_location(block)
        return location.where if location is not None and location.kind == "url" else None

    def _send(self, upload: UploadFile) -> str:
        if self.task == "translate":
            return self._transcript(self.client.translate(upload, **self.translation))
        return self._transcript(self.client.transcribe(upload, **self.transcription))

    async def _asend(self, upload: UploadFile) -> str:
        client = self.client
        if self.task == "translate":
            return self._transcript(await client.atranslate(upload, **self.translation))
        return self._transcript(await client.atranscribe(upload, **self.transcription))

    def _hear(self, block: Mapping[str, Any]) -> str:
        limit = self.client.max_upload_bytes
        try:
            with model_fixable_errors():
                url = self._url_of(block)
                if url is None:
                    return self._send(audio_block_upload(block, max_bytes=limit))
                policy = url_policy(self.client, self.allowed_url_hosts)
                with local_audio(Remote(url), policy) as audio:
                    return self._send(downloaded_upload(audio, url, limit))
        except ToolException as problem:
            return _unheard_note(problem)

    async def _ahear(self, block: Mapping[str, Any]) -> str:
        limit = self.client.max_upload_bytes
        try:
            with model_fixable_errors():
                url = self._url_of(block)
                if url is None:
                    return await self._asend(audio_block_upload(block, max_bytes=limit))
                policy = url_policy(self.client, self.allowed_url_hosts)
                async with alocal_audio(Remote(url), policy) as audio:
                    return await self._asend(downloaded_upload(audio, url, limit))
        except ToolException as problem:
            return _unheard_note(problem)

    def before_model(self, state: VoiceState, runtime: Runtime[Any]) -> dict[str, Any] | None:
        """Transcribe the audio blocks not heard yet in this thread, several at once."""
        known, unheard = self._unheard(state)
        if not unheard:
            return None
        texts = list(ordered_map(self._hear, list(unheard.values()), self.max_concurrency))
        return {"voice_transcripts": {**known, **dict(zip(unheard, texts, strict=True))}}

    async def abefore_model(
        self, state: VoiceState, runtime: Runtime[Any]
    ) -> dict[str, Any] | None:
        """Async :meth:`before_model`."""
        known, unheard = self._unheard(state)
        if not unheard:
            return None
        heard = aordered_map(self._ahear, list(unheard.values()), self.max_concurrency)
        texts = [text async for text in heard]
        return {"voice_transcripts": {**known, **dict(zip(unheard, texts, strict=True))}}

    # -- what the model sees: transcripts for audio, no spoken answers

    def _for_model(self, request: ModelRequest[Any]) -> ModelRequest[Any]:
        transcripts = request.state.get("voice_transcripts") or {}
        assert isinstance(transcripts, Mapping)
        return request.override(
            messages=[_as_text(message, transcripts) for message in request.messages]
        )

    def wrap_model_call(
        self,
        request: ModelRequest[Any],
        handler: Callable[[ModelRequest[Any]], ModelResponse[Any]],
    ) -> ModelResponse[Any]:
        """Call the model with transcripts in place of audio; the state keeps the audio."""
        return handler(self._for_model(request))

    async def awrap_model_call(
        self,
        request: ModelRequest[Any],
        handler: Callable[[ModelRequest[Any]], Awaitable[ModelResponse[Any]]],
    ) -> ModelResponse[Any]:
        """Async :meth:`wrap_model_call`."""
        return await handler(self._for_model(request))

    # -- speaking the final answer

    def _answer(self, state: VoiceState) -> tuple[AIMessage, str] | None:
        """The final answer and its text, when there is one to speak."""
        if not self.speak_answer or not state["messages"]:
            return None
        message = state["messages"][-1]
        if not isinstance(message, AIMessage) or message.tool_calls:
            return None
        text = message_text(message)
        spoken = isinstance(message.content, list) and any(map(_is_spoken_answer, message.content))
        if not text.strip() or spoken or "speech" in message.response_metadata:
            return None
        return message, text

    def _with_speech(self, message: AIMessage, audio: bytes) -> dict[str, Any]:
        """The answer with its audio attached (same id, so it replaces the one in state)."""
        audio_format = self.synthesizer.audio_format
        if self.answer_audio == "content_block":
            content = message.content
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            block = audio_block(audio, audio_format, **{_SPOKEN: True})
            spoken = message.model_copy(update={"content": [*blocks, block]})
        else:
            target = new_speech_path(self.output_dir, audio_format)
            with atomic_output(target) as handle:
                handle.write(audio)
            artifact = SpeechArtifact(
                path=str(target),
                format=audio_format,
                bytes=len(audio),
                model=self.synthesizer.model,
                voice=self.synthesizer.voice,
            )
            metadata = {**message.response_metadata, "speech": artifact}
            spoken = message.model_copy(update={"response_metadata": metadata})
        return {"messages": [spoken]}

    def after_model(self, state: VoiceState, runtime: Runtime[Any]) -> dict[str, Any] | None:
        """Speak the final answer and attach its audio."""
        answer = self._answer(state)
        if answer is None:
            return None
        message, text = answer
        return self._with_speech(message, self.synthesizer.invoke(text).audio)

    async def aafter_model(self, state: VoiceState, runtime: Runtime[Any]) -> dict[str, Any] | None:
        """Async :meth:`after_model`."""
        answer = self._answer(state)
        if answer is None:
            return None
        message, text = answer
        return self._with_speech(message, (await self.synthesizer.ainvoke(text)).audio)


def _as_text(message: AnyMessage, transcripts: Mapping[str, str]) -> AnyMessage:
    """``message`` as the model should read it: audio heard as text, spoken answers silent."""
    if not isinstance(message.content, list):
        return message
    if isinstance(message, HumanMessage) and any(map(is_audio_block, message.content)):
        content = [
            {"type": "text", "text": transcripts.get(audio_block_key(block), _NOT_HEARD)}
            if is_audio_block(block) and isinstance(block, Mapping)
            else block
            for block in message.content
        ]
        return message.model_copy(update={"content": content})
    if isinstance(message, AIMessage) and any(map(_is_spoken_answer, message.content)):
        content = [block for block in message.content if not _is_spoken_answer(block)]
        return message.model_copy(update={"content": content})
    return message
