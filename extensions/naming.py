"""Turns dashed answer names into the identifiers each language wants (Go, CDK, env vars)."""

from __future__ import annotations

import re

# Go style (Effective Go, go vet's lint heritage): initialisms keep one case.
GO_INITIALISMS = {
    "acl",
    "alb",
    "api",
    "arn",
    "aws",
    "cpu",
    "crud",
    "dns",
    "http",
    "https",
    "id",
    "io",
    "ip",
    "json",
    "kms",
    "rest",
    "s3",
    "sdk",
    "sns",
    "sqs",
    "ssm",
    "sql",
    "tcp",
    "tls",
    "ttl",
    "ui",
    "uri",
    "url",
    "uuid",
    "xml",
}


def pascal(name: str) -> str:
    """``stream-processor`` -> ``StreamProcessor`` (for CDK construct ids and titles)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


def go_type_name(name: str) -> str:
    """``api`` -> ``API``, ``user-api`` -> ``UserAPI``: the Go prefix for a function's types."""
    return "".join(
        part.upper() if part in GO_INITIALISMS else part[:1].upper() + part[1:] for part in name.split("-") if part
    )


def env_name(name: str) -> str:
    """``stream-processor`` -> ``STREAM_PROCESSOR``."""
    return name.replace("-", "_").upper()


def exposed_id(name: str, suffix: str) -> str:
    """The CDK app's id of what a function exposes (lib/naming.ts exposedId): ``api`` + ``ApiUrl``
    -> ``ApiUrl``, ``orders-api`` -> ``OrdersApiUrl``, ``hello`` -> ``HelloApiUrl``."""
    prefix = pascal(name)
    first_word = re.match(r"[A-Z][a-z0-9]*", suffix)
    if first_word and prefix.endswith(first_word.group(0)):
        return prefix[: len(prefix) - len(first_word.group(0))] + suffix
    return prefix + suffix
