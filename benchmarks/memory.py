"""Figure 3: peak memory growth uploading a 300 MB WAV, downloading 100 MB of speech, and
transcribing a 300 MB WAV given by URL (fetched to a temporary file, then uploaded).

Each measurement runs in a fresh Python process (``python memory.py probe ...``), so one
contender's garbage cannot hide another's. The probe warms up with a small call, notes its
RSS, runs the big call while sampling RSS every millisecond, and reports the growth: from
``ru_maxrss`` when the big call set the process's peak, else from the samples.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import CLIENT, FIXTURES, HTTPX, KEY, MODEL, OPENAI, TEXT, TOOLS, TTS_MODEL, Row

UPLOAD_MB = 300
DOWNLOAD_MB = 100
REMOTE_MB = 300
TARGET_MB = 40
SPEECH_HEADER = "X-Fake-Speech-Bytes"
SMALL_NAME = "small.mp3"


def write_big_wav(path: Path, megabytes: int) -> Path:
    """A valid WAV of ``megabytes`` MiB, written 1 MiB at a time."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fake_server import wav_header

    total = megabytes * 2**20
    block = bytes(2**20)
    with path.open("wb") as handle:
        handle.write(wav_header(total))
        left = total - 44
        while left:
            left -= handle.write(block[: min(len(block), left)])
    return path


# -- the probe: runs in its own process


def _remote(contender: str, base_url: str, path: Path) -> tuple[Callable[[], object], ...]:
    """(warm-up call, measured call) transcribing audio fetched from a URL; package only."""
    from langchain_onerouter_audio import OneRouterAudioClient

    client = OneRouterAudioClient(
        api_key=KEY,
        base_url=base_url,
        max_upload_bytes=2**31,
        max_download_bytes=2**31,
        allow_private_urls=True,  # the fake server is on this machine
    )
    files = base_url.removesuffix("/v1") + "/files/"
    small = f"{files}small.wav?bytes={2**16}"
    big = f"{files}big.wav?bytes={REMOTE_MB * 2**20}"
    return (lambda: client.transcribe(small), lambda: client.transcribe(big))


def _upload(contender: str, base_url: str, path: Path) -> tuple[Callable[[], object], ...]:
    """(warm-up call, measured call) uploading ``path``; the warm-up sends the small clip."""
    small = path.parent / SMALL_NAME
    if contender in (CLIENT, TOOLS):
        from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTranscriptionTool

        client = OneRouterAudioClient(api_key=KEY, base_url=base_url, max_upload_bytes=2**31)
        if contender == CLIENT:
            return (lambda: client.transcribe(small), lambda: client.transcribe(path))
        tool = OneRouterTranscriptionTool(client=client, root_dir=path.parent)
        return (
            lambda: tool.invoke({"file_path": small.name}),
            lambda: tool.invoke({"file_path": path.name}),
        )
    if contender == HTTPX:
        import httpx

        raw = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {KEY}"})

        def post(file: Path) -> object:
            with file.open("rb") as handle:
                files = {"file": (file.name, handle, "audio/wav")}
                response = raw.post("/audio/transcriptions", data={"model": MODEL}, files=files)
            return response.raise_for_status().json()

        return (lambda: post(small), lambda: post(path))
    import openai

    sdk = openai.OpenAI(api_key=KEY, base_url=base_url)

    def create(file: Path) -> object:
        with file.open("rb") as handle:
            return sdk.audio.transcriptions.create(file=handle, model=MODEL)

    return (lambda: create(small), lambda: create(path))


