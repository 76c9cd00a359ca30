"""A tour of the package: speech, transcription, translation, the loader and an agent.

    make demo                      # or: python examples/quickstart.py

Without ``ONEROUTER_API_KEY`` every step replays recorded API responses (see
``cassettes/examples/``), so the tour runs offline in seconds; with the key it calls the live
API. Audio files go to ``examples/output/``; the clips it reads are in ``examples/audio/``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from _offline import AUDIO_DIR, OUTPUT_DIR, audio_client, mode_line
from agent_audio import describe, pick_model, run_agent

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptLoader

STEPS = 5
HELLO_WORDS = "Hello, my name is Wolfgang and I come from Germany. Where are you heading today?"
GERMAN_WORDS = "Hallo, ich heisse Wolfgang und komme aus Deutschland. Wohin fahren Sie heute?"


@contextmanager
def step(number: int, title: str) -> Iterator[None]:
    """Announce a step before it starts and say how long it took."""
    print(f"\n[{number}/{STEPS}] {title}", flush=True)
    started = time.perf_counter()
    yield
    print(f"      done in {time.perf_counter() - started:.1f} s", flush=True)


def speak(client: OneRouterAudioClient) -> None:
    path = client.speech_to_file(
        OUTPUT_DIR / "quickstart-speech.mp3",
        "Hello! This sentence was spoken by the OneRouter audio API.",
        voice="alloy",
        overwrite=True,
    )
    print(f"      wrote {path} ({path.stat().st_size:,} bytes)")


def transcribe(client: OneRouterAudioClient) -> None:
    result = client.transcribe(AUDIO_DIR / "hello.mp3", response_format="verbose_json")
    print(f"      spoken: {HELLO_WORDS!r}")
    print(f"      heard : {result.text!r} (language {result.language}, {result.duration} s)")
    for segment in result.segments or []:
        print(f"        {segment.start:5.2f}-{segment.end:5.2f} s  {segment.text.strip()}")


def translate(client: OneRouterAudioClient) -> None:
    result = client.translate(AUDIO_DIR / "german.mp3")
    print(f"      spoken (German): {GERMAN_WORDS!r}")
    print(f"      in English     : {result.text!r}")


def load_transcripts(client: OneRouterAudioClient) -> None:
    loader = OneRouterTranscriptLoader(AUDIO_DIR, mode="segments", client=client)
    source = None
    for document in loader.lazy_load():  # Documents arrive file by file
        if document.metadata["source"] != source:
            source = document.metadata["source"]
            print(f"      {source}", flush=True)
        start, end = document.metadata["start"], document.metadata["end"]
        print(f"        {start:5.2f}-{end:5.2f} s  {document.page_content}")


def agent() -> None:
    model = pick_model()
    with audio_client("agent_audio") as client:
        messages = run_agent(client, model)
    describe(messages)


def main() -> None:
    print(mode_line(), flush=True)
    started = time.perf_counter()
    with audio_client("quickstart") as client:
        with step(1, "Text to speech: client.speech_to_file(...)"):
            speak(client)
        with step(2, "Transcription with timestamps: client.transcribe('hello.mp3')"):
            transcribe(client)
        with step(3, "Translation into English: client.translate('german.mp3')"):
            translate(client)
        with step(4, "Loader: OneRouterTranscriptLoader('examples/audio/', mode='segments')"):
            load_transcripts(client)
    with step(5, "Agent: transcribe hello.mp3 and reply by voice"):
        agent()
    print(f"\nAll steps done in {time.perf_counter() - started:.1f} s. Audio files: {OUTPUT_DIR}/")


if __name__ == "__main__":
    main()
