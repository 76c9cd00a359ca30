"""Run the same call the sync or the async way, so one test covers both faces of an API."""

from __future__ import annotations

import asyncio
from typing import Any


def call(target: Any, method: str, mode: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``target.<method>``, or run ``target.a<method>`` on a fresh event loop."""
    if mode == "async":
        return asyncio.run(getattr(target, f"a{method}")(*args, **kwargs))
    return getattr(target, method)(*args, **kwargs)


def collect_stream(target: Any, method: str, mode: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Gather what ``target.<method>`` yields, or what ``target.a<method>`` yields async."""
    if mode == "sync":
        return list(getattr(target, method)(*args, **kwargs))

    async def gather() -> list[Any]:
        return [item async for item in getattr(target, f"a{method}")(*args, **kwargs)]

    return asyncio.run(gather())