def _download(contender: str, base_url: str, out: Path) -> tuple[Callable[[], object], ...]:
    """(warm-up call, measured call) saving speech into ``out``; the warm-up is 32 KB."""
    big = {SPEECH_HEADER: str(DOWNLOAD_MB * 2**20)}
    if contender in (CLIENT, TOOLS):
        from langchain_onerouter_audio import OneRouterAudioClient, OneRouterTextToSpeechTool

        small_client = OneRouterAudioClient(api_key=KEY, base_url=base_url)
        client = OneRouterAudioClient(api_key=KEY, base_url=base_url, default_headers=big)
        if contender == CLIENT:
            return (
                lambda: small_client.speech_to_file(out / "warm.wav", TEXT, response_format="wav"),
                lambda: client.speech_to_file(out / "big.wav", TEXT, response_format="wav"),
            )
        options = {"output_dir": out, "audio_format": "wav"}
        small_tool = OneRouterTextToSpeechTool(client=small_client, **options)
        tool = OneRouterTextToSpeechTool(client=client, **options)
        return (lambda: small_tool.invoke({"text": TEXT}), lambda: tool.invoke({"text": TEXT}))
    body = {"model": TTS_MODEL, "input": TEXT, "voice": "alloy", "response_format": "wav"}
    if contender == HTTPX:
        import httpx

        raw = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {KEY}"})

        def save(name: str, headers: dict[str, str]) -> None:
            with (
                raw.stream("POST", "/audio/speech", json=body, headers=headers) as response,
                (out / name).open("wb") as handle,
            ):
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    handle.write(chunk)

        return (lambda: save("warm.wav", {}), lambda: save("big.wav", big))
    import openai

    sdk = openai.OpenAI(api_key=KEY, base_url=base_url)

    def stream(name: str, headers: dict[str, str]) -> None:
        with sdk.audio.speech.with_streaming_response.create(
            model=TTS_MODEL, input=TEXT, voice="alloy", response_format="wav", extra_headers=headers
        ) as response:
            response.stream_to_file(out / name)

    return (lambda: stream("warm.wav", {}), lambda: stream("big.wav", big))


@contextmanager
def _rss_sampler(interval: float = 0.001) -> Iterator[list[int]]:
    """Sample this process's RSS in a thread while the block runs."""
    import psutil

    process = psutil.Process()
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(process.memory_info().rss)
            time.sleep(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        done.set()
        thread.join()
        samples.append(process.memory_info().rss)


def probe(kind: str, contender: str, base_url: str, path: Path) -> dict[str, Any]:
    """Warm up, then measure one big call; returns RSS figures in bytes."""
    import gc
    import resource

    import psutil

    setup = {"upload": _upload, "download": _download, "remote": _remote}[kind]
    warm, big = setup(contender, base_url, path)
    warm()
    gc.collect()
    before = psutil.Process().memory_info().rss
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    with _rss_sampler() as samples:
        big()
    seconds = time.perf_counter() - start
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak = peak_after if peak_after > peak_before else max(samples)
    return {"before": before, "peak": peak, "growth": max(peak - before, 0), "seconds": seconds}


# -- the parent: one process per contender


def _run_probe(kind: str, contender: str, base_url: str, path: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "probe", kind, contender, base_url, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"memory probe {kind}/{contender} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(base_url: str, tmp: Path) -> list[Row]:
    """Peak RSS growth for each contender, uploading and downloading."""
    upload_dir = tmp / "upload"
    upload_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "hello.mp3", upload_dir / SMALL_NAME)
    big = write_big_wav(upload_dir / "big.wav", UPLOAD_MB)
    rows = []
    for kind, case in (
        ("upload", f"upload {UPLOAD_MB} MB WAV"),
        ("download", f"download {DOWNLOAD_MB} MB speech to file"),
    ):
        results = {}
        for contender in (CLIENT, TOOLS, HTTPX, OPENAI):
            target = big
            if kind == "download":
                target = tmp / f"download-{contender.replace(' ', '-')}"
                target.mkdir()
            results[contender] = _run_probe(kind, contender, base_url, target)
        growth = {name: float(result["growth"]) for name, result in results.items()}
        worst = max(growth[CLIENT], growth[TOOLS])
        rows.append(
            Row(
                figure="3 memory (peak RSS growth)",
                case=case,
                unit="MB",
                values=growth,
                ratio_label="package/openai",
                ratio=worst / growth[OPENAI] if growth[OPENAI] else None,
                target=f"package < {TARGET_MB} MB",
                holds=worst < TARGET_MB * 2**20,
                notes=[f"{name} took {r['seconds']:.2f} s" for name, r in results.items()],
            )
        )
    remote = _run_probe("remote", CLIENT, base_url, tmp)
    rows.append(
        Row(
            figure="3 memory (peak RSS growth)",
            case=f"transcribe a {REMOTE_MB} MB WAV by URL",
            unit="MB",
            values={CLIENT: float(remote["growth"])},
            target=f"package < {TARGET_MB} MB",
            holds=remote["growth"] < TARGET_MB * 2**20,
            notes=[f"{CLIENT} took {remote['seconds']:.2f} s (download, then upload)"],
        )
    )
    big.unlink()
    return rows


if __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "probe":
    print(json.dumps(probe(sys.argv[2], sys.argv[3], sys.argv[4], Path(sys.argv[5]))))
