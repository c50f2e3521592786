"""Function lists built from the event catalogue, so that a new kind is tested without a new test.

EVERY_KIND is one function of every kind under its seed name, plus a second function of the
kinds that must coexist with themselves (two handlers of one kind in one Go package, two
triggers of one kind in one stack). every_kind_twice() goes further: two of every kind, each
using every AWS service, the consumers reading the project's resources (the second of a
one-reader kind its own).
"""

from __future__ import annotations

from typing import Any

from extensions.events import CATALOGUE
from extensions.services import SERVICES

KIND_KEYS: list[str] = list(CATALOGUE)
BATCH_KINDS: list[str] = [key for key, kind in CATALOGUE.items() if kind.batch]
HTTP_KINDS: list[str] = [key for key, kind in CATALOGUE.items() if kind.http]


def function(key: str, name: str = "") -> dict[str, Any]:
    return {"name": name or CATALOGUE[key].default_name, "event": key}


EVERY_KIND: list[dict[str, Any]] = [
    *(function(key) for key in KIND_KEYS),
    function("sqs", "orders"),
    function("function-url", "admin-url"),
]


def alone(key: str) -> dict[str, Any]:
    """Answers for a project holding only one function of kind ``key``, and no AWS services."""
    return {"functions": [function(key)], "aws_services": [], "example_crud": False}


def every_kind() -> dict[str, Any]:
    """Answers for a project with every kind; the REST function serves the users example."""
    return {"functions": EVERY_KIND, "aws_services": ["dynamodb"], "example_crud": True}


ALARM_EMAIL = "oncall@example.com"


def every_kind_twice() -> dict[str, Any]:
    """Two functions of every kind, each using every AWS service: no kind may define a Go name or
    CDK id that a second function of its kind would define again, and every kind's handler takes
    every service's client. Alarms on, sent to an email address: every kind's alarms in one stack."""
    functions = [function(key, f"{CATALOGUE[key].default_name}{suffix}") for key in KIND_KEYS for suffix in ("", "-2")]
    for fn in functions:
        if not CATALOGUE[fn["event"]].all_services:  # the kinds that use no service unless listed
            fn["services"] = list(SERVICES)
    for second in functions[1::2]:
        if CATALOGUE[second["event"]].one_reader:  # the project's queue or bucket triggers the first only
            second["source"] = "own"
    return {
        "functions": functions,
        "aws_services": list(SERVICES),
        "example_crud": False,
        "alarms": True,
        "alarm_notify": ALARM_EMAIL,
    }
