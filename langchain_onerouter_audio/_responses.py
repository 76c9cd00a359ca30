"""Response parsers: turn a transcript body into the typed model its format promises."""

from __future__ import annotations

import json
import re
from typing import Any

import pydantic
from pydantic import SecretStr

from langchain_onerouter_audio._error_factories import response_error, wrong_body_error
from langchain_onerouter_audio._sse import SseEvents
from langchain_onerouter_audio.errors import OneRouterResponseError
from langchain_onerouter_audio.models import (
    Transcription,
    TranscriptionDiarized,
    TranscriptionStreamEvent,
    TranscriptionVerbose,
    TranscriptTextDone,
)

__all__ = ["TranscriptResult", "TranscriptStream", "parse_transcript"]

TranscriptResult = Transcription | TranscriptionVerbose | TranscriptionDiarized | str

_MODELS: dict[str, type[pydantic.BaseModel]] = {
    "json": Transcription,
    "verbose_json": TranscriptionVerbose,
    "diarized_json": TranscriptionDiarized,
}


def parse_transcript(
    response_format: str,
    body: bytes,
    *,
    request_id: str | None = None,
    content_type: str = "",
    secret: SecretStr | None = None,
) -> TranscriptResult:
    """Parse ``body`` for ``response_format``; text, srt and vtt come back as ``str``.

    A 2xx answer that is a web page, an OpenAI error object (quoted, ``secret`` masked), or
    for text, srt and vtt a body without that format's shape (JSON, an srt without cues, a
    vtt without its WEBVTT header) is refused: it would otherwise become the transcript.
    """
    model = _MODELS.get(response_format)
    if model is None:
        _refuse_error_object(body, response_format, request_id, secret)
        text = body.decode("utf-8", errors="replace")
        problem = _text_problem(response_format, text, content_type)
        if problem is not None:
            raise wrong_body_error(
                problem,
                expected=f"a {response_format} transcript",
                request_id=request_id,
                secret=secret.get_secret_value() if secret else None,
            )
        return text
    try:
        parsed = model.model_validate_json(body)
    except pydantic.ValidationError as error:
        _refuse_error_object(body, response_format, request_id, secret)
        raise _unreadable(response_format, error, request_id, secret) from None
    assert isinstance(parsed, (Transcription, TranscriptionVerbose, TranscriptionDiarized))
    return parsed


# A cue's timing line: "00:00:01,000 --> 00:00:02,500" (srt) or with "." (vtt; hours optional).
_CUE_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3}\s+-->\s+", re.MULTILINE)
_JSON_TYPES = ("application/json", "text/json")


def _text_problem(response_format: str, text: str, content_type: str) -> str | None:
    """What is wrong with a text, srt or vtt body, or None when it has that format's shape.

    A server that ignores ``response_format`` answers JSON; a proxy answers a web page. An
    empty body is silence, a valid transcript in every text format.
    """
    media = content_type.split(";")[0].strip().lower()
    if media == "text/html" or media.endswith("+json") or media in _JSON_TYPES:
        return repr(content_type)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        return None
    if stripped.startswith("{") and _is_transcript_object(stripped):
        return "a JSON transcript"
    if stripped[:15].lower().startswith(("<!doctype html", "<html")):
        return "a web page"
    if response_format == "vtt" and not stripped.startswith("WEBVTT"):
        return "text that does not start with WEBVTT"  # a silent vtt is the header alone
    if response_format == "srt" and not _CUE_TIMING.search(stripped):
        return "text without a single srt cue"
    return None


def _is_transcript_object(text: str) -> bool:
    """A JSON transcript (``{"text": ...}``): the answer of a server that ignored the format.

    Other JSON is kept: someone may have dictated it.
    """
    try:
        payload = json.loads(text)
    except ValueError:
        return False
    return isinstance(payload, dict) and "text" in payload


