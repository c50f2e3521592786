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


# An alb function serves HTTPS, which needs a certificate answer: an ACM certificate of the default
# region (make synth's), or a domain name with the Route 53 hosted zone that validates it.
ALB_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
ALB_CERTIFICATE_ANSWERS: dict[str, Any] = {"alb_certificate": ALB_CERTIFICATE}
ALB_DOMAIN_ANSWERS: dict[str, Any] = {
    "alb_certificate": "api.example.com",
    "alb_hosted_zone_id": "Z0123456789ABCDEFGHIJ",
}


def alone(key: str) -> dict[str, Any]:
    """Answers for a project holding only one function of kind ``key``, and no AWS services."""
    certificate = ALB_CERTIFICATE_ANSWERS if key == "alb" else {}
    return {"functions": [function(key)], "aws_services": [], "example_crud": False, **certificate}


def every_kind() -> dict[str, Any]:
    """Answers for a project with every kind; the REST function serves the users example, the
    ALB has a certificate the stack issues for a domain name."""
    return {"functions": EVERY_KIND, "aws_services": ["dynamodb"], "example_crud": True, **ALB_DOMAIN_ANSWERS}


ALARM_EMAIL = "oncall@example.com"
# The HTTP API that internal/outbound calls, in the project with every service.
OUTBOUND_BASE_URL = "https://api.example.com/v1"


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
        "outbound_base_url": OUTBOUND_BASE_URL,
        **ALB_CERTIFICATE_ANSWERS,  # two load balancers: one certificate covering both names
    }
