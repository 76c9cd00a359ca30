"""Resource hygiene: pools close with ``with`` / ``async with``, and reuse keeps connections flat.

A loopback server counts the connections it sees, and ``/proc/self/fd`` counts this
process's open files and sockets, so a leak shows up as a number, not a guess.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from langchain_onerouter_audio import OneRouterAudioClient, OneRouterAudioToolkit
from tests.unit_tests.fake_api import AUDIO, KEY
from tests.unit_tests.loopback_server import Action, LocalServer, Seen, ok_action, open_fds


def _async_pool(client: OneRouterAudioClient) -> httpx.AsyncClient:
    """The one async pool the client made (tests here use one loop at a time)."""
    (owned,) = client._async_pools.owned.values()
    return owned.pool


@pytest.fixture
def server() -> Any:
    with LocalServer(ok_action) as running:
        yield running


def test_with_closes_the_pool(server: LocalServer) -> None:
    before = open_fds()
    with OneRouterAudioClient(api_key=KEY, base_url=server.base_url) as client:
        for _ in range(20):
            assert client.speech("hi") == AUDIO
        pool = client._http_client
        assert pool is not None
        assert server.open == 1  # twenty calls, one kept-alive connection
    assert pool.is_closed
    assert server.wait_closed() == 0
    assert server.opened == 1
    assert open_fds() == before


async def test_async_with_closes_both_pools(server: LocalServer) -> None:
    before = open_fds()
    async with OneRouterAudioClient(api_key=KEY, base_url=server.base_url) as client:
        await asyncio.gather(*(client.aspeech("hi") for _ in range(8)))
        client.speech("hi")  # the sync pool too
        pools = (_async_pool(client), client._http_client)
        assert server.opened <= 9
    assert all(pool is not None and pool.is_closed for pool in pools)
    assert await asyncio.to_thread(server.wait_closed) == 0
    assert open_fds() == before


async def test_caller_supplied_pools_stay_open(server: LocalServer) -> None:
    sync_pool, async_pool = httpx.Client(), httpx.AsyncClient()
    client = OneRouterAudioClient(
        api_key=KEY,
        base_url=server.base_url,
        http_client=sync_pool,
        http_async_client=async_pool,
    )
    async with client:
        await client.aspeech("hi")
        client.speech("hi")
    assert not sync_pool.is_closed
    assert not async_pool.is_closed
    assert (await async_pool.get(server.base_url + "/health")).status_code == 200
    await asyncio.to_thread(sync_pool.close)
    await async_pool.aclose()


def test_close_is_idempotent_and_the_client_reopens(server: LocalServer) -> None:
    client = OneRouterAudioClient(api_key=KEY, base_url=server.base_url)
    client.close()
    client.close()
    assert client.speech("hi") == AUDIO
    client.close()
    assert server.wait_closed() == 0


def _toolkit(base_url: str, root: Path, output_dir: Path) -> OneRouterAudioToolkit:
    client = OneRouterAudioClient(api_key=KEY, base_url=base_url)
    return OneRouterAudioToolkit(
        client=client, root_dir=root, output_dir=output_dir, transcript_format="json"
    )


def test_tools_used_many_times_reuse_one_connection(
    server: LocalServer, audio_dir: Path, tmp_path: Path
) -> None:
    """A long-running agent's tools share one pool: connections do not grow with calls."""
    toolkit = _toolkit(server.base_url, audio_dir, tmp_path / "out")
    speak, transcribe, translate = toolkit.get_tools()
    fds = []
    for _ in range(60):
        speak.invoke({"text": "hi"})
        transcribe.invoke({"file_path": "hello.mp3"})
        translate.invoke({"file_path": "german.mp3"})
        fds.append(open_fds())
    assert len(server.requests) == 180
    assert server.opened == 1
    # After the first round (which opened the one connection) nothing more is held open:
    # every upload closed its file and no socket was added.
    assert set(fds) == {fds[0]}
    toolkit.client.close()
    assert server.wait_closed() == 0


async def test_async_tools_at_concurrency_keep_a_bounded_pool(
    server: LocalServer, audio_dir: Path, tmp_path: Path
) -> None:
    toolkit = _toolkit(server.base_url, audio_dir, tmp_path / "out")
    speak, transcribe, translate = toolkit.get_tools()
    limit = asyncio.Semaphore(8)

    async def one(i: int) -> Any:
        async with limit:
            if i % 3 == 0:
                return await speak.ainvoke({"text": "hi"})
            tool = transcribe if i % 3 == 1 else translate
            return await tool.ainvoke({"file_path": "hello.mp3"})

    await asyncio.gather(*(one(i) for i in range(180)))
    assert len(server.requests) == 180
    assert server.peak <= 8
    assert server.opened <= 8
    await toolkit.client.aclose()
    assert await asyncio.to_thread(server.wait_closed) == 0


