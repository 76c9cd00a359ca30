"""OneRouterTranscriptLoader against a scripted API: inputs, modes, metadata, tasks, policy."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.documents import Document

from langchain_onerouter_audio import (
    OneRouterAuthenticationError,
    OneRouterBadRequestError,
    OneRouterInputError,
    OneRouterTranscriptLoader,
)
from tests.unit_tests.fake_api import BASE_URL, DURATION, FakeApi, transcript_of_upload


def load(loader: OneRouterTranscriptLoader, mode: str) -> list[Document]:
    return loader.load() if mode == "sync" else asyncio.run(loader.aload())


def make_loader(api: FakeApi, path: Any, **options: Any) -> OneRouterTranscriptLoader:
    return OneRouterTranscriptLoader(path, client=api.client(), **options)


# -- inputs


def test_one_path_a_list_and_a_folder(audio_dir: Path) -> None:
    api = FakeApi([transcript_of_upload])
    hello, lecture = audio_dir / "hello.mp3", audio_dir / "lecture.mp3"

    assert [d.metadata["source"] for d in make_loader(api, hello).load()] == [str(hello)]
    listed = make_loader(api, [str(lecture), hello]).load()
    assert [d.metadata["source"] for d in listed] == [str(lecture), str(hello)]


def test_a_home_folder_tilde_is_expanded(
    audio_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    home = tmp_path / "home"
    (home / "talks").mkdir(parents=True)
    shutil.copy(audio_dir / "hello.mp3", home / "talks" / "hello.mp3")
    monkeypatch.setenv("HOME", str(home))
    api = FakeApi([transcript_of_upload])

    from_folder = load(make_loader(api, "~/talks"), mode)
    from_list = load(make_loader(api, ["~/talks/hello.mp3"]), mode)

    expected = [str(home / "talks" / "hello.mp3")]
    assert [d.metadata["source"] for d in from_folder] == expected
    assert [d.metadata["source"] for d in from_list] == expected
    assert api.filenames() == ["hello.mp3", "hello.mp3"]


def test_folder_takes_every_audio_file_recursively_in_sorted_order(audio_dir: Path) -> None:
    (audio_dir / "talks").mkdir()
    shutil.copy(audio_dir / "hello.mp3", audio_dir / "talks" / "a.mp3")
    (audio_dir / ".hidden").mkdir()
    shutil.copy(audio_dir / "hello.mp3", audio_dir / ".hidden" / "secret.mp3")
    api = FakeApi([transcript_of_upload])

    loader = make_loader(api, audio_dir, on_error="skip")
    sources = [Path(d.metadata["source"]).relative_to(audio_dir) for d in loader.load()]

    assert [str(s) for s in sources] == [
        "german.mp3",
        "hello.flac",
        "hello.m4a",
        "hello.mp3",
        "hello.ogg",
        "hello.wav",
        "hello.webm",
        "lecture.mp3",
        "silence.wav",
        "talks/a.mp3",
    ]  # no README.md, no mislabeled.txt, nothing hidden; corrupt.mp3 and empty.wav failed
    assert sorted(Path(f.source).name for f in loader.failures) == ["corrupt.mp3", "empty.wav"]


def test_folder_with_glob_takes_exactly_the_matches(audio_dir: Path) -> None:
    api = FakeApi([transcript_of_upload])
    docs = make_loader(api, audio_dir, glob="hello.*", on_error="skip").load()
    names = [Path(d.metadata["source"]).name for d in docs]
    assert names == ["hello.flac", "hello.m4a", "hello.mp3", "hello.ogg", "hello.wav", "hello.webm"]


# -- modes and metadata


def test_single_mode_gives_one_document_with_usage(audio_dir: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    [doc] = load(make_loader(api, audio_dir / "hello.mp3"), mode)

    assert doc.page_content == "first words of hello last words of hello"
    assert doc.metadata == {
        "source": str(audio_dir / "hello.mp3"),
        "model": "whisper-1",
        "task": "transcribe",
        "language": "english",
        "duration": DURATION,
        "usage": {"type": "duration", "seconds": 4.0},
    }
    # verbose_json where the model gives it, so the Document knows its language and length
    assert api.uploads[0].fields["response_format"] == "verbose_json"
    assert type(doc.metadata["usage"]) is dict


def test_single_mode_asks_json_of_a_model_that_gives_only_json(audio_dir: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    loader = make_loader(api, audio_dir / "hello.mp3", model="gpt-4o-transcribe")
    [doc] = load(loader, mode)

    assert doc.page_content == "first words of hello last words of hello"
    assert api.uploads[0].fields["response_format"] == "json"
    assert "duration" not in doc.metadata


def test_segments_mode_gives_a_document_per_segment(audio_dir: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    docs = load(make_loader(api, audio_dir / "hello.mp3", mode="segments"), mode)

    assert [d.page_content for d in docs] == ["first words of hello", "last words of hello"]
    assert [(d.metadata["segment_id"], d.metadata["start"], d.metadata["end"]) for d in docs] == [
        (0, 0.5, 1.5),
        (1, 2.0, 3.0),
    ]
    assert docs[0].metadata["language"] == "english"
    assert docs[0].metadata["duration"] == DURATION
    assert api.uploads[0].fields["response_format"] == "verbose_json"


@pytest.mark.parametrize(
    ("loader_mode", "first_cue"),
    [
        ("srt", "1\n00:00:00,500 --> 00:00:01,500"),
        ("vtt", "WEBVTT\n\n00:00:00.500 --> 00:00:01.500"),
    ],
)
def test_subtitle_modes_give_one_document_holding_the_file(
    audio_dir: Path, mode: str, loader_mode: str, first_cue: str
) -> None:
    api = FakeApi([transcript_of_upload])
    [doc] = load(make_loader(api, audio_dir / "hello.mp3", mode=loader_mode), mode)

    assert doc.page_content.startswith(first_cue)
    assert "last words of hello" in doc.page_content
    assert api.uploads[0].fields["response_format"] == loader_mode


def test_translate_task_uses_the_translation_endpoint(audio_dir: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload])
    [doc] = load(make_loader(api, audio_dir / "german.mp3", task="translate"), mode)

    assert api.uploads[0].path == "/v1/audio/translations"
    assert doc.metadata["task"] == "translate"


def test_requested_language_and_options_are_sent_and_reported(audio_dir: Path) -> None:
    api = FakeApi([transcript_of_upload])
    loader = make_loader(
        api,
        audio_dir / "hello.mp3",
        model="gpt-4o-transcribe",  # json: the transcript names no language of its own
        language="en",
        prompt="Wolfgang",
        temperature=0.2,
    )
    [doc] = loader.load()

    fields = api.uploads[0].fields
    assert (fields["language"], fields["prompt"], fields["temperature"]) == (
        "en",
        "Wolfgang",
        "0.2",
    )
    assert doc.metadata["language"] == "en"


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "pages"},
        {"task": "summarise"},
        {"on_error": "ignore"},
        {"max_concurrency": 0},
        {"temperature": 3.0},
        {"language": "english"},
        {"task": "translate", "language": "de"},
    ],
)
def test_bad_settings_are_refused_at_construction(tmp_path: Path, options: Any) -> None:
    with pytest.raises(OneRouterInputError):
        make_loader(FakeApi([transcript_of_upload]), tmp_path, **options)


def test_loader_builds_its_own_client_from_arguments_or_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loader = OneRouterTranscriptLoader("a.mp3", api_key="k", base_url=BASE_URL)
    assert loader.transcriber.client.base_url == BASE_URL

    monkeypatch.setenv("ONEROUTER_API_KEY", "from-env")
    monkeypatch.setenv("ONEROUTER_BASE_URL", "http://env.test/v1")
    client = OneRouterTranscriptLoader("a.mp3").transcriber.client
    assert (client.base_url, client.api_key.get_secret_value()) == (
        "http://env.test/v1",
        "from-env",
    )


# -- failure policy


def test_skip_keeps_good_documents_and_lists_failures(audio_dir: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload], failures={"hello.wav": 400})
    files = [audio_dir / n for n in ("hello.mp3", "corrupt.mp3", "hello.wav", "lecture.mp3")]
    files.append(audio_dir / "missing.mp3")
    loader = make_loader(api, files, on_error="skip")

    docs = load(loader, mode)

    assert [Path(d.metadata["source"]).name for d in docs] == ["hello.mp3", "lecture.mp3"]
    failed = {Path(f.source).name: f.error for f in loader.failures}
    assert set(failed) == {"corrupt.mp3", "hello.wav", "missing.mp3"}
    assert isinstance(failed["hello.wav"], OneRouterBadRequestError)
    assert "does not look like audio" in str(failed["corrupt.mp3"])
    assert api.filenames() == ["hello.mp3", "hello.wav", "lecture.mp3"]  # checked before upload


def test_raise_yields_earlier_documents_then_raises(audio_dir: Path) -> None:
    api = FakeApi([transcript_of_upload], failures={"hello.wav": 400})
    files = [audio_dir / n for n in ("hello.mp3", "lecture.mp3", "hello.wav", "german.mp3")]
    documents = make_loader(api, files).lazy_load()

    assert [Path(next(documents).metadata["source"]).name for _ in range(2)] == [
        "hello.mp3",
        "lecture.mp3",
    ]
    with pytest.raises(OneRouterBadRequestError):
        next(documents)


async def test_async_raise_yields_earlier_documents_then_raises(audio_dir: Path) -> None:
    api = FakeApi([transcript_of_upload], failures={"lecture.mp3": 400})
    loader = make_loader(api, [audio_dir / "hello.mp3", audio_dir / "lecture.mp3"])
    documents = loader.alazy_load()

    assert Path((await anext(documents)).metadata["source"]).name == "hello.mp3"
    with pytest.raises(OneRouterBadRequestError):
        await anext(documents)


def test_a_rejected_key_stops_the_load_even_when_skipping(audio_dir: Path, mode: str) -> None:
    api = FakeApi([transcript_of_upload], failures={"hello.mp3": 401})
    loader = make_loader(api, [audio_dir / "hello.mp3", audio_dir / "lecture.mp3"], on_error="skip")
    with pytest.raises(OneRouterAuthenticationError):
        load(loader, mode)


async def test_async_load_uses_only_the_async_client(audio_dir: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("the blocking client was used")

    api = FakeApi([transcript_of_upload])
    client = api.client(http_client=httpx.Client(transport=httpx.MockTransport(refuse)))
    loader = OneRouterTranscriptLoader(
        [audio_dir / "hello.mp3", audio_dir / "lecture.mp3"], client=client
    )

    docs = [doc async for doc in loader.alazy_load()]

    assert len(docs) == 2
    assert len(api.uploads) == 2


@pytest.mark.parametrize("pattern", ["", "/abs/*.mp3", "a**b", "talks/x**/*.mp3"])
def test_a_glob_no_folder_can_match_is_refused_when_built(pattern: str, tmp_path: Path) -> None:
    with pytest.raises(OneRouterInputError, match="glob"):
        OneRouterTranscriptLoader(tmp_path, glob=pattern, api_key="sk-abc")
