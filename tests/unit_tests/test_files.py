"""Local files: sandboxed paths, upload checks and atomic writes."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from langchain_onerouter_audio._files import (
    UploadFile,
    atomic_output,
    check_audio_bytes,
    check_audio_file,
    resolve_inside,
    sniff_audio_format,
)
from langchain_onerouter_audio.errors import OneRouterInputError
from langchain_onerouter_audio.models import UPLOAD_FORMATS

# -- resolve_inside


@pytest.mark.parametrize("relative", ["hello.mp3", "./hello.mp3", "sub/../hello.mp3"])
def test_resolve_inside_accepts_paths_in_root(audio_dir: Path, relative: str) -> None:
    assert resolve_inside(audio_dir, relative) == (audio_dir / "hello.mp3").resolve()


def test_resolve_inside_accepts_nested_and_absolute_paths_in_root(audio_dir: Path) -> None:
    nested = audio_dir / "a" / "b.wav"
    assert resolve_inside(audio_dir, "a/b.wav") == nested.resolve()
    assert resolve_inside(audio_dir, str(audio_dir / "hello.wav")) == (audio_dir / "hello.wav")
    assert resolve_inside(str(audio_dir), Path("hello.wav")) == audio_dir / "hello.wav"


@pytest.mark.parametrize("escape", ["../secret.mp3", "a/../../secret.mp3", "/etc/passwd", ".."])
def test_resolve_inside_refuses_escapes(audio_dir: Path, escape: str) -> None:
    with pytest.raises(OneRouterInputError, match="is outside the allowed folder"):
        resolve_inside(audio_dir, escape)


def test_resolve_inside_refuses_a_sibling_with_a_common_prefix(tmp_path: Path) -> None:
    root = tmp_path / "audio"
    root.mkdir()
    with pytest.raises(OneRouterInputError, match="outside"):
        resolve_inside(root, str(tmp_path / "audio-private" / "x.mp3"))


def test_resolve_inside_refuses_symlinks_that_lead_out(audio_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.mp3"
    outside.write_bytes(b"ID3")
    (audio_dir / "link.mp3").symlink_to(outside)
    (audio_dir / "linkdir").symlink_to(tmp_path, target_is_directory=True)
    for name in ("link.mp3", "linkdir/outside.mp3"):
        with pytest.raises(OneRouterInputError, match="links that lead out"):
            resolve_inside(audio_dir, name)


def test_resolve_inside_follows_symlinks_that_stay_in(audio_dir: Path) -> None:
    (audio_dir / "alias.mp3").symlink_to(audio_dir / "hello.mp3")
    assert resolve_inside(audio_dir, "alias.mp3") == (audio_dir / "hello.mp3").resolve()


@pytest.mark.parametrize(
    ("path", "message"), [("", "path is empty"), ("  ", "path is empty"), ("a\x00.mp3", "NUL")]
)
def test_resolve_inside_refuses_invalid_paths(audio_dir: Path, path: str, message: str) -> None:
    with pytest.raises(OneRouterInputError, match=message):
        resolve_inside(audio_dir, path)


# -- format sniffing


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hello.mp3", "mp3"),
        ("hello.wav", "wav"),
        ("hello.flac", "flac"),
        ("hello.ogg", "ogg"),
        ("hello.webm", "webm"),
        ("hello.m4a", "mp4"),
        ("mislabeled.txt", "mp3"),
        ("corrupt.mp3", None),
    ],
)
def test_sniff_fixture_clips(audio_dir: Path, name: str, expected: str | None) -> None:
    assert sniff_audio_format((audio_dir / name).read_bytes()[:16]) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xfb\x90\x64", "mp3"),  # MPEG audio frame sync, no ID3 tag
        (b"\xff\xf3\x00\x00", "mp3"),
        (b"\x00\x00\x01\xba\x44", "mpeg"),  # MPEG program stream
        (b"\x00\x00\x01\xb3\x00", "mpeg"),
        (b"\x00\x00\x00\x20ftypisom", "mp4"),
        (b"RIFF\x00\x00\x00\x00AVI ", None),
        (b"RF64\xff\xff\xff\xffWAVEds64", "wav"),  # WAV over 4 GiB (EBU 3306)
        (b"BW64\xff\xff\xff\xffWAVEds64", "wav"),  # broadcast WAV (ITU-R BS.2088)
        (b"RF64\xff\xff\xff\xffAVI ", None),
        (b"", None),
        (b"\xff", None),
        (b"%PDF-1.7", None),
    ],
)
def test_sniff_headers(head: bytes, expected: str | None) -> None:
    assert sniff_audio_format(head) == expected


def test_rf64_wav_is_accepted_for_upload() -> None:
    head = b"RF64\xff\xff\xff\xffWAVEds64"
    check_audio_bytes("long.wav", head, 1000)


# -- upload checks


def test_check_audio_file_returns_the_size(audio_dir: Path) -> None:
    clip = audio_dir / "hello.mp3"
    assert check_audio_file(clip) == clip.stat().st_size


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.mp3", "No file at"),
        ("empty.wav", r"is empty \(0 bytes\)"),
        ("corrupt.mp3", "does not look like audio"),
        ("README.md", "unsupported extension .md and its first bytes match no audio format"),
    ],
)
def test_check_audio_file_refuses(audio_dir: Path, name: str, message: str) -> None:
    with pytest.raises(OneRouterInputError, match=message):
        check_audio_file(audio_dir / name)


def test_check_audio_file_judges_by_the_bytes_not_the_name(audio_dir: Path) -> None:
    clip = audio_dir / "mislabeled.txt"
    assert check_audio_file(clip) == clip.stat().st_size


def test_check_audio_file_refuses_a_folder(audio_dir: Path) -> None:
    (audio_dir / "folder.mp3").mkdir()
    with pytest.raises(OneRouterInputError, match="is not a regular file"):
        check_audio_file(audio_dir / "folder.mp3")


def test_check_audio_file_enforces_the_size_limit(audio_dir: Path) -> None:
    clip = audio_dir / "hello.mp3"
    size = clip.stat().st_size
    assert check_audio_file(clip, max_bytes=size) == size
    with pytest.raises(OneRouterInputError, match=f"the upload limit is {size - 1:,} bytes"):
        check_audio_file(clip, max_bytes=size - 1)


@pytest.mark.parametrize("extension", UPLOAD_FORMATS)
def test_check_audio_bytes_accepts_every_upload_extension(extension: str) -> None:
    check_audio_bytes(f"clip.{extension.upper()}", b"ID3\x04", 10)


def test_check_audio_bytes_without_extension() -> None:
    check_audio_bytes("recording", b"ID3", 10)  # audio, whatever its name
    with pytest.raises(OneRouterInputError, match=r"unsupported extension \(none\)"):
        check_audio_bytes("recording", b"not audio", 10)


# -- atomic writes


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_atomic_output_writes_the_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "out.mp3"
    with atomic_output(target) as handle:
        handle.write(b"abc")
        assert not target.exists()  # nothing visible until the write completes
    assert target.read_bytes() == b"abc"
    assert _leftovers(target.parent) == []


def _write_then(target: Path, interrupt: Callable[[], object]) -> None:
    """Start an atomic write, then let ``interrupt`` happen before it completes."""
    with atomic_output(target) as handle:
        handle.write(b"partial")
        interrupt()


def _fail() -> None:
    raise RuntimeError("mid-stream")


def test_atomic_output_failure_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.mp3"
    with pytest.raises(RuntimeError, match="mid-stream"):
        _write_then(target, _fail)
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_keeps_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.mp3"
    target.write_bytes(b"old")
    with pytest.raises(OneRouterInputError, match="already exists; pass overwrite=True"):
        atomic_output(target).__enter__()
    assert target.read_bytes() == b"old"


def test_atomic_output_overwrites_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.mp3"
    target.write_bytes(b"old")
    with atomic_output(target, overwrite=True) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_atomic_output_never_clobbers_a_file_that_appears_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "out.mp3"
    with pytest.raises(OneRouterInputError, match="already exists"):
        _write_then(target, lambda: target.write_bytes(b"theirs"))
    assert target.read_bytes() == b"theirs"
    assert _leftovers(tmp_path) == []


@pytest.fixture(params=[0o022, 0o077, 0o002], ids=["022", "077", "002"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.mark.parametrize("overwrite", [False, True], ids=["new-file", "overwrite"])
def test_atomic_output_has_the_mode_any_new_file_gets(
    tmp_path: Path, umask: int, overwrite: bool
) -> None:
    """Not mkstemp's 0600: the umask decides, as for any file the user writes."""
    target = tmp_path / "out.mp3"
    if overwrite:
        target.write_bytes(b"old")
    with atomic_output(target, overwrite=overwrite) as handle:
        handle.write(b"abc")
    plain = tmp_path / "plain.mp3"
    plain.write_bytes(b"abc")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


