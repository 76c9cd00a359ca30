"""The tools and the toolkit against recorded responses of a real audio server.

Each tool is called the way an agent calls it, with a ``ToolCall``, sync and async; the
checks are on the ``ToolMessage`` the model reads and the artifact the application keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import ToolCall, ToolMessage
from langchain_core.tools import BaseTool

from langchain_onerouter_audio import (
    OneRouterAudioClient,
    OneRouterAudioToolkit,
    OneRouterTextToSpeechTool,
    OneRouterTranscriptionTool,
    OneRouterTranslationTool,
    TranscriptionVerbose,
)
from langchain_onerouter_audio.errors import OneRouterAuthenticationError
from langchain_onerouter_audio.models import SPEECH_FORMATS, UPLOAD_FORMATS
from tests._calls import call
from tests.integration_tests._audio_checks import audio_seconds, check_transcript, clip_in_format
from tests.integration_tests._word_checks import (
    SENTENCE_WER_BOUND,
    assert_heard,
    check_hello,
    check_lecture,
    cue_text,
)

pytestmark = pytest.mark.vcr

SpeechToText = type[OneRouterTranscriptionTool] | type[OneRouterTranslationTool]


def invoke(tool: BaseTool, mode: str, **args: Any) -> ToolMessage:
    """Call ``tool`` as an agent does and return the message the model would read."""
    request = ToolCall(name=tool.name, args=args, id="call_7", type="tool_call")
    message = call(tool, "invoke", mode, request)
    assert isinstance(message, ToolMessage)
    assert (message.tool_call_id, message.name) == ("call_7", tool.name)
    return message


@pytest.mark.parametrize("audio_format", SPEECH_FORMATS)
def test_text_to_speech_writes_the_format_asked_for(
    client_settings: dict[str, str], tmp_path: Path, mode: str, audio_format: str
) -> None:
    tool = OneRouterTextToSpeechTool(
        **client_settings, audio_format=audio_format, output_dir=tmp_path
    )
    message = invoke(tool, mode, text="Hello there.", voice="coral", instructions="calm")
    assert message.status == "success"
    path = Path(str(message.content))
    assert path.parent == tmp_path
    assert path.suffix == f".{audio_format}"
    assert message.artifact == {
        "path": str(path),
        "format": audio_format,
        "bytes": path.stat().st_size,
        "model": "gpt-4o-mini-tts",
        "voice": "coral",
    }
    assert audio_seconds(path.read_bytes(), audio_format) > 0.3


@pytest.mark.parametrize("extension", UPLOAD_FORMATS)
@pytest.mark.parametrize("cls", [OneRouterTranscriptionTool, OneRouterTranslationTool])
def test_speech_to_text_reads_every_upload_format(
    client_settings: dict[str, str],
    audio_dir: Path,
    mode: str,
    extension: str,
    cls: SpeechToText,
) -> None:
    clip = clip_in_format(audio_dir, extension)
    tool = cls(**client_settings, root_dir=audio_dir)
    message = invoke(tool, mode, file_path=clip.name)
    assert message.status == "success"
    text = check_transcript("verbose_json", message.artifact)
    assert message.content == text
    check_hello(text)  # the English clip, transcribed or translated into English


@pytest.mark.parametrize("transcript_format", ["json", "text", "srt", "vtt", "verbose_json"])
@pytest.mark.parametrize("cls", [OneRouterTranscriptionTool, OneRouterTranslationTool])
def test_each_transcript_format(
    client_settings: dict[str, str],
    audio_dir: Path,
    mode: str,
    transcript_format: str,
    cls: SpeechToText,
) -> None:
    tool = cls(**client_settings, root_dir=audio_dir, transcript_format=transcript_format)
    message = invoke(tool, mode, file_path="lecture.mp3", prompt="A short lecture.")
    text = check_transcript(transcript_format, message.artifact)
    assert message.content == text
    check_lecture(cue_text(text) if transcript_format in ("srt", "vtt") else text)


def test_transcription_with_a_language(
    client_settings: dict[str, str], audio_dir: Path, mode: str
) -> None:
    tool = OneRouterTranscriptionTool(**client_settings, root_dir=audio_dir)
    message = invoke(tool, mode, file_path="hello.wav", language="en")
    assert isinstance(message.artifact, TranscriptionVerbose)
    assert message.artifact.segments
    assert str(message.content).strip()
    check_hello(str(message.content))


def test_a_wrong_key_raises_instead_of_reaching_the_model(
    client_settings: dict[str, str], audio_dir: Path, mode: str
) -> None:
    settings = {**client_settings, "api_key": "wrong-key-for-test", "max_retries": 0}
    tool = OneRouterTranscriptionTool(**settings, root_dir=audio_dir)
    with pytest.raises(OneRouterAuthenticationError):
        invoke(tool, mode, file_path="hello.mp3")


def test_toolkit_round_trip_on_one_client(
    client_settings: dict[str, str], tmp_path: Path, mode: str
) -> None:
    """Speak a sentence, then transcribe and translate the file just written."""
    toolkit = OneRouterAudioToolkit(
        client=OneRouterAudioClient(**client_settings),
        root_dir=tmp_path,
        output_dir=tmp_path / "replies",
        audio_format="wav",
    )
    speak, transcribe, translate = toolkit.get_tools()
    assert speak.client is transcribe.client is translate.client is toolkit.client  # type: ignore[attr-defined]

    sentence = "Audio transcripts make spoken knowledge searchable."
    spoken = invoke(speak, mode, text=sentence)
    reply = Path(str(spoken.content))
    assert reply.parent == tmp_path / "replies"
    assert audio_seconds(reply.read_bytes(), "wav") > 1.0

    relative = str(reply.relative_to(tmp_path))
    for tool in (transcribe, translate):
        message = invoke(tool, mode, file_path=relative)
        assert isinstance(message.artifact, TranscriptionVerbose)
        assert message.content == check_transcript("verbose_json", message.artifact)
        assert_heard(sentence, str(message.content), SENTENCE_WER_BOUND)
