"""Long recordings: chunks sent concurrently, cached one by one, gaps kept in skip mode.

Requests are held at gates instead of sleeping, as in test_loader_concurrency: a gate that
needs N chunk requests in flight at once passes only if the chunks really overlap.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from langchain_onerouter_audio import OneRouterTranscriptLoader
from langchain_onerouter_audio._carry import TAIL_CHARS, carried_prompt, spoken_text
from langchain_onerouter_audio._splitting import split_audio
from langchain_onerouter_audio.errors import OneRouterServerError
from tests.unit_tests.fake_api import FakeApi, Upload, transcript_of_upload
from tests.unit_tests.loopback_server import LocalServer, respond
from tests.unit_tests.test_splitting import LIMIT, tone_wav

WAIT = 10.0  # seconds before a gate gives up, so a bug fails instead of hanging
AT_ONCE = 3


@pytest.fixture
def long_wav(tmp_path: Path) -> Path:
    path = tmp_path / "talk.wav"
    path.write_bytes(tone_wav())
    return path


@pytest.fixture
def chunk_names(long_wav: Path) -> list[str]:
    return [c.name for c in split_audio(long_wav, name=long_wav.name, max_bytes=LIMIT)]


def loader(path: str | Path | list[Path], api: FakeApi, **options: Any) -> Any:
    options.setdefault("max_upload_bytes", LIMIT)
    return OneRouterTranscriptLoader(path, client=api.client(), **options)


def as_tuples(docs: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(doc.page_content, doc.metadata) for doc in docs]


# -- chunks overlap in time, and stitch as the sequential path does


def test_sync_chunks_of_one_file_are_in_flight_together(
    long_wav: Path, chunk_names: list[str]
) -> None:
    assert len(chunk_names) > AT_ONCE
    barrier = threading.Barrier(AT_ONCE, timeout=WAIT)

    def gate(upload: Upload) -> None:
        if upload.filename in chunk_names[:AT_ONCE]:
            barrier.wait()  # breaks (and fails the test) unless the chunks overlap

    api = FakeApi([transcript_of_upload], on_request=gate)
    docs = loader(long_wav, api, max_concurrency=AT_ONCE, mode="segments").load()

    assert api.peak == AT_ONCE
    assert sorted(u.filename for u in api.uploads) == sorted(chunk_names)
    sequential = loader(
        long_wav, FakeApi([transcript_of_upload]), max_concurrency=1, mode="segments"
    )
    assert as_tuples(docs) == as_tuples(sequential.load())


async def test_async_chunks_of_one_file_are_in_flight_together(
    long_wav: Path, chunk_names: list[str]
) -> None:
    arrived: list[str] = []
    all_in = asyncio.Event()

    async def gate(upload: Upload) -> None:
        if len(arrived) < AT_ONCE:
            arrived.append(upload.filename)
            if len(arrived) == AT_ONCE:
                all_in.set()
            await asyncio.wait_for(all_in.wait(), WAIT)

    api = FakeApi([transcript_of_upload], on_arequest=gate)
    docs = await loader(long_wav, api, max_concurrency=AT_ONCE, mode="segments").aload()

    assert sorted(arrived) == chunk_names[:AT_ONCE]
    assert api.peak == AT_ONCE
    sequential = loader(
        long_wav, FakeApi([transcript_of_upload]), max_concurrency=1, mode="segments"
    )
    assert as_tuples(docs) == as_tuples(sequential.load())


@pytest.mark.parametrize("loader_mode", ["single", "segments", "srt", "vtt"])
def test_concurrent_and_carried_chunks_stitch_alike(long_wav: Path, loader_mode: str) -> None:
    concurrent = loader(
        long_wav, FakeApi([transcript_of_upload]), max_concurrency=4, mode=loader_mode
    ).load()
    carried = loader(
        long_wav, FakeApi([transcript_of_upload]), mode=loader_mode, carry_context=True
    ).load()
    assert as_tuples(concurrent) == as_tuples(carried)


def test_files_and_chunks_share_one_request_budget(
    long_wav: Path, audio_dir: Path, chunk_names: list[str]
) -> None:
    api = FakeApi([transcript_of_upload])
    files = [long_wav, audio_dir / "hello.mp3", audio_dir / "hello.wav"]
    docs = loader(files, api, max_concurrency=2).load()
    assert [Path(d.metadata["source"]).name for d in docs] == ["talk.wav", "hello.mp3", "hello.wav"]
    assert len(api.uploads) == len(chunk_names) + 2
    assert api.peak <= 2


# -- carry_context: sequential, each chunk prompted with the previous one's last words


def test_carry_context_prompts_each_chunk_with_the_previous_text(
    long_wav: Path, chunk_names: list[str], mode: str
) -> None:
    api = FakeApi([transcript_of_upload])
    carried = loader(long_wav, api, carry_context=True, prompt="A talk on tones.")
    carried.load() if mode == "sync" else asyncio.run(carried.aload())

    assert [u.filename for u in api.uploads] == chunk_names  # one after another
    prompts = [u.fields.get("prompt") for u in api.uploads]
    assert prompts[0] == "A talk on tones."
    for previous, prompt in zip(chunk_names, prompts[1:], strict=False):
        stem = Path(previous).stem
        assert prompt == f"A talk on tones. first words of {stem} last words of {stem}"


def test_the_carried_tail_is_the_last_whole_sentences_within_the_limit() -> None:
    sentences = " ".join(f"Sentence number {n} is here." for n in range(40))
    tail = carried_prompt(None, sentences)
    assert tail is not None
    assert len(tail) <= TAIL_CHARS
    assert tail.startswith("Sentence number")
    assert tail.endswith("Sentence number 39 is here.")
    words = carried_prompt(None, "word " * 100)
    assert words is not None
    assert len(words) <= TAIL_CHARS
    assert words.startswith("word")
    assert carried_prompt(None, None) is None
    assert carried_prompt("names", "") == "names"


def test_spoken_text_leaves_out_subtitle_numbers_and_timings() -> None:
    srt = "1\n00:00:00,500 --> 00:00:01,500\nHello there.\n\n2\n00:00:02,000 --> 00:00:03,000\nBye."
    assert spoken_text(srt) == "Hello there. Bye."
    assert spoken_text("WEBVTT\n\n00:00.500 --> 00:01.500\nHello.") == "Hello."


# -- resume: each chunk is cached; a rerun pays only for what failed


def test_a_rerun_after_a_failed_chunk_sends_only_that_chunk(
    long_wav: Path, chunk_names: list[str], tmp_path: Path, mode: str
) -> None:
    failed = chunk_names[1]
    api = FakeApi([transcript_of_upload], failures={failed: 500})
    first = loader(long_wav, api, cache_dir=tmp_path / "cache", mode="segments")
    with pytest.raises(OneRouterServerError):
        first.load() if mode == "sync" else asyncio.run(first.aload())

    api = FakeApi([transcript_of_upload])
    again = loader(long_wav, api, cache_dir=tmp_path / "cache", mode="segments")
    docs = again.load() if mode == "sync" else asyncio.run(again.aload())

    assert api.filenames() == [failed]
    expected = loader(long_wav, FakeApi([transcript_of_upload]), mode="segments").load()
    assert as_tuples(docs) == as_tuples(expected)
    third = FakeApi(
        [transcript_of_upload]
    )  # the whole file is cached now: nothing is split or sent
    loader(long_wav, third, cache_dir=tmp_path / "cache", mode="segments").load()
    assert third.uploads == []


# -- on_error="skip": the other chunks are kept, the gap is marked and listed


def test_skip_keeps_the_other_chunks_and_marks_the_gap(
    long_wav: Path, chunk_names: list[str], audio_dir: Path, tmp_path: Path, mode: str
) -> None:
    chunks = list(split_audio(long_wav, name=long_wav.name, max_bytes=LIMIT))
    failed = chunks[1]
    api = FakeApi([transcript_of_upload], failures={failed.name: 503})
    skipping = loader(
        [long_wav, audio_dir / "hello.mp3"],
        api,
        mode="segments",
        on_error="skip",
        cache_dir=tmp_path / "cache",
    )

    docs = skipping.load() if mode == "sync" else asyncio.run(skipping.aload())

    talk = [d for d in docs if d.metadata["source"] == str(long_wav)]
    heard = {d.page_content.rsplit(" of ", 1)[1] for d in talk}
    assert heard == {Path(c.name).stem for c in chunks} - {Path(failed.name).stem}
    gap = {
        "start": round(failed.offset, 3),
        "end": round(failed.offset + failed.duration, 3),
        "error": str(skipping.failures[0].error),
    }
    assert all(d.metadata["gaps"] == [gap] for d in talk)
    assert all(
        d.metadata["start"] < gap["start"] or d.metadata["start"] >= gap["end"] for d in talk
    )
    assert "gaps" not in next(d for d in docs if d not in talk).metadata
    [failure] = skipping.failures
    assert failure.source == str(long_wav)
    assert (failure.start, failure.end) == (failed.offset, failed.offset + failed.duration)
    assert isinstance(failure.error, OneRouterServerError)
    assert f"[{failed.offset:.1f}-{failed.offset + failed.duration:.1f} s]" in str(failure)

    # The file with a hole was not cached whole: the rerun sends the missing chunk alone.
    api = FakeApi([transcript_of_upload])
    rerun = loader(long_wav, api, mode="segments", cache_dir=tmp_path / "cache").load()
    assert api.filenames() == [failed.name]
    assert all("gaps" not in d.metadata for d in rerun)


def test_a_file_whose_every_chunk_fails_is_skipped_whole(
    long_wav: Path, chunk_names: list[str]
) -> None:
    api = FakeApi([transcript_of_upload], failures=dict.fromkeys(chunk_names, 500))
    skipping = loader(long_wav, api, on_error="skip")
    assert skipping.load() == []
    [failure] = skipping.failures
    assert (failure.source, failure.start, failure.end) == (str(long_wav), None, None)


def test_a_refused_key_in_one_chunk_still_stops_a_skipping_load(
    long_wav: Path, chunk_names: list[str]
) -> None:
    from langchain_onerouter_audio.errors import OneRouterAuthenticationError

    api = FakeApi([transcript_of_upload], failures={chunk_names[0]: 401})
    with pytest.raises(OneRouterAuthenticationError):
        loader(long_wav, api, on_error="skip").load()


# -- a long recording given by URL: fetched first, then chunked, gapped and cleaned up


def test_a_long_recording_by_url_is_fetched_then_sent_in_chunks_with_gaps(
    long_wav: Path,
    chunk_names: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
) -> None:
    downloads = tmp_path / "tmp"
    downloads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(downloads))
    wav = long_wav.read_bytes()
    failed = chunk_names[1]
    api = FakeApi([transcript_of_upload], failures={failed: 503})

    with LocalServer(lambda _: respond(200, wav, {"content-type": "audio/wav"})) as host:
        address = f"http://127.0.0.1:{host.port}/talk.wav?sig=s3cr3t"
        skipping = loader(address, api, mode="segments", on_error="skip", allow_private_urls=True)
        docs = skipping.load() if mode == "sync" else asyncio.run(skipping.aload())

    shown = f"http://127.0.0.1:{host.port}/talk.wav"
    assert api.filenames() == sorted(chunk_names)  # every chunk sent, the failed one once
    assert docs
    assert all(doc.metadata["source"] == shown for doc in docs)
    assert all(len(doc.metadata["gaps"]) == 1 for doc in docs)
    [failure] = skipping.failures
    assert failure.source == shown
    assert (failure.start, failure.end) != (None, None)
    assert not list(downloads.iterdir())  # the downloaded recording is gone