# -- UploadFile


def test_upload_from_path(audio_dir: Path) -> None:
    clip = audio_dir / "hello.ogg"
    upload = UploadFile.from_input(os.fspath(clip))
    assert (upload.name, upload.size, upload.path, upload.content) == (
        "hello.ogg",
        clip.stat().st_size,
        clip,
        None,
    )
    with upload.open() as first, upload.open() as second:
        assert first.read() == second.read() == clip.read_bytes()


def test_upload_from_named_bytes(audio_dir: Path) -> None:
    data = (audio_dir / "hello.mp3").read_bytes()
    upload = UploadFile.from_input(("some/dir/voice.mp3", data))
    assert (upload.name, upload.size, upload.path) == ("voice.mp3", len(data), None)
    assert upload.open().read() == data


def test_upload_from_named_bytes_is_checked() -> None:
    with pytest.raises(OneRouterInputError, match="is empty"):
        UploadFile.from_input(("voice.mp3", b""))
    with pytest.raises(OneRouterInputError, match="upload limit is 3 bytes"):
        UploadFile.from_input(("voice.mp3", b"ID3\x04"), max_bytes=3)


def test_upload_expands_the_home_folder(monkeypatch: pytest.MonkeyPatch, audio_dir: Path) -> None:
    monkeypatch.setenv("HOME", str(audio_dir))
    assert UploadFile.from_input("~/hello.wav").path == audio_dir / "hello.wav"


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("a.flac", "audio/flac"),
        ("a.mp3", "audio/mpeg"),
        ("a.mp4", "audio/mp4"),
        ("a.mpeg", "audio/mpeg"),
        ("a.mpga", "audio/mpeg"),
        ("a.M4A", "audio/mp4"),
        ("a.ogg", "audio/ogg"),
        ("a.wav", "audio/wav"),
        ("a.webm", "audio/webm"),
        ("a.bin", "application/octet-stream"),
    ],
)
def test_upload_mime_types(name: str, mime: str) -> None:
    assert UploadFile(name=name, size=1).mime_type == mime


def test_a_file_check_names_the_file_as_shown(tmp_path: Path) -> None:
    with pytest.raises(OneRouterInputError, match=r"^No file at 'talks/a\.mp3'\.") as caught:
        check_audio_file(tmp_path / "talks" / "a.mp3", shown_as="talks/a.mp3")
    assert str(tmp_path) not in str(caught.value)
