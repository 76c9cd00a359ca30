"""The examples run offline as documented, and the agent's tools hand back what they made.

Each example runs as ``python examples/<name>.py`` would, with no key: its audio API calls
replay ``cassettes/examples/``. ``ONEROUTER_BASE_URL`` points at a port nothing listens on, so
a call that escaped the recordings would fail instead of reaching a server.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from langchain_onerouter_audio import TranscriptionVerbose

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_LIVE_SETTINGS = ("ONEROUTER_API_KEY", "ONEROUTER_RECORD", "OPENAI_API_KEY")


def _run_offline(script: str, output_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in _LIVE_SETTINGS}
    env["ONEROUTER_BASE_URL"] = "http://127.0.0.1:9/v1"
    env["EXAMPLES_OUTPUT_DIR"] = str(output_dir)
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        env=env,
        cwd=output_dir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("agent_audio.py", ["calls transcribe_audio", "calls text_to_speech", "replied by voice"]),
        ("speak_answer.py", ["1. Whole answer, one file:", "answer-0.mp3", "answer-2.mp3"]),
        ("quickstart.py", ["[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]", "All steps done"]),
        ("voice_agent.py", ["voice-answer-0.mp3", "voice-answer-2.mp3", "done, 3 file(s)"]),
    ],
)
def test_example_runs_offline(script: str, expected: list[str], tmp_path: Path) -> None:
    result = _run_offline(script, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Offline: replaying recorded API responses")
    for text in expected:
        assert text in result.stdout
    written = list(tmp_path.rglob("*.mp3"))
    assert written
    assert all(path.stat().st_size > 1000 for path in written)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Import examples as ``python examples/<name>.py`` does, with no key set."""
    for name in _LIVE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.syspath_prepend(str(EXAMPLES))


@pytest.fixture
def agent_audio(offline: None) -> ModuleType:
    return importlib.import_module("agent_audio")


def test_replay_gives_each_upload_its_own_answer(offline: None) -> None:
    """Files transcribed in parallel arrive in any order; each must get its recorded answer."""
    audio_client = importlib.import_module("_offline").audio_client
    cassette = EXAMPLES.parent / "cassettes" / "examples" / "quickstart.yaml"
    recorded = cassette.read_bytes()
    with audio_client("quickstart") as client:  # recorded hello.mp3 first, lecture.mp3 last
        lecture = client.transcribe(
            EXAMPLES / "audio" / "lecture.mp3", response_format="verbose_json"
        )
        hello = client.transcribe(EXAMPLES / "audio" / "hello.mp3", response_format="verbose_json")
    assert lecture.duration == pytest.approx(24, abs=1)
    assert hello.duration == pytest.approx(5.3, abs=0.2)
    assert cassette.read_bytes() == recorded  # a partial replay leaves the recording alone


def test_agent_loop_tool_messages(agent_audio: ModuleType, tmp_path: Path) -> None:
    with agent_audio.audio_client("agent_audio") as client:
        messages = agent_audio.run_agent(client, agent_audio.scripted_model(), output_dir=tmp_path)

    tool_messages = [message for message in messages if isinstance(message, ToolMessage)]
    assert [message.name for message in tool_messages] == ["transcribe_audio", "text_to_speech"]
    heard, spoken = tool_messages
    assert heard.status == spoken.status == "success"

    # transcribe_audio: the transcript for the model, the typed response for the application.
    assert isinstance(heard.artifact, TranscriptionVerbose)
    assert heard.content == heard.artifact.text
    assert heard.content.strip()
    assert heard.artifact.segments
    assert heard.artifact.duration == pytest.approx(5.3, abs=0.2)

    # text_to_speech spoke what was heard, into the output folder.
    speak_call = messages[messages.index(spoken) - 1]
    assert isinstance(speak_call, AIMessage)
    assert heard.content in speak_call.tool_calls[0]["args"]["text"]
    path = Path(spoken.content)
    assert path.parent == tmp_path
    assert path.suffix == ".mp3"
    assert spoken.artifact == {
        "path": str(path),
        "format": "mp3",
        "bytes": path.stat().st_size,
        "model": "gpt-4o-mini-tts",
        "voice": "alloy",
    }
    assert path.read_bytes().startswith(b"ID3")

    assert isinstance(messages[-1], AIMessage)
    assert str(path) in messages[-1].content