# -- event loops come and go: each one's pool is released, without waiting for the collector


@contextlib.contextmanager
def _no_collector() -> Iterator[list[warnings.WarningMessage]]:
    """Keep the garbage collector from releasing leaked sockets; record ResourceWarnings."""
    gc.collect()
    gc.disable()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            yield caught
            gc.collect()  # anything still unclosed warns now
    finally:
        gc.enable()


def _fds_once_settled(expected: int, timeout: float = 2.0) -> int:
    """Open fds once the server thread has closed its ends too (it counts a connection
    closed just before it closes its socket), or the count at the deadline."""
    deadline = time.monotonic() + timeout
    while (count := open_fds()) != expected and time.monotonic() < deadline:
        time.sleep(0.005)
    return count


def test_aclose_after_the_event_loop_changed(server: LocalServer) -> None:
    """Each ``asyncio.run`` gets its own pool; closing from a later loop does not raise."""
    client = OneRouterAudioClient(api_key=KEY, base_url=server.base_url)
    with _no_collector() as caught:
        for _ in range(3):
            assert asyncio.run(client.aspeech("hi")) == AUDIO
        last_pool = _async_pool(client)
        asyncio.run(client.aclose())
        assert client._async_pools.owned == {}
        assert last_pool.is_closed
        assert server.wait_closed() == 0  # each loop closed its pool as it ended
    assert [str(w.message) for w in caught] == []


def test_asyncio_run_cycles_release_their_sockets(server: LocalServer) -> None:
    client = OneRouterAudioClient(api_key=KEY, base_url=server.base_url)
    before = open_fds()
    fds = []
    with _no_collector() as caught:
        for _ in range(20):
            assert asyncio.run(client.aspeech("hi")) == AUDIO
            assert server.wait_closed() == 0
            fds.append(_fds_once_settled(before))
        client.close()
    assert fds == [before] * 20
    assert server.opened == 20
    assert [str(w.message) for w in caught] == []


def test_close_releases_the_pool_of_an_idle_loop(server: LocalServer) -> None:
    """A loop that is not running (between run_until_complete calls) closes its pool."""
    before = open_fds()
    loop = asyncio.new_event_loop()
    with _no_collector() as caught:
        with OneRouterAudioClient(api_key=KEY, base_url=server.base_url) as client:
            assert loop.run_until_complete(client.aspeech("hi")) == AUDIO
            client.speech("hi")
            pool = _async_pool(client)
            assert server.open == 2
        assert pool.is_closed
        assert server.wait_closed() == 0
        loop.close()
    assert _fds_once_settled(before) == before
    assert [str(w.message) for w in caught] == []


async def test_close_inside_a_running_loop_closes_its_pool_on_that_loop(
    server: LocalServer,
) -> None:
    """``with`` in async code: the pool cannot be awaited there, so its loop closes it next."""
    with OneRouterAudioClient(api_key=KEY, base_url=server.base_url) as client:
        await client.aspeech("hi")
        pool = _async_pool(client)
    for _ in range(100):
        if pool.is_closed:
            break
        await asyncio.sleep(0)
    assert pool.is_closed
    assert await asyncio.to_thread(server.wait_closed) == 0


def test_one_client_shared_by_threads_each_running_its_own_loops() -> None:
    """Each thread's ``asyncio.run`` gets its own pool; no loop closes another's mid-use."""
    threads, runs = 3, 4
    in_flight_together = threading.Barrier(threads)

    def first_requests_wait_for_each_other(seen: Seen) -> Action:
        answer = ok_action(seen)

        async def act(conn: Any, writer: Any) -> bool:
            if len(server.requests) <= threads:  # every loop now holds a pool, mid-request
                await asyncio.to_thread(in_flight_together.wait, 5)
            return await answer(conn, writer)

        return act

    results: list[bytes] = []
    failures: list[BaseException] = []
    with LocalServer(first_requests_wait_for_each_other) as server:
        client = OneRouterAudioClient(api_key=KEY, base_url=server.base_url)
        before = open_fds()

        def work() -> None:
            try:
                for _ in range(runs):
                    results.append(asyncio.run(client.aspeech("hi")))
            except BaseException as error:  # reported by the assertion below
                failures.append(error)

        with _no_collector() as caught:
            workers = [threading.Thread(target=work) for _ in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(10)
            client.close()
            assert [repr(error) for error in failures] == []
            assert results == [AUDIO] * (threads * runs)
            assert server.wait_closed() == 0
        assert _fds_once_settled(before) == before
        assert [str(w.message) for w in caught] == []
