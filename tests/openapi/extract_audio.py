"""Extract the three audio operations of OpenAI's OpenAPI description, with what they use.

Usage: python tests/openapi/extract_audio.py path/to/openapi.json > tests/openapi/audio.json

Reads the whole description (``openapi.json`` or ``openapi.yaml`` of openai/openai-openapi)
and writes only ``/audio/speech``, ``/audio/transcriptions`` and ``/audio/translations``
plus every component they reference, recursively. Not run by the tests.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PATHS = ("/audio/speech", "/audio/transcriptions", "/audio/translations")


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*map(_refs, node)) if node else set()
    return set()


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    """The audio subset of ``spec``: its three paths and the components they reach."""
    paths = {path: spec["paths"][path] for path in PATHS}
    components: dict[str, dict[str, Any]] = {}
    pending = _refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)  # "#/components/schemas/Name"
        value = spec["components"][kind][name]
        components.setdefault(kind, {})[name] = value
        pending |= _refs(value)
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "paths": paths,
        "components": {kind: dict(sorted(items.items())) for kind, items in components.items()},
    }


def main() -> None:
    """Read the description named on the command line; print the subset as JSON."""
    source = Path(sys.argv[1])
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".json":
        spec = json.loads(text)
    else:
        import yaml  # only for the YAML form

        spec = yaml.safe_load(text)
    json.dump(extract(spec), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
