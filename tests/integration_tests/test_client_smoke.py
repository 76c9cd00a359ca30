from __future__ import annotations

from pathlib import Path

import pytest

from langchain_onerouter_audio import OneRouterAudioClient, Transcription


@pytest.mark.vcr
def test_transcribe_json(client_settings: dict[str, str], audio_dir: Path) -> None:
    with OneRouterAudioClient(**client_settings) as client:
        result = client.transcribe(audio_dir / "hello.mp3")
    assert isinstance(result, Transcription)
    assert result.text.strip()
