"""Every ```python block in README.md and docs/*.md runs, so a broken example fails the suite.

How the runner works:

- Each ```python block of a page is one test, with the id ``<page>:<line of its fence>``.
  Shell commands and sample output use other fences (```bash, ```text) and are not run.
- A block runs in a fresh temporary working folder that holds the clips the docs name:
  ``hello.mp3``, ``german.mp3`` and ``lecture.mp3`` (copies of ``tests/fixtures/audio/``), and
  the same three under ``recordings/``. ``ONEROUTER_API_KEY`` and ``ONEROUTER_BASE_URL`` are
  harmless replay stand-ins; while recording they are whatever the environment gives.
- Blocks of one page build on each other, as a reader runs them: before a block runs, the
  runnable blocks above it on the same page run in the same namespace, replaying their own
  cassettes. So every test stands alone (``-k`` works) and a block may use what an earlier
  one defined.
- A block's HTTP calls replay ``cassettes/docs/<page>/<section>.yaml``, named after the
  heading the block sits under (``-2``, ``-3`` for later blocks of the same section), so
  editing one section leaves the other recordings valid. ``--record-mode=rewrite`` (``make
  record``) re-records the block under test. Blocks that make no HTTP call have no cassette.
- Some blocks need what this package cannot bring to CI: a chat model and its provider's key.
  Rather than slip a fake model into code users copy, such a block is preceded by the line
  ``<!-- docs-test: skip (needs a chat model) -->``. It is compiled, every name it imports
  from ``langchain_onerouter_audio`` must exist (names from other installed packages too),
  and then it is reported as skipped, not run. Later blocks must not depend on it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import vcr

from tests.conftest import AUDIO, CASSETTES, REPLAY_BASE_URL, REPLAY_KEY, ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCS_CASSETTES = CASSETTES / "docs"
CLIPS = ("hello.mp3", "german.mp3", "lecture.mp3")

_FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$")
_SKIP = re.compile(r"^<!--\s*docs-test:\s*skip\s*\((?P<reason>[^)]+)\)\s*-->$")


@dataclass(frozen=True)
class Block:
    """One ```python block of a page, where it is and how the runner treats it."""

    page: Path
    line: int
    code: str
    cassette: str
    skip_reason: str | None

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def cassette_path(self) -> Path:
        return DOCS_CASSETTES / self.page.stem / f"{self.cassette}.yaml"


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "top"


def python_blocks(page: Path) -> list[Block]:
    """The page's ```python blocks in order, each named after the heading above it."""
    blocks: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    section, seen_in_section = "top", 0
    previous_text = ""
    number = 0
    while number < len(lines):
        text = lines[number]
        fence = _FENCE.match(text)
        heading = _HEADING.match(text)
        if heading:
            section, seen_in_section = _slug(heading.group(1)), 0
        elif fence:
            end = next(i for i in range(number + 1, len(lines)) if lines[i].startswith("```"))
            if fence.group(1) == "python":
                seen_in_section += 1
                skip = _SKIP.match(previous_text)
                suffix = f"-{seen_in_section}" if seen_in_section > 1 else ""
                blocks.append(
                    Block(
                        page=page,
                        line=number + 1,
                        code="\n".join(lines[number + 1 : end]) + "\n",
                        cassette=section + suffix,
                        skip_reason=skip.group("reason") if skip else None,
                    )
                )
            number = end
        if text.strip():
            previous_text = text.strip()
        number += 1
    return blocks


BLOCKS = [block for page in PAGES for block in python_blocks(page)]


@pytest.fixture
def docs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_mode: str) -> Path:
    """A working folder with the clips the docs name, and the key and URL to replay with."""
    (tmp_path / "recordings").mkdir()
    for clip in CLIPS:
        shutil.copy(AUDIO / clip, tmp_path / clip)
        shutil.copy(AUDIO / clip, tmp_path / "recordings" / clip)
    monkeypatch.chdir(tmp_path)
    if record_mode == "none":
        monkeypatch.setenv("ONEROUTER_API_KEY", REPLAY_KEY)
        monkeypatch.setenv("ONEROUTER_BASE_URL", REPLAY_BASE_URL)
    return tmp_path


@pytest.fixture
def record_mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.config.getoption("--record-mode") or "none"
    return mode


_UPLOAD_NAME = re.compile(rb'name="file"; filename="([^"]*)"')


def _name_the_upload(request: Any) -> Any:
    """Keep only an upload's file name, so each file replays its own answer in any order."""
    if b"<audio upload" not in (request.body or b"") and "multipart/form-data" in str(
        request.headers.get("Content-Type", "")
    ):
        found = _UPLOAD_NAME.search(request.body or b"")
        request.body = b"<audio upload: " + (found.group(1) if found else b"?") + b">"
    return request


@pytest.fixture
def docs_vcr_config(vcr_config: dict[str, Any]) -> dict[str, Any]:
    """The suite's VCR settings, also matching bodies: the uploaded file, the text spoken."""
    return {
        **vcr_config,
        "before_record_request": _name_the_upload,
        "match_on": [*vcr_config["match_on"], "body"],
    }


def _run(block: Block, namespace: dict[str, Any], mode: str, config: dict[str, Any]) -> None:
    if mode == "rewrite":
        block.cassette_path.unlink(missing_ok=True)
        mode = "new_episodes"
    recorder = vcr.VCR(record_mode=mode, **config)
    with recorder.use_cassette(str(block.cassette_path)):
        exec(compile(block.code, block.id, "exec"), namespace)


def _check_imports(block: Block) -> None:
    """Every name the block imports exists (modules that are not installed are let be)."""
    tree = ast.parse(block.code, block.id)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if _installed(node.module):
                module = importlib.import_module(node.module)
                missing = [alias.name for alias in node.names if not hasattr(module, alias.name)]
                assert not missing, f"{block.id}: {node.module} has no {missing}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _installed(alias.name):
                    importlib.import_module(alias.name)


def _installed(module: str) -> bool:
    if module.split(".")[0] == "langchain_onerouter_audio":
        return True  # this package's names must always resolve
    return importlib.util.find_spec(module.split(".")[0]) is not None


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_docs_block_runs(
    block: Block, docs_folder: Path, record_mode: str, docs_vcr_config: dict[str, Any]
) -> None:
    compile(block.code, block.id, "exec")
    if block.skip_reason:
        _check_imports(block)
        pytest.skip(f"not run ({block.skip_reason}); syntax and imports checked")

    namespace: dict[str, Any] = {"__name__": "__docs__"}
    page_blocks = [other for other in BLOCKS if other.page == block.page]
    for earlier in page_blocks[: page_blocks.index(block)]:
        if not earlier.skip_reason:
            _run(earlier, namespace, "none", docs_vcr_config)
    _run(block, namespace, record_mode, docs_vcr_config)


def test_every_docs_cassette_belongs_to_a_block() -> None:
    """A renamed section leaves no stale recording behind."""
    expected = {block.cassette_path for block in BLOCKS}
    stale = sorted(set(DOCS_CASSETTES.rglob("*.yaml")) - expected)
    assert not stale, f"no docs block records these any more: {stale}"


def test_pages_have_runnable_blocks_and_few_skips() -> None:
    runnable = [block for block in BLOCKS if not block.skip_reason]
    skipped = [block for block in BLOCKS if block.skip_reason]
    assert {block.page for block in runnable} == set(PAGES)
    assert len(skipped) <= len(runnable) // 3, [block.id for block in skipped]
