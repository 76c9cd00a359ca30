"""Edges of long, corrupt and silent recordings: a file that cannot be decoded costs nothing,
a file too large names itself, silence has one rule in every mode, and single mode reports
the language and the length."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from langchain_onerouter_audio import OneRouterTranscriptLoader
from langchain_onerouter_audio.errors import OneRouterInputError
from tests._calls import call
from tests.unit_tests.fake_api import FakeApi, transcript_of_upload

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def test_a_large_file_that_turns_corrupt_is_refused_before_any_chunk_is_sent(
    tmp_path: Path, mode: str
) -> None:
    # A few real MP3 frames, then random bytes: the first chunk would decode and be paid for.
    head = (AUDIO / "hello.mp3").read_bytes()[:2_000]
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(head + random.Random(1).randbytes(200_000))
    api = FakeApi([transcript_of_upload])
    loader = OneRouterTranscriptLoader(broken, client=api.client(), max_upload_bytes=60_000)
    with pytest.raises(OneRouterInputError, match=r"'broken\.mp3' could not be decoded"):
        call(loader, "load", mode)
    assert api.requests == []
