"""src/kataven/_operations.py from the service's OpenAPI document: each operation's HTTP
method and path, by operationId.

    make sdk-types                                             (the checkout's document)
    python scripts/generate_operations.py http://127.0.0.1:8000/api/v1/openapi.json
    python scripts/generate_operations.py openapi.json         (a file; - reads stdin)

tests/test_openapi.py regenerates it from the served document with generate() and fails
on any difference, so the committed file cannot drift from the service.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path
from typing import Any, Mapping

OUTPUT = Path(__file__).resolve().parent.parent / "src" / "kataven" / "_operations.py"
# The document's paths are as served; the SDK's are below its base URL (.../api/v1).
API_ROOT = "/api/v1"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

HEADER = '''"""The service's operations, generated from its OpenAPI document: do not edit."""

# Regenerate with `make sdk-types` (sdk/python/scripts/generate_operations.py). Resources
# name the operation each method calls; its HTTP method and path below the base URL are
# here, as the service documents them.
'''


def operations(document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(operationId, HTTP method, path below the base URL) of each operation of the API,
    in the document's order; /healthz and /readyz are for load balancers, not clients."""
    found = []
    for path, item in document["paths"].items():
        if not path.startswith(f"{API_ROOT}/"):
            continue
        for method in (m for m in METHODS if m in item):
            operation_id = item[method].get("operationId")
            if not operation_id:
                raise ValueError(f"{method.upper()} {path} has no operationId")
            found.append((operation_id, method.upper(), path.removeprefix(API_ROOT)))
    return found


def generate(document: Mapping[str, Any]) -> str:
    """The text of _operations.py for a document."""
    lines = [HEADER, "OPERATIONS: dict[str, tuple[str, str]] = {"]
    for operation_id, method, path in operations(document):
        lines.append(f"    {json.dumps(operation_id)}: ({json.dumps(method)}, {json.dumps(path)}),")
    return "\n".join([*lines, "}", ""])


def read_source(source: str) -> Any:
    if source == "-":
        return json.load(sys.stdin)
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as answer:
            return json.load(answer)
    return json.loads(Path(source).read_text())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/generate_operations.py <url | file | ->")
    OUTPUT.write_text(generate(read_source(sys.argv[1])))
    print(f"wrote {OUTPUT}")
