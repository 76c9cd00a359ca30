"""Run the same call the sync or the async way, so one test covers both faces of an API."""

from __future__ import annotations

import asyncio
from typing import Any

MODES = ("sync", "async")


def call(target: Any, method: str, mode: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``target.<method>``, or run ``target.a<method>`` on a fresh event loop."""
    if mode == "async":
        return asyncio.run(getattr(target, f"a{method}")(*args, **kwargs))
    return getattr(target, method)(*args, **kwargs)
