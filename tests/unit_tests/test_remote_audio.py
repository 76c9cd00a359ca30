"""Audio at http(s) URLs: fetched from a loopback server, capped, sniffed, and safe by default.

The audio host is a real socket (``LocalServer``); the audio API is the in-memory fake.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import h11
import pytest

from langchain_onerouter_audio import (
    OneRouterInputError,
    OneRouterTimeoutError,
    OneRouterTranscriptLoader,
    _remote,
)
from langchain_onerouter_audio._remote import is_public_address, is_url, shown_url
from tests._calls import call
from tests.unit_tests.fake_api import AUDIO, FakeApi, Waits
from tests.unit_tests.loopback_server import Action, LocalServer, Seen, respond

MP3 = {"content-type": "audio/mpeg"}


def stream_body(total: int, piece: bytes = AUDIO) -> Action:
    """Audio of ``total`` bytes, chunked, without a Content-Length."""

    async def act(conn: h11.Connection, writer: asyncio.StreamWriter) -> bool:
        writer.write(
            conn.send(h11.Response(status_code=200, headers=[("content-type", "audio/mpeg")]))
        )
        sent = 0
        while sent < total:
            writer.write(conn.send(h11.Data(data=piece)))
            sent += len(piece)
            await writer.drain()
        writer.write(conn.send(h11.EndOfMessage()))
        await writer.drain()
        return True

    return act


Routes = dict[str, Callable[[Seen], Action]]


@pytest.fixture
def serve() -> Iterator[Callable[[Routes], LocalServer]]:
    """Start a loopback audio host answering by path; stopped at the end of the test."""
    servers: list[LocalServer] = []

    def start(routes: Routes) -> LocalServer:
        def handler(seen: Seen) -> Action:
            path = seen.path.split("?")[0]
            return routes.get(path, lambda _: respond(404, b"missing"))(seen)

        server = LocalServer(handler).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


def audio_route(_: Seen) -> Action:
    return respond(200, AUDIO, MP3)


def url(server: LocalServer, path: str, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{server.port}{path}"


# -- fetched, with the API seeing the audio under the URL's file name


def test_a_url_is_transcribed(
    mode: str, serve: Callable[[Routes], LocalServer], temp_root: Path
) -> None:
    server = serve({"/episode.mp3": audio_route})
    api = FakeApi()
    client = api.client(allow_private_urls=True)

    result = call(client, "transcribe", mode, url(server, "/episode.mp3?sig=s3cr3t"))

    assert result.text == "hello there"
    assert api.uploads[0].filename == "episode.mp3"
    assert not list(temp_root.iterdir())


def test_the_loader_takes_urls_beside_paths_and_strips_credentials(
    mode: str,
    serve: Callable[[Routes], LocalServer],
    temp_root: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = serve({"/a/talk.mp3": audio_route})
    local = tmp_path / "local.mp3"
    local.write_bytes(AUDIO)
    api = FakeApi()
    address = f"http://user:pa55@127.0.0.1:{server.port}/a/talk.mp3?X-Amz-Signature=s3cr3t"
    loader = OneRouterTranscriptLoader(
        [address, local], client=api.client(), allow_private_urls=True
    )

    with caplog.at_level(logging.DEBUG, logger="langchain_onerouter_audio"):
        docs = call(loader, "load", mode)

    assert [doc.metadata["source"] for doc in docs] == [
        f"http://127.0.0.1:{server.port}/a/talk.mp3",
        str(local),
    ]
    assert "s3cr3t" not in caplog.text
    assert "pa55" not in caplog.text
    assert "s3cr3t" not in str(api.uploads)
    assert not list(temp_root.iterdir())


@pytest.mark.parametrize("cap", [0, -1, 2.5])
def test_a_bad_cap_is_refused_when_the_loader_is_built(cap: Any) -> None:
    with pytest.raises(OneRouterInputError, match="max_download_bytes"):
        OneRouterTranscriptLoader("x.mp3", client=FakeApi().client(), max_download_bytes=cap)


# -- safe by default


def test_a_loopback_url_is_refused_by_default(
    mode: str, serve: Callable[[Routes], LocalServer]
) -> None:
    server = serve({"/a.mp3": audio_route})
    client = FakeApi().client()
    for host in ("127.0.0.1", "localhost"):
        with pytest.raises(OneRouterInputError, match="private, loopback"):
            call(client, "transcribe", mode, url(server, "/a.mp3", host))
    assert server.requests == []


def _public_cdn(monkeypatch: pytest.MonkeyPatch) -> None:
    """``cdn.example`` passes the check and reaches the loopback server; other names are
    resolved by a fake resolver, so a public-looking name can point inside."""
    real_check = _remote.checked_address
    fake_dns = {"metadata.example": ["169.254.169.254"], "inside.example": ["10.1.2.3"]}
    monkeypatch.setattr(
        _remote,
        "checked_address",
        lambda host, addresses: (
            "127.0.0.1" if host == "cdn.example" else real_check(host, addresses)
        ),
    )
    monkeypatch.setattr(
        _remote,
        "resolve",
        lambda host, port: fake_dns.get(host) or ["127.0.0.1"],
    )


@pytest.mark.parametrize("target", ["metadata.example", "inside.example", "127.0.0.1", "localhost"])
def test_a_redirect_to_a_private_address_is_refused(
    mode: str,
    serve: Callable[[Routes], LocalServer],
    monkeypatch: pytest.MonkeyPatch,
    temp_root: Path,
    target: str,
) -> None:
    server = serve({})
    location = f"http://{target}:{server.port}/secret.mp3"
    server.handler = lambda seen: respond(302, b"", {"location": location})
    _public_cdn(monkeypatch)
    client = FakeApi().client()

    with pytest.raises(OneRouterInputError, match="private, loopback"):
        call(client, "transcribe", mode, url(server, "/episode.mp3", "cdn.example"))

    assert [seen.path for seen in server.requests] == ["/episode.mp3"]
    assert not list(temp_root.iterdir())


def test_a_public_name_that_resolves_inside_is_refused(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_remote, "resolve", lambda host, port: ["93.184.216.34", "10.0.0.7"])

    with pytest.raises(OneRouterInputError, match=r"10\.0\.0\.7"):
        call(FakeApi().client(), "transcribe", mode, "https://podcasts.example/ep.mp3")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fd00:ec2::254", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("64:ff9b::a00:1", False),
        ("2002:7f00:1::", False),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "address", ["ftp://files.example/a.mp3", "file:///etc/passwd", "gopher://x/"]
)
def test_other_schemes_are_refused_in_blocks(mode: str, address: str) -> None:
    block = {"type": "audio", "url": address, "mime_type": "audio/mpeg"}
    with pytest.raises(OneRouterInputError, match="Only http:// and https://"):
        call(FakeApi().client(), "transcribe", mode, block)


def test_only_http_prefixes_make_a_string_a_url(tmp_path: Path) -> None:
    assert is_url("https://x.example/a.mp3")
    assert is_url("HTTP://x.example/a.mp3")
    assert not is_url("recordings/http:/a.mp3")
    assert not is_url(str(tmp_path / "a.mp3"))
    assert not is_url("ftp://x.example/a.mp3")


def test_shown_urls_lose_credentials() -> None:
    assert (
        shown_url("https://me:pw@Bucket.example:8443/a/b.mp3?X-Amz-Signature=1&k=2#frag")
        == "https://bucket.example:8443/a/b.mp3"
    )
    assert shown_url("http://[::1]:80/x") == "http://[::1]:80/x"


# -- capped, sniffed, bounded


def test_a_declared_size_over_the_cap_is_refused_before_the_body(
    mode: str, serve: Callable[[Routes], LocalServer], temp_root: Path
) -> None:
    server = serve({"/big.mp3": lambda _: respond(200, AUDIO * 10, MP3)})
    client = FakeApi().client(allow_private_urls=True, max_download_bytes=len(AUDIO))

    with pytest.raises(OneRouterInputError, match="download limit"):
        call(client, "transcribe", mode, url(server, "/big.mp3"))
    assert not list(temp_root.iterdir())


def test_a_body_over_the_cap_is_stopped_while_downloading(
    mode: str, serve: Callable[[Routes], LocalServer], temp_root: Path
) -> None:
    server = serve({"/endless.mp3": lambda _: stream_body(50 * 2**20)})
    api = FakeApi()
    client = api.client(allow_private_urls=True, max_download_bytes=2**20)

    with pytest.raises(OneRouterInputError, match="larger than that"):
        call(client, "transcribe", mode, url(server, "/endless.mp3"))
    assert not list(temp_root.iterdir())
    assert api.requests == []


def test_a_stalled_server_times_out(mode: str, temp_root: Path) -> None:
    with LocalServer(lambda seen: respond(200, b"")) as server:
        server.handler = lambda seen: server.hang()
        client = FakeApi().client(allow_private_urls=True, timeout=0.3)
        with pytest.raises(OneRouterTimeoutError, match="timed out"):
            call(client, "transcribe", mode, url(server, "/slow.mp3"))
    assert not list(temp_root.iterdir())


def test_a_404_is_a_fixable_input_error_and_not_retried(
    mode: str, serve: Callable[[Routes], LocalServer]
) -> None:
    server = serve({})
    client = FakeApi().client(allow_private_urls=True, retry_policy=Waits().policy(3))

    with pytest.raises(OneRouterInputError, match="HTTP 404"):
        call(client, "transcribe", mode, url(server, "/gone.mp3"))
    assert len(server.requests) == 1


def test_a_transient_failure_is_retried(mode: str, serve: Callable[[Routes], LocalServer]) -> None:
    answers = iter([respond(503, b"busy"), respond(200, AUDIO, MP3)])
    server = serve({"/a.mp3": lambda _: next(answers)})
    waits = Waits()
    client = FakeApi().client(allow_private_urls=True, retry_policy=waits.policy(2))

    assert call(client, "transcribe", mode, url(server, "/a.mp3")).text == "hello there"
    assert len(server.requests) == 2
    assert len(waits.seconds) == 1


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"<!doctype html><html><body>Sign in</body></html>", {"content-type": "text/html"}),
        (b"  <html><head><title>Sign in</title></head></html>", MP3),
    ],
)
def test_a_web_page_is_not_audio(
    mode: str,
    serve: Callable[[Routes], LocalServer],
    temp_root: Path,
    body: bytes,
    headers: dict[str, str],
) -> None:
    server = serve({"/ep.mp3": lambda _: respond(200, body, headers)})
    api = FakeApi()

    with pytest.raises(OneRouterInputError, match="web page"):
        call(api.client(allow_private_urls=True), "transcribe", mode, url(server, "/ep.mp3"))
    assert api.requests == []
    assert not list(temp_root.iterdir())


def test_bytes_that_are_not_audio_are_refused(
    mode: str, serve: Callable[[Routes], LocalServer]
) -> None:
    server = serve({"/ep.mp3": lambda _: respond(200, b"PK\x03\x04" + bytes(64), MP3)})
    with pytest.raises(OneRouterInputError, match="does not look like audio"):
        call(FakeApi().client(allow_private_urls=True), "transcribe", mode, url(server, "/ep.mp3"))


def test_redirects_are_followed_a_few_times_only(
    mode: str, serve: Callable[[Routes], LocalServer]
) -> None:
    server = serve({"/final.mp3": audio_route})
    hops = {f"/{n}": f"/{n + 1}" for n in range(7)}

    def redirect(seen: Seen) -> Action:
        path = seen.path.split("?")[0]
        if path == "/final.mp3":
            return respond(200, AUDIO, MP3)
        return respond(302, b"", {"location": hops.get(path, "/final.mp3")})

    server.handler = redirect
    client = FakeApi().client(allow_private_urls=True)
    hops["/2"] = "/final.mp3"
    assert call(client, "transcribe", mode, url(server, "/0")).text == "hello there"

    hops["/2"] = "/3"
    with pytest.raises(OneRouterInputError, match="redirected more than 5 times"):
        call(client, "transcribe", mode, url(server, "/0"))
