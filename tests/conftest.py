"""Shared fixtures: VCR configuration, the sync/async mode and the audio clips used by the tests.

Cassettes live in ``cassettes/<test module>/`` at the repository root, one per exchange: a test
run in both modes replays the same cassette. Requests are matched on method, path and query
only, so a cassette recorded against any base URL replays here.
While re-recording (``--record-mode=rewrite`` or ``all``, as ``make record`` does) only the sync
run of such a test runs: it writes the cassette once, and the async run replays it afterwards.
Authorization headers and key-bearing values are filtered out before anything is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pytest_recording.plugin import get_default_cassette_name

ROOT = Path(__file__).resolve().parent.parent
AUDIO = Path(__file__).resolve().parent / "fixtures" / "audio"
CASSETTES = ROOT / "cassettes"

# Replays need no real key; recording uses ONEROUTER_API_KEY / ONEROUTER_BASE_URL.
REPLAY_KEY = "replay-key-not-secret"
REPLAY_BASE_URL = "http://127.0.0.1:8765/v1"

_SECRET_HEADERS = (
    "authorization",
    "api-key",
    "x-api-key",
    "openai-api-key",
    "cookie",
    "set-cookie",
)


def _scrub_request(request: Any) -> Any:
    """Drop uploaded audio from recorded requests: it is large and already in fixtures/."""
    content_type = request.headers.get("Content-Type", "") or request.headers.get(
        "content-type", ""
    )
    if "multipart/form-data" in content_type:
        request.body = b"<multipart audio upload omitted>"
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _SECRET_HEADERS:
            del headers[name]
    return response


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(name, None) for name in _SECRET_HEADERS],
        "filter_query_parameters": [("api_key", None), ("key", None)],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "match_on": ["method", "path", "query"],
        "decode_compressed_response": True,
    }


@pytest.fixture
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / request.module.__name__.split(".")[-1])


_RECORDING_MODES = ("rewrite", "all")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """While recording, leave out the async twins: one recording per cassette, not two."""
    if config.getoption("--record-mode", default="none") not in _RECORDING_MODES:
        return
    twins = [item for item in items if _mode_of(item) == "async"]
    if twins:
        config.hook.pytest_deselected(items=twins)
        items[:] = [item for item in items if _mode_of(item) != "async"]


def _mode_of(item: pytest.Item) -> str | None:
    """The ``mode`` a test item runs in, or None when it does not take the fixture."""
    callspec = getattr(item, "callspec", None)
    mode = callspec.params.get("mode") if callspec is not None else None
    return mode if isinstance(mode, str) else None


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """The face a test drives, ``"sync"`` or ``"async"``: a test that asks for it runs both."""
    return str(request.param)


def _name_without_mode(node: pytest.Item) -> str:
    """A test's name without its sync/async id: ``test_x[mp3-async]`` -> ``test_x[mp3]``."""
    mode = _mode_of(node)
    if mode not in ("sync", "async"):
        return node.name
    base, _, inner = node.name.partition("[")
    ids = inner.removesuffix("]").split("-")
    ids.remove(mode)
    return f"{base}[{'-'.join(ids)}]" if ids else base


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """One cassette per exchange: a test's sync and async runs replay the same recording."""
    marker = request.node.get_closest_marker("default_cassette")
    if marker is not None:
        return str(marker.args[0])
    return str(get_default_cassette_name(request.cls, _name_without_mode(request.node)))


@pytest.fixture
def client_settings() -> dict[str, str]:
    """Key and base URL: the real ones while recording, harmless stand-ins on replay."""
    return {
        "api_key": os.environ.get("ONEROUTER_API_KEY", REPLAY_KEY),
        "base_url": os.environ.get("ONEROUTER_BASE_URL", REPLAY_BASE_URL),
    }


@pytest.fixture
def audio_dir(tmp_path: Path) -> Path:
    """A private copy of the clips, so tests may add, remove or break files freely."""
    target = tmp_path / "audio"
    shutil.copytree(AUDIO, target)
    return target


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary folder, redirected: downloads must leave nothing in it."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root
