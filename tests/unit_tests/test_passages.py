"""Speakers, words, confidence and paragraphs: what a transcript says, carried into Documents."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from langchain_core.documents.base import Blob

from langchain_onerouter_audio import (
    OneRouterAudioParser,
    OneRouterInputError,
    OneRouterTranscriptionTool,
    OneRouterTranscriptLoader,
)
from tests._calls import call, collect_stream
from tests.unit_tests.fake_api import AUDIO, FakeApi, form

VERBOSE = {
    "text": "one two three four",
    "language": "english",
    "duration": 12.0,
    "segments": [
        {
            "id": 0,
            "start": 0.0,
            "end": 2.0,
            "text": " one",
            "avg_logprob": -0.2,
            "no_speech_prob": 0.01,
        },
        {
            "id": 1,
            "start": 2.2,
            "end": 4.0,
            "text": " two",
            "avg_logprob": -0.3,
            "no_speech_prob": 0.02,
        },
        {
            "id": 2,
            "start": 7.0,
            "end": 9.0,
            "text": " three",
            "avg_logprob": -1.5,
            "no_speech_prob": 0.9,
        },
        {
            "id": 3,
            "start": 9.1,
            "end": 12.0,
            "text": " four",
            "avg_logprob": -0.1,
            "no_speech_prob": 0.05,
        },
    ],
    "words": [
        {"word": "one", "start": 0.1, "end": 0.8},
        {"word": "two", "start": 2.3, "end": 3.0},
        {"word": "three", "start": 7.2, "end": 8.0},
        {"word": "four", "start": 9.5, "end": 10.0},
    ],
}
DIARIZED = {
    "text": "hi there hello again bye",
    "duration": 6.0,
    "segments": [
        {"id": "s0", "start": 0.0, "end": 1.0, "speaker": "A", "text": " hi"},
        {"id": "s1", "start": 1.1, "end": 2.0, "speaker": "A", "text": " there"},
        {"id": "s2", "start": 2.5, "end": 4.0, "speaker": "B", "text": " hello again"},
        {"id": "s3", "start": 4.5, "end": 6.0, "speaker": "A", "text": " bye"},
    ],
}


def body(request: httpx.Request) -> httpx.Response:
    fmt = dict(form(request)).get("response_format")
    return httpx.Response(200, json=DIARIZED if fmt == "diarized_json" else VERBOSE)


def load(face: str, **options: Any) -> tuple[list[Any], FakeApi]:
    """Load one recording the ``face`` way (sync or async) with the loader ``options``."""
    api = FakeApi([body])
    loader = OneRouterTranscriptLoader(("talk.mp3", AUDIO), client=api.client(), **options)
    return call(loader, "load", face), api


def test_segments_carry_confidence_and_words_when_asked(mode: str) -> None:
    docs, api = load(mode, mode="segments", timestamp_granularities=["word"])

    assert [doc.metadata["avg_logprob"] for doc in docs] == [-0.2, -0.3, -1.5, -0.1]
    assert docs[2].metadata["no_speech_prob"] == 0.9
    assert docs[1].metadata["words"] == [{"word": "two", "start": 2.3, "end": 3.0}]
    sent = [value for name, value in api.fields() if name == "timestamp_granularities[]"]
    assert sent == ["word", "segment"]  # words alone would come without segments


def test_words_stay_out_unless_asked(mode: str) -> None:
    docs, api = load(mode, mode="segments")
    assert "words" not in docs[0].metadata
    assert "timestamp_granularities[]" not in dict(api.fields())


def test_the_no_speech_filter_is_opt_in(mode: str) -> None:
    docs, _ = load(mode, mode="segments", max_no_speech_prob=0.6)
    assert [doc.page_content for doc in docs] == ["one", "two", "four"]


@pytest.mark.parametrize("threshold", [-0.1, 1.5, "high"])
def test_a_bad_threshold_is_refused(threshold: Any) -> None:
    with pytest.raises(OneRouterInputError, match="max_no_speech_prob"):
        OneRouterTranscriptLoader("a.mp3", api_key="k", max_no_speech_prob=threshold)


def test_paragraphs_split_at_long_pauses(mode: str) -> None:
    docs, _ = load(mode, mode="paragraphs", paragraph_pause=2.0)

    assert [doc.page_content for doc in docs] == ["one two", "three four"]
    assert [(doc.metadata["start"], doc.metadata["end"]) for doc in docs] == [
        (0.0, 4.0),
        (7.0, 12.0),
    ]
    assert docs[1].metadata["segment_ids"] == [2, 3]
    assert docs[0].metadata["paragraph_id"] == 0


def test_paragraphs_split_at_their_size_limits(mode: str) -> None:
    by_time, _ = load(mode, mode="paragraphs", paragraph_pause=10, paragraph_max_seconds=5)
    by_text, _ = load(mode, mode="paragraphs", paragraph_pause=10, paragraph_max_chars=8)
    assert [doc.page_content for doc in by_time] == ["one two", "three four"]
    assert [doc.page_content for doc in by_text] == ["one two", "three", "four"]


def test_paragraphs_with_words_and_the_filter(mode: str) -> None:
    docs, _ = load(
        mode, mode="paragraphs", timestamp_granularities=["word"], max_no_speech_prob=0.5
    )
    assert [doc.page_content for doc in docs] == ["one two", "four"]
    assert [word["word"] for word in docs[0].metadata["words"]] == ["one", "two"]


@pytest.mark.parametrize(
    "name", ["paragraph_pause", "paragraph_max_seconds", "paragraph_max_chars"]
)
def test_paragraph_limits_must_be_positive(name: str) -> None:
    with pytest.raises(OneRouterInputError, match=name):
        OneRouterTranscriptLoader("a.mp3", api_key="k", mode="paragraphs", **{name: 0})


def test_speaker_turns_merge_consecutive_segments(mode: str) -> None:
    docs, api = load(mode, mode="speakers", model="gpt-4o-transcribe-diarize")

    assert [(d.metadata["speaker"], d.page_content) for d in docs] == [
        ("A", "hi there"),
        ("B", "hello again"),
        ("A", "bye"),
    ]
    assert [(d.metadata["start"], d.metadata["end"]) for d in docs] == [
        (0.0, 2.0),
        (2.5, 4.0),
        (4.5, 6.0),
    ]
    assert docs[0].metadata["duration"] == 6.0
    fields = dict(api.fields())
    assert fields["response_format"] == "diarized_json"
    assert fields["chunking_strategy"] == "auto"  # the diarizing model needs it past 30 s


def test_known_speakers_reach_the_request(mode: str) -> None:
    api = FakeApi([body])
    parser = OneRouterAudioParser(
        client=api.client(),
        mode="speakers",
        model="gpt-4o-transcribe-diarize",
        known_speaker_names=["Ada"],
        known_speaker_references=["data:audio/wav;base64,AAAA"],
        chunking_strategy={"type": "server_vad", "threshold": 0.4},
    )
    collect_stream(parser, "lazy_parse", mode, Blob.from_data(AUDIO, path="call.mp3"))
    fields = api.fields()
    assert ("known_speaker_names[]", "Ada") in fields
    assert ("known_speaker_references[]", "data:audio/wav;base64,AAAA") in fields
    assert ("chunking_strategy[threshold]", "0.4") in fields


def test_speakers_and_words_are_for_transcription_only() -> None:
    for options in (
        {"mode": "speakers"},
        {"timestamp_granularities": ["word"], "mode": "segments"},
    ):
        with pytest.raises(OneRouterInputError, match="transcribe"):
            OneRouterTranscriptLoader("a.mp3", api_key="k", task="translate", **options)


def test_the_tool_names_speakers_for_the_model(mode: str, tmp_path: Any) -> None:
    (tmp_path / "call.mp3").write_bytes(AUDIO)
    api = FakeApi([body])
    tool = OneRouterTranscriptionTool(
        client=api.client(),
        root_dir=tmp_path,
        model="gpt-4o-transcribe-diarize",
        transcript_format="diarized_json",
        chunking_strategy="auto",
        known_speaker_names=["Ada", "Bob"],
        known_speaker_references=["data:audio/wav;base64,AA", "data:audio/wav;base64,BB"],
    )

    content = call(tool, "invoke", mode, {"file_path": "call.mp3"})

    assert content == "A: hi there\nB: hello again\nA: bye"
    assert ("known_speaker_names[]", "Bob") in api.fields()


def test_the_tool_asks_for_word_timestamps(mode: str, tmp_path: Any) -> None:
    (tmp_path / "a.mp3").write_bytes(AUDIO)
    api = FakeApi([body])
    tool = OneRouterTranscriptionTool(
        client=api.client(), root_dir=tmp_path, timestamp_granularities=["word", "segment"]
    )
    call(tool, "invoke", mode, {"file_path": "a.mp3"})
    assert ("timestamp_granularities[]", "word") in api.fields()


def test_the_tool_refuses_words_without_verbose_json_when_built() -> None:
    with pytest.raises(ValueError, match="verbose_json"):
        OneRouterTranscriptionTool(
            api_key="k", transcript_format="json", timestamp_granularities=["word"]
        )
