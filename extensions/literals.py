"""Python values as TypeScript source, for the settings the catalogue puts in service-config.ts."""

from __future__ import annotations

import json
import re
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def ts_literal(value: Any) -> str:
    """``{"a": ["x"]}`` -> ``{ a: ['x'] }``: single quotes and bare keys, as the CDK app is written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return "'" + json.dumps(value)[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(ts_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(k)}: {ts_literal(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"no TypeScript literal for {type(value).__name__}")


def _key(key: str) -> str:
    return key if _IDENTIFIER.match(key) else ts_literal(key)