def _refuse_error_object(
    body: bytes, response_format: str, request_id: str | None, secret: SecretStr | None
) -> None:
    """Raise when ``body`` is a JSON object with an ``error`` key (an error sent as 2xx)."""
    if not body.lstrip().startswith(b"{"):  # text is parsed only when it could be one
        return
    try:
        payload = json.loads(body)
    except ValueError:
        return
    if not isinstance(payload, dict) or "error" not in payload:
        return
    error = payload["error"]
    raise wrong_body_error(
        "an error object",
        expected=f"a {response_format} transcript",
        said=(error.get("message") if isinstance(error, dict) else error) or error,
        request_id=request_id,
        secret=secret.get_secret_value() if secret else None,
    )


def _unreadable(
    what: str, error: pydantic.ValidationError, request_id: str | None, secret: SecretStr | None
) -> OneRouterResponseError:
    return response_error(
        f"The server's {what} response could not be read "
        f"({error.error_count()} problem(s), first: {error.errors()[0]['msg']}). "
        "The server may not be OpenAI-compatible, or the body was cut short.",
        request_id=request_id,
        secret=secret.get_secret_value() if secret else None,
    )


_STREAM_EVENT: pydantic.TypeAdapter[TranscriptionStreamEvent] = pydantic.TypeAdapter(
    TranscriptionStreamEvent
)
_STREAM_EVENT_TYPES = ("transcript.text.delta", "transcript.text.segment", "transcript.text.done")


class TranscriptStream:
    """Turns a streamed transcription body into typed events as its bytes arrive.

    Models that do not stream (whisper-1) answer with one JSON body instead; it becomes a
    single ``transcript.text.done`` event, so callers handle one shape either way.
    """

    def __init__(
        self,
        content_type: str,
        request_id: str | None,
        *,
        secret: SecretStr | None = None,
        response_format: str = "json",
    ) -> None:
        self._streamed = content_type.startswith("text/event-stream")
        self._format = response_format
        self._request_id = request_id
        self._events = SseEvents("transcript", secret=secret)  # masks the key in error events
        self._secret = secret
        self._body = bytearray()
        self._done = False

    def feed(self, chunk: bytes) -> list[TranscriptionStreamEvent]:
        """Events completed by ``chunk`` (event types this package does not know are skipped)."""
        if not self._streamed:
            self._body += chunk
            return []
        return self._typed(self._events.feed(chunk))

    def _typed(self, payloads: list[dict[str, Any]]) -> list[TranscriptionStreamEvent]:
        try:
            events = [
                _STREAM_EVENT.validate_python(payload)
                for payload in payloads
                if payload.get("type") in _STREAM_EVENT_TYPES
            ]
        except pydantic.ValidationError as error:
            raise _unreadable("transcript event", error, self._request_id, self._secret) from None
        self._done = self._done or any(isinstance(e, TranscriptTextDone) for e in events)
        return events

    def finish(self) -> list[TranscriptionStreamEvent]:
        """Once the body has ended: the last event, which must be ``transcript.text.done``.

        A stream that stops before that event was cut short: its text is incomplete. A
        non-streamed answer becomes its done event here, with every field it has (languages,
        logprobs, usage, and any the API adds), after its speaker turns for diarized_json.
        """
        if self._streamed:
            events = self._typed(self._events.flush())
            if not self._done:
                raise response_error(
                    "The transcript stream ended without its transcript.text.done event, so "
                    "it was cut short and the text is incomplete. Try again.",
                    request_id=self._request_id,
                    secret=self._secret.get_secret_value() if self._secret else None,
                )
            return events
        result = parse_transcript(
            self._format, bytes(self._body), request_id=self._request_id, secret=self._secret
        )
        assert isinstance(result, (Transcription, TranscriptionDiarized))
        turns = list(result.segments) if isinstance(result, TranscriptionDiarized) else []
        done = TranscriptTextDone.model_validate(
            result.model_dump(exclude_unset=True, exclude={"segments"})
        )
        return [*turns, done]
