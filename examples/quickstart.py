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

from _offline import AUDIO_DIR, OUTPUT_DIR, audio_client, local_model_note, mode_line
from agent_audio import describe, pick_model, run_agent

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptLoader

STEPS = 5
CASSETTES = ("quickstart", "agent_audio")
SPOKEN_WORDS = "Hello! This sentence was spoken by the OneRouter audio API."
HELLO_WORDS = "Hello, my name is Wolfgang and I come from Germany. Where are you heading today?"
GERMAN_WORDS = "Hallo, ich heisse Wolfgang und komme aus Deutschland. Wohin fahren Sie heute?"


def said_and_heard(said: str, heard: str, said_label: str = "said") -> None:
    """What went in and what the API made of it, one above the other."""
    width = max(len(said_label), len("heard"))
    print(f"      {said_label:<{width}}: {said!r}")
    print(f"      {'heard':<{width}}: {heard!r}")


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
        SPOKEN_WORDS,
        voice="alloy",
        overwrite=True,
    )
    print(f"      wrote {path} ({path.stat().st_size:,} bytes); transcribed back:")
    said_and_heard(SPOKEN_WORDS, client.transcribe(path, language="en").text)


def transcribe(client: OneRouterAudioClient) -> None:
    result = client.transcribe(AUDIO_DIR / "hello.mp3", response_format="verbose_json")
    said_and_heard(HELLO_WORDS, result.text)
    print(f"      language {result.language}, {result.duration} s:")
    for segment in result.segments or []:
        print(f"        {segment.start:5.2f}-{segment.end:5.2f} s  {segment.text.strip()}")


def translate(client: OneRouterAudioClient) -> None:
    result = client.translate(AUDIO_DIR / "german.mp3")
    said_and_heard(GERMAN_WORDS, result.text, said_label="said (German)")


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
    print(mode_line(*CASSETTES), flush=True)
    note = local_model_note(*CASSETTES)
    if note:
        print(note)
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
